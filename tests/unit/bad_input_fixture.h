// The models and blob tools of the bad-input tests: a tiny Conv + Relu + Flatten + Gemm + Softmax
// model and a wider 28-op model with three outputs, built with onnx's protobuf API and
// converted with mote::convert_bytes; exactly-sized aligned copies for AddressSanitizer; CRC
// fixing and section lookup for damaging blobs on purpose.
#ifndef MOTE_TESTS_UNIT_BAD_INPUT_FIXTURE_H
#define MOTE_TESTS_UNIT_BAD_INPUT_FIXTURE_H

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "mote/converter.h"
#include "mote/mote.h"
#include "mote/model_records.hpp"  // internal: blob records, kernel ABI
#include "onnx/onnx_pb.h"

namespace mote_test {

using mote::Status;


// ---- A tiny ONNX model -----------------------------------------------------------------------

inline void add_initializer(onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& dims, float scale) {
  onnx::TensorProto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  int64_t n = 1;
  for (int64_t d : dims) {
    t->add_dims(d);
    n *= d;
  }
  for (int64_t i = 0; i < n; ++i) t->add_float_data(scale * float((i * 7) % 11 - 5));
}

inline onnx::ValueInfoProto* add_value(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>* list, const std::string& name,
                                const std::vector<int64_t>& dims, const std::string& symbolic_first = "") {
  onnx::ValueInfoProto* v = list->Add();
  v->set_name(name);
  auto* tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  auto* shape = tt->mutable_shape();
  for (size_t k = 0; k < dims.size(); ++k) {
    if (k == 0 && !symbolic_first.empty()) {
      shape->add_dim()->set_dim_param(symbolic_first);
    } else {
      shape->add_dim()->set_dim_value(dims[k]);
    }
  }
  return v;
}

inline onnx::NodeProto* add_node(onnx::GraphProto* g, const std::string& op, const std::string& name,
                          const std::vector<std::string>& inputs, const std::vector<std::string>& outputs) {
  onnx::NodeProto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (const auto& s : inputs) n->add_input(s);
  for (const auto& s : outputs) n->add_output(s);
  return n;
}

inline void int_attr(onnx::NodeProto* n, const std::string& name, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

inline void ints_attr(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

// x[1,1,6,6] -> Conv(2x1x3x3, pad 1) -> Relu -> Flatten -> Gemm(72 -> 3) -> Softmax -> y[1,3].
// `extra_op` appends one more node of that type after the softmax (for the unsupported-op
// test); `batch_param` makes the input's first dimension symbolic.
inline onnx::ModelProto tiny_model(const std::string& extra_op = "", const std::string& batch_param = "") {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.set_producer_name("bad_input_test");
  auto* opset = m.add_opset_import();
  opset->set_domain("");
  opset->set_version(13);
  onnx::GraphProto* g = m.mutable_graph();
  g->set_name("tiny");
  add_initializer(g, "conv.w", {2, 1, 3, 3}, 0.1f);
  add_initializer(g, "conv.b", {2}, 0.05f);
  add_initializer(g, "fc.w", {3, 72}, 0.02f);
  add_initializer(g, "fc.b", {3}, 0.01f);
  add_value(g->mutable_input(), "x", {1, 1, 6, 6}, batch_param);
  auto* conv = add_node(g, "Conv", "conv1", {"x", "conv.w", "conv.b"}, {"c"});
  ints_attr(conv, "kernel_shape", {3, 3});
  ints_attr(conv, "pads", {1, 1, 1, 1});
  add_node(g, "Relu", "relu1", {"c"}, {"r"});
  add_node(g, "Flatten", "flat", {"r"}, {"f"});
  auto* gemm = add_node(g, "Gemm", "fc", {"f", "fc.w", "fc.b"}, {"logits"});
  int_attr(gemm, "transB", 1);
  auto* sm = add_node(g, "Softmax", "prob", {"logits"}, {extra_op.empty() ? "y" : "p"});
  int_attr(sm, "axis", 1);
  if (!extra_op.empty()) add_node(g, extra_op, "mystery_node", {"p"}, {"y"});
  add_value(g->mutable_output(), "y", {1, 3}, batch_param);
  return m;
}

inline void float_attr(onnx::NodeProto* n, const std::string& name, float v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}

inline void string_attr(onnx::NodeProto* n, const std::string& name, const std::string& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
}

inline void add_ints(onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& v) {
  onnx::TensorProto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  t->add_dims(int64_t(v.size()));
  for (int64_t x : v) t->add_int64_data(x);
}

inline void add_floats(onnx::GraphProto* g, const std::string& name, const std::vector<float>& v) {
  onnx::TensorProto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  t->add_dims(int64_t(v.size()));
  for (float x : v) t->add_float_data(x);
}

// A wider model, to put the verifier and many more ops' infer functions under damaged blobs:
// grouped Conv, MaxPool, AveragePool, Concat, Transpose, Slice, Pad, LayerNormalization,
// Sigmoid, Mul, MatMul, Resize, Add, ConvTranspose, SpaceToDepth, GlobalAveragePool,
// ReduceMean, Flatten, Gather, Split, CumSum, ArgMax, Clip, Softmax, Tile; three outputs.
inline onnx::ModelProto wide_model() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  auto* opset = m.add_opset_import();
  opset->set_domain("");
  opset->set_version(17);
  onnx::GraphProto* g = m.mutable_graph();
  g->set_name("wide");
  add_value(g->mutable_input(), "x", {1, 4, 8, 8});
  add_initializer(g, "w1", {8, 2, 3, 3}, 0.05f);
  add_initializer(g, "b1", {8}, 0.01f);
  auto* conv = add_node(g, "Conv", "conv", {"x", "w1", "b1"}, {"c1"});
  ints_attr(conv, "pads", {1, 1, 1, 1});
  int_attr(conv, "group", 2);
  add_node(g, "Relu", "relu", {"c1"}, {"r1"});
  auto* mp = add_node(g, "MaxPool", "maxpool", {"r1"}, {"p1"});
  ints_attr(mp, "kernel_shape", {2, 2});
  ints_attr(mp, "strides", {2, 2});
  auto* ap = add_node(g, "AveragePool", "avgpool", {"r1"}, {"p2"});
  ints_attr(ap, "kernel_shape", {3, 3});
  ints_attr(ap, "strides", {2, 2});
  ints_attr(ap, "pads", {1, 1, 1, 1});
  int_attr(add_node(g, "Concat", "concat", {"p1", "p2"}, {"cat"}), "axis", 1);             // [1,16,4,4]
  ints_attr(add_node(g, "Transpose", "to_nhwc", {"cat"}, {"t1"}), "perm", {0, 2, 3, 1});   // [1,4,4,16]
  add_ints(g, "sl.starts", {1});
  add_ints(g, "sl.ends", {4});
  add_ints(g, "sl.axes", {2});
  add_node(g, "Slice", "slice", {"t1", "sl.starts", "sl.ends", "sl.axes"}, {"s1"});       // [1,4,3,16]
  add_ints(g, "pad.pads", {0, 0, 1, 0, 0, 0, 0, 0});
  string_attr(add_node(g, "Pad", "pad", {"s1", "pad.pads"}, {"pd"}), "mode", "reflect");  // [1,4,4,16]
  add_initializer(g, "ln.scale", {16}, 0.3f);
  add_initializer(g, "ln.bias", {16}, 0.1f);
  int_attr(add_node(g, "LayerNormalization", "layernorm", {"pd", "ln.scale", "ln.bias"}, {"ln"}), "axis", -1);
  add_node(g, "Sigmoid", "sigmoid", {"ln"}, {"sg"});
  add_node(g, "Mul", "swish", {"sg", "ln"}, {"sw"});
  add_initializer(g, "wm", {16, 8}, 0.04f);
  add_node(g, "MatMul", "matmul", {"sw", "wm"}, {"mm"});                                  // [1,4,4,8]
  ints_attr(add_node(g, "Transpose", "to_nchw", {"mm"}, {"t2"}), "perm", {0, 3, 1, 2});   // [1,8,4,4]
  add_floats(g, "rs.scales", {1.0f, 1.0f, 2.0f, 2.0f});
  string_attr(add_node(g, "Resize", "resize", {"t2", "", "rs.scales"}, {"up"}), "mode", "linear");  // [1,8,8,8]
  add_node(g, "Add", "residual", {"up", "c1"}, {"res"});
  add_initializer(g, "wt", {8, 4, 2, 2}, 0.05f);
  ints_attr(add_node(g, "ConvTranspose", "deconv", {"res", "wt"}, {"ct"}), "strides", {2, 2});  // [1,4,16,16]
  int_attr(add_node(g, "SpaceToDepth", "s2d", {"ct"}, {"sd"}), "blocksize", 2);            // [1,16,8,8]
  add_node(g, "GlobalAveragePool", "gap", {"sd"}, {"gp"});                                // [1,16,1,1]
  auto* rm = add_node(g, "ReduceMean", "reducemean", {"sd"}, {"rm"});                     // [1,16]
  ints_attr(rm, "axes", {2, 3});
  int_attr(rm, "keepdims", 0);
  add_node(g, "Flatten", "flatten", {"gp"}, {"fl"});                                      // [1,16]
  add_node(g, "Add", "sum", {"fl", "rm"}, {"sum"});
  add_ints(g, "ga.idx", {0, 2, 4, 6, 8});
  int_attr(add_node(g, "Gather", "gather", {"sum", "ga.idx"}, {"ga"}), "axis", 1);         // [1,5]
  add_ints(g, "sp.split", {2, 3});
  int_attr(add_node(g, "Split", "split", {"ga", "sp.split"}, {"sa", "sb"}), "axis", 1);    // [1,2], [1,3]
  add_ints(g, "cs.axis", {1});
  g->mutable_initializer(g->initializer_size() - 1)->clear_dims();  // a scalar
  add_node(g, "CumSum", "cumsum", {"sb", "cs.axis"}, {"cs"});
  int_attr(add_node(g, "ArgMax", "argmax", {"sa"}, {"am"}), "axis", 1);                   // [1,1] int64
  add_floats(g, "cl.min", {-2.0f});
  add_floats(g, "cl.max", {2.0f});
  g->mutable_initializer(g->initializer_size() - 1)->clear_dims();
  g->mutable_initializer(g->initializer_size() - 2)->clear_dims();
  add_node(g, "Clip", "clip", {"cs", "cl.min", "cl.max"}, {"cl"});
  int_attr(add_node(g, "Softmax", "softmax", {"cl"}, {"y"}), "axis", 1);
  add_ints(g, "tl.repeats", {1, 2});
  add_node(g, "Tile", "tile", {"y", "tl.repeats"}, {"tl"});                               // [1,6]
  add_value(g->mutable_output(), "y", {1, 3});
  add_value(g->mutable_output(), "am", {1, 1})->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::INT64);
  add_value(g->mutable_output(), "tl", {1, 6});
  return m;
}

inline std::string serialize(const onnx::ModelProto& m) {
  std::string bytes;
  EXPECT_TRUE(m.SerializeToString(&bytes));
  return bytes;
}

// ---- Blob buffers ----------------------------------------------------------------------------

// A 16-byte aligned heap copy of exactly `size` bytes (plus `shift`), so that AddressSanitizer
// sees any read past the end of the blob.
class Aligned {
 public:
  explicit Aligned(size_t size, size_t shift = 0) : size_(size), shift_(shift) {
    base_ = static_cast<uint8_t*>(::operator new(size + shift + (size + shift == 0 ? 1 : 0), std::align_val_t(16)));
  }
  Aligned(const std::vector<uint8_t>& bytes, size_t size, size_t shift = 0) : Aligned(size, shift) {
    if (size) std::memcpy(data(), bytes.data(), size);
  }
  ~Aligned() { ::operator delete(base_, std::align_val_t(16)); }
  Aligned(const Aligned&) = delete;
  Aligned& operator=(const Aligned&) = delete;
  uint8_t* data() { return base_ + shift_; }
  size_t size() const { return size_; }

 private:
  uint8_t* base_;
  size_t size_;
  size_t shift_;
};

inline uint32_t rd32(const std::vector<uint8_t>& b, size_t at) {
  uint32_t v;
  std::memcpy(&v, b.data() + at, 4);
  return v;
}

inline void wr32(std::vector<uint8_t>* b, size_t at, uint32_t v) { std::memcpy(b->data() + at, &v, 4); }

inline void fix_crc(std::vector<uint8_t>* b) {
  const uint32_t total = rd32(*b, 8) <= b->size() ? rd32(*b, 8) : uint32_t(b->size());
  if (total < 16) return;
  wr32(b, 12, mote::crc32(b->data() + 16, total - 16));
}

// The section table entry with this id, from an intact blob.
inline mote_section_entry section(const std::vector<uint8_t>& b, uint32_t id) {
  mote_blob_header h;
  std::memcpy(&h, b.data(), sizeof h);
  for (uint32_t s = 0; s < h.section_count; ++s) {
    mote_section_entry e;
    std::memcpy(&e, b.data() + sizeof h + s * sizeof e, sizeof e);
    if (e.id == id) return e;
  }
  ADD_FAILURE() << "no section " << id;
  return mote_section_entry{};
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// ---- Fixture: the converted tiny and wide models ---------------------------------------------

class BadInput : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    mote::ConvertOptions opts;
    mote::ConvertResult r = mote::convert_bytes(serialize(tiny_model()), "tiny.onnx", opts);
    blob_ = new std::vector<uint8_t>(r.blob);
    mote::ConvertResult w = mote::convert_bytes(serialize(wide_model()), "wide.onnx", opts);
    wide_ = new std::vector<uint8_t>(w.blob);
  }
  static void TearDownTestSuite() {
    delete blob_;
    delete wide_;
    blob_ = wide_ = nullptr;
  }
  static const std::vector<uint8_t>& blob() { return *blob_; }
  static const std::vector<uint8_t>& wide() { return *wide_; }

  // Loads `bytes` from an exactly-sized aligned buffer; checks the error contract on failure.
  // On success, runs a session over an exactly-sized arena (if it is not absurdly large).
  // Returns the load status; *ran (if given) says whether a session ran.
  static Status load_and_maybe_run(const std::vector<uint8_t>& bytes, std::string* error, bool* ran = nullptr) {
    Aligned buf(bytes, bytes.size());
    mote::Model model;
    Status st = model.load(buf.data(), buf.size());
    *error = model.error();
    if (ran) *ran = false;
    if (st != Status::kOk) {
      EXPECT_FALSE(model.ready());
      EXPECT_FALSE(error->empty()) << "status " << int(st) << " without an error text";
      return st;
    }
    const uint32_t arena_bytes = model.arena_bytes();
    if (arena_bytes > (64u << 20)) return st;  // a damaged plan asking for > 64 MiB: not run
    Aligned arena(arena_bytes);
    std::memset(arena.data(), 0, arena_bytes);
    mote::Session session;
    Status sst = session.init(&model, arena.data(), arena_bytes);
    EXPECT_EQ(sst, Status::kOk) << session.error();
    if (sst != Status::kOk) return st;
    for (uint32_t k = 0; k < model.num_inputs(); ++k) {
      mote::TensorInfo info;
      EXPECT_EQ(model.input_info(k, &info), Status::kOk);
      std::vector<uint8_t> data(info.bytes);
      for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 37 + 11);
      if (info.dtype == MOTE_F32) {
        for (size_t i = 0; i + 4 <= data.size(); i += 4) {
          float v = float(int(i % 13) - 6) * 0.25f;
          std::memcpy(&data[i], &v, 4);
        }
      }
      EXPECT_EQ(session.set_input(k, data.data(), data.size()), Status::kOk) << session.error();
    }
    Status rst = session.run();
    if (rst != Status::kOk) EXPECT_STRNE(session.error(), "");
    for (uint32_t k = 0; k < model.num_outputs(); ++k) EXPECT_NE(session.output_data(k), nullptr);
    if (ran) *ran = true;
    return st;
  }

  static inline std::vector<uint8_t>* blob_ = nullptr;
  static inline std::vector<uint8_t>* wide_ = nullptr;
};


}  // namespace mote_test

#endif  // MOTE_TESTS_UNIT_BAD_INPUT_FIXTURE_H
