// What the verifier proves beyond bounds, each with a reproducer made here: the whole arena plan
// (no two live tensors share bytes, graph outputs never alias, lifetimes match the ops, scratch
// never covers a live tensor), shapes whose every product is bounded, and int8 arithmetic that
// cannot overflow (accumulators, multipliers, the QAdd rescale; parameters in the arena
// refused). Kernel-level classes (integer Div, int32 DequantizeLinear, int8 pooling sums) are
// checked on the reference kernels with the extreme values. Under -DMOTE_SANITIZE=ON these are
// the blobs and values that used to trigger UndefinedBehaviorSanitizer.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "mote/converter.h"
#include "mote/model_records.hpp"  // internal: blob records, kernel ABI
#include "tests/unit/bad_input_fixture.h"
#include "tests/unit/kernel_test_util.h"

namespace {

using mote::Status;
using namespace mote_test;

// ---- Blob surgery ------------------------------------------------------------------------------

struct BlobView {
  std::vector<uint8_t> bytes;
  mote_section_entry tensors{}, ops{}, operands{}, constants{}, plan{};
  explicit BlobView(const std::vector<uint8_t>& b) : bytes(b) {
    tensors = section(b, MOTE_SECTION_TENSORS);
    ops = section(b, MOTE_SECTION_OPS);
    operands = section(b, MOTE_SECTION_OPERANDS);
    constants = section(b, MOTE_SECTION_CONSTANTS);
    plan = section(b, MOTE_SECTION_PLAN);
  }
  mote_tensor_record* tensor(uint32_t t) {
    return reinterpret_cast<mote_tensor_record*>(bytes.data() + tensors.offset) + t;
  }
  const mote_op_record& op(uint32_t n) const { return reinterpret_cast<const mote_op_record*>(bytes.data() + ops.offset)[n]; }
  uint32_t operand(uint32_t k) const { return reinterpret_cast<const uint32_t*>(bytes.data() + operands.offset)[k]; }
  uint32_t arena() const { return rd32(bytes, plan.offset); }
  uint8_t* constant(uint32_t t) { return bytes.data() + constants.offset + tensor(t)->offset; }
  std::string name(uint32_t t) {
    const mote_section_entry s = section(bytes, MOTE_SECTION_STRINGS);
    return tensor(t)->name == MOTE_NONE ? "" : reinterpret_cast<const char*>(bytes.data() + s.offset + tensor(t)->name);
  }
  bool reads(uint32_t n, uint32_t t) const {
    for (uint32_t k = 0; k < uint32_t(op(n).num_inputs) + op(n).num_outputs; ++k) {
      if (operand(op(n).operands + k) == t) return true;
    }
    return false;
  }
  // Loads a CRC-fixed copy; returns the status, the error text in *error.
  Status load(std::string* error) {
    fix_crc(&bytes);
    Aligned buf(bytes, bytes.size());
    mote::Model model;
    const Status st = model.load(buf.data(), buf.size());
    *error = model.error();
    return st;
  }
};

bool live_together(const mote_tensor_record& a, const mote_tensor_record& b) {
  return a.first_step <= b.last_step && b.first_step <= a.last_step;
}

std::vector<uint8_t> digits_int8() {
  mote::ConvertOptions opt;
  opt.quantize_int8 = true;
  opt.calib = std::string(MOTE_SOURCE_DIR) + "/models/digits_calib.npy";
  return mote::convert_file(std::string(MOTE_SOURCE_DIR) + "/models/digits.onnx", opt).blob;
}

// The first op with this code, or -1.
int32_t find_op(const BlobView& v, int32_t code) {
  for (uint32_t n = 0; n < v.ops.count; ++n) {
    if (v.op(n).code == code) return int32_t(n);
  }
  return -1;
}

// ---- The arena plan --------------------------------------------------------------------------

TEST_F(BadInput, PlanWithTwoLiveTensorsSharingBytesIsRefusedNamingBoth) {
  for (const std::vector<uint8_t>* model : {&blob(), &wide()}) {
    BlobView v(*model);
    // Two arena tensors live at the same step, neither an operand of the other's writer: put the
    // second where the first is.
    uint32_t a = MOTE_NONE, b = MOTE_NONE;
    for (uint32_t i = 0; i < v.tensors.count && a == MOTE_NONE; ++i) {
      for (uint32_t j = 0; j < v.tensors.count && a == MOTE_NONE; ++j) {
        mote_tensor_record& ri = *v.tensor(i);
        mote_tensor_record& rj = *v.tensor(j);
        if (i == j || ri.storage != MOTE_STORAGE_ARENA || rj.storage != MOTE_STORAGE_ARENA || !ri.bytes || !rj.bytes) continue;
        if (ri.offset == rj.offset || !live_together(ri, rj) || rj.first_step == 0 || v.reads(rj.first_step, i)) continue;
        if (uint64_t(ri.offset) + rj.bytes > v.arena()) continue;
        a = i, b = j;
      }
    }
    ASSERT_NE(a, MOTE_NONE) << "no candidate pair";
    v.tensor(b)->offset = v.tensor(a)->offset;
    std::string error;
    ASSERT_EQ(v.load(&error), Status::kMalformed) << error;
    EXPECT_TRUE(contains(error, "'" + v.name(a) + "'")) << error;
    EXPECT_TRUE(contains(error, "'" + v.name(b) + "'")) << error;
    EXPECT_TRUE(contains(error, "live")) << error;
  }
}

TEST_F(BadInput, GraphOutputsOverwritingEachOtherAreRefused) {
  BlobView v(wide());
  const mote_section_entry io = section(wide(), MOTE_SECTION_IO);
  const uint32_t inputs = rd32(wide(), io.offset), outputs = rd32(wide(), io.offset + 4);
  ASSERT_GE(outputs, 2u);
  const uint32_t y0 = rd32(wide(), io.offset + 8 + 4 * inputs), y1 = rd32(wide(), io.offset + 12 + 4 * inputs);
  // The smaller output moved onto the other: both are live at the end.
  const uint32_t small = v.tensor(y0)->bytes <= v.tensor(y1)->bytes ? y0 : y1, big = small == y0 ? y1 : y0;
  v.tensor(small)->offset = v.tensor(big)->offset;
  std::string error;
  ASSERT_EQ(v.load(&error), Status::kMalformed);
  EXPECT_TRUE(contains(error, v.name(small)) && contains(error, v.name(big))) << error;
}

TEST_F(BadInput, LifetimesThatDisagreeWithTheOpsAreRefused) {
  BlobView v(wide());
  // A tensor read after the last step its record claims.
  uint32_t t = MOTE_NONE;
  for (uint32_t i = 0; i < v.tensors.count && t == MOTE_NONE; ++i) {
    const mote_tensor_record& r = *v.tensor(i);
    if (r.storage == MOTE_STORAGE_ARENA && r.flags == 0 && r.last_step > r.first_step && r.first_step > 0) t = i;
  }
  ASSERT_NE(t, MOTE_NONE);
  v.tensor(t)->last_step -= 1;
  std::string error;
  ASSERT_EQ(v.load(&error), Status::kMalformed) << error;
  EXPECT_TRUE(contains(error, "outside its lifetime")) << error;

  BlobView w(wide());
  w.tensor(t)->first_step -= 1;  // claims to be written one op early
  ASSERT_EQ(w.load(&error), Status::kMalformed);
  EXPECT_TRUE(contains(error, "outside its lifetime")) << error;
}

TEST_F(BadInput, ScratchOverALiveTensorIsRefused) {
  BlobView v(wide());
  // An op given 16 bytes of scratch on top of a tensor that is live across it.
  for (uint32_t n = 1; n + 1 < v.ops.count; ++n) {
    uint32_t t = MOTE_NONE;
    for (uint32_t i = 0; i < v.tensors.count && t == MOTE_NONE; ++i) {
      const mote_tensor_record& r = *v.tensor(i);
      if (r.storage == MOTE_STORAGE_ARENA && r.bytes >= 16 && r.first_step < n && r.last_step > n) t = i;
    }
    if (t == MOTE_NONE) continue;
    BlobView w(wide());
    auto* op = reinterpret_cast<mote_op_record*>(w.bytes.data() + w.ops.offset) + n;
    op->scratch_offset = w.tensor(t)->offset;
    op->scratch_bytes = 16;
    std::string error;
    ASSERT_EQ(w.load(&error), Status::kMalformed) << "op " << n;
    EXPECT_TRUE(contains(error, "scratch") && contains(error, "'" + w.name(t) + "'")) << error;
    return;
  }
  FAIL() << "no tensor is live across an op";
}

// ---- Shapes ----------------------------------------------------------------------------------

TEST_F(BadInput, ZeroElementTensorWithHugeTrailingDimsIsRefused) {
  BlobView v(blob());
  for (uint32_t t = 0; t < v.tensors.count; ++t) {
    BlobView w(blob());
    mote_tensor_record& r = *w.tensor(t);
    r.rank = 4;
    r.dims[0] = 0, r.dims[1] = INT32_MAX, r.dims[2] = INT32_MAX, r.dims[3] = INT32_MAX;
    r.bytes = 0;
    std::string error;
    ASSERT_EQ(w.load(&error), Status::kMalformed) << "tensor " << t;
    EXPECT_TRUE(contains(error, "larger than 2 GiB")) << error;
  }
}

TEST(DefinedArithmetic, ConvChannelProductsAreChecked) {
  // ConvTranspose: output channels = W.dims[1] * group, a product of two int32s.
  mote_conv_params p{};
  p.spatial_rank = 2, p.group = 4;
  p.kernel[0] = p.kernel[1] = 1;
  for (int d = 0; d < 2; ++d) p.stride[d] = p.dilation[d] = 1;
  mote::TensorView in[2] = {{nullptr, MOTE_F32, 4, {4, 4, 1, 1}}, {nullptr, MOTE_F32, 4, {4, 1 << 30, 1, 1}}};
  mote::TensorView out[1];
  char text[192];
  mote::Diag diag(text, sizeof text);
  mote::OpArgs args{MOTE_OP_CONV_TRANSPOSE, &p, sizeof p, in, 2, nullptr, 1, nullptr, 0, &diag};
  uint32_t scratch = 0;
  EXPECT_EQ(mote::op_infer(args, out, &scratch), Status::kBadParams);
  EXPECT_TRUE(contains(text, "out of range")) << text;
}

// ---- int8 parameters -------------------------------------------------------------------------

// A blob converted once for a test suite: the digits model by `Make`.
template <std::vector<uint8_t> (*Make)()>
class ConvertedBlob : public ::testing::Test {
 public:
  static void SetUpTestSuite() { blob_ = new std::vector<uint8_t>(Make()); }
  static void TearDownTestSuite() { delete blob_; }
  static inline std::vector<uint8_t>* blob_ = nullptr;
};
using Int8Blob = ConvertedBlob<digits_int8>;

// The blob loads as converted and holds an op of each code.
void expect_loads_with(const std::vector<uint8_t>& blob, std::initializer_list<int32_t> codes) {
  BlobView v(blob);
  std::string error;
  EXPECT_EQ(v.load(&error), Status::kOk) << error;
  for (int32_t code : codes) EXPECT_GE(find_op(v, code), 0) << mote::op_name(code);
}

TEST_F(Int8Blob, LoadsAsConverted) { expect_loads_with(*blob_, {MOTE_OP_QCONV}); }

TEST_F(Int8Blob, RequantisationParametersInTheArenaAreRefused) {
  BlobView v(*blob_);
  const mote_op_record op = v.op(uint32_t(find_op(v, MOTE_OP_QCONV)));
  ASSERT_GE(op.num_inputs, 5);
  for (uint32_t k = 2; k < op.num_inputs; ++k) {
    BlobView w(*blob_);
    const uint32_t t = w.operand(op.operands + k);
    if (t == MOTE_NONE) continue;
    w.tensor(t)->storage = MOTE_STORAGE_ARENA;
    w.tensor(t)->offset = 0;
    std::string error;
    ASSERT_EQ(w.load(&error), Status::kMalformed) << "input " << k;
    EXPECT_TRUE(contains(error, "must be a constant")) << error;
  }
}

TEST_F(Int8Blob, MultiplierAboveTheCapIsRefused) {
  BlobView v(*blob_);
  const mote_op_record op = v.op(uint32_t(find_op(v, MOTE_OP_QCONV)));
  const uint32_t mult = v.operand(op.operands + 3);
  ASSERT_NE(mult, MOTE_NONE);
  const int32_t too_big = INT32_MAX;  // with + zero point, overflowed int32
  std::memcpy(v.constant(mult), &too_big, 4);
  std::string error;
  ASSERT_EQ(v.load(&error), Status::kBadParams);
  EXPECT_TRUE(contains(error, "multiplier/shift out of range")) << error;
}

TEST_F(Int8Blob, BiasThatCanOverflowTheAccumulatorIsRefused) {
  BlobView v(*blob_);
  const mote_op_record op = v.op(uint32_t(find_op(v, MOTE_OP_QCONV)));
  // The converter's folded start (input 8, bias - zp * sum w) is bounded as the bias would be.
  const bool folded = op.num_inputs > MOTE_QCONV_START && v.operand(op.operands + MOTE_QCONV_START) != MOTE_NONE;
  const uint32_t bias = v.operand(op.operands + (folded ? MOTE_QCONV_START : 2));
  ASSERT_NE(bias, MOTE_NONE);
  const int32_t huge = INT32_MAX - 1000;  // fine alone; + 255 x the weights overflows
  std::memcpy(v.constant(bias), &huge, 4);
  std::string error;
  ASSERT_EQ(v.load(&error), Status::kBadParams);
  EXPECT_TRUE(contains(error, "accumulator of output channel 0")) << error;
}

// QMatMul over a long reduction: worst-case weights are refused, small ones are summed at load
// and accepted, and the result is exact.
TEST(DefinedArithmetic, LongReductionsAreBoundedByTheActualWeights) {
  const int32_t K = 40000;
  Buf a = make(MOTE_I8, {1, K});
  std::memset(a.bytes.data(), 0x81, size_t(K));  // -127
  for (int8_t w : {int8_t(-128), int8_t(1)}) {
    Buf b = make(MOTE_I8, {K, 1});
    std::memset(b.bytes.data(), uint8_t(w), size_t(K));
    Buf zp = make_t<int32_t>(MOTE_I32, {1}, {0});
    mote_qmatmul_params p{-128, 0, INT32_MIN, INT32_MAX};  // int32 out, as MatMulInteger
    std::vector<Buf> out;
    char err[192] = {0};
    const Status st = run_op(MOTE_OP_QMATMUL, p, {&a, &b, nullptr, nullptr, nullptr, &zp}, &out, 1, err);
    if (w == -128) {
      EXPECT_EQ(st, Status::kBadParams);  // 40000 x 255 x 128 x 2 > 2^31
      EXPECT_TRUE(contains(err, "overflow")) << err;
    } else {
      ASSERT_EQ(st, Status::kOk) << err;
      EXPECT_EQ(values<int32_t>(out[0])[0], K * 1 * 1);  // (x - zp) = (-127 + 128) = 1 each
    }
  }
}

TEST(DefinedArithmetic, QAddRescaleThatCannotFitIsRefused) {
  Buf a = make_t<int8_t>(MOTE_I8, {2}, {127, -128});
  Buf b = make_t<int8_t>(MOTE_I8, {2}, {127, -128});
  mote_qbinary_params p{};
  p.a_mult = p.b_mult = p.out_mult = 1 << 30;
  p.left_shift = 20;
  p.a_shift = 11;  // 255 << 20 << 11 > 2^30
  p.act_min = -128, p.act_max = 127;
  std::vector<Buf> out;
  char err[192] = {0};
  EXPECT_EQ(run_op(MOTE_OP_QADD, p, {&a, &b}, &out, 1, err), Status::kBadParams);
  EXPECT_TRUE(contains(err, "too large")) << err;
  p.a_shift = 0;
  EXPECT_EQ(run_op(MOTE_OP_QADD, p, {&a, &b}, &out, 1, err), Status::kOk) << err;
}

// ---- Kernel arithmetic on hostile values -------------------------------------------------------

TEST(DefinedArithmetic, IntegerDivisionOfTheMostNegativeValueByMinusOneWraps) {
  Buf x64 = make_t<int64_t>(MOTE_I64, {3}, {INT64_MIN, INT64_MIN, 7});
  Buf y64 = make_t<int64_t>(MOTE_I64, {3}, {-1, 0, -1});
  mote_binary_params p{};
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_DIV, p, {&x64, &y64}, &out), Status::kOk);
  EXPECT_EQ(values<int64_t>(out[0]), (std::vector<int64_t>{INT64_MIN, 0, -7}));
  ASSERT_EQ(run_op(MOTE_OP_MOD, p, {&x64, &y64}, &out), Status::kOk);
  EXPECT_EQ(values<int64_t>(out[0]), (std::vector<int64_t>{0, 0, 0}));
  Buf x32 = make_t<int32_t>(MOTE_I32, {1}, {INT32_MIN});
  Buf y32 = make_t<int32_t>(MOTE_I32, {1}, {-1});
  ASSERT_EQ(run_op(MOTE_OP_DIV, p, {&x32, &y32}, &out), Status::kOk);
  EXPECT_EQ(values<int32_t>(out[0])[0], INT32_MIN);
}

TEST(DefinedArithmetic, Int32DequantizeWithAnInt32ZeroPointIsExact) {
  Buf x = make_t<int32_t>(MOTE_I32, {2}, {INT32_MIN, INT32_MAX});
  Buf scale = make_t<float>(MOTE_F32, {1}, {1.0f});
  Buf zp = make_t<int32_t>(MOTE_I32, {1}, {INT32_MAX});
  mote_quantize_params p{};
  p.axis = 1;
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_DEQUANTIZE, p, {&x, &scale, &zp}, &out), Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{float(int64_t(INT32_MIN) - INT32_MAX), 0.0f}));
}

TEST(DefinedArithmetic, Int8GlobalAveragePoolOverMoreThan2To24Elements) {
  const int32_t side = 4200;  // 17.6 M elements x 127 > 2^31
  Buf x = make(MOTE_I8, {1, 1, side, side});
  std::memset(x.bytes.data(), 127, x.bytes.size());
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_GLOBAL_AVERAGE_POOL, mote_pool_params{}, {&x}, &out), Status::kOk);
  EXPECT_EQ(int8_t(out[0].bytes[0]), 127);
}

}  // namespace

namespace {

// Found by the blob fuzzer: int64 Neg/Abs of the most negative value, and Clip bounds (floats)
// outside the int64 range, were undefined; reversed Clip bounds gave target-dependent results.
TEST(DefinedArithmetic, IntegerNegAbsAndClipAtTheEdges) {
  Buf x = make_t<int64_t>(MOTE_I64, {3}, {INT64_MIN, -5, INT64_MAX});
  mote_unary_params p{};
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_NEG, p, {&x}, &out), Status::kOk);
  EXPECT_EQ(values<int64_t>(out[0]), (std::vector<int64_t>{INT64_MIN, 5, -INT64_MAX}));
  ASSERT_EQ(run_op(MOTE_OP_ABS, p, {&x}, &out), Status::kOk);
  EXPECT_EQ(values<int64_t>(out[0]), (std::vector<int64_t>{INT64_MIN, 5, INT64_MAX}));
  p.alpha = -6.7e22f, p.beta = 6.7e22f;  // wider than int64: nothing clips
  ASSERT_EQ(run_op(MOTE_OP_CLIP, p, {&x}, &out), Status::kOk);
  EXPECT_EQ(values<int64_t>(out[0]), (std::vector<int64_t>{INT64_MIN, -5, INT64_MAX}));
  p.alpha = -1.0f, p.beta = 6.7e22f;
  ASSERT_EQ(run_op(MOTE_OP_CLIP, p, {&x}, &out), Status::kOk);
  EXPECT_EQ(values<int64_t>(out[0]), (std::vector<int64_t>{-1, -1, INT64_MAX}));
  p.alpha = 0.0f, p.beta = -0.0625f;  // reversed
  char err[192] = {0};
  EXPECT_EQ(run_op(MOTE_OP_CLIP, p, {&x}, &out, 1, err), Status::kBadParams);
  EXPECT_TRUE(contains(err, "reversed")) << err;
  Buf f = make_t<float>(MOTE_F32, {2}, {1.0f, -1.0f});
  mote_binary_params bp{{MOTE_ACT_CLIP, 0.0f, std::nanf("")}, 0};
  EXPECT_EQ(run_op(MOTE_OP_ADD, bp, {&f, &f}, &out, 1, err), Status::kBadParams);
}

}  // namespace

namespace {

// Found by the blob fuzzer: an output zero point far outside int8 (the verifier took any value)
// gave different bytes on the x86 int8 kernels and the reference.
TEST(DefinedArithmetic, OutputZeroPointsOutsideInt8AreRefused) {
  Buf a = make(MOTE_I8, {1, 4});
  Buf b = make(MOTE_I8, {4, 2});
  Buf mult = make_t<int32_t>(MOTE_I32, {1}, {1 << 30});
  Buf shift = make_t<int32_t>(MOTE_I32, {1}, {0});
  mote_qmatmul_params p{0, 788529024, -128, 127};
  std::vector<Buf> out;
  char err[192] = {0};
  EXPECT_EQ(run_op(MOTE_OP_QMATMUL, p, {&a, &b, nullptr, &mult, &shift}, &out, 1, err), Status::kBadParams);
  EXPECT_TRUE(contains(err, "zero point")) << err;
  p.out_zp = 127;
  EXPECT_EQ(run_op(MOTE_OP_QMATMUL, p, {&a, &b, nullptr, &mult, &shift}, &out, 1, err), Status::kOk) << err;
}

// Found by the converter fuzzer: MaxPool with kernel [8, 65535] and SAME padding over a 32x32
// input walked every padded tap (over 10 s). Only the taps inside the input are visited now.
TEST(DefinedArithmetic, HugePoolingKernelsCostWhatTheirInputDoes) {
  Buf x = make(MOTE_F32, {1, 1, 32, 32});
  for (int i = 0; i < 32 * 32; ++i) reinterpret_cast<float*>(x.bytes.data())[i] = float(i % 97);
  mote_pool_params p{};
  p.spatial_rank = 2;
  p.kernel[0] = 8, p.kernel[1] = 65535;
  p.stride[0] = p.stride[1] = p.dilation[0] = p.dilation[1] = 1;
  p.pad_begin[0] = 3, p.pad_end[0] = 4, p.pad_begin[1] = 32767, p.pad_end[1] = 32767;
  for (int32_t code : {int32_t(MOTE_OP_MAX_POOL), int32_t(MOTE_OP_AVERAGE_POOL)}) {
    p.count_include_pad = code == MOTE_OP_AVERAGE_POOL;
    std::vector<Buf> out;
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_EQ(run_op(code, p, {&x}, &out), Status::kOk);
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 2.0);
    const float* y = reinterpret_cast<const float*>(out[0].bytes.data());
    // Row 0 sees input rows 0..4 whole: the max of those 160 values; the average counts every
    // tap of the 8 x 65535 window.
    float want = 0.0f, sum = 0.0f;
    for (int i = 0; i < 5 * 32; ++i) want = std::max(want, float(i % 97)), sum += float(i % 97);
    if (code == MOTE_OP_MAX_POOL) EXPECT_EQ(y[0], want);
    if (code == MOTE_OP_AVERAGE_POOL) EXPECT_FLOAT_EQ(y[0], sum / (8.0f * 65535.0f));
  }
}

}  // namespace

namespace {

// Found by the blob fuzzer: the accumulator proof took the reduction length from the kernel
// sizes in the parameters before they were checked against W, and read past W's bytes.
TEST(DefinedArithmetic, AccumulatorProofReadsOnlyTheWeights) {
  Buf x = make(MOTE_I8, {1, 1, 4, 4});
  Buf w = make_t<int8_t>(MOTE_I8, {1, 1, 1, 1}, {0});
  Buf bias = make_t<int32_t>(MOTE_I32, {1}, {INT32_MAX - 10});  // forces the exact sum over W
  mote_qconv_params p{};
  p.conv.spatial_rank = 2, p.conv.group = 1;
  p.conv.kernel[0] = p.conv.kernel[1] = 100;  // disagrees with W [1,1,1,1]
  p.conv.stride[0] = p.conv.stride[1] = p.conv.dilation[0] = p.conv.dilation[1] = 1;
  p.act_min = INT32_MIN, p.act_max = INT32_MAX;
  std::vector<Buf> out;
  char err[192] = {0};
  EXPECT_EQ(run_op(MOTE_OP_QCONV, p, {&x, &w, &bias}, &out, 1, err), Status::kBadParams);
  EXPECT_TRUE(contains(err, "kernel")) << err;
}

}  // namespace

namespace {

// Found by the blob fuzzer: a Div producing NaN (0/0) with a fused Relu gave 0 on the reference
// kernels and NaN on x86 (and on NEON and SIMD128, whose max keeps NaN). A fused Relu keeps NaN,
// as ONNX's max(0, NaN) does.
TEST(DefinedArithmetic, FusedReluKeepsNaN) {
  Buf z = make_t<float>(MOTE_F32, {2}, {0.0f, -1.0f});
  mote_binary_params p{{MOTE_ACT_RELU, 0.0f, 0.0f}, 0};
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_DIV, p, {&z, &z}, &out), Status::kOk);
  EXPECT_TRUE(std::isnan(values<float>(out[0])[0]));
  EXPECT_EQ(values<float>(out[0])[1], 1.0f);
}

}  // namespace

namespace {

// ---- int8 weights (--quantize int8-weights) ----------------------------------------------------

std::vector<uint8_t> digits_int8_weights() {
  mote::ConvertOptions opt;
  opt.quantize_int8_weights = true;
  return mote::convert_file(std::string(MOTE_SOURCE_DIR) + "/models/digits.onnx", opt).blob;
}

using Int8WeightsBlob = ConvertedBlob<digits_int8_weights>;

TEST_F(Int8WeightsBlob, LoadsAsConverted) { expect_loads_with(*blob_, {MOTE_OP_CONV_W8, MOTE_OP_GEMM_W8}); }

// A scale tensor one channel short (its bytes shortened with it, so only the shape is wrong), a
// scale tensor of the wrong dtype, and float weights where int8 ones belong: refused at load.
TEST_F(Int8WeightsBlob, WrongScaleShapeOrDtypeIsRefused) {
  for (int32_t code : {MOTE_OP_CONV_W8, MOTE_OP_GEMM_W8}) {
    const BlobView v(*blob_);
    const int32_t n = find_op(v, code);
    ASSERT_GE(n, 0);
    const mote_op_record op = v.op(uint32_t(n));
    ASSERT_EQ(op.num_inputs, 4);
    {
      BlobView w(*blob_);
      mote_tensor_record& s = *w.tensor(w.operand(op.operands + 3));
      ASSERT_EQ(s.rank, 1);
      s.dims[0] -= 1;
      s.bytes -= 4;
      std::string error;
      ASSERT_EQ(w.load(&error), Status::kBadParams) << code;
      EXPECT_TRUE(contains(error, "weight scale") && contains(error, "expected [")) << error;
    }
    {
      BlobView w(*blob_);
      mote_tensor_record& s = *w.tensor(w.operand(op.operands + 3));
      s.dtype = MOTE_I32;  // same size, wrong type
      std::string error;
      ASSERT_EQ(w.load(&error), Status::kBadParams) << code;
      EXPECT_TRUE(contains(error, "weight scale") && contains(error, "expected float32")) << error;
    }
    {
      BlobView w(*blob_);
      mote_tensor_record& q = *w.tensor(w.operand(op.operands + 1));
      q.dtype = MOTE_U8;
      std::string error;
      ASSERT_EQ(w.load(&error), Status::kBadParams) << code;
      EXPECT_TRUE(contains(error, "expected int8")) << error;
    }
  }
}

}  // namespace
