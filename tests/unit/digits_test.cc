// The built-in example end to end through the C++ API: convert models/digits.onnx, run every
// held-out digit in one session and check the accuracy the training script reported.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "mote/converter.h"
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
  EXPECT_LE(4 * int8_arena, float_arena + 64) << "float arena " << float_arena << ", int8 arena " << int8_arena;
  std::printf("digits: float %d/450 (arena %u B), int8 %d/450 (arena %u B)\n", float_correct, float_arena, int8_correct, int8_arena);
}
