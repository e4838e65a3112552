/* Runs ONNX backend node tests on a board: every case's blob is loaded, run on the test's inputs
 * and its outputs compared with ONNX's expected ones, with `mote validate`'s tolerance for
 * float32 (|got - want| <= 1e-7 + 1e-3 |want|, NaN matching NaN) and exactly for other types.
 * Prints PASS/FAIL per case and ends with "N passed, M failed"; exits 1 if any failed. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "conformance.h"
#include "mote/mote.h"

#define RTOL 1e-3f
#define ATOL 1e-7f

static mote_model g_model;
static mote_session g_session;

/* Returns the index of the first mismatching element, or -1. */
static long compare(const conf_buffer* want, const void* got_data) {
  if (want->dtype == MOTE_F32) {
    const uint32_t n = want->bytes / 4;
    for (uint32_t i = 0; i < n; ++i) {
      float w, g;
      memcpy(&w, want->data + 4 * i, 4);
      memcpy(&g, (const uint8_t*)got_data + 4 * i, 4);
      if (isnan(w) || isnan(g)) {
        if (!(isnan(w) && isnan(g))) return (long)i;
      } else if (isinf(w) || isinf(g)) {
        if (w != g) return (long)i;
      } else if (!(fabsf(g - w) <= ATOL + RTOL * fabsf(w))) {
        return (long)i;
      }
    }
    return -1;
  }
  if (want->dtype == MOTE_BOOL) {
    for (uint32_t i = 0; i < want->bytes; ++i) {
      if ((want->data[i] != 0) != (((const uint8_t*)got_data)[i] != 0)) return (long)i;
    }
    return -1;
  }
  for (uint32_t i = 0; i < want->bytes; ++i) {
    if (want->data[i] != ((const uint8_t*)got_data)[i]) return (long)i;
  }
  return -1;
}

static int run_case(const conf_case* c) {
  if (!c->blob) {
    printf("FAIL %s: did not convert on the host\n", c->name);
    return 0;
  }
  mote_status st = mote_model_load(&g_model, c->blob, c->blob_bytes);
  if (st != MOTE_OK) {
    printf("FAIL %s: load: %s: %s\n", c->name, mote_status_str(st), mote_model_error(&g_model));
    return 0;
  }
  st = mote_session_init(&g_session, &g_model, conf_arena, conf_arena_bytes);
  if (st != MOTE_OK) {
    printf("FAIL %s: session: %s: %s\n", c->name, mote_status_str(st), mote_session_error(&g_session));
    return 0;
  }
  for (uint32_t k = 0; k < c->num_inputs; ++k) {
    st = mote_session_set_input(&g_session, k, c->inputs[k].data, c->inputs[k].bytes);
    if (st != MOTE_OK) {
      printf("FAIL %s: input %lu: %s: %s\n", c->name, (unsigned long)k, mote_status_str(st),
             mote_session_error(&g_session));
      return 0;
    }
  }
  st = mote_session_run(&g_session);
  if (st != MOTE_OK) {
    printf("FAIL %s: run: %s: %s\n", c->name, mote_status_str(st), mote_session_error(&g_session));
    return 0;
  }
  for (uint32_t k = 0; k < c->num_outputs; ++k) {
    mote_tensor_info info;
    if (mote_model_output_info(&g_model, k, &info) != MOTE_OK || info.bytes != c->outputs[k].bytes ||
        info.dtype != c->outputs[k].dtype) {
      printf("FAIL %s: output %lu: %lu bytes of dtype %ld, expected %lu of dtype %ld\n", c->name, (unsigned long)k,
             (unsigned long)info.bytes, (long)info.dtype, (unsigned long)c->outputs[k].bytes, (long)c->outputs[k].dtype);
      return 0;
    }
    const long bad = compare(&c->outputs[k], mote_session_output_data(&g_session, k));
    if (bad >= 0) {
      printf("FAIL %s: output %lu differs at element %ld\n", c->name, (unsigned long)k, bad);
      return 0;
    }
  }
  printf("PASS %s\n", c->name);
  return 1;
}

int main(void) {
  unsigned passed = 0, failed = 0;
  for (uint32_t k = 0; k < conf_num_cases; ++k) {
    if (run_case(&conf_cases[k])) {
      ++passed;
    } else {
      ++failed;
    }
  }
  printf("%u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
