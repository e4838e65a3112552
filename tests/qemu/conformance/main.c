/* Runs ONNX backend node tests on a board: every case's blob is loaded, run on the test's inputs
 * and its outputs compared with ONNX's expected ones, with `mote validate`'s tolerance for
 * float32 (|got - want| <= 1e-7 + 1e-3 |want|, NaN matching NaN) and exactly for other types.
 * A case with a relative tolerance (the sequence models) compares each float32 output as a whole
 * instead: max|got - want| <= tolerance * max|want|.
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

/* With a relative tolerance: max|got - want| <= tolerance * max|want| over the whole output;
 * *ratio is max|got - want| / (tolerance * max|want|). Returns -1 when within, else the index of
 * the worst element. */
static long compare_relative(const conf_buffer* want, const void* got_data, float tolerance, float* ratio) {
  const uint32_t n = want->bytes / 4;
  float scale = 0.0f, worst = 0.0f;
  long worst_at = 0;
  for (uint32_t i = 0; i < n; ++i) {
    float w, g;
    memcpy(&w, want->data + 4 * i, 4);
    memcpy(&g, (const uint8_t*)got_data + 4 * i, 4);
    if (fabsf(w) > scale) scale = fabsf(w);
    const float d = fabsf(g - w);
    if (!(d <= worst)) {  /* NaN is the worst */
      worst = d;
      worst_at = (long)i;
    }
  }
  const float allowed = tolerance * scale;
  *ratio = allowed > 0.0f ? worst / allowed : (worst > 0.0f ? INFINITY : 0.0f);
  return worst <= allowed ? -1 : worst_at;
}

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
  float worst_ratio = 0.0f;
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
  for (uint32_t r = 0; r < c->runs; ++r) {
    for (uint32_t k = 0; k < c->num_inputs; ++k) {
      const uint32_t chunk = c->runs > 1 && c->inputs[k].bytes % c->runs == 0 ? c->inputs[k].bytes / c->runs : 0;
      mote_tensor_info in_info;
      const int chunked = chunk && mote_model_input_info(&g_model, k, &in_info) == MOTE_OK && in_info.bytes == chunk;
      st = chunked ? mote_session_set_input(&g_session, k, c->inputs[k].data + r * chunk, chunk)
                   : mote_session_set_input(&g_session, k, c->inputs[k].data, c->inputs[k].bytes);
      if (st != MOTE_OK) {
        printf("FAIL %s: input %lu: %s: %s\n", c->name, (unsigned long)k, mote_status_str(st),
               mote_session_error(&g_session));
        return 0;
      }
    }
    st = mote_session_run(&g_session);
    if (st != MOTE_OK) {
      printf("FAIL %s: run %lu: %s: %s\n", c->name, (unsigned long)r, mote_status_str(st), mote_session_error(&g_session));
      return 0;
    }
  }
  for (uint32_t k = 0; k < c->num_outputs; ++k) {
    mote_tensor_info info;
    if (mote_model_output_info(&g_model, k, &info) != MOTE_OK || info.bytes != c->outputs[k].bytes ||
        info.dtype != c->outputs[k].dtype) {
      printf("FAIL %s: output %lu: %lu bytes of dtype %ld, expected %lu of dtype %ld\n", c->name, (unsigned long)k,
             (unsigned long)info.bytes, (long)info.dtype, (unsigned long)c->outputs[k].bytes, (long)c->outputs[k].dtype);
      return 0;
    }
    const void* got = mote_session_output_data(&g_session, k);
    if (c->tolerance > 0.0f && c->outputs[k].dtype == MOTE_F32) {
      float ratio = 0.0f;
      const long bad = compare_relative(&c->outputs[k], got, c->tolerance, &ratio);
      if (ratio > worst_ratio || ratio != ratio) worst_ratio = ratio;
      if (bad >= 0) {
        printf("FAIL %s: output %lu: max|diff| is %g x the tolerance (at element %ld)\n", c->name, (unsigned long)k,
               (double)ratio, bad);
        return 0;
      }
      continue;
    }
    const long bad = compare(&c->outputs[k], got);
    if (bad >= 0) {
      printf("FAIL %s: output %lu differs at element %ld\n", c->name, (unsigned long)k, bad);
      return 0;
    }
  }
  if (c->tolerance > 0.0f) {
    printf("PASS %s: max|diff| %.3g x the tolerance\n", c->name, (double)worst_ratio);
  } else {
    printf("PASS %s\n", c->name);
  }
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
