/* A program outside Mote that embeds the runtime through its public C API only: loads a blob
 * file, runs it on a raw float32 input file, prints the kernel set and the first output's
 * argmax. Built by tests/package/run_package_tests.sh against an installed Mote (find_package,
 * pkg-config) and against the source tree (add_subdirectory). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "mote/mote.h"

static void* read_all(const char* path, size_t* size, size_t align) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  void* p = aligned_alloc(align, ((size_t)n + align - 1) / align * align + align);
  if (p && fread(p, 1, (size_t)n, f) != (size_t)n) p = NULL;
  fclose(f);
  *size = (size_t)n;
  return p;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: consumer BLOB INPUT.f32\n");
    return 2;
  }
  size_t blob_size = 0, input_size = 0;
  void* blob = read_all(argv[1], &blob_size, 64);
  void* input = read_all(argv[2], &input_size, 16);
  if (!blob || !input) return 2;
  mote_model model;
  if (mote_model_load(&model, blob, blob_size) != MOTE_OK) {
    fprintf(stderr, "load: %s\n", mote_model_error(&model));
    return 1;
  }
  void* arena = aligned_alloc(16, (mote_model_arena_bytes(&model) + 15) / 16 * 16);
  mote_session session;
  if (mote_session_init(&session, &model, arena, mote_model_arena_bytes(&model)) != MOTE_OK ||
      mote_session_set_input(&session, 0, input, input_size) != MOTE_OK || mote_session_run(&session) != MOTE_OK) {
    fprintf(stderr, "run: %s\n", mote_session_error(&session));
    return 1;
  }
  mote_tensor_info info;
  mote_model_output_info(&model, 0, &info);
  const float* y = (const float*)mote_session_output_data(&session, 0);
  uint32_t best = 0;
  for (uint32_t k = 1; k < info.bytes / 4; ++k) best = y[k] > y[best] ? k : best;
  printf("kernels %s\nargmax %u\n", mote_kernel_set(), (unsigned)best);
  return 0;
}
