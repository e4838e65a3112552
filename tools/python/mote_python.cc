// The `mote` Python module: the converter and the runtime from Python, on numpy arrays.
//
//   import mote, numpy as np
//   blob = mote.convert("models/digits.onnx")                      # bytes of a Mote blob
//   blob8 = mote.convert("models/digits.onnx", quantize="int8", calib=samples)
//   model = mote.Model(blob)
//   model.inputs, model.outputs, model.arena_bytes, model.kernel_set
//   probs = model.run({"input": x})["probabilities"]
//   vocab = mote.Vocab(open("v.motevocab", "rb").read())            # or mote.build_vocab(text)
//   t = vocab.tokenize("Turn on the lights")  # {"ids", "attention_mask", "token_type_ids", ...}
//   t = text_model.tokenize("...")            # a blob converted with vocab= (--vocab)
//
// The runtime is the same freestanding one the CLI, firmware and WebAssembly builds run: a
// Model owns a 64-byte aligned copy of the blob and an arena of the planned size, and a session
// over them that carries state from run to run (reset_state() starts it again).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

#include "mote/converter.h"
#include "mote/kernel.h"
#include "mote/mote.h"
#include "mote/mote.hpp"
#include "mote/text.hpp"

namespace py = pybind11;

namespace {

// numpy's name for a Mote dtype; the dtypes Mote stores map one to one.
std::string numpy_dtype(int32_t dtype) {
  const std::string name = mote::dtype_name(dtype);
  if (name == "bool") return "bool";
  return name;  // float32, float16, int8, uint8, int16, uint16, int32, int64, ...
}

// A buffer aligned to 64 bytes, owned.
struct Aligned {
  std::vector<uint8_t> storage;
  uint8_t* data = nullptr;
  size_t size = 0;
  void zeros(size_t n) {
    storage.assign(n + 64, 0);
    data = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) % 64;
    size = n;
  }
  void assign(const void* bytes, size_t n) {
    zeros(n);
    if (n) std::memcpy(data, bytes, n);
  }
};

py::dict info_dict(const mote::TensorInfo& info) {
  py::dict d;
  d["name"] = std::string(info.name);
  d["dtype"] = numpy_dtype(info.dtype);
  std::vector<int64_t> shape(info.dims, info.dims + info.rank);
  d["shape"] = shape;
  if (info.scale > 0) {
    d["scale"] = info.scale;
    d["zero_point"] = info.zero_point;
  }
  if (info.state) d["state"] = true;
  return d;
}

// BERT WordPiece tokenization into numpy int32 arrays (docs/text.md).
py::dict tokenize_with(const mote::Vocab& vocab, const py::object& text, uint32_t max_length, bool padding,
                       bool special_tokens, const char* who) {
  std::string bytes;
  if (py::isinstance<py::bytes>(text)) {
    bytes = text.cast<std::string>();
  } else if (py::isinstance<py::str>(text)) {
    bytes = text.cast<std::string>();  // UTF-8
  } else {
    throw py::type_error(std::string(who) + ": text must be str or bytes");
  }
  const uint32_t length = max_length ? max_length : vocab.max_length();
  std::vector<int32_t> ids(length), mask(length), types(length);
  uint32_t count = 0, needed = 0;
  const uint32_t flags = (padding ? 0 : mote::kTokenizeNoPadding) | (special_tokens ? 0 : mote::kTokenizeNoSpecialTokens);
  if (vocab.tokenize(bytes.data(), bytes.size(), length, flags, ids.data(), mask.data(), types.data(), length, &count, &needed) !=
      mote::Status::kOk) {
    throw py::value_error(std::string(who) + ": " + vocab.error());
  }
  const size_t written = padding ? length : count;
  auto array = [written](const std::vector<int32_t>& v) {
    py::array_t<int32_t> a(static_cast<py::ssize_t>(written));
    if (written) std::memcpy(a.mutable_data(), v.data(), written * 4);
    return a;
  };
  py::dict d;
  d["ids"] = array(ids);
  d["attention_mask"] = array(mask);
  d["token_type_ids"] = array(types);
  d["count"] = count;
  d["needed"] = needed;
  return d;
}

// A .motevocab (mote vocab, build_vocab), owned and verified.
class Vocab {
 public:
  explicit Vocab(py::bytes table) {
    const std::string bytes = table;
    table_.assign(bytes.data(), bytes.size());
    if (vocab_.open(table_.data, table_.size) != mote::Status::kOk) {
      throw py::value_error(std::string("mote.Vocab: ") + vocab_.error());
    }
  }
  uint32_t size() const { return vocab_.size(); }
  uint32_t max_length() const { return vocab_.max_length(); }
  bool lower_case() const { return vocab_.lower_case(); }
  py::dict special() const {
    py::dict d;
    const char* names[] = {"unk", "cls", "sep", "pad", "mask"};
    for (int k = 0; k < 5; ++k) d[names[k]] = vocab_.special(static_cast<mote::SpecialToken>(k));
    return d;
  }
  py::object token(uint32_t id) const {
    uint32_t n = 0;
    const char* t = vocab_.token(id, &n);
    if (!t) return py::none();
    return py::reinterpret_steal<py::object>(PyUnicode_DecodeUTF8(t, n, "replace"));
  }
  int32_t find(const std::string& token) const { return vocab_.find(token.data(), token.size()); }
  py::dict tokenize(const py::object& text, uint32_t max_length, bool padding, bool special_tokens) const {
    return tokenize_with(vocab_, text, max_length, padding, special_tokens, "mote.Vocab.tokenize");
  }

 private:
  Aligned table_;
  mote::Vocab vocab_;
};

py::bytes build_vocab(const std::string& text, bool lower_case, int strip_accents, uint32_t max_length) {
  mote::VocabOptions o;
  o.lower_case = lower_case;
  o.strip_accents = strip_accents;
  o.max_length = max_length;
  try {
    const std::vector<uint8_t> t = mote::build_vocab(text, o);
    return py::bytes(reinterpret_cast<const char*>(t.data()), t.size());
  } catch (const mote::ConvertError& e) {
    throw py::value_error(std::string("mote.build_vocab: ") + e.what());
  }
}

class Model {
 public:
  explicit Model(py::bytes blob) {
    const std::string bytes = blob;
    blob_.assign(bytes.data(), bytes.size());
    if (model_.load(blob_.data, blob_.size) != mote::Status::kOk) {
      throw py::value_error(std::string("mote.Model: cannot load the blob: ") + model_.error());
    }
    arena_.zeros(model_.arena_bytes());
    if (session_.init(&model_, arena_.data, arena_.size) != mote::Status::kOk) {
      throw std::runtime_error(std::string("mote.Model: ") + session_.error());
    }
    if (model_.has_vocab() && model_.vocab(&vocab_) != mote::Status::kOk) {
      throw py::value_error(std::string("mote.Model: ") + vocab_.error());
    }
  }

  bool has_vocab() const { return vocab_.ready(); }
  py::dict tokenize(const py::object& text, uint32_t max_length, bool padding, bool special_tokens) const {
    if (!vocab_.ready()) throw py::value_error("mote.Model.tokenize: the blob has no vocabulary (convert with vocab=)");
    return tokenize_with(vocab_, text, max_length, padding, special_tokens, "mote.Model.tokenize");
  }

  py::list inputs() const {
    py::list l;
    for (uint32_t k = 0; k < model_.num_inputs(); ++k) {
      mote::TensorInfo info;
      (void)model_.input_info(k, &info);
      l.append(info_dict(info));
    }
    return l;
  }
  py::list outputs() const {
    py::list l;
    for (uint32_t k = 0; k < model_.num_outputs(); ++k) {
      mote::TensorInfo info;
      (void)model_.output_info(k, &info);
      l.append(info_dict(info));
    }
    return l;
  }
  uint32_t arena_bytes() const { return model_.arena_bytes(); }
  std::string kernel_set() const {
    return model_.optimized_kernels() ? std::string(mote_kernel_set()) : std::string("reference");
  }

  // Every input by name (a carried state may be left out: it continues from the last run), each
  // of the input's dtype and shape (or its element count, as a flat array).
  py::dict run(const py::dict& feeds) {
    std::vector<bool> given(model_.num_inputs(), false);
    for (const auto& item : feeds) {
      const std::string name = py::str(item.first);
      const int32_t k = model_.find_input(name.c_str());
      if (k < 0) throw py::key_error("mote.Model.run: the model has no input '" + name + "'");
      mote::TensorInfo info;
      (void)model_.input_info(uint32_t(k), &info);
      const py::dtype want(numpy_dtype(info.dtype));
      py::array a = py::array::ensure(item.second);
      if (!a) throw py::type_error("mote.Model.run: input '" + name + "' is not an array");
      if (!a.dtype().is(want)) {
        throw py::type_error("mote.Model.run: input '" + name + "' is " + numpy_dtype(info.dtype) + ", not " +
                             std::string(py::str(a.dtype())));
      }
      a = py::array::ensure(a, py::array::c_style | py::array::forcecast);
      if (size_t(a.nbytes()) != info.bytes) {
        std::string shape = "[";
        for (int32_t d = 0; d < info.rank; ++d) shape += (d ? "," : "") + std::to_string(info.dims[d]);
        throw py::value_error("mote.Model.run: input '" + name + "' takes shape " + shape + "] (" + std::to_string(info.bytes) +
                              " bytes), not " + std::to_string(a.nbytes()) + " bytes");
      }
      if (session_.set_input(uint32_t(k), a.data(), size_t(a.nbytes())) != mote::Status::kOk) {
        throw py::value_error(std::string("mote.Model.run: ") + session_.error());
      }
      given[size_t(k)] = true;
    }
    for (uint32_t k = 0; k < model_.num_inputs(); ++k) {
      mote::TensorInfo info;
      (void)model_.input_info(k, &info);
      if (!given[k] && !info.state) throw py::key_error(std::string("mote.Model.run: missing input '") + info.name + "'");
    }
    if (session_.run() != mote::Status::kOk) throw std::runtime_error(std::string("mote.Model.run: ") + session_.error());
    py::dict out;
    for (uint32_t k = 0; k < model_.num_outputs(); ++k) {
      mote::TensorInfo info;
      (void)model_.output_info(k, &info);
      std::vector<py::ssize_t> shape(info.dims, info.dims + info.rank);
      py::array a(py::dtype(numpy_dtype(info.dtype)), shape);
      std::memcpy(a.mutable_data(), session_.output_data(k), info.bytes);
      out[py::str(info.name)] = a;
    }
    return out;
  }

  void reset_state() { (void)session_.reset_state(); }

 private:
  Aligned blob_, arena_;
  mote::Model model_;
  mote::Session session_;
  mote::Vocab vocab_;
};

// A numpy array of calibration samples, through a temporary .npy (the converter reads files).
struct TempNpy {
  std::string path;
  explicit TempNpy(const py::array& samples) {
    char name[] = "/tmp/mote-calib-XXXXXX";
    const int fd = mkstemp(name);
    if (fd < 0) throw std::runtime_error("mote.convert: cannot write the calibration samples");
    close(fd);
    path = std::string(name) + ".npy";
    std::rename(name, path.c_str());
    py::module_::import("numpy").attr("save")(path, samples);
  }
  ~TempNpy() { std::remove(path.c_str()); }
};

py::bytes convert(py::object model, const std::map<std::string, std::vector<int64_t>>& shapes, const std::string& sets,
                  const std::string& quantize, py::object calib, bool strict,
                  const std::vector<std::pair<std::string, std::string>>& carry, const std::string& vocab,
                  const std::string& calib_method, double percentile, bool bias_correction, py::object min_sqnr,
                  py::object max_sqnr_drop, const std::vector<std::string>& keep_float, bool int8_io, bool narrow_double,
                  const std::string& io_layout) {
  mote::ConvertOptions opt;
  if (io_layout != "nchw" && io_layout != "nhwc") {
    throw py::value_error("mote.convert: io_layout takes 'nchw' or 'nhwc', not '" + io_layout + "'");
  }
  opt.io_nhwc = io_layout == "nhwc";
  opt.calib_method = calib_method;
  opt.percentile = percentile;
  opt.bias_correction = bias_correction;
  if (!min_sqnr.is_none()) opt.min_sqnr = min_sqnr.cast<double>();
  if (!max_sqnr_drop.is_none()) opt.max_sqnr_drop = max_sqnr_drop.cast<double>();
  opt.keep_float = keep_float;
  opt.int8_io = int8_io;
  opt.narrow_double = narrow_double;
  if (!vocab.empty()) {
    FILE* f = std::fopen(vocab.c_str(), "rb");
    if (!f) throw py::value_error("mote.convert: cannot read the vocabulary " + vocab);
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) opt.vocab_text.append(buf, n);
    std::fclose(f);
    if (opt.vocab_text.empty()) throw py::value_error("mote.convert: empty vocabulary " + vocab);
  }
  opt.shapes = shapes;
  opt.kernel_sets = mote::parse_targets(sets);
  opt.carry = carry;
  if (!quantize.empty() && quantize != "int8" && quantize != "int8-weights") {
    throw py::value_error("mote.convert: quantize takes 'int8' or 'int8-weights', not '" + quantize + "'");
  }
  opt.quantize_int8 = quantize == "int8";
  opt.quantize_int8_weights = quantize == "int8-weights";
  opt.strict = strict;
  std::unique_ptr<TempNpy> tmp;
  if (!calib.is_none()) {
    if (py::isinstance<py::str>(calib)) {
      opt.calib = calib.cast<std::string>();
    } else {
      tmp.reset(new TempNpy(py::array::ensure(calib)));
      opt.calib = tmp->path;
    }
  }
  if (opt.quantize_int8 && opt.calib.empty()) throw py::value_error("mote.convert: quantize='int8' needs calib (samples)");
  mote::ConvertResult r;
  try {
    mote::check_options(opt);
    if (py::isinstance<py::bytes>(model)) {
      r = mote::convert_bytes(model.cast<std::string>(), "model.onnx", opt);
    } else {
      r = mote::convert_file(py::str(model).cast<std::string>(), opt);
    }
  } catch (const mote::ConvertError& e) {
    throw py::value_error(std::string("mote.convert: ") + e.what());
  }
  return py::bytes(reinterpret_cast<const char*>(r.blob.data()), r.blob.size());
}

}  // namespace

PYBIND11_MODULE(mote, m) {
  m.doc() = "Mote: convert ONNX models to blobs with a static arena plan, and run them";
  m.attr("kernel_set") = std::string(mote_kernel_set());
  m.def("convert", &convert, py::arg("model"), py::kw_only(), py::arg("shapes") = std::map<std::string, std::vector<int64_t>>{},
        py::arg("sets") = "all", py::arg("quantize") = "", py::arg("calib") = py::none(), py::arg("strict") = false,
        py::arg("carry") = std::vector<std::pair<std::string, std::string>>{}, py::arg("vocab") = "",
        py::arg("calib_method") = "minmax", py::arg("percentile") = 99.99, py::arg("bias_correction") = false,
        py::arg("min_sqnr") = py::none(), py::arg("max_sqnr_drop") = py::none(),
        py::arg("keep_float") = std::vector<std::string>{}, py::arg("int8_io") = false, py::arg("narrow_double") = false,
        py::arg("io_layout") = "nchw",
        "Converts an ONNX model (a path, or the file's bytes) to a Mote blob (bytes). shapes: {input: [dims]} for\n"
        "dynamic dimensions; sets: the kernel sets to plan scratch for (mote convert --target); quantize='int8' with\n"
        "calib (an array of samples along axis 0, or a .npy path), or 'int8-weights' (no calib); carry: [(output, input)]\n"
        "streaming state;\n"
        "vocab: a vocab.txt path to embed (mote convert --vocab; uncased, max length from the first input).\n"
        "With quantize='int8' (as the mote convert flags of the same names): calib_method 'minmax', 'percentile',\n"
        "'mse' or 'entropy'; percentile (50..100); bias_correction; min_sqnr / max_sqnr_drop (dB, automatic mixed\n"
        "precision); keep_float: node names, 'prefix*' or op types that stay float; int8_io: int8 inputs and outputs.\n"
        "narrow_double: compute float64 tensors in float32. io_layout='nhwc': with the NHWC convolution chains of\n"
        "Cortex-M targets (sets='cortex-m4' ...), the model's 4-D int8 inputs and outputs channels-last too.");
  m.def("build_vocab", &build_vocab, py::arg("text"), py::kw_only(), py::arg("lower_case") = true, py::arg("strip_accents") = -1,
        py::arg("max_length") = 512,
        "A .motevocab (bytes) from a vocab.txt's text (mote vocab): strip_accents -1 follows lower_case.");
  py::class_<Vocab>(m, "Vocab", "A verified WordPiece vocabulary (a .motevocab's bytes) with BERT's tokenization.")
      .def(py::init<py::bytes>(), py::arg("table"))
      .def_property_readonly("size", &Vocab::size)
      .def_property_readonly("max_length", &Vocab::max_length)
      .def_property_readonly("lower_case", &Vocab::lower_case)
      .def_property_readonly("special", &Vocab::special)
      .def("token", &Vocab::token, py::arg("id"), "A token's text, or None for an id out of range.")
      .def("find", &Vocab::find, py::arg("token"), "The id of a token's exact text, or -1.")
      .def("tokenize", &Vocab::tokenize, py::arg("text"), py::kw_only(), py::arg("max_length") = 0, py::arg("padding") = true,
           py::arg("special_tokens") = true,
           "[CLS] pieces [SEP] padded with [PAD] to max_length (0: the vocabulary's): {'ids', 'attention_mask',\n"
           "'token_type_ids'} (int32 arrays), 'count' (tokens with mask 1), 'needed' (untruncated; > count when cut).");
  py::class_<Model>(m, "Model", "A loaded blob with a session over its own arena.")
      .def(py::init<py::bytes>(), py::arg("blob"))
      .def_property_readonly("inputs", &Model::inputs)
      .def_property_readonly("outputs", &Model::outputs)
      .def_property_readonly("arena_bytes", &Model::arena_bytes)
      .def_property_readonly("kernel_set", &Model::kernel_set)
      .def("run", &Model::run, py::arg("feeds"), "Runs once: {input name: array} -> {output name: array}.")
      .def("reset_state", &Model::reset_state, "Starts the carried state (mote convert --carry) again at zeros.")
      .def_property_readonly("has_vocab", &Model::has_vocab)
      .def("tokenize", &Model::tokenize, py::arg("text"), py::kw_only(), py::arg("max_length") = 0, py::arg("padding") = true,
           py::arg("special_tokens") = true, "Tokenizes with the blob's vocabulary (convert with vocab=): see Vocab.tokenize.");
}
