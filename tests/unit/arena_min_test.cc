// mote convert --arena min (MOTE_SET_LEAN): the arena of the reference kernels' scratch, and an op
// runs on this runtime's optimised kernel only where that kernel's scratch fits its planned scratch.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "bad_input_fixture.h"
#include "mote/blob_format.h"
#include "mote/converter.h"
#include "mote/kernel.h"
#include "mote/model_records.hpp"
#include "mote/mote.hpp"

namespace {

std::vector<uint8_t> digits_int8(uint32_t sets) {
  mote::ConvertOptions o;
  o.quantize_int8 = true;
  o.calib = MOTE_SOURCE_DIR "/models/digits_calib.npy";
  o.kernel_sets = sets;
  return mote::convert_file(MOTE_SOURCE_DIR "/models/digits.onnx", o).blob;
}

// A blob held 64-byte aligned, as the loader wants it.
struct Loaded {
  std::vector<uint8_t> storage;
  mote::Model model;
  std::string error;
  mote::Status load(const std::vector<uint8_t>& bytes) {
    storage.assign(bytes.size() + 64, 0);
    uint8_t* base = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) % 64;
    std::memcpy(base, bytes.data(), bytes.size());
    const mote::Status st = model.load(base, bytes.size());
    if (st != mote::Status::kOk) error = model.error();
    return st;
  }
  const uint8_t* base() const { return storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) % 64; }
};

// The int8 outputs of the first 20 held-out digits.
std::vector<float> run_heldout(const mote::Model& model) {
  std::vector<uint8_t> arena_storage(model.arena_bytes() + 64);
  uint8_t* arena = arena_storage.data() + (64 - reinterpret_cast<uintptr_t>(arena_storage.data()) % 64) % 64;
  mote::Session session;
  EXPECT_EQ(session.init(&model, arena, model.arena_bytes()), mote::Status::kOk);
  const mote::HostTensor images = mote::read_npy(MOTE_SOURCE_DIR "/models/digits_heldout.npy");
  std::vector<float> out;
  for (int k = 0; k < 20; ++k) {
    EXPECT_EQ(session.set_input(0, images.data.data() + k * 64 * 4, 64 * 4), mote::Status::kOk);
    EXPECT_EQ(session.run(), mote::Status::kOk) << session.error();
    const float* p = static_cast<const float*>(session.output_data(0));
    out.insert(out.end(), p, p + 10);
  }
  return out;
}

}  // namespace

// The lean plan has the reference kernels' arena, and runs the optimised set where it fits.
TEST(ArenaMin, PlansTheReferenceScratchAndRunsLikeTheFastBlob) {
  const uint32_t own = MOTE_SET_REFERENCE | mote::kernel_set_bit();
  Loaded fast, lean, ref;
  ASSERT_EQ(fast.load(digits_int8(own)), mote::Status::kOk) << fast.error;
  ASSERT_EQ(lean.load(digits_int8(own | MOTE_SET_LEAN)), mote::Status::kOk) << lean.error;
  ASSERT_EQ(ref.load(digits_int8(MOTE_SET_REFERENCE)), mote::Status::kOk) << ref.error;
  EXPECT_EQ(lean.model.meta().kernel_sets, own | MOTE_SET_LEAN);
  EXPECT_EQ(lean.model.optimized_kernels(), mote::kernel_set_bit() != MOTE_SET_REFERENCE);
  ASSERT_EQ(lean.model.num_ops(), ref.model.num_ops());
  // Each op gets the reference kernel's scratch, or its optimised kernel's where that fits in the
  // same arena.
  ASSERT_EQ(fast.model.num_ops(), ref.model.num_ops());
  for (uint32_t n = 0; n < lean.model.num_ops(); ++n) {
    const uint32_t got = lean.model.op(n).scratch_bytes;
    EXPECT_TRUE(got == ref.model.op(n).scratch_bytes || got == fast.model.op(n).scratch_bytes) << "op " << n;
  }
  EXPECT_EQ(lean.model.arena_bytes(), ref.model.arena_bytes());
  EXPECT_LE(lean.model.arena_bytes(), fast.model.arena_bytes());
  const std::vector<float> want = run_heldout(fast.model);
  const std::vector<float> got = run_heldout(lean.model);
  ASSERT_EQ(got.size(), want.size());
  for (size_t k = 0; k < got.size(); ++k) ASSERT_EQ(got[k], want[k]) << "output " << k;
}

// A plan whose op scratch is short of this runtime's kernels: refused without the lean record,
// run on the reference kernel with it (a kernel given too little scratch would fail the run with
// kArenaTooSmall rather than write past it, so an exact run shows which kernel ran).
TEST(ArenaMin, ShortScratchIsRefusedUnlessTheBlobRecordsTheLeanPlan) {
  const uint32_t own = MOTE_SET_REFERENCE | mote::kernel_set_bit();
  if (own == MOTE_SET_REFERENCE) GTEST_SKIP() << "no optimised kernel set in this build";
  const std::vector<uint8_t> blob = digits_int8(own);
  Loaded fast, ref;
  ASSERT_EQ(fast.load(blob), mote::Status::kOk) << fast.error;
  ASSERT_EQ(ref.load(digits_int8(MOTE_SET_REFERENCE)), mote::Status::kOk) << ref.error;
  ASSERT_EQ(fast.model.num_ops(), ref.model.num_ops());
  // Each op keeps its place in the arena and gets the reference kernel's scratch only.
  std::vector<uint8_t> shrunk = blob;
  int shortened = 0;
  for (uint32_t n = 0; n < fast.model.num_ops(); ++n) {
    const mote_op_record& op = fast.model.op(n);
    const uint32_t need = ref.model.op(n).scratch_bytes;
    if (need >= op.scratch_bytes) continue;
    const size_t at = size_t(reinterpret_cast<const uint8_t*>(&op.scratch_bytes) - fast.base());
    std::memcpy(&shrunk[at], &need, 4);
    ++shortened;
  }
  ASSERT_GT(shortened, 0) << "the " << mote::kernel_set_name() << " kernels need no more scratch than the reference";
  mote_test::fix_crc(&shrunk);
  Loaded refused;
  ASSERT_EQ(refused.load(shrunk), mote::Status::kBadParams);
  EXPECT_NE(refused.error.find("kernels need"), std::string::npos) << refused.error;

  const size_t sets_at = size_t(reinterpret_cast<const uint8_t*>(&fast.model.meta().kernel_sets) - fast.base());
  const uint32_t lean_sets = own | MOTE_SET_LEAN;
  std::memcpy(&shrunk[sets_at], &lean_sets, 4);
  mote_test::fix_crc(&shrunk);
  Loaded lean;
  ASSERT_EQ(lean.load(shrunk), mote::Status::kOk) << lean.error;
  EXPECT_TRUE(lean.model.optimized_kernels());
  const std::vector<float> want = run_heldout(fast.model);
  const std::vector<float> got = run_heldout(lean.model);
  for (size_t k = 0; k < got.size(); ++k) ASSERT_EQ(got[k], want[k]) << "output " << k;

  // The lean record does not excuse a plan short of the reference kernel's own need.
  for (uint32_t n = 0; n < fast.model.num_ops(); ++n) {
    const uint32_t need = ref.model.op(n).scratch_bytes;
    if (need == 0) continue;
    std::vector<uint8_t> short_ref = shrunk;
    const uint32_t less = need - 1;
    const size_t at = size_t(reinterpret_cast<const uint8_t*>(&fast.model.op(n).scratch_bytes) - fast.base());
    std::memcpy(&short_ref[at], &less, 4);
    mote_test::fix_crc(&short_ref);
    Loaded bad;
    EXPECT_EQ(bad.load(short_ref), mote::Status::kBadParams) << "op " << n;
    EXPECT_NE(bad.error.find("scratch bytes"), std::string::npos) << bad.error;
  }
}
