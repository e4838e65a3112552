/* Mote blob format v1: the records the converter writes and the runtime reads in place.
 * docs/blob-format.md is the normative description; this header is its C form. Internal (not
 * part of the public API): the runtime, the converter, tools and tests include it.
 * All integers are little-endian; every record is a multiple of 4 bytes. */
#ifndef MOTE_BLOB_FORMAT_H
#define MOTE_BLOB_FORMAT_H

#include <stdint.h>

#include "mote/ops.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MOTE_BLOB_MAGIC 0x45544F4Du /* "MOTE" */
#define MOTE_BLOB_VERSION_MAJOR 1u
#define MOTE_BLOB_VERSION_MINOR 5u
#define MOTE_BLOB_ALIGN 16u        /* sections start on this boundary */
#define MOTE_CONST_ALIGN 64u       /* each constant starts on this boundary */
#define MOTE_ARENA_ALIGN 16u       /* arena offsets are multiples of this */
#define MOTE_NONE 0xFFFFFFFFu      /* an absent optional operand / no string */

typedef struct mote_blob_header {
  uint32_t magic;
  uint16_t version_major;
  uint16_t version_minor;
  uint32_t total_size;    /* bytes, header included */
  uint32_t crc32;         /* IEEE CRC32 of bytes [16, total_size) */
  uint32_t header_size;   /* sizeof(mote_blob_header) */
  uint32_t section_count; /* entries in the section table that follows the header */
  uint32_t flags;         /* 0 in v1 */
  uint32_t reserved;
} mote_blob_header;

typedef enum mote_section_id {
  MOTE_SECTION_META = 1,      /* one mote_meta_record */
  MOTE_SECTION_STRINGS = 2,   /* NUL-terminated UTF-8 strings, referenced by byte offset */
  MOTE_SECTION_TENSORS = 3,   /* mote_tensor_record[count] */
  MOTE_SECTION_OPS = 4,       /* mote_op_record[count], in execution order */
  MOTE_SECTION_OPERANDS = 5,  /* uint32_t[count]: tensor indices, MOTE_NONE if absent */
  MOTE_SECTION_PARAMS = 6,    /* op parameter records, 4-byte aligned */
  MOTE_SECTION_CONSTANTS = 7, /* constant tensor data, each at a MOTE_CONST_ALIGN boundary */
  MOTE_SECTION_IO = 8,        /* uint32_t n_inputs, n_outputs, then the tensor indices */
  MOTE_SECTION_PLAN = 9,      /* one mote_plan_record */
  MOTE_SECTION_VOCAB = 10     /* since 1.3, optional: a whole .motevocab (mote/vocab_format.h) */
} mote_section_id;

typedef struct mote_section_entry {
  uint32_t id;
  uint32_t offset; /* from the start of the blob, MOTE_BLOB_ALIGN aligned */
  uint32_t size;   /* bytes */
  uint32_t count;  /* records (or bytes for byte sections) */
} mote_section_entry;

typedef struct mote_meta_record {
  uint32_t producer;    /* string offset, e.g. "mote-convert 0.1.0" */
  uint32_t source_name; /* string offset: the source model's file name */
  uint32_t opset;       /* the model's default-domain opset */
  uint32_t ir_version;
  uint32_t source_hash_lo; /* FNV-1a 64 of the source .onnx bytes */
  uint32_t source_hash_hi;
  uint32_t kernel_sets; /* since 1.2: the MOTE_SET_* bits whose kernels' scratch the plan holds
                           (mote convert --target); 0 in older blobs: the reference set only */
  uint32_t narrowed;    /* the float64 tensors of the source model that the converter narrowed
                           to float32 (mote convert --narrow-double); 0 otherwise and in blobs
                           written before it (the word was reserved, always 0) */
} mote_meta_record;

/* Kernel sets, one bit each. Every op's scratch in the plan is the largest any of the blob's
 * sets needs for it; a runtime whose set needs more refuses the blob at load. */
#define MOTE_SET_REFERENCE 0x01u     /* the portable reference kernels (scalar mote.wasm too) */
#define MOTE_SET_ARM_DSP 0x02u       /* Cortex-M4/M7 */
#define MOTE_SET_MVE 0x04u           /* Cortex-M55 (Helium) */
#define MOTE_SET_NEON 0x08u          /* Cortex-A, AArch64 */
#define MOTE_SET_WASM_SIMD128 0x10u  /* mote-simd.wasm */
#define MOTE_SET_X86 0x20u           /* SSE4.1, AVX2, AVX-512 */
#define MOTE_SET_ALL 0x3Fu
/* Not a set: the plan's least-arena form (mote convert --arena min). An op's scratch may be only
 * what the reference kernel needs, and an op runs on this runtime's optimised kernel only where that
 * kernel's scratch_bytes() fits the op's planned scratch, on the reference kernel otherwise (the
 * verifier checks the reference need of every op). Without this bit a plan short of the set's
 * need is refused at load. Older runtimes ignore the bit and refuse such a blob's short ops. */
#define MOTE_SET_LEAN 0x80u

typedef enum mote_storage {
  MOTE_STORAGE_ARENA = 0, /* lives in the caller's arena at `offset` */
  MOTE_STORAGE_CONST = 1  /* lives in the CONSTANTS section at `offset` */
} mote_storage;

#define MOTE_TENSOR_FLAG_INPUT 1u
#define MOTE_TENSOR_FLAG_OUTPUT 2u
#define MOTE_TENSOR_FLAG_STATE 4u /* since 1.2: a graph input carried from run to run (zeroed by
                                     a new session and by reset_state) */
#define MOTE_TENSOR_FLAG_NARROWED 8u /* a graph input/output that the source model has as float64:
                                        the blob takes and gives it as float32 (mote convert
                                        --narrow-double); informative, the runtime ignores it */

typedef struct mote_tensor_record {
  uint32_t name;    /* string offset or MOTE_NONE */
  uint8_t dtype;    /* mote_dtype */
  uint8_t rank;     /* 0..MOTE_MAX_RANK */
  uint8_t storage;  /* mote_storage */
  uint8_t flags;    /* MOTE_TENSOR_FLAG_* */
  int32_t dims[MOTE_MAX_RANK];
  uint32_t offset;  /* arena or constants offset */
  uint32_t bytes;   /* product(dims) * dtype size */
  uint32_t first_step; /* the op that writes it (graph inputs: 0); the verifier checks it */
  uint32_t last_step;  /* the last op that reads it (graph outputs: the last op) */
  uint32_t scale_bits;  /* since 1.1: an int8 tensor's scale as IEEE float bits, else MOTE_NONE */
  int32_t zero_point;   /* since 1.1: its zero point (0 otherwise) */
} mote_tensor_record;

typedef struct mote_op_record {
  uint16_t code;       /* mote_op_code */
  uint8_t num_inputs;
  uint8_t num_outputs;
  uint32_t operands;   /* index of the first operand in OPERANDS: inputs, then outputs */
  uint32_t params;     /* byte offset in PARAMS */
  uint32_t params_size;
  uint32_t scratch_offset; /* arena offset of the op's scratch buffer */
  uint32_t scratch_bytes;
  uint32_t name;       /* string offset of the source node's name, or MOTE_NONE */
  uint32_t note;       /* since 1.1: why the op runs in its precision (string), or MOTE_NONE */
} mote_op_record;

typedef struct mote_plan_record {
  uint32_t arena_bytes;  /* the arena a session needs */
  uint32_t lower_bound;  /* the largest sum of bytes live at any step */
  uint32_t alignment;    /* MOTE_ARENA_ALIGN */
  uint32_t weight_bytes; /* bytes of constant data */
} mote_plan_record;

#ifdef __cplusplus
}

#include <stddef.h>

#include "mote/status.hpp"

/* The first 16 bytes of a blob and of a vocabulary table (mote/vocab_format.h). */
typedef struct mote_envelope_prefix {
  uint32_t magic;
  uint16_t version_major;
  uint16_t version_minor;
  uint32_t total_size;
  uint32_t crc32; /* of bytes [16, total_size) */
} mote_envelope_prefix;

namespace mote {
/* IEEE CRC32 (the blob checksum), for the verifier, the converter and tests. */
uint32_t crc32(const uint8_t* data, size_t size, uint32_t crc = 0);

class Diag;
/* What a blob or a vocabulary table is checked against before anything else reads it. */
struct Envelope {
  const char* what; /* "blob", "vocabulary": the errors name it */
  uint32_t align, header_bytes, magic, major;
};
/* In this order: a buffer, its alignment, room for the header, the magic, the major version,
 * total_size within the buffer and at least the header, the CRC32 of [16, total_size). */
Status verify_envelope(const uint8_t* data, size_t size, const Envelope& envelope, Diag* diag);
}  // namespace mote
#endif

#endif /* MOTE_BLOB_FORMAT_H */
