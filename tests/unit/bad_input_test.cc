// Bad input never crashes: truncated, corrupted and mis-versioned blobs, blobs that pass the
// checksum but carry random damage, unknown op codes, small arenas, wrong input sizes, misaligned
// and null pointers, and converter input it cannot handle. Each failure must come with a status
// that names the class of problem and an error text that says what is wrong.
//
// The blobs under test are real: a tiny Conv + Relu + Flatten + Gemm + Softmax model and a wider
// 28-op model, built here with onnx's protobuf API and converted with mote::convert_bytes.
//
// Under -DMOTE_SANITIZE=ON (AddressSanitizer + UBSan) the fixed-checksum tests are what prove the
// verifier: any blob it accepts must run without touching memory outside the blob and the arena.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "mote/converter.h"
#include "mote/mote.h"
#include "mote/mote.hpp"
#include "onnx/onnx_pb.h"

namespace {

using mote::Status;

// ---- A tiny ONNX model -----------------------------------------------------------------------

void add_initializer(onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& dims, float scale) {
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

onnx::ValueInfoProto* add_value(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>* list, const std::string& name,
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

onnx::NodeProto* add_node(onnx::GraphProto* g, const std::string& op, const std::string& name,
                          const std::vector<std::string>& inputs, const std::vector<std::string>& outputs) {
  onnx::NodeProto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (const auto& s : inputs) n->add_input(s);
  for (const auto& s : outputs) n->add_output(s);
  return n;
}

void int_attr(onnx::NodeProto* n, const std::string& name, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

void ints_attr(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

// x[1,1,6,6] -> Conv(2x1x3x3, pad 1) -> Relu -> Flatten -> Gemm(72 -> 3) -> Softmax -> y[1,3].
// `extra_op` appends one more node of that type after the softmax (for the unsupported-op
// test); `batch_param` makes the input's first dimension symbolic.
onnx::ModelProto tiny_model(const std::string& extra_op = "", const std::string& batch_param = "") {
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
  if (extra_op == "TopK") {
    onnx::TensorProto* k = g->add_initializer();
    k->set_name("k");
    k->set_data_type(onnx::TensorProto::INT64);
    k->add_dims(1);
    k->add_int64_data(2);
    add_node(g, "TopK", "top2", {"p", "k"}, {"y", "idx"});
    add_value(g->mutable_output(), "y", {1, 2}, batch_param);
    auto* idx = add_value(g->mutable_output(), "idx", {1, 2}, batch_param);
    idx->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::INT64);
  } else {
    if (!extra_op.empty()) add_node(g, extra_op, "mystery_node", {"p"}, {"y"});
    add_value(g->mutable_output(), "y", {1, 3}, batch_param);
  }
  return m;
}

void float_attr(onnx::NodeProto* n, const std::string& name, float v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}

void string_attr(onnx::NodeProto* n, const std::string& name, const std::string& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
}

void add_ints(onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& v) {
  onnx::TensorProto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  t->add_dims(int64_t(v.size()));
  for (int64_t x : v) t->add_int64_data(x);
}

void add_floats(onnx::GraphProto* g, const std::string& name, const std::vector<float>& v) {
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
onnx::ModelProto wide_model() {
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

std::string serialize(const onnx::ModelProto& m) {
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

uint32_t rd32(const std::vector<uint8_t>& b, size_t at) {
  uint32_t v;
  std::memcpy(&v, b.data() + at, 4);
  return v;
}

void wr32(std::vector<uint8_t>* b, size_t at, uint32_t v) { std::memcpy(b->data() + at, &v, 4); }

void fix_crc(std::vector<uint8_t>* b) {
  const uint32_t total = rd32(*b, 8) <= b->size() ? rd32(*b, 8) : uint32_t(b->size());
  if (total < 16) return;
  wr32(b, 12, mote::crc32(b->data() + 16, total - 16));
}

// The section table entry with this id, from an intact blob.
mote_section_entry section(const std::vector<uint8_t>& b, uint32_t id) {
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

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

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

  static std::vector<uint8_t>* blob_;
  static std::vector<uint8_t>* wide_;
};

std::vector<uint8_t>* BadInput::blob_ = nullptr;
std::vector<uint8_t>* BadInput::wide_ = nullptr;

TEST_F(BadInput, TheIntactBlobLoadsAndRuns) {
  ASSERT_GT(blob().size(), sizeof(mote_blob_header));
  EXPECT_EQ(rd32(blob(), 8), blob().size());
  std::string error;
  bool ran = false;
  ASSERT_EQ(load_and_maybe_run(blob(), &error, &ran), Status::kOk) << error;
  EXPECT_TRUE(ran);
  ASSERT_EQ(load_and_maybe_run(wide(), &error, &ran), Status::kOk) << error;
  EXPECT_TRUE(ran);

  Aligned buf(blob(), blob().size());
  mote::Model model;
  ASSERT_EQ(model.load(buf.data(), buf.size()), Status::kOk);
  EXPECT_EQ(model.num_inputs(), 1u);
  EXPECT_EQ(model.num_outputs(), 1u);
  EXPECT_STREQ(model.error(), "");
  std::vector<uint8_t> arena(model.arena_bytes() + 16);
  uint8_t* a = arena.data() + (16 - reinterpret_cast<uintptr_t>(arena.data()) % 16) % 16;
  mote::Session session;
  ASSERT_EQ(session.init(&model, a, model.arena_bytes()), Status::kOk);
  std::vector<float> x(36, 0.5f);
  ASSERT_EQ(session.set_input(0, x.data(), x.size() * 4), Status::kOk);
  ASSERT_EQ(session.run(), Status::kOk) << session.error();
  const float* y = static_cast<const float*>(session.output_data(0));
  EXPECT_NEAR(y[0] + y[1] + y[2], 1.0f, 1e-5f);
}

// 1. Every truncation fails cleanly.
TEST_F(BadInput, EveryTruncationIsRejected) {
  for (const std::vector<uint8_t>* b : {&blob(), &wide()}) {
    for (size_t size = 0; size < b->size(); ++size) {
      Aligned buf(*b, size);
      mote::Model model;
      Status st = model.load(buf.data(), size);
      ASSERT_EQ(st, Status::kTruncated) << "size " << size << ": " << model.error();
      ASSERT_FALSE(model.ready());
      ASSERT_TRUE(contains(model.error(), "bytes")) << "size " << size << ": " << model.error();
    }
  }
}

// 2a. A flipped byte anywhere under the checksum is a checksum error.
TEST_F(BadInput, RandomByteFlipsFailTheChecksum) {
  std::mt19937 rng(20240501u);
  std::uniform_int_distribution<size_t> where(16, blob().size() - 1);
  std::uniform_int_distribution<int> mask(1, 255);
  std::vector<uint8_t> bytes = blob();
  for (int trial = 0; trial < 10000; ++trial) {
    const size_t at = where(rng);
    const uint8_t m = uint8_t(mask(rng));
    bytes[at] ^= m;
    Aligned buf(bytes, bytes.size());
    mote::Model model;
    Status st = model.load(buf.data(), buf.size());
    ASSERT_EQ(st, Status::kChecksum) << "byte " << at << " ^ " << int(m) << ": " << model.error();
    ASSERT_TRUE(contains(model.error(), "CRC32")) << model.error();
    bytes[at] ^= m;
  }
}

// 2a'. The 16 bytes before the checksummed range: magic, version, size, the CRC itself.
TEST_F(BadInput, HeaderByteFlipsAreRejected) {
  std::vector<uint8_t> bytes = blob();
  for (size_t at = 0; at < 16; ++at) {
    for (int m = 1; m < 256; ++m) {
      bytes[at] ^= uint8_t(m);
      Aligned buf(bytes, bytes.size());
      mote::Model model;
      Status st = model.load(buf.data(), buf.size());
      bytes[at] ^= uint8_t(m);
      if (at == 6 || at == 7) {  // version_minor: a newer minor version of v1 is readable
        EXPECT_EQ(st, Status::kOk) << model.error();
        continue;
      }
      ASSERT_NE(st, Status::kOk) << "byte " << at << " ^ " << m;
      ASSERT_STRNE(model.error(), "");
      if (at < 4) EXPECT_EQ(st, Status::kBadMagic);
      if (at == 4 || at == 5) EXPECT_EQ(st, Status::kVersion);
      if (at >= 12) EXPECT_EQ(st, Status::kChecksum);
    }
  }
}

// 2b. Flips with the checksum recomputed reach the structural checks: the verifier must refuse
// the blob cleanly, or accept one that then runs without touching memory outside the blob, the
// arena and its own objects (AddressSanitizer/UBSan builds check that part).
void flips_with_fixed_crc(const std::vector<uint8_t>& blob, uint32_t seed, int trials, int* rejected, int* ran) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<size_t> where(16, blob.size() - 1);
  std::uniform_int_distribution<int> mask(1, 255);
  *rejected = *ran = 0;
  for (int trial = 0; trial < trials; ++trial) {
    std::vector<uint8_t> bytes = blob;
    const size_t at = where(rng);
    const uint8_t m = uint8_t(mask(rng));
    bytes[at] ^= m;
    fix_crc(&bytes);
    std::string error;
    bool did_run = false;
    Status st = BadInput::load_and_maybe_run(bytes, &error, &did_run);
    if (st != Status::kOk) {
      ++*rejected;
      ASSERT_NE(st, Status::kChecksum) << "byte " << at << ": " << error;
    }
    *ran += did_run ? 1 : 0;
    if (::testing::Test::HasFailure()) FAIL() << "trial " << trial << ", byte " << at << " ^ " << int(m) << ": " << error;
  }
}

TEST_F(BadInput, RandomByteFlipsWithAFixedChecksumNeverCrash) {
  int rejected = 0, ran = 0;
  flips_with_fixed_crc(blob(), 7u, 10000, &rejected, &ran);
  EXPECT_GT(rejected, 1000);
  RecordProperty("rejected", rejected);
  RecordProperty("ran", ran);
}

TEST_F(BadInput, WideModelRandomByteFlipsWithAFixedChecksumNeverCrash) {
  int rejected = 0, ran = 0;
  flips_with_fixed_crc(wide(), 11u, 10000, &rejected, &ran);
  EXPECT_GT(rejected, 1000);
  RecordProperty("rejected", rejected);
  RecordProperty("ran", ran);
}

// 2c. Boundary values (0, -1, INT_MIN, INT_MAX, small numbers, ...) written over every 32-bit
// word, half-word and byte outside the weights, checksum fixed: values a random flip rarely
// produces, in every field (counts, offsets, dims, op codes, dtypes, ranks, parameters).
void boundary_values_with_fixed_crc(const std::vector<uint8_t>& blob) {
  static const uint32_t kWords[] = {0u, 1u, 2u, 3u, 4u, 7u, 8u, 9u, 15u, 16u, 17u, 255u, 256u, 0xFFFFu, 0x10000u,
                                    0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu, 0xFFFFFFFEu, 0xFFFFFFF0u,
                                    0x3F800000u /* 1.0f */, 0x7FC00000u /* NaN */, 0xFF800000u /* -inf */};
  static const uint16_t kHalves[] = {0, 1, 2, 3, 8, 9, 16, 17, 255, 0x7FFF, 0x8000, 0xFFFF};
  static const uint8_t kBytes[] = {0, 1, 2, 3, 7, 8, 9, 16, 0x7F, 0x80, 0xFF};
  const mote_section_entry consts = section(blob, MOTE_SECTION_CONSTANTS);
  auto attempt = [&](uint32_t at, const void* value, size_t width) {
    if (std::memcmp(&blob[at], value, width) == 0) return;
    std::vector<uint8_t> bytes = blob;
    std::memcpy(&bytes[at], value, width);
    fix_crc(&bytes);
    std::string error;
    (void)BadInput::load_and_maybe_run(bytes, &error);
    if (::testing::Test::HasFailure()) {
      uint32_t v = 0;
      std::memcpy(&v, value, width);
      FAIL() << width << " byte(s) at " << at << " = " << v << ": " << error;
    }
  };
  for (uint32_t at = 16; at + 4 <= blob.size(); at += 4) {
    if (at >= consts.offset && at < consts.offset + consts.size) continue;  // weights: any value is valid
    for (uint32_t v : kWords) {
      attempt(at, &v, 4);
      if (::testing::Test::HasFailure()) return;
    }
    for (uint32_t half = 0; half < 4; half += 2) {
      for (uint16_t v : kHalves) {
        attempt(at + half, &v, 2);
        if (::testing::Test::HasFailure()) return;
      }
    }
    for (uint32_t byte = 0; byte < 4; ++byte) {
      for (uint8_t v : kBytes) {
        attempt(at + byte, &v, 1);
        if (::testing::Test::HasFailure()) return;
      }
    }
  }
}

TEST_F(BadInput, BoundaryValuesWithAFixedChecksumNeverCrash) { boundary_values_with_fixed_crc(blob()); }

TEST_F(BadInput, WideModelBoundaryValuesWithAFixedChecksumNeverCrash) { boundary_values_with_fixed_crc(wide()); }

// 2d. Every op record re-coded as every op the runtime has (keeping its operands and
// parameters), and every operand slot pointed at every tensor (and at "absent"): each op's infer
// function must refuse operands and parameter records meant for another op, or accept only what
// its kernel can run.
void recode_and_rewire_with_fixed_crc(const std::vector<uint8_t>& blob) {
  const mote_section_entry ops = section(blob, MOTE_SECTION_OPS);
  const mote_section_entry operands = section(blob, MOTE_SECTION_OPERANDS);
  const mote_section_entry tensors = section(blob, MOTE_SECTION_TENSORS);
  auto attempt = [&](uint32_t at, uint32_t value, size_t width, const char* what) {
    std::vector<uint8_t> bytes = blob;
    std::memcpy(&bytes[at], &value, width);
    fix_crc(&bytes);
    std::string error;
    (void)BadInput::load_and_maybe_run(bytes, &error);
    if (::testing::Test::HasFailure()) FAIL() << what << " at " << at << " = " << value << ": " << error;
  };
  for (uint32_t n = 0; n < ops.count; ++n) {
    for (uint32_t code = 0; code < MOTE_OP_COUNT; ++code) {
      attempt(ops.offset + n * sizeof(mote_op_record), code, 2, "op code");
      if (::testing::Test::HasFailure()) return;
    }
  }
  for (uint32_t k = 0; k < operands.count; ++k) {
    for (uint32_t t = 0; t <= tensors.count; ++t) {
      attempt(operands.offset + 4 * k, t == tensors.count ? MOTE_NONE : t, 4, "operand");
      if (::testing::Test::HasFailure()) return;
    }
  }
}

TEST_F(BadInput, RecodedAndRewiredOpsNeverCrash) { recode_and_rewire_with_fixed_crc(blob()); }

TEST_F(BadInput, WideModelRecodedAndRewiredOpsNeverCrash) { recode_and_rewire_with_fixed_crc(wide()); }

// 3. A format version this runtime does not read.
TEST_F(BadInput, WrongFormatVersion) {
  std::vector<uint8_t> bytes = blob();
  const uint16_t v = 2;
  std::memcpy(&bytes[4], &v, 2);
  fix_crc(&bytes);
  Aligned buf(bytes, bytes.size());
  mote::Model model;
  EXPECT_EQ(model.load(buf.data(), buf.size()), Status::kVersion);
  EXPECT_TRUE(contains(model.error(), "blob format version 2.")) << model.error();
  EXPECT_TRUE(contains(model.error(), "reads version 1")) << model.error();
}

// 4. An op code this runtime does not have.
TEST_F(BadInput, UnknownOpCode) {
  std::vector<uint8_t> bytes = blob();
  const mote_section_entry ops = section(bytes, MOTE_SECTION_OPS);
  ASSERT_GE(ops.count, 3u);
  const uint32_t op_index = 2;
  const uint16_t code = MOTE_OP_COUNT + 5;
  std::memcpy(&bytes[ops.offset + op_index * sizeof(mote_op_record)], &code, 2);
  fix_crc(&bytes);
  Aligned buf(bytes, bytes.size());
  mote::Model model;
  EXPECT_EQ(model.load(buf.data(), buf.size()), Status::kUnsupportedOp);
  const std::string error = model.error();
  EXPECT_TRUE(contains(error, "op " + std::to_string(op_index))) << error;
  EXPECT_TRUE(contains(error, "op code " + std::to_string(code))) << error;
}

// 5. An arena one alignment unit too small.
TEST_F(BadInput, ArenaTooSmall) {
  Aligned buf(blob(), blob().size());
  mote::Model model;
  ASSERT_EQ(model.load(buf.data(), buf.size()), Status::kOk);
  const uint32_t need = model.arena_bytes();
  ASSERT_GE(need, 16u);
  Aligned arena(need);
  const std::string need_text = std::to_string(need);
  for (size_t have : {size_t(need - 16), size_t(need - 1), size_t(0)}) {
    mote::Session session;
    EXPECT_EQ(session.init(&model, arena.data(), have), Status::kArenaTooSmall) << have;
    EXPECT_FALSE(session.ready());
    EXPECT_TRUE(contains(session.error(), "needs " + need_text)) << session.error();
    EXPECT_TRUE(contains(session.error(), std::to_string(have))) << session.error();
    EXPECT_EQ(session.run(), Status::kNotReady);
  }
  // The C API says the same.
  mote_model cm;
  ASSERT_EQ(mote_model_load(&cm, buf.data(), buf.size()), MOTE_OK);
  mote_session cs;
  EXPECT_EQ(mote_session_init(&cs, &cm, arena.data(), need - 16), MOTE_ERR_ARENA_TOO_SMALL);
  EXPECT_TRUE(contains(mote_session_error(&cs), need_text)) << mote_session_error(&cs);
  EXPECT_EQ(mote_session_init(&cs, &cm, arena.data(), need), MOTE_OK);
}

// 6. Input data of the wrong size.
TEST_F(BadInput, WrongInputSize) {
  Aligned buf(blob(), blob().size());
  mote::Model model;
  ASSERT_EQ(model.load(buf.data(), buf.size()), Status::kOk);
  Aligned arena(model.arena_bytes());
  mote::Session session;
  ASSERT_EQ(session.init(&model, arena.data(), model.arena_bytes()), Status::kOk);
  std::vector<float> x(37, 1.0f);
  for (size_t bytes : {size_t(35 * 4), size_t(37 * 4), size_t(36 * 4 - 1), size_t(0)}) {
    EXPECT_EQ(session.set_input(0, x.data(), bytes), Status::kShape) << bytes;
    const std::string error = session.error();
    EXPECT_TRUE(contains(error, "'x'")) << error;
    EXPECT_TRUE(contains(error, "[1,1,6,6]")) << error;
    EXPECT_TRUE(contains(error, "144 bytes")) << error;
    EXPECT_TRUE(contains(error, "got " + std::to_string(bytes))) << error;
  }
  EXPECT_EQ(session.set_input(1, x.data(), 144), Status::kInvalidArgument);
  EXPECT_TRUE(contains(session.error(), "input index 1")) << session.error();
  EXPECT_EQ(session.set_input(0, x.data(), 144), Status::kOk);

  mote_model cm;
  ASSERT_EQ(mote_model_load(&cm, buf.data(), buf.size()), MOTE_OK);
  mote_session cs;
  ASSERT_EQ(mote_session_init(&cs, &cm, arena.data(), model.arena_bytes()), MOTE_OK);
  EXPECT_EQ(mote_session_set_input(&cs, 0, x.data(), 4), MOTE_ERR_SHAPE);
  EXPECT_TRUE(contains(mote_session_error(&cs), "[1,1,6,6]")) << mote_session_error(&cs);
}

// 7. Converter input it cannot handle.
std::string convert_error(const std::string& bytes, const mote::ConvertOptions& opts = {}) {
  try {
    mote::ConvertResult r = mote::convert_bytes(bytes, "bad.onnx", opts);
    ADD_FAILURE() << "conversion succeeded (" << r.blob.size() << " bytes); expected a ConvertError";
  } catch (const mote::ConvertError& e) {
    EXPECT_STRNE(e.what(), "");
    return e.what();
  }
  return "";
}

TEST(BadOnnx, UnsupportedOpNamesTheOpAndTheNode) {
  const std::string topk = convert_error(serialize(tiny_model("TopK")));
  EXPECT_TRUE(contains(topk, "TopK")) << topk;
  EXPECT_TRUE(contains(topk, "top2")) << topk;

  const std::string foo = convert_error(serialize(tiny_model("FooBar")));
  EXPECT_TRUE(contains(foo, "FooBar")) << foo;
  EXPECT_TRUE(contains(foo, "mystery_node")) << foo;
}

TEST(BadOnnx, SymbolicDimensionWithoutShape) {
  const std::string error = convert_error(serialize(tiny_model("", "batch")));
  EXPECT_TRUE(contains(error, "'x'")) << error;
  EXPECT_TRUE(contains(error, "batch")) << error;
  EXPECT_TRUE(contains(error, "--shape")) << error;

  // With the dimension bound, it converts.
  mote::ConvertOptions opts;
  opts.shapes["x"] = {1, 1, 6, 6};
  EXPECT_NO_THROW((void)mote::convert_bytes(serialize(tiny_model("", "batch")), "tiny.onnx", opts));
}

TEST(BadOnnx, MalformedFileIsAConvertError) {
  std::mt19937 rng(99u);
  for (int trial = 0; trial < 20; ++trial) {
    std::string junk(size_t(1 + trial * 37), '\0');
    for (char& c : junk) c = char(rng());
    try {
      (void)mote::convert_bytes(junk, "junk.onnx", {});
      ADD_FAILURE() << "random bytes converted (trial " << trial << ")";
    } catch (const mote::ConvertError& e) {
      EXPECT_STRNE(e.what(), "");
    }
  }
  // A valid model cut short.
  const std::string good = serialize(tiny_model());
  EXPECT_FALSE(convert_error(good.substr(0, good.size() / 2)).empty());
  // The empty string parses as an empty ModelProto; the checker must refuse it.
  EXPECT_FALSE(convert_error("").empty());
}

// 8. Misaligned and null pointers.
TEST_F(BadInput, MisalignedBlob) {
  for (size_t shift : {size_t(1), size_t(4), size_t(8)}) {
    Aligned buf(blob(), blob().size(), shift);
    mote::Model model;
    EXPECT_EQ(model.load(buf.data(), buf.size()), Status::kAlignment) << shift;
    EXPECT_TRUE(contains(model.error(), "16-byte aligned")) << model.error();
    mote_model cm;
    EXPECT_EQ(mote_model_load(&cm, buf.data(), buf.size()), MOTE_ERR_ALIGNMENT);
  }
}

TEST_F(BadInput, MisalignedArena) {
  Aligned buf(blob(), blob().size());
  mote::Model model;
  ASSERT_EQ(model.load(buf.data(), buf.size()), Status::kOk);
  Aligned arena(model.arena_bytes() + 16);
  mote::Session session;
  EXPECT_EQ(session.init(&model, arena.data() + 4, model.arena_bytes()), Status::kAlignment);
  EXPECT_TRUE(contains(session.error(), "16-byte aligned")) << session.error();
}

TEST_F(BadInput, NullPointers) {
  mote::Model model;
  EXPECT_EQ(model.load(nullptr, blob().size()), Status::kInvalidArgument);
  EXPECT_TRUE(contains(model.error(), "null")) << model.error();
  EXPECT_EQ(model.input_info(0, nullptr), Status::kNotReady);

  Aligned buf(blob(), blob().size());
  ASSERT_EQ(model.load(buf.data(), buf.size()), Status::kOk);
  EXPECT_EQ(model.input_info(0, nullptr), Status::kInvalidArgument);
  EXPECT_EQ(model.output_info(0, nullptr), Status::kInvalidArgument);
  EXPECT_EQ(model.find_input(nullptr), -1);
  EXPECT_EQ(model.find_output(nullptr), -1);

  Aligned arena(model.arena_bytes());
  mote::Session session;
  EXPECT_EQ(session.init(nullptr, arena.data(), model.arena_bytes()), Status::kInvalidArgument);
  EXPECT_TRUE(contains(session.error(), "null")) << session.error();
  EXPECT_EQ(session.init(&model, nullptr, model.arena_bytes()), Status::kInvalidArgument);
  EXPECT_TRUE(contains(session.error(), "null")) << session.error();
  ASSERT_EQ(session.init(&model, arena.data(), model.arena_bytes()), Status::kOk);
  EXPECT_EQ(session.set_input(0, nullptr, 144), Status::kInvalidArgument);
  EXPECT_TRUE(contains(session.error(), "null")) << session.error();

  // A model that failed to load is not ready, and a session refuses it.
  mote::Model failed;
  EXPECT_NE(failed.load(buf.data(), 10), Status::kOk);
  mote::Session s2;
  EXPECT_EQ(s2.init(&failed, arena.data(), 1 << 20), Status::kNotReady);
  EXPECT_STRNE(s2.error(), "");
  EXPECT_EQ(s2.set_input(0, arena.data(), 4), Status::kNotReady);
  EXPECT_EQ(s2.run(), Status::kNotReady);
  EXPECT_EQ(s2.input_data(0), nullptr);
  EXPECT_EQ(s2.output_data(0), nullptr);

  // The C API.
  mote_model cm;
  mote_session cs;
  mote_tensor_info info;
  EXPECT_EQ(mote_model_load(nullptr, buf.data(), buf.size()), MOTE_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mote_model_load(&cm, nullptr, buf.size()), MOTE_ERR_INVALID_ARGUMENT);
  EXPECT_STRNE(mote_model_error(&cm), "");
  EXPECT_EQ(mote_model_input_info(nullptr, 0, &info), MOTE_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mote_model_output_info(nullptr, 0, &info), MOTE_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mote_model_find_input(nullptr, "x"), -1);
  EXPECT_EQ(mote_model_arena_bytes(nullptr), 0u);
  EXPECT_STREQ(mote_model_error(nullptr), "");
  ASSERT_EQ(mote_model_load(&cm, buf.data(), buf.size()), MOTE_OK);
  EXPECT_EQ(mote_model_find_input(&cm, nullptr), -1);
  EXPECT_EQ(mote_model_find_input(&cm, "x"), 0);
  EXPECT_EQ(mote_model_input_info(&cm, 0, nullptr), MOTE_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mote_session_init(nullptr, &cm, arena.data(), model.arena_bytes()), MOTE_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mote_session_init(&cs, nullptr, arena.data(), model.arena_bytes()), MOTE_ERR_INVALID_ARGUMENT);
  EXPECT_STRNE(mote_session_error(&cs), "");
  EXPECT_EQ(mote_session_init(&cs, &cm, nullptr, model.arena_bytes()), MOTE_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mote_session_set_input(nullptr, 0, arena.data(), 144), MOTE_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mote_session_run(nullptr), MOTE_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mote_session_input_data(nullptr, 0), nullptr);
  EXPECT_EQ(mote_session_output_data(nullptr, 0), nullptr);
  EXPECT_STREQ(mote_session_error(nullptr), "");
}

}  // namespace
