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
#include "mote/model_records.hpp"  // internal: blob records, kernel ABI
#include "onnx/onnx_pb.h"
#include "tests/unit/bad_input_fixture.h"

namespace {

using mote::Status;
using namespace mote_test;

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
  // NonZero: an ONNX op whose output shape depends on the data, which a static plan cannot hold.
  const std::string nonzero = convert_error(serialize(tiny_model("NonZero")));
  EXPECT_TRUE(contains(nonzero, "NonZero")) << nonzero;
  EXPECT_TRUE(contains(nonzero, "mystery_node")) << nonzero;

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
