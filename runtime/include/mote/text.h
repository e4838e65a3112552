/* Mote text C API: a BERT WordPiece tokenizer with no heap (docs/text.md).
 *
 * A vocabulary is a verified, read-only table: a .motevocab file (`mote vocab vocab.txt -o
 * V.motevocab`) or the VOCAB section of a model blob (`mote convert M.onnx -o M.mote --vocab
 * vocab.txt`). Tokenizing writes [CLS] pieces [SEP] [PAD]... into the caller's buffers.
 *
 *   static mote_vocab vocab;            // storage only, no allocation
 *   if (mote_model_vocab(&model, &vocab) != MOTE_OK) puts(mote_vocab_error(&vocab));
 *   int32_t ids[64], mask[64], types[64];
 *   uint32_t count;
 *   mote_vocab_tokenize(&vocab, text, strlen(text), 64, 0, ids, mask, types, 64, &count, NULL);
 */
#ifndef MOTE_TEXT_H
#define MOTE_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "mote/mote.h"
#include "mote/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MOTE_VOCAB_STORAGE_BYTES 256

/* Opaque storage for a vocabulary view; declare it statically or on the stack. */
typedef struct mote_vocab {
  union {
    void* align_ptr;
    uint64_t align_u64;
    unsigned char bytes[MOTE_VOCAB_STORAGE_BYTES];
  } storage;
} mote_vocab;

/* The vocabulary's special tokens, for mote_vocab_special. */
typedef enum mote_special_token {
  MOTE_TOKEN_UNK = 0,
  MOTE_TOKEN_CLS = 1,
  MOTE_TOKEN_SEP = 2,
  MOTE_TOKEN_PAD = 3,
  MOTE_TOKEN_MASK = 4
} mote_special_token;

/* mote_vocab_tokenize flags (0: [CLS] ... [SEP], padded with [PAD] to max_length). */
#define MOTE_TOKENIZE_NO_PADDING 1u        /* write only the real tokens */
#define MOTE_TOKENIZE_NO_SPECIAL_TOKENS 2u /* no [CLS] and [SEP]: the word pieces only */

/* Verifies a .motevocab (4-byte aligned; it must outlive the vocab; it may sit in flash). After
 * MOTE_OK, no text and no call can make the tokenizer read outside it. */
mote_status mote_vocab_open(mote_vocab* vocab, const void* data, size_t size);
/* The vocabulary a model blob carries (mote convert --vocab), verified when the model loaded.
 * MOTE_ERR_INVALID_ARGUMENT (and a reason in mote_vocab_error) when it has none. */
mote_status mote_model_vocab(const mote_model* model, mote_vocab* vocab);
/* One line saying what went wrong in the last failed call on this vocab ("" if none). */
const char* mote_vocab_error(const mote_vocab* vocab);

uint32_t mote_vocab_size(const mote_vocab* vocab);       /* token ids are [0, size) */
uint32_t mote_vocab_max_length(const mote_vocab* vocab); /* the default sequence length */
int32_t mote_vocab_lower_case(const mote_vocab* vocab);  /* 1 when text is lower-cased */
int32_t mote_vocab_strip_accents(const mote_vocab* vocab);
/* A special token's id, or -1 when the vocabulary has none ([MASK] is optional). */
int32_t mote_vocab_special(const mote_vocab* vocab, mote_special_token which);
/* A token's UTF-8 bytes (not NUL-terminated) and their count, or null for an id out of range. */
const char* mote_vocab_token(const mote_vocab* vocab, uint32_t id, uint32_t* bytes);
/* The id of the token with exactly these bytes, or -1. */
int32_t mote_vocab_find(const mote_vocab* vocab, const char* token, size_t bytes);

/* Tokenizes `text` (UTF-8; invalid bytes are read as U+FFFD, which cleaning drops) into
 * ids / attention_mask / token_type_ids, each `capacity` entries (mask and type ids may be
 * null). `max_length` 0 takes the vocabulary's. Writes [CLS] pieces [SEP], keeping the first
 * max_length - 2 pieces, then [PAD] up to max_length (mask 0) unless MOTE_TOKENIZE_NO_PADDING.
 * *count receives the real tokens written (mask 1); `needed` (may be null) the tokens the text
 * has untruncated, specials included: *needed > *count says it was truncated. `capacity`
 * must be at least the max length (else MOTE_ERR_INVALID_ARGUMENT, nothing written). */
mote_status mote_vocab_tokenize(const mote_vocab* vocab, const char* text, size_t text_bytes, uint32_t max_length,
                                uint32_t flags, int32_t* ids, int32_t* attention_mask, int32_t* token_type_ids,
                                uint32_t capacity, uint32_t* count, uint32_t* needed);

#ifdef __cplusplus
}
#endif

#endif /* MOTE_TEXT_H */
