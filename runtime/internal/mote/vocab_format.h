/* Mote vocabulary format v1 (.motevocab, and the VOCAB section of a model blob): the WordPiece
 * table the converter writes and the tokenizer reads in place. docs/text.md is the normative
 * description; this header is its C form. All integers are little-endian. */
#ifndef MOTE_VOCAB_FORMAT_H
#define MOTE_VOCAB_FORMAT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MOTE_VOCAB_MAGIC 0x56544F4Du /* "MOTV" */
#define MOTE_VOCAB_VERSION_MAJOR 1u
#define MOTE_VOCAB_VERSION_MINOR 0u
#define MOTE_VOCAB_ALIGN 4u
#define MOTE_VOCAB_MAX_WORD_CHARS 100u /* the longest word the tokenizer splits (more: [UNK]) */
#define MOTE_VOCAB_MAX_LENGTH 65536u   /* the largest default sequence length */

/* flags */
#define MOTE_VOCAB_LOWER_CASE 1u    /* lower-case the text (do_lower_case) */
#define MOTE_VOCAB_STRIP_ACCENTS 2u /* NFD, then drop non-spacing marks (Mn) */
#define MOTE_VOCAB_CJK_CHARS 4u     /* split CJK ideographs into single-character words */
#define MOTE_VOCAB_KNOWN_FLAGS 7u

typedef struct mote_vocab_header {
  uint32_t magic;
  uint16_t version_major;
  uint16_t version_minor;
  uint32_t total_size;     /* bytes, header included, a multiple of 4 */
  uint32_t crc32;          /* IEEE CRC32 of bytes [16, total_size) */
  uint32_t header_size;    /* sizeof(mote_vocab_header) = 64 */
  uint32_t flags;          /* MOTE_VOCAB_* */
  uint32_t token_count;    /* N: ids are [0, N) */
  uint32_t sorted_count;   /* M <= N: distinct tokens in the sorted index */
  uint32_t max_length;     /* default sequence length, [2, MOTE_VOCAB_MAX_LENGTH] */
  uint32_t max_word_chars; /* words longer (in code points) are [UNK]; [1, MOTE_VOCAB_MAX_WORD_CHARS] */
  uint32_t unk_id;
  uint32_t cls_id;
  uint32_t sep_id;
  uint32_t pad_id;
  uint32_t mask_id;      /* 0xFFFFFFFF when the vocabulary has no [MASK] */
  uint32_t strings_size; /* bytes of token text */
  /* then: uint32_t offsets[N + 1] (token i is strings[offsets[i], offsets[i + 1])),
   *       uint32_t sorted[M] (ids, strictly increasing by their bytes, compared as unsigned),
   *       uint8_t strings[strings_size], zero padding to a multiple of 4 */
} mote_vocab_header;

#ifdef __cplusplus
}
#endif

#endif /* MOTE_VOCAB_FORMAT_H */
