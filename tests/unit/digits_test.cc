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
