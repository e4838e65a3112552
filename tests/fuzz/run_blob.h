// Shared by the fuzzers: load a blob the way firmware does (16-byte aligned copy, exact-size
// arena on the heap so AddressSanitizer sees any byte outside it), feed the inputs, run it on
// every kernel set this binary has, and compare the sets op by op.
#ifndef MOTE_TESTS_FUZZ_RUN_BLOB_H
#define MOTE_TESTS_FUZZ_RUN_BLOB_H

#include <stddef.h>
#include <stdint.h>

namespace mote_fuzz {

enum class InputFill {
  kBytes,    // the `data` bytes, repeated to each input's size (zeros if `data` is empty)
  kPattern,  // a small deterministic pattern per dtype (floats in [-1, 1], ints around 0)
};

// Loads `blob` (copied to an aligned buffer of exactly `size` bytes) and, if it verifies, runs
// it. Returns true if the model loaded. Aborts on a cross-kernel-set mismatch, and when
// `must_load` is set and the blob does not verify (the converter wrote it: both must agree).
bool load_and_run(const uint8_t* blob, size_t size, const uint8_t* data, size_t data_size, InputFill fill,
                  bool must_load = false);

// True when `text` (a harness finding: an escaped exception, an unverifiable converter blob, a
// mismatch) contains one of the '|'-separated substrings of MOTE_FUZZ_IGNORE: known findings can
// be stepped over so a long run gets past them. Sanitizer reports are never ignored.
bool ignored(const char* text);

// IEEE CRC32 of [16, total_size) written into the header (the blob fuzzer's default).
void fix_crc(uint8_t* blob, size_t size);

}  // namespace mote_fuzz

#endif  // MOTE_TESTS_FUZZ_RUN_BLOB_H
