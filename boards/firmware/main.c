/* Mote firmware example: load the compiled-in blob, run it on the compiled-in input, print the
 * outputs. Everything is static: the model and session objects, and the arena, sized by the
 * #define `mote convert --c-array` wrote. Nothing here allocates; printf is the board's
 * (semihosting on the QEMU boards).
 *
 * Output (the QEMU tests parse it):
 *   output K name=NAME dtype=D dims=A,B,... count=N
 *   v K I 0xBITS VALUE          one line per element: raw little-endian bits, then the value
 * Exit status: 0 on success; 2..5 when load, session set-up, input or run fail (the status and
 * the runtime's one-line reason are printed first).
 *
 * With FIRMWARE_CORRUPT_TEST, the argument corrupt=OFFSET loads a RAM copy of the blob with the
 * byte at OFFSET flipped instead: the load must fail with an error, never fault. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mote/mote.h"
#include "mote/platform.h"
#include MODEL_HEADER
#include INPUT_HEADER

static mote_model g_model;
static mote_session g_session;
static uint8_t g_arena[MODEL_ARENA_BYTES] __attribute__((aligned(16)));
#if FIRMWARE_CORRUPT_TEST
static uint8_t g_blob_copy[sizeof MODEL_BLOB] __attribute__((aligned(16)));
#endif

static int fail(const char* call, mote_status st, const char* detail, int code) {
  printf("error: %s: %s (%d): %s\n", call, mote_status_str(st), (int)st, detail);
  return code;
}

static const char* dtype_name(int32_t dtype) {
  switch (dtype) {
    case MOTE_F32: return "float32";
    case MOTE_U8: return "uint8";
    case MOTE_I8: return "int8";
    case MOTE_I32: return "int32";
    case MOTE_I64: return "int64";
    case MOTE_BOOL: return "bool";
    default: return "unknown";
  }
}

static uint32_t element_size(int32_t dtype) {
  switch (dtype) {
    case MOTE_F32:
    case MOTE_I32: return 4;
    case MOTE_I64: return 8;
    default: return 1;
  }
}

static void print_output(uint32_t k) {
  mote_tensor_info info;
  if (mote_model_output_info(&g_model, k, &info) != MOTE_OK) return;
  const uint8_t* data = (const uint8_t*)mote_session_output_data(&g_session, k);
  const uint32_t esize = element_size(info.dtype);
  const uint32_t count = info.bytes / esize;
  printf("output %lu name=%s dtype=%s dims=", (unsigned long)k, info.name, dtype_name(info.dtype));
  for (int32_t d = 0; d < info.rank; ++d) printf("%s%ld", d ? "," : "", (long)info.dims[d]);
  printf(" count=%lu\n", (unsigned long)count);
  uint32_t best = 0;
  for (uint32_t i = 0; i < count; ++i) {
    uint64_t bits = 0;
    memcpy(&bits, data + (size_t)i * esize, esize); /* little-endian targets */
    if (info.dtype == MOTE_F32) {
      float v, b;
      memcpy(&v, data + (size_t)i * 4, 4);
      memcpy(&b, data + (size_t)best * 4, 4);
      if (v > b) best = i;
      printf("v %lu %lu 0x%08lx %.9g\n", (unsigned long)k, (unsigned long)i, (unsigned long)bits, (double)v);
    } else {
      printf("v %lu %lu 0x%0*llx\n", (unsigned long)k, (unsigned long)i, (int)(2 * esize), (unsigned long long)bits);
    }
  }
  if (info.dtype == MOTE_F32 && count > 1) printf("argmax %lu %lu\n", (unsigned long)k, (unsigned long)best);
}

int main(int argc, char** argv) {
  const uint8_t* blob = MODEL_BLOB;
  const size_t blob_bytes = sizeof MODEL_BLOB;
  for (int a = 1; a < argc; ++a) {
#if FIRMWARE_CORRUPT_TEST
    if (strncmp(argv[a], "corrupt=", 8) == 0) {
      const size_t offset = (size_t)strtoul(argv[a] + 8, NULL, 0) % blob_bytes;
      memcpy(g_blob_copy, MODEL_BLOB, blob_bytes);
      g_blob_copy[offset] ^= 0x5A;
      blob = g_blob_copy;
      printf("corrupted byte %lu of a RAM copy of the blob\n", (unsigned long)offset);
      continue;
    }
#endif
    printf("unknown argument '%s'\n", argv[a]);
    return 1;
  }

  printf("mote firmware: blob %lu bytes, arena %lu bytes\n", (unsigned long)blob_bytes, (unsigned long)sizeof g_arena);
  const uint64_t l0 = mote_platform_now_us();
  mote_status st = mote_model_load(&g_model, blob, blob_bytes);
  const uint64_t l1 = mote_platform_now_us();
  if (st != MOTE_OK) return fail("mote_model_load", st, mote_model_error(&g_model), 2);
  printf("load: %lu us (verification, the arena plan included)\n", (unsigned long)(l1 - l0));
  printf("kernels: %s%s\n", mote_kernel_set(),
         mote_model_optimized(&g_model) ? "" : " (not used: the blob was not planned for them; reference kernels run)");
  st = mote_session_init(&g_session, &g_model, g_arena, sizeof g_arena);
  if (st != MOTE_OK) return fail("mote_session_init", st, mote_session_error(&g_session), 3);
  for (uint32_t k = 0; k < TEST_NUM_INPUTS; ++k) {
    st = mote_session_set_input(&g_session, k, test_inputs[k].data, test_inputs[k].bytes);
    if (st != MOTE_OK) return fail("mote_session_set_input", st, mote_session_error(&g_session), 4);
  }
  const uint64_t t0 = mote_platform_now_us();
  st = mote_session_run(&g_session);
  const uint64_t t1 = mote_platform_now_us();
  if (st != MOTE_OK) return fail("mote_session_run", st, mote_session_error(&g_session), 5);
  for (uint32_t k = 0; k < mote_model_num_outputs(&g_model); ++k) print_output(k);
  printf("run: %lu us\n", (unsigned long)(t1 - t0));
  return 0;
}
