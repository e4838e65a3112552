/* Mote text example: intent classification of short commands on the device, tokenized on the
 * device.
 *
 * The model (models/intent.onnx, a 2-layer BERT-style encoder, converted with --vocab
 * models/intent_vocab.txt) carries its WordPiece vocabulary in the blob. For each compiled-in
 * command the firmware tokenizes the text with that vocabulary ([CLS] pieces [SEP] [PAD]...,
 * into int32 buffers on the stack), writes the ids into the model's token-id input (int64 or
 * int32 [1, N]; 'attention_mask' and 'token_type_ids' inputs by name), runs the model and takes
 * the class with the highest score of the first output (float32 [1, classes]).
 *
 * Output (tests/qemu/run_text_tests.sh parses it):
 *   kernels: <set>                            the kernel set the runs use
 *   text <k> <label> ids 0x<fnv1a64> logits <hex,...> | <command>
 *                                             one line per command: the class, a hash of the
 *                                             token-id input's bytes and the scores' float bits
 *   instructions per inference: avg A max M   the model run (under QEMU -icount shift=0)
 *   instructions per tokenization: avg A max M
 *   sizes: blob B arena A vocab V tokens
 * Exit status: 0 on success; 2..6 when load, set-up, the model's I/O, tokenizing or a run fail. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "example_print.h"
#include "mote/baremetal.h"
#include "mote/mote.h"
#include "mote/text.h"
/* A float blob (the weights in float32, 443 KB) does not fit beside the code in a Cortex-M55's
 * 512 KB ITCM: with MODEL_IN_BULK (CMake: -DMOTE_MODEL_IN_BULK=ON) it goes to the board's BULK
 * region (boards/common/cortex_m_sections.ld; on mps3-an547 the QSPI flash). */
#ifdef MODEL_IN_BULK
#define MOTE_BLOB_SECTION __attribute__((section(".bulk.model")))
#endif
#include MODEL_HEADER
#include TEXTS_HEADER

#define MAX_SEQ 128u

static mote_model g_model;
static mote_session g_session;
static mote_vocab g_vocab;
static uint8_t g_arena[MODEL_ARENA_BYTES] __attribute__((aligned(16)));
static int32_t g_tokens[3][MAX_SEQ]; /* ids, attention mask, token type ids */

static int fail(const char* call, mote_status st, const char* detail, int code) {
  printf("error: %s: %s (%d): %s\n", call, mote_status_str(st), (int)st, detail);
  return code;
}

/* The token inputs: slot 0 the ids, 1 the attention mask, 2 the token type ids (-1: absent). */
static int find_inputs(int32_t slots[3], uint32_t* length, mote_dtype* dtype) {
  slots[0] = slots[1] = slots[2] = -1;
  for (uint32_t k = 0; k < mote_model_num_inputs(&g_model); ++k) {
    mote_tensor_info info;
    if (mote_model_input_info(&g_model, k, &info) != MOTE_OK) return -1;
    const int slot = strcmp(info.name, "attention_mask") == 0 ? 1 : strcmp(info.name, "token_type_ids") == 0 ? 2 : 0;
    if (info.dtype != MOTE_I64 && info.dtype != MOTE_I32) {
      printf("error: input '%s' is not int64 or int32 token ids\n", info.name);
      return -1;
    }
    const uint32_t size = info.dtype == MOTE_I64 ? 8u : 4u;
    const uint32_t n = info.rank > 0 ? (uint32_t)info.dims[info.rank - 1] : 0u;
    if (slots[slot] >= 0 || n < 2 || n > MAX_SEQ || info.bytes != n * size || (slot != 0 && (n != *length || info.dtype != *dtype))) {
      printf("error: input '%s' is not one sequence [1, N] of at most %u token ids like the others\n", info.name, MAX_SEQ);
      return -1;
    }
    slots[slot] = (int32_t)k;
    *length = n;
    *dtype = info.dtype;
  }
  if (slots[0] < 0) {
    printf("error: the model has no token-id input\n");
    return -1;
  }
  return 0;
}

int main(void) {
  printf("mote text: %lu commands, blob %lu bytes, arena %lu bytes\n", (unsigned long)TEST_NUM_TEXTS,
         (unsigned long)sizeof MODEL_BLOB, (unsigned long)sizeof g_arena);
  mote_status st = mote_model_load(&g_model, MODEL_BLOB, sizeof MODEL_BLOB);
  if (st != MOTE_OK) return fail("mote_model_load", st, mote_model_error(&g_model), 2);
  printf("kernels: %s%s\n", mote_kernel_set(),
         mote_model_optimized(&g_model) ? "" : " (not used: the blob was not planned for them; reference kernels run)");
  st = mote_model_vocab(&g_model, &g_vocab);
  if (st != MOTE_OK) return fail("mote_model_vocab", st, mote_vocab_error(&g_vocab), 2);
  st = mote_session_init(&g_session, &g_model, g_arena, sizeof g_arena);
  if (st != MOTE_OK) return fail("mote_session_init", st, mote_session_error(&g_session), 3);

  int32_t slots[3];
  uint32_t length = 0;
  mote_dtype dtype = MOTE_I64;
  if (find_inputs(slots, &length, &dtype) != 0) return 4;
  mote_tensor_info out;
  if (mote_model_num_outputs(&g_model) < 1 || mote_model_output_info(&g_model, 0, &out) != MOTE_OK ||
      out.dtype != MOTE_F32 || out.bytes != TEST_NUM_LABELS * 4u) {
    printf("error: the model's first output must be float32 scores of the %u classes\n", (unsigned)TEST_NUM_LABELS);
    return 4;
  }
  const float* scores = (const float*)mote_session_output_data(&g_session, 0);

  uint64_t run_sum = 0, run_max = 0, tok_sum = 0, tok_max = 0;
  mote_bm_ticks_start();
  for (uint32_t t = 0; t < TEST_NUM_TEXTS; ++t) {
    const char* text = test_texts[t];
    uint32_t count = 0;
    uint64_t t0 = mote_bm_ticks();
    st = mote_vocab_tokenize(&g_vocab, text, strlen(text), length, 0, g_tokens[0], g_tokens[1], g_tokens[2], MAX_SEQ,
                             &count, NULL);
    uint64_t dt = mote_bm_ticks() - t0;
    if (st != MOTE_OK) return fail("mote_vocab_tokenize", st, mote_vocab_error(&g_vocab), 5);
    tok_sum += dt;
    if (dt > tok_max) tok_max = dt;
    uint64_t ids_hash = 0xcbf29ce484222325ull;
    for (int s = 0; s < 3; ++s) {
      if (slots[s] < 0) continue;
      void* in = mote_session_input_data(&g_session, (uint32_t)slots[s]);
      for (uint32_t i = 0; i < length; ++i) {
        if (dtype == MOTE_I64) {
          ((int64_t*)in)[i] = g_tokens[s][i];
        } else {
          ((int32_t*)in)[i] = g_tokens[s][i];
        }
      }
      if (s == 0) ids_hash = fnv1a64(ids_hash, in, length * (dtype == MOTE_I64 ? 8u : 4u));
    }
    t0 = mote_bm_ticks();
    st = mote_session_run(&g_session);
    dt = mote_bm_ticks() - t0;
    if (st != MOTE_OK) return fail("mote_session_run", st, mote_session_error(&g_session), 6);
    run_sum += dt;
    if (dt > run_max) run_max = dt;
    uint32_t best = 0;
    for (uint32_t k = 1; k < TEST_NUM_LABELS; ++k) best = scores[k] > scores[best] ? k : best;
    printf("text %lu %s ids 0x%08lx%08lx logits ", (unsigned long)t, test_labels[best], (unsigned long)(ids_hash >> 32),
           (unsigned long)(uint32_t)ids_hash);
    for (uint32_t k = 0; k < TEST_NUM_LABELS; ++k) {
      uint32_t bits;
      memcpy(&bits, &scores[k], 4);
      printf("%s%08lx", k ? "," : "", (unsigned long)bits);
    }
    printf(" | %s\n", text);
  }

  char a[24], b[24];
  const uint32_t n = TEST_NUM_TEXTS;
  printf("instructions per inference: avg %s max %s (under QEMU -icount shift=0)\n",
         u64(mote_bm_instructions(run_sum) / n, a), u64(mote_bm_instructions(run_max), b));
  printf("instructions per tokenization: avg %s max %s\n", u64(mote_bm_instructions(tok_sum) / n, a),
         u64(mote_bm_instructions(tok_max), b));
  printf("sizes: blob %lu arena %lu vocab %lu tokens\n", (unsigned long)sizeof MODEL_BLOB, (unsigned long)sizeof g_arena,
         (unsigned long)mote_vocab_size(&g_vocab));
  return 0;
}
