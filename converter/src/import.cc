// The conversion pipeline: load + check the ONNX model, bind shapes and fixed inputs, run ONNX
// shape inference, lower and fold, apply graph passes, plan the arena and write the blob.
#include <cmath>
#include <cstring>
#include <fstream>
#include <new>
#include <sstream>

#include "graph.h"
#include "lower.h"
#include "mote/converter.h"
#include "narrow.h"
#include "onnx/checker.h"
#include "onnx/shape_inference/implementation.h"
#include "validate.h"

namespace mote {

int32_t mote_dtype_from_onnx(int32_t t) {
  switch (t) {
    case onnx::TensorProto::FLOAT: return MOTE_F32;
    case onnx::TensorProto::UINT8: return MOTE_U8;
    case onnx::TensorProto::INT8: return MOTE_I8;
    case onnx::TensorProto::INT32: return MOTE_I32;
    case onnx::TensorProto::INT64: return MOTE_I64;
    case onnx::TensorProto::BOOL: return MOTE_BOOL;
    case onnx::TensorProto::FLOAT16: return MOTE_F16;
    default: return 0;
  }
}

static const char* onnx_type_name(int32_t t) {
  return onnx::TensorProto::DataType_IsValid(t) ? onnx::TensorProto::DataType_Name(onnx::TensorProto::DataType(t)).c_str() : "?";
}

Tensor tensor_from_proto(const onnx::TensorProto& p) {
  Tensor t;
  t.name = p.name();
  t.dtype = mote_dtype_from_onnx(p.data_type());
  if (p.data_type() == onnx::TensorProto::DOUBLE) {
    throw ConvertError("tensor '" + p.name() + "' is float64 (DOUBLE), which Mote does not compute in: --narrow-double reads it as float32");
  }
  if (!t.dtype) {
    throw ConvertError("tensor '" + p.name() + "': data type " + onnx_type_name(p.data_type()) + " is not supported");
  }
  if (p.data_location() == onnx::TensorProto::EXTERNAL) throw ConvertError("tensor '" + p.name() + "': external data is not supported");
  for (int64_t d : p.dims()) {
    if (d < 0) throw ConvertError("tensor '" + p.name() + "': negative dimension");
    t.shape.push_back(d);
  }
  t.is_const = true;
  const int64_t n = t.numel();
  if (n > (int64_t(1) << 31)) throw ConvertError("tensor '" + p.name() + "' is too large");
  const size_t es = dtype_size(t.dtype);
  // The data present must match the shape before anything is allocated: a few bytes of model
  // may claim 2^31 elements.
  int64_t present = 0;
  if (p.has_raw_data()) {
    present = int64_t(p.raw_data().size() / es);
    if (p.raw_data().size() % es != 0) present = -1;
  } else {
    switch (t.dtype) {
      case MOTE_F32: present = p.float_data_size(); break;
      case MOTE_I64: present = p.int64_data_size(); break;
      default: present = p.int32_data_size(); break;  // int32, and 8-bit types and bool
    }
  }
  if (present != n) {
    throw ConvertError("tensor '" + p.name() + "': " + (p.has_raw_data() ? "raw data size" : "element count") +
                       " does not match its shape");
  }
  t.data.assign(size_t(n) * es, 0);
  if (p.has_raw_data()) {
    if (!t.data.empty()) std::memcpy(t.data.data(), p.raw_data().data(), t.data.size());
    return t;
  }
  switch (t.dtype) {  // the element counts were checked above
    case MOTE_F32:
      if (n) std::memcpy(t.data.data(), p.float_data().data(), t.data.size());
      break;
    case MOTE_I64:
      if (n) std::memcpy(t.data.data(), p.int64_data().data(), t.data.size());
      break;
    case MOTE_I32:
      if (n) std::memcpy(t.data.data(), p.int32_data().data(), t.data.size());
      break;
    case MOTE_F16:  // the bits, one per int32_data entry
      for (int64_t k = 0; k < n; ++k) {
        const uint16_t bits = uint16_t(p.int32_data(int(k)));
        std::memcpy(t.data.data() + 2 * k, &bits, 2);
      }
      break;
    default:  // 8-bit types and bool travel in int32_data
      for (int64_t k = 0; k < n; ++k) t.data[size_t(k)] = uint8_t(p.int32_data(int(k)));
      break;
  }
  return t;
}

std::vector<int32_t> to_dims32(const std::vector<int64_t>& shape, const std::string& what) {
  if (shape.size() > MOTE_MAX_RANK) throw ConvertError(what + ": rank " + std::to_string(shape.size()) + " is above 8");
  std::vector<int32_t> d;
  for (int64_t v : shape) {
    if (v < 0 || v > INT32_MAX) throw ConvertError(what + ": dimension out of range");
    d.push_back(int32_t(v));
  }
  return d;
}

TensorView view_of(const Tensor& t, bool with_data) {
  TensorView v{};
  v.dtype = t.dtype;
  auto d = to_dims32(t.shape, "tensor '" + t.name + "'");
  v.rank = int32_t(d.size());
  for (size_t k = 0; k < d.size(); ++k) v.dims[k] = d[k];
  v.data = with_data ? const_cast<uint8_t*>(t.data.data()) : nullptr;
  return v;
}

namespace {

uint64_t fnv1a64(const std::string& bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Parses --set values: "@file.npy", or comma-separated numbers.
Tensor set_value(const std::string& name, const std::string& text, int32_t dtype, const std::vector<int64_t>& declared, bool known) {
  Tensor t;
  if (!text.empty() && text[0] == '@') {
    HostTensor h = read_npy(text.substr(1));
    t.dtype = h.dtype;
    t.shape = h.shape;
    t.data = h.data;
  } else {
    std::vector<double> vals;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
      try {
        size_t used = 0;
        vals.push_back(std::stod(item, &used));
        if (used != item.size()) throw std::invalid_argument(item);
      } catch (const std::exception&) {
        throw ConvertError("--set " + name + ": '" + item + "' is not a number");
      }
    }
    if (vals.empty()) throw ConvertError("--set " + name + ": no value");
    t.dtype = dtype ? dtype : MOTE_F32;
    int64_t want = -1;  // stays -1 for a declared shape with unbound (-1) or too many elements
    if (!checked_product(declared.data(), 0, int32_t(declared.size()), &want)) want = -1;
    if (known && want == int64_t(vals.size())) {
      t.shape = declared;
    } else if (vals.size() == 1 && declared.empty()) {
      t.shape = {};
    } else {
      t.shape = {int64_t(vals.size())};
    }
    const uint32_t es = dtype_size(t.dtype);
    t.data.resize(vals.size() * es);
    for (size_t k = 0; k < vals.size(); ++k) {
      uint8_t* p = t.data.data() + k * es;
      switch (t.dtype) {
        case MOTE_F32: { float v = float(vals[k]); std::memcpy(p, &v, 4); break; }
        case MOTE_I32: { int32_t v = int32_t(vals[k]); std::memcpy(p, &v, 4); break; }
        case MOTE_I64: { int64_t v = int64_t(vals[k]); std::memcpy(p, &v, 8); break; }
        default: *p = uint8_t(int64_t(vals[k])); break;
      }
    }
  }
  if (dtype && t.dtype != dtype) {
    throw ConvertError("--set " + name + ": value is " + dtype_name(t.dtype) + ", the input is " + dtype_name(dtype));
  }
  t.is_const = true;
  t.name = name;
  return t;
}

}  // namespace

namespace {

// --carry OUT=IN: a last op copies output OUT into input IN's arena bytes, which the planner
// keeps for IN to the end of the run (planner.cc), so the next run reads the new state there.
void add_carries(Graph& g, const ConvertOptions& options) {
  auto find = [&](const std::vector<int>& ids, const std::string& name) {
    for (int id : ids) {
      if (g.tensors[size_t(id)].name == name) return id;
    }
    return -1;
  };
  for (const auto& c : options.carry) {
    const int out = find(g.outputs, c.first), in = find(g.inputs, c.second);
    if (out < 0) throw ConvertError("--carry " + c.first + "=" + c.second + ": the model has no output '" + c.first + "'");
    if (in < 0) throw ConvertError("--carry " + c.first + "=" + c.second + ": the model has no runtime input '" + c.second + "'");
    const Tensor& to = g.tensors[size_t(out)];
    Tensor& ti = g.tensors[size_t(in)];
    if (to.dtype != ti.dtype || to.shape != ti.shape) {
      throw ConvertError("--carry " + c.first + "=" + c.second + ": output and input differ in dtype or shape");
    }
    if (ti.state) throw ConvertError("--carry: input '" + c.second + "' is carried twice");
    ti.state = true;
    Tensor next;
    next.name = c.second + " (next run)";
    next.dtype = ti.dtype;
    next.shape = ti.shape;
    const int id = g.add_tensor(std::move(next));
    Op op;
    op.code = MOTE_OP_COPY;
    op.inputs = {out};
    op.outputs = {id};
    op.name = "carry " + c.first + " -> " + c.second;
    g.ops.push_back(op);
    g.carries.push_back({in, id});
  }
}

ConvertResult convert_model(const std::string& model_bytes, const std::string& source_name, const ConvertOptions& options) {
  onnx::ModelProto model;
  if (options.stage) options.stage("parsing " + std::to_string(model_bytes.size() >> 20) + " MiB");
  if (!model.ParseFromString(model_bytes)) throw ConvertError(source_name + ": not a valid ONNX model (protobuf parse failed)");
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    throw ConvertError(source_name + ": ONNX checker: " + e.what());
  }
  uint32_t opset = 0;
  for (const auto& o : model.opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") opset = uint32_t(o.version());
  }
  // Float64 tensors: refused by name, or narrowed to float32 before anything else reads the model.
  const NarrowedDouble narrowed = narrow_double(&model, options.narrow_double);
  onnx::GraphProto* graph = model.mutable_graph();
  // The runtime refuses a blob without outputs, so such a model is refused before any is written.
  if (graph->output_size() == 0) throw ConvertError(source_name + ": the graph has no outputs");

  // Bind shapes and fixed inputs before shape inference, so that it sees static shapes.
  std::map<std::string, bool> is_initializer;
  for (const auto& init : graph->initializer()) is_initializer[init.name()] = true;
  std::map<std::string, bool> seen_shape, seen_set;
  for (auto& input : *graph->mutable_input()) {
    if (is_initializer.count(input.name())) continue;
    auto it = options.shapes.find(input.name());
    if (it == options.shapes.end() || !input.type().has_tensor_type()) continue;
    seen_shape[input.name()] = true;
    auto* shape = input.mutable_type()->mutable_tensor_type()->mutable_shape();
    if (input.type().tensor_type().has_shape() && shape->dim_size() != int(it->second.size())) {
      throw ConvertError("--shape " + input.name() + ": rank " + std::to_string(it->second.size()) + " given, the model declares rank " +
                         std::to_string(shape->dim_size()));
    }
    shape->clear_dim();
    for (int64_t d : it->second) shape->add_dim()->set_dim_value(d);
  }
  for (const auto& s : options.shapes) {
    if (!seen_shape.count(s.first)) throw ConvertError("--shape " + s.first + ": the model has no such input");
  }
  // ONNX's inference trusts what it reads: check it first, and run it behind Mote's checks.
  validate_model(model);
  try {
    GuardedSchemaRegistry registry;
    onnx::shape_inference::InferShapes(model, &registry);
  } catch (const ConvertError&) {
    throw;
  } catch (const std::exception& e) {
    throw ConvertError(source_name + ": ONNX shape inference: " + e.what());
  }

  Graph g;
  g.opset = opset;
  g.ir_version = uint32_t(model.ir_version());
  Lowerer L(g, opset);
  for (const auto& init : graph->initializer()) {
    Tensor t = tensor_from_proto(init);
    t.name = init.name();
    L.bind(init.name(), L.constant(std::move(t)));
  }
  for (const auto& input : graph->input()) {
    if (is_initializer.count(input.name())) continue;
    const auto& tt = input.type().tensor_type();
    if (!input.type().has_tensor_type()) throw ConvertError("input '" + input.name() + "' is not a tensor");
    const int32_t dtype = mote_dtype_from_onnx(tt.elem_type());
    std::vector<int64_t> shape;
    bool known = tt.has_shape();
    int unbound = -1;
    std::string unbound_name;
    if (known) {
      for (int k = 0; k < tt.shape().dim_size(); ++k) {
        const auto& d = tt.shape().dim(k);
        if (d.has_dim_value()) {
          shape.push_back(d.dim_value());
        } else {
          known = false;
          if (unbound < 0) {
            unbound = k;
            unbound_name = d.has_dim_param() ? d.dim_param() : "?";
          }
          shape.push_back(-1);
        }
      }
    }
    auto set_t = options.set_tensors.find(input.name());
    if (set_t != options.set_tensors.end()) {
      seen_set[input.name()] = true;
      Tensor c;
      c.name = input.name();
      c.dtype = set_t->second.dtype;
      c.shape = set_t->second.shape;
      c.data = set_t->second.data;
      if (dtype && c.dtype != dtype) throw ConvertError("--set " + input.name() + ": value dtype does not match the input");
      L.bind(input.name(), L.constant(std::move(c)));
      continue;
    }
    auto set = options.sets.find(input.name());
    if (set != options.sets.end()) {
      seen_set[input.name()] = true;
      L.bind(input.name(), L.constant(set_value(input.name(), set->second, dtype, shape, known)));
      continue;
    }
    if (!dtype) {
      throw ConvertError("input '" + input.name() + "': data type " + onnx_type_name(tt.elem_type()) + " is not supported");
    }
    if (!tt.has_shape()) {
      throw ConvertError("input '" + input.name() + "' has no declared shape; bind it with --shape " + input.name() + "=DIMS");
    }
    if (!known) {
      throw ConvertError("input '" + input.name() + "' dimension " + std::to_string(unbound) + " ('" + unbound_name +
                         "') is not bound; pass --shape " + input.name() + "=DIMS (e.g. 1x3x224x224)");
    }
    Tensor t;
    t.name = input.name();
    t.dtype = dtype;
    t.shape = shape;
    t.graph_input = true;
    t.narrowed = narrowed.io_names.count(input.name()) != 0;
    const int id = g.add_tensor(std::move(t));
    g.inputs.push_back(id);
    L.bind(input.name(), id);
  }
  for (const auto& s : options.sets) {
    if (!seen_set.count(s.first)) throw ConvertError("--set " + s.first + ": the model has no such input");
  }
  for (const auto& s : options.set_tensors) {
    if (!seen_set.count(s.first)) throw ConvertError("--set " + s.first + ": the model has no such input");
  }
  if (options.stage) options.stage("checked and shape-inferred; lowering " + std::to_string(graph->node_size()) + " nodes");
  for (const auto& node : graph->node()) L.lower_node(node);
  if (options.stage) options.stage("lowered to " + std::to_string(g.ops.size()) + " ops");

  // Graph outputs: each must be its own arena tensor carrying the output's name.
  std::map<int, bool> taken;
  for (const auto& out : graph->output()) {
    int id = L.lookup(out.name());
    // A float16 output computed in float32 (the lowering widened its value) is narrowed back.
    if (out.type().tensor_type().elem_type() == onnx::TensorProto::FLOAT16 && g.tensors[size_t(id)].dtype == MOTE_F32) {
      id = L.emit(MOTE_OP_CAST, mote_cast_params{MOTE_F16}, {id}, {L.fresh_name(out.name())})[0];
    }
    Tensor& t = g.tensors[size_t(id)];
    if (t.is_const || t.graph_input || taken.count(id)) {
      Tensor copy;
      copy.name = out.name();
      copy.dtype = t.dtype;
      copy.shape = t.shape;
      const int cid = g.add_tensor(std::move(copy));
      Op op;
      op.code = MOTE_OP_COPY;
      op.inputs = {id};
      op.outputs = {cid};
      op.name = out.name();
      g.ops.push_back(op);
      id = cid;
    }
    g.tensors[size_t(id)].name = out.name();
    g.tensors[size_t(id)].graph_output = true;
    g.tensors[size_t(id)].narrowed = narrowed.io_names.count(out.name()) != 0;
    taken[id] = true;
    g.outputs.push_back(id);
  }

  ConvertResult result;
  result.folded_nodes = uint32_t(L.folded());
  result.narrowed = uint32_t(narrowed.total());
  if (narrowed.total()) result.notes.push_back(narrowed.note());
  int dead = remove_dead_ops(g);
  if (!options.no_fusion) {
    fuse_patterns(g, &result.notes);
    int bn = fold_batch_norm(g);
    int act = fuse_activations(g);
    dead += remove_dead_ops(g);
    if (bn) result.notes.push_back("folded " + std::to_string(bn) + " BatchNormalization into Conv/Gemm");
    if (act) result.notes.push_back("fused " + std::to_string(act) + " activations");
  }
  if (L.folded()) result.notes.push_back("folded " + std::to_string(L.folded()) + " constant ops");
  for (const auto& e : L.expanded()) {
    result.notes.push_back("expanded " + e.first + " (x" + std::to_string(e.second) + ") into the ops ONNX defines it by");
  }
  if (options.quantize_int8_weights) {
    if (options.quantize_int8) throw ConvertError("int8 and int8-weights quantisation are exclusive");
    quantize_weights_int8(g, &result.notes);
  } else if (options.quantize_int8 && !options.calib.empty()) {
    quantize_graph(g, options, &result.notes);
    remove_dead_ops(g);
  } else if (!options.no_fusion && fold_qdq(g, options.strict, options.int8_io, &result.notes)) {
    remove_dead_ops(g);
  }
  if (!options.no_fusion) {
    if (int shuffles = fold_channel_shuffles(g)) {
      remove_dead_ops(g);
      result.notes.push_back("folded " + std::to_string(shuffles) + " channel shuffles into the ops reading them");
    }
  }
  if (dead) result.notes.push_back("removed " + std::to_string(dead) + " dead ops");
  if (!options.no_fusion && wants_nhwc(options.kernel_sets)) choose_layout(g, options.io_nhwc, &result.notes);
  if (!options.no_fusion && winograd_target(options.kernel_sets)) winograd_convs(g, options.kernel_sets, &result.notes);
  if (!options.no_fusion && expand_dw_target(options.kernel_sets)) expand_dw_convs(g, &result.notes);
  if (!options.no_fusion && options.fold_zero_points) fold_zero_points(g, &result.notes);

  add_carries(g, options);
  if (options.stage) options.stage("planning the arena for " + std::to_string(g.ops.size()) + " ops");
  Plan plan = (options.kernel_sets & MOTE_SET_LEAN) ? plan_arena_min(g, options.kernel_sets) : plan_arena(g, options.kernel_sets);
  BlobMeta meta{source_name, fnv1a64(model_bytes), options.kernel_sets, result.narrowed, {}};
  if (!options.vocab_text.empty()) {
    VocabOptions vo = options.vocab;
    if (vo.max_length == 0) {
      vo.max_length = 512;
      const Tensor& in = g.tensors[size_t(g.inputs.at(0))];
      const bool ids = in.dtype == MOTE_I32 || in.dtype == MOTE_I64;
      if (ids && in.shape.size() == 2 && in.shape[0] == 1 && in.shape[1] >= 2) vo.max_length = uint32_t(in.shape[1]);
    }
    meta.vocab = build_vocab(options.vocab_text, vo);
    result.notes.push_back("vocabulary: " + std::to_string(vocab_token_count(meta.vocab)) + " tokens, max length " +
                           std::to_string(vo.max_length));
  }
  result.blob = write_blob(g, plan, meta);
  result.arena_bytes = plan.arena_bytes;
  result.lower_bound = plan.lower_bound;
  result.op_count = uint32_t(g.ops.size());
  std::map<int, bool> counted;
  for (const Op& op : g.ops) {
    for (int id : op.inputs) {
      if (id >= 0 && g.tensors[size_t(id)].is_const && !counted[id]) {
        counted[id] = true;
        result.weight_bytes += g.tensors[size_t(id)].bytes();
      }
    }
  }
  return result;
}

}  // namespace

void check_options(const ConvertOptions& o) {
  if (o.quantize_int8 && o.quantize_int8_weights) throw ConvertError("int8 and int8-weights quantisation exclude each other");
  const std::string& m = o.calib_method;
  if (m != "minmax" && m != "percentile" && m != "mse" && m != "entropy") {
    throw ConvertError("the calibration method is minmax, percentile, mse or entropy, not '" + m + "'");
  }
  if (!(o.percentile >= 50.0 && o.percentile <= 100.0)) {
    throw ConvertError("the calibration percentile is a number from 50 to 100, not " + std::to_string(o.percentile));
  }
  if (!std::isnan(o.min_sqnr) && !(o.min_sqnr >= -100.0 && o.min_sqnr <= 200.0)) {
    throw ConvertError("the minimum SQNR is a number of dB from -100 to 200, not " + std::to_string(o.min_sqnr));
  }
  if (!std::isnan(o.max_sqnr_drop) && !(o.max_sqnr_drop >= 0.0 && o.max_sqnr_drop <= 200.0)) {
    throw ConvertError("the maximum SQNR drop is a number of dB from 0 to 200, not " + std::to_string(o.max_sqnr_drop));
  }
  const bool int8_only = !o.calib.empty() || o.strict || o.int8_io || !o.keep_float.empty() || !std::isnan(o.min_sqnr) ||
                         !std::isnan(o.max_sqnr_drop) || o.bias_correction || m != "minmax";
  if (!o.quantize_int8 && int8_only) {
    throw ConvertError("calibration samples and method, strict, int8 inputs/outputs, keep-float, the SQNR bounds and "
                       "bias correction go with int8 quantisation");
  }
  if (o.quantize_int8 && o.calib.empty()) throw ConvertError("int8 quantisation needs calibration samples");
}

// The lowering names the node in its errors; whatever escapes another stage (initialisers, the
// passes, calibration, the planner) still leaves as a ConvertError, never as a bare exception.
ConvertResult convert_bytes(const std::string& model_bytes, const std::string& source_name, const ConvertOptions& options) {
  check_options(options);
  try {
    return convert_model(model_bytes, source_name, options);
  } catch (const ConvertError&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw ConvertError(source_name + ": out of memory");
  } catch (const std::exception& e) {
    throw ConvertError(source_name + ": internal error: " + e.what());
  }
}

ConvertResult convert_file(const std::string& path, const ConvertOptions& options) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw ConvertError(path + ": cannot open");
  std::stringstream ss;
  ss << f.rdbuf();
  std::string name = path;
  size_t slash = name.find_last_of('/');
  if (slash != std::string::npos) name = name.substr(slash + 1);
  return convert_bytes(ss.str(), name, options);
}

std::vector<std::string> graph_input_names(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  onnx::ModelProto model;
  if (!f || !model.ParseFromIstream(&f)) throw ConvertError(path + ": not a valid ONNX model");
  std::map<std::string, bool> init;
  for (const auto& i : model.graph().initializer()) init[i.name()] = true;
  std::vector<std::string> names;
  for (const auto& i : model.graph().input()) {
    if (!init.count(i.name())) names.push_back(i.name());
  }
  return names;
}

HostTensor read_tensor_proto_file(const std::string& path, bool narrow_double) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw ConvertError(path + ": cannot open");
  std::stringstream ss;
  ss << f.rdbuf();
  onnx::TensorProto proto;
  if (!proto.ParseFromString(ss.str())) throw ConvertError(path + ": not a serialized ONNX TensorProto");
  if (narrow_double) narrow_tensor_proto(&proto);
  Tensor t = tensor_from_proto(proto);
  HostTensor h;
  h.name = proto.name();
  h.dtype = t.dtype;
  h.shape = t.shape;
  h.data = std::move(t.data);
  return h;
}

}  // namespace mote
