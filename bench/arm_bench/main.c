/* Instruction-count bench: runs each compiled-in model on a seeded pseudo-random input and prints
 * the instructions one run takes. Under QEMU with -icount shift=0 (run.sh with
 * MOTE_QEMU_ICOUNT=1) every instruction is 1 ns of virtual time, so the board's tick counter
 * (SysTick on Cortex-M, the generic timer on Cortex-A) counts instructions, to within one tick
 * (40 instructions on MPS2, 31.25 on MPS3, 16 on virt).
 *
 * BENCH_MODELS names a header defining `bench_models[]` and BENCH_ARENA_BYTES (arm_bench.sh
 * writes it). Prints one line per model:
 *   bench model=NAME instructions=N ticks=T tick_instructions=K    (N: median of 3 runs)
 * or an error line; exits non-zero if any model failed. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mote/baremetal.h"
#include "mote/mote.h"
#include BENCH_MODELS

#define RUNS 3

static mote_model g_model;
static mote_session g_session;
static uint8_t g_arena[BENCH_ARENA_BYTES] __attribute__((aligned(16)));

/* newlib-nano's printf has no %llu. */
static const char* u64(uint64_t v, char* buf) {
  char* p = buf + 20;
  *p = '\0';
  do {
    *--p = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  return p;
}

static void fill_input(uint32_t index) {
  mote_tensor_info info;
  if (mote_model_input_info(&g_model, index, &info) != MOTE_OK) return;
  uint8_t* data = (uint8_t*)mote_session_input_data(&g_session, index);
  uint32_t state = 0x9E3779B9u ^ index;
  for (uint32_t i = 0; i + 4 <= info.bytes; i += 4) {
    state = state * 1664525u + 1013904223u;
    if (info.dtype == MOTE_F32) {
      const float v = (float)((int32_t)(state >> 8) - (1 << 23)) / (float)(1 << 23); /* [-1, 1) */
      memcpy(data + i, &v, 4);
    } else {
      memcpy(data + i, &state, 4);
    }
  }
}

static int bench(const struct bench_model* m) {
  mote_status st = mote_model_load(&g_model, m->blob, m->blob_bytes);
  if (st != MOTE_OK) {
    printf("error: %s: load: %s: %s\n", m->name, mote_status_str(st), mote_model_error(&g_model));
    return 0;
  }
  st = mote_session_init(&g_session, &g_model, g_arena, sizeof g_arena);
  if (st != MOTE_OK) {
    printf("error: %s: session: %s: %s\n", m->name, mote_status_str(st), mote_session_error(&g_session));
    return 0;
  }
  for (uint32_t k = 0; k < mote_model_num_inputs(&g_model); ++k) fill_input(k);
  uint64_t ticks[RUNS];
  for (int r = 0; r < RUNS; ++r) {
    const uint64_t t0 = mote_bm_ticks();
    st = mote_session_run(&g_session);
    ticks[r] = mote_bm_ticks() - t0;
    if (st != MOTE_OK) {
      printf("error: %s: run: %s: %s\n", m->name, mote_status_str(st), mote_session_error(&g_session));
      return 0;
    }
  }
  for (int i = 0; i < RUNS; ++i) {
    for (int j = i + 1; j < RUNS; ++j) {
      if (ticks[j] < ticks[i]) {
        const uint64_t t = ticks[i];
        ticks[i] = ticks[j];
        ticks[j] = t;
      }
    }
  }
  char a[21], b[21], c[21];
  printf("bench model=%s instructions=%s ticks=%s tick_instructions=%s\n", m->name,
         u64(mote_bm_instructions(ticks[RUNS / 2]), a), u64(ticks[RUNS / 2], b), u64(mote_bm_instructions(1), c));
  return 1;
}

int main(void) {
  mote_bm_ticks_start();
  int failed = 0;
  for (uint32_t k = 0; k < sizeof bench_models / sizeof bench_models[0]; ++k) failed += !bench(&bench_models[k]);
  return failed ? 1 : 0;
}
