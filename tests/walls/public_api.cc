// Built against mote_runtime alone, whose only include directory is runtime/include: the public
// C and C++ API must compile and work without the internal headers (kernel ABI, blob layout).
// Loads a blob that is not one and checks both APIs refuse it with a reason; and, given a blob
// (the digits model), loads it and runs one inference.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vector>

#include "mote/mote.h"
#include "mote/mote.hpp"
#include "mote/text.h"
#include "mote/text.hpp"

static int fail(const char* what) {
  fprintf(stderr, "public_api: %s\n", what);
  return 1;
}

int main(int argc, char** argv) {
  alignas(16) static uint8_t junk[64] = {1, 2, 3};
  mote::Model model;
  if (model.load(junk, sizeof junk) == mote::Status::kOk || !*model.error()) return fail("C++ API accepted junk");
  static mote_model cmodel;
  if (mote_model_load(&cmodel, junk, sizeof junk) == MOTE_OK || !*mote_model_error(&cmodel)) return fail("C API accepted junk");
  mote::Vocab vocab;
  if (vocab.open(junk, sizeof junk) == mote::Status::kOk || !*vocab.error()) return fail("C++ API accepted a junk vocabulary");
  static mote_vocab cvocab;
  if (mote_vocab_open(&cvocab, junk, sizeof junk) == MOTE_OK || !*mote_vocab_error(&cvocab)) {
    return fail("C API accepted a junk vocabulary");
  }
  if (argc < 2) return 0;

  FILE* f = fopen(argv[1], "rb");
  if (!f) return fail("cannot open the blob");
  std::vector<uint8_t> bytes;
  uint8_t buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, f)) > 0;) bytes.insert(bytes.end(), buf, buf + n);
  fclose(f);
  void* blob = aligned_alloc(16, (bytes.size() + 15) / 16 * 16);
  memcpy(blob, bytes.data(), bytes.size());
  if (model.load(blob, bytes.size()) != mote::Status::kOk) return fail(model.error());
  mote::TensorInfo in{}, out{};
  if (model.input_info(0, &in) != mote::Status::kOk || model.output_info(0, &out) != mote::Status::kOk) return fail("info");
  void* arena = aligned_alloc(16, (model.arena_bytes() + 15) / 16 * 16);
  mote::Session session;
  if (session.init(&model, arena, model.arena_bytes()) != mote::Status::kOk) return fail(session.error());
  std::vector<uint8_t> input(in.bytes, 0);
  if (session.set_input(0, input.data(), input.size()) != mote::Status::kOk) return fail(session.error());
  if (session.run() != mote::Status::kOk) return fail(session.error());
  if (!session.output_data(0)) return fail("no output");
  printf("public_api: %s ran (arena %u bytes, output %u bytes)\n", argv[1], model.arena_bytes(), out.bytes);
  free(arena);
  free(blob);
  return 0;
}
