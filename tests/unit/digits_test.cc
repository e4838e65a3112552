// The built-in example end to end through the C++ API: convert models/digits.onnx, run every
// held-out digit in one session and check the accuracy the training script reported.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>

#include "mote/blob_format.h"
#include "mote/converter.h"
#include "mote/kernel.h"
#include "mote/mote.h"
#include "mote/mote.hpp"

TEST(Digits, HeldOutAccuracyMatchesTraining) {
  mote::ConvertResult r = mote::convert_file(MOTE_SOURCE_DIR "/models/digits.onnx", mote::ConvertOptions{});
  std::vector<uint8_t> storage(r.blob.size() + 64);
  uint8_t* blob = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) % 64;
  std::memcpy(blob, r.blob.data(), r.blob.size());

  // Through the C API, as firmware would use it.
  mote_model model;
  ASSERT_EQ(mote_model_load(&model, blob, r.blob.size()), MOTE_OK) << mote_model_error(&model);
  std::vector<uint8_t> arena_storage(mote_model_arena_bytes(&model) + 64);
  uint8_t* arena = arena_storage.data() + (64 - reinterpret_cast<uintptr_t>(arena_storage.data()) % 64) % 64;
  mote_session session;
  ASSERT_EQ(mote_session_init(&session, &model, arena, mote_model_arena_bytes(&model)), MOTE_OK);
  ASSERT_EQ(mote_model_find_input(&model, "input"), 0);
  ASSERT_EQ(mote_model_find_output(&model, "probabilities"), 0);

  mote::HostTensor images = mote::read_npy(MOTE_SOURCE_DIR "/models/digits_heldout.npy");
  mote::HostTensor labels = mote::read_npy(MOTE_SOURCE_DIR "/models/digits_heldout_labels.npy");
  ASSERT_EQ(images.shape.size(), 4u);
  const int64_t n = images.shape[0];
  ASSERT_EQ(labels.numel(), n);
  int correct = 0;
  for (int64_t k = 0; k < n; ++k) {
    ASSERT_EQ(mote_session_set_input(&session, 0, images.data.data() + k * 64 * 4, 64 * 4), MOTE_OK);
    ASSERT_EQ(mote_session_run(&session), MOTE_OK) << mote_session_error(&session);
    const float* p = static_cast<const float*>(mote_session_output_data(&session, 0));
    int best = 0;
    float sum = 0;
    for (int c = 0; c < 10; ++c) {
      sum += p[c];
      if (p[c] > p[best]) best = c;
    }
    EXPECT_NEAR(sum, 1.0f, 1e-5f);
    correct += best == reinterpret_cast<const int64_t*>(labels.data.data())[k];
  }
  // tools/train_digits.py reports 98.44% (443 of 450) for the committed model.
  EXPECT_EQ(correct, 443) << "accuracy " << 100.0 * correct / double(n) << "%";
}

namespace {

int heldout_correct(const std::vector<uint8_t>& blob_bytes, uint32_t* arena_bytes) {
  std::vector<uint8_t> storage(blob_bytes.size() + 64);
  uint8_t* blob = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) % 64;
  std::memcpy(blob, blob_bytes.data(), blob_bytes.size());
  mote::Model model;
  EXPECT_EQ(model.load(blob, blob_bytes.size()), mote::Status::kOk) << model.error();
  *arena_bytes = model.arena_bytes();
  std::vector<uint8_t> arena_storage(model.arena_bytes() + 64);
  uint8_t* arena = arena_storage.data() + (64 - reinterpret_cast<uintptr_t>(arena_storage.data()) % 64) % 64;
  mote::Session session;
  EXPECT_EQ(session.init(&model, arena, model.arena_bytes()), mote::Status::kOk);
  mote::HostTensor images = mote::read_npy(MOTE_SOURCE_DIR "/models/digits_heldout.npy");
  mote::HostTensor labels = mote::read_npy(MOTE_SOURCE_DIR "/models/digits_heldout_labels.npy");
  int correct = 0;
  for (int64_t k = 0; k < images.shape[0]; ++k) {
    EXPECT_EQ(session.set_input(0, images.data.data() + k * 256, 256), mote::Status::kOk);
    EXPECT_EQ(session.run(), mote::Status::kOk) << session.error();
    const float* p = static_cast<const float*>(session.output_data(0));
    int best = 0;
    for (int c = 1; c < 10; ++c) best = p[c] > p[best] ? c : best;
    correct += best == reinterpret_cast<const int64_t*>(labels.data.data())[k];
  }
  return correct;
}

}  // namespace

TEST(Digits, Int8AccuracyWithinOnePointOfFloatAtAQuarterOfTheArena) {
  uint32_t float_arena = 0, int8_arena = 0;
  const int float_correct =
      heldout_correct(mote::convert_file(MOTE_SOURCE_DIR "/models/digits.onnx", mote::ConvertOptions{}).blob, &float_arena);
  mote::ConvertOptions q;
  q.quantize_int8 = true;
  q.calib = MOTE_SOURCE_DIR "/models/digits_calib.npy";
  const int int8_correct = heldout_correct(mote::convert_file(MOTE_SOURCE_DIR "/models/digits.onnx", q).blob, &int8_arena);
  // 450 held-out digits: one percentage point is 4.5 digits.
  EXPECT_GE(2 * int8_correct, 2 * float_correct - 9) << "float " << float_correct << ", int8 " << int8_correct;
  // The tensors are what int8 shrinks: their arena, planned for the reference kernels alone, is a
  // quarter. The blobs run above plan for every kernel set, whose working memory comes on top at
  // either precision (the x86 int8 product packs this model's 64 x 32 weights into a 4 KB panel).
  mote::ConvertOptions f_ref;
  f_ref.kernel_sets = MOTE_SET_REFERENCE;
  mote::ConvertOptions q_ref = q;
  q_ref.kernel_sets = MOTE_SET_REFERENCE;
  const uint32_t float_tensors = mote::convert_file(MOTE_SOURCE_DIR "/models/digits.onnx", f_ref).arena_bytes;
  const uint32_t int8_tensors = mote::convert_file(MOTE_SOURCE_DIR "/models/digits.onnx", q_ref).arena_bytes;
  EXPECT_LE(4 * int8_tensors, float_tensors + 64) << "float arena " << float_tensors << ", int8 arena " << int8_tensors;
  std::printf("digits: float %d/450 (arena %u B, %u B for the reference kernels), int8 %d/450 (arena %u B, %u B)\n",
              float_correct, float_arena, float_tensors, int8_correct, int8_arena, int8_tensors);
}

TEST(Digits, Int8InputsAndOutputsGiveTheSameBytes) {
  mote::ConvertOptions q;
  q.quantize_int8 = true;
  q.calib = MOTE_SOURCE_DIR "/models/digits_calib.npy";
  const std::vector<uint8_t> float_io = mote::convert_file(MOTE_SOURCE_DIR "/models/digits.onnx", q).blob;
  q.int8_io = true;
  const std::vector<uint8_t> int8_io = mote::convert_file(MOTE_SOURCE_DIR "/models/digits.onnx", q).blob;
  auto load = [](const std::vector<uint8_t>& bytes, std::vector<uint8_t>* storage, mote::Model* m) {
    storage->assign(bytes.size() + 64, 0);
    uint8_t* base = storage->data() + (64 - reinterpret_cast<uintptr_t>(storage->data()) % 64) % 64;
    std::memcpy(base, bytes.data(), bytes.size());
    ASSERT_EQ(m->load(base, bytes.size()), mote::Status::kOk) << m->error();
  };
  std::vector<uint8_t> sa, sb;
  mote::Model fa, ib;
  load(float_io, &sa, &fa);
  load(int8_io, &sb, &ib);
  mote::TensorInfo in, out;
  ASSERT_EQ(ib.input_info(0, &in), mote::Status::kOk);
  ASSERT_EQ(ib.output_info(0, &out), mote::Status::kOk);
  ASSERT_EQ(in.dtype, MOTE_I8);
  ASSERT_GT(in.scale, 0.0f);
  ASSERT_EQ(out.dtype, MOTE_I8);
  EXPECT_LE(ib.arena_bytes(), fa.arena_bytes());
  std::vector<uint8_t> arena_a(fa.arena_bytes() + 64), arena_b(ib.arena_bytes() + 64);
  auto aligned = [](std::vector<uint8_t>& v) { return v.data() + (64 - reinterpret_cast<uintptr_t>(v.data()) % 64) % 64; };
  mote::Session a, b;
  ASSERT_EQ(a.init(&fa, aligned(arena_a), fa.arena_bytes()), mote::Status::kOk);
  ASSERT_EQ(b.init(&ib, aligned(arena_b), ib.arena_bytes()), mote::Status::kOk);
  mote::HostTensor images = mote::read_npy(MOTE_SOURCE_DIR "/models/digits_heldout.npy");
  for (int64_t k = 0; k < 50; ++k) {
    const float* x = reinterpret_cast<const float*>(images.data.data()) + k * 64;
    int8_t xq[64];
    for (int i = 0; i < 64; ++i) {  // the QuantizeLinear definition, done by the caller
      const float r = std::nearbyint(x[i] / in.scale) + float(in.zero_point);
      xq[i] = int8_t(std::fmin(127.0f, std::fmax(-128.0f, r)));
    }
    ASSERT_EQ(a.set_input(0, x, 256), mote::Status::kOk);
    ASSERT_EQ(b.set_input(0, xq, 64), mote::Status::kOk);
    ASSERT_EQ(a.run(), mote::Status::kOk);
    ASSERT_EQ(b.run(), mote::Status::kOk);
    const float* fy = static_cast<const float*>(a.output_data(0));
    const int8_t* qy = static_cast<const int8_t*>(b.output_data(0));
    for (int c = 0; c < 10; ++c) ASSERT_EQ(fy[c], float(qy[c] - out.zero_point) * out.scale) << "digit " << k << " class " << c;
  }
}

// A blob converted for another board (--target cortex-m4 on this host) loads and runs here on the
// reference kernels, with the same outputs; one planned for this runtime's set runs its own.
TEST(Digits, BlobForAnotherBoardRunsOnTheReferenceKernels) {
  auto run = [](uint32_t sets, bool* optimized) {
    mote::ConvertOptions o;
    o.kernel_sets = sets;
    const mote::ConvertResult r = mote::convert_file(MOTE_SOURCE_DIR "/models/digits.onnx", o);
    std::vector<uint8_t> storage(r.blob.size() + 64);
    uint8_t* blob = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) % 64;
    std::memcpy(blob, r.blob.data(), r.blob.size());
    mote::Model model;
    EXPECT_EQ(model.load(blob, r.blob.size()), mote::Status::kOk) << model.error();
    *optimized = model.optimized_kernels();
    std::vector<uint8_t> arena_storage(model.arena_bytes() + 64);
    uint8_t* arena = arena_storage.data() + (64 - reinterpret_cast<uintptr_t>(arena_storage.data()) % 64) % 64;
    mote::Session session;
    EXPECT_EQ(session.init(&model, arena, model.arena_bytes()), mote::Status::kOk);
    mote::HostTensor x = mote::read_npy(MOTE_SOURCE_DIR "/models/digits_sample.npy");
    EXPECT_EQ(session.set_input(0, x.data.data(), x.data.size()), mote::Status::kOk);
    EXPECT_EQ(session.run(), mote::Status::kOk) << session.error();
    const float* p = static_cast<const float*>(session.output_data(0));
    return std::vector<float>(p, p + 10);
  };
  bool m4_optimized = true, own_optimized = false;
  const std::vector<float> m4 = run(MOTE_SET_REFERENCE | MOTE_SET_ARM_DSP, &m4_optimized);
  const std::vector<float> own = run(MOTE_SET_REFERENCE | mote::kernel_set_bit(), &own_optimized);
  EXPECT_FALSE(m4_optimized);
  EXPECT_EQ(own_optimized, mote::kernel_set_bit() != MOTE_SET_REFERENCE);
  for (int k = 0; k < 10; ++k) EXPECT_NEAR(m4[size_t(k)], own[size_t(k)], 1e-5f);
}
