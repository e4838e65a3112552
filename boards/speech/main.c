/* Mote streaming example: keyword spotting on a compiled-in 16 kHz clip, 20 ms at a time.
 *
 * The model (models/speech.onnx, converted with its --carry pairs) takes `audio` float32
 * [1, 320], one 20 ms chunk of 16 kHz samples in [-1, 1), and gives `scores` float32 [1, 12]
 * (smoothed posteriors) and `event` float32 [1]: the class index of a keyword detected in this
 * chunk, else -1. Its recurrent state lives in the arena: every run writes the state outputs into
 * the state inputs' bytes, so the loop below only writes the audio and reads the event. One
 * session streams the whole clip; mote_session_reset_state() would start a new stream.
 *
 * Output (tests/qemu/run_speech_tests.sh parses it):
 *   kernels: <set>                       the kernel set the runs use (arm_dsp, mve, reference)
 *   <seconds, 3 decimals> s  <label>     one line per detection, time = end of the chunk, as
 *                                        `mote run --labels` prints it ("class K" past the labels)
 *   chunks N audio S s
 *   hash scores 0x<fnv1a64> events 0x<fnv1a64>   over every run's raw output bytes
 *   ticks per chunk: avg A max M (tick = 1/<core clock>)
 *   instructions per chunk: avg A max M  (meaningful under QEMU -icount shift=0)
 *   real-time factor at <MHz> MHz: R  (instructions / (clock x 20 ms), one instruction a cycle)
 *   sizes: blob B arena A audio C
 * Exit status: 0 on success; 2..6 when load, set-up, the model's I/O or a run fail. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "example_print.h"
#include "mote/baremetal.h"
#include "mote/mote.h"
#include MODEL_HEADER
/* The clip goes to the board's BULK region (boards/common/cortex_m_sections.ld): seconds of
 * audio do not fit beside the model in a Cortex-M55's 512 KB ITCM. */
#define TEST_AUDIO_SECTION __attribute__((section(".bulk.test_audio")))
#include AUDIO_HEADER

#define CHUNK 320u
#define CHUNK_MS 20u

static mote_model g_model;
static mote_session g_session;
static uint8_t g_arena[MODEL_ARENA_BYTES] __attribute__((aligned(16)));

static int fail(const char* call, mote_status st, const char* detail, int code) {
  printf("error: %s: %s (%d): %s\n", call, mote_status_str(st), (int)st, detail);
  return code;
}

/* An input or output of the expected name, float32, `count` elements; -1 (printed) otherwise. */
static int32_t find_f32(int output, const char* name, uint32_t count) {
  const int32_t k = output ? mote_model_find_output(&g_model, name) : mote_model_find_input(&g_model, name);
  mote_tensor_info info;
  const mote_status st = k < 0 ? MOTE_ERR_INVALID_ARGUMENT
                         : output ? mote_model_output_info(&g_model, (uint32_t)k, &info)
                                  : mote_model_input_info(&g_model, (uint32_t)k, &info);
  if (st != MOTE_OK || info.dtype != MOTE_F32 || info.bytes != count * 4u) {
    printf("error: the model needs %s '%s' float32 with %lu elements\n", output ? "output" : "input", name,
           (unsigned long)count);
    return -1;
  }
  return k;
}

int main(void) {
  printf("mote speech: %lu samples at %lu Hz, blob %lu bytes, arena %lu bytes\n", (unsigned long)TEST_AUDIO_SAMPLES,
         (unsigned long)TEST_AUDIO_RATE, (unsigned long)sizeof MODEL_BLOB, (unsigned long)sizeof g_arena);
  if (TEST_AUDIO_RATE != 16000u) {
    printf("error: the clip is %lu Hz; the model takes 16000 Hz\n", (unsigned long)TEST_AUDIO_RATE);
    return 4;
  }
  mote_status st = mote_model_load(&g_model, MODEL_BLOB, sizeof MODEL_BLOB);
  if (st != MOTE_OK) return fail("mote_model_load", st, mote_model_error(&g_model), 2);
  printf("kernels: %s%s\n", mote_kernel_set(),
         mote_model_optimized(&g_model) ? "" : " (not used: the blob was not planned for them; reference kernels run)");
  st = mote_session_init(&g_session, &g_model, g_arena, sizeof g_arena);
  if (st != MOTE_OK) return fail("mote_session_init", st, mote_session_error(&g_session), 3);

  const int32_t in_audio = find_f32(0, "audio", CHUNK);
  const int32_t out_scores = find_f32(1, "scores", TEST_NUM_LABELS);
  const int32_t out_event = find_f32(1, "event", 1);
  if (in_audio < 0 || out_scores < 0 || out_event < 0) return 4;
  /* Every other input must be carried state: nothing else would feed it. */
  for (uint32_t k = 0; k < mote_model_num_inputs(&g_model); ++k) {
    mote_tensor_info info;
    if (mote_model_input_info(&g_model, k, &info) != MOTE_OK) return 4;
    if ((int32_t)k != in_audio && !info.state) {
      printf("error: input '%s' is neither the audio nor carried state (mote convert --carry)\n", info.name);
      return 4;
    }
  }

  float* audio = (float*)mote_session_input_data(&g_session, (uint32_t)in_audio);
  const float* scores = (const float*)mote_session_output_data(&g_session, (uint32_t)out_scores);
  const float* event = (const float*)mote_session_output_data(&g_session, (uint32_t)out_event);
  /* Whole chunks; a last partial one is padded with zeros (silence), as `mote run` pads a .wav. */
  const uint32_t chunks = (TEST_AUDIO_SAMPLES + CHUNK - 1) / CHUNK;
  uint64_t hash_scores = 0xcbf29ce484222325ull, hash_events = 0xcbf29ce484222325ull;
  uint64_t ticks_sum = 0, ticks_max = 0;
  mote_bm_ticks_start();
  for (uint32_t c = 0; c < chunks; ++c) {
    const int16_t* pcm = test_audio + (size_t)c * CHUNK;
    const uint32_t have = TEST_AUDIO_SAMPLES - c * CHUNK < CHUNK ? TEST_AUDIO_SAMPLES - c * CHUNK : CHUNK;
    for (uint32_t i = 0; i < have; ++i) audio[i] = (float)pcm[i] * (1.0f / 32768.0f);
    for (uint32_t i = have; i < CHUNK; ++i) audio[i] = 0.0f;
    const uint64_t t0 = mote_bm_ticks();
    st = mote_session_run(&g_session);
    const uint64_t dt = mote_bm_ticks() - t0;
    if (st != MOTE_OK) return fail("mote_session_run", st, mote_session_error(&g_session), 5);
    ticks_sum += dt;
    if (dt > ticks_max) ticks_max = dt;
    hash_scores = fnv1a64(hash_scores, scores, TEST_NUM_LABELS * 4u);
    hash_events = fnv1a64(hash_events, event, 4u);
    /* A detection: the event is a class index (>= 0; -1 for none). Read as `mote run --labels`
     * reads it, to the nearest integer in double precision, so that an int8 blob whose event
     * comes out quantized (8.98 for 9) decides the same on every target. */
    const double e = (double)event[0];
    if (e >= 0.0) {
      const uint32_t ms = (c + 1u) * CHUNK_MS;
      const uint32_t k = e < 1e6 ? (uint32_t)(e + 0.5) : 999999u;
      printf("%lu.%03lu s  ", (unsigned long)(ms / 1000u), (unsigned long)(ms % 1000u));
      if (k < TEST_NUM_LABELS) {
        printf("%s\n", test_labels[k]);
      } else {
        printf("class %lu\n", (unsigned long)k);
      }
    }
  }
  if (chunks == 0) {
    printf("error: the clip is shorter than one chunk\n");
    return 6;
  }

  char a[24], b[24];
  const uint32_t audio_ms = chunks * CHUNK_MS;
  printf("chunks %lu audio %lu.%03lu s\n", (unsigned long)chunks, (unsigned long)(audio_ms / 1000u),
         (unsigned long)(audio_ms % 1000u));
  printf("hash scores 0x%08lx%08lx events 0x%08lx%08lx\n", (unsigned long)(hash_scores >> 32),
         (unsigned long)(uint32_t)hash_scores, (unsigned long)(hash_events >> 32), (unsigned long)(uint32_t)hash_events);
  printf("ticks per chunk: avg %s max %s (tick = 1/%lu s)\n", u64(ticks_sum / chunks, a), u64(ticks_max, b),
         (unsigned long)mote_bm_tick_hz());
  const uint64_t instr_avg = mote_bm_instructions(ticks_sum) / chunks, instr_max = mote_bm_instructions(ticks_max);
  printf("instructions per chunk: avg %s max %s (under QEMU -icount shift=0)\n", u64(instr_avg, a), u64(instr_max, b));
  /* Real-time factor: the time one chunk takes at the core clock, one instruction a cycle, over
   * the 20 ms it holds; in thousandths. */
  const uint64_t cycles_per_chunk = (uint64_t)mote_bm_tick_hz() * CHUNK_MS / 1000u;
  const uint64_t rtf_milli = (instr_avg * 1000u + cycles_per_chunk / 2) / cycles_per_chunk;
  const uint64_t rtf_max_milli = (instr_max * 1000u + cycles_per_chunk / 2) / cycles_per_chunk;
  printf("real-time factor at %lu MHz: avg %lu.%03lu max %lu.%03lu (one instruction a cycle)\n",
         (unsigned long)(mote_bm_tick_hz() / 1000000u), (unsigned long)(rtf_milli / 1000u),
         (unsigned long)(rtf_milli % 1000u), (unsigned long)(rtf_max_milli / 1000u),
         (unsigned long)(rtf_max_milli % 1000u));
  printf("sizes: blob %lu arena %lu audio %lu\n", (unsigned long)sizeof MODEL_BLOB, (unsigned long)sizeof g_arena,
         (unsigned long)sizeof test_audio);
  return 0;
}
