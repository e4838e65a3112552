/* Mote C API: the same contract as mote.hpp, for C firmware, FFI and the WebAssembly glue.
 *
 *   static mote_model model;            // storage only, no allocation
 *   static mote_session session;
 *   static uint8_t arena[MOTE_DIGITS_ARENA_BYTES] __attribute__((aligned(16)));
 *   if (mote_model_load(&model, blob, sizeof blob) != MOTE_OK) puts(mote_model_error(&model));
 *   if (mote_session_init(&session, &model, arena, sizeof arena) != MOTE_OK) ...
 *   mote_session_set_input(&session, 0, pixels, sizeof pixels);
 *   mote_session_run(&session);
 *   const float* probs = (const float*)mote_session_output_data(&session, 0);
 */
#ifndef MOTE_MOTE_H
#define MOTE_MOTE_H

#include <stddef.h>
#include <stdint.h>

#include "mote/ops.h"
#include "mote/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MOTE_MODEL_STORAGE_BYTES 384
#define MOTE_SESSION_STORAGE_BYTES 256

/* Opaque storage for a model / session; declare them statically or on the stack. */
typedef struct mote_model {
  union {
    void* align_ptr;
    uint64_t align_u64;
    unsigned char bytes[MOTE_MODEL_STORAGE_BYTES];
  } storage;
} mote_model;

typedef struct mote_session {
  union {
    void* align_ptr;
    uint64_t align_u64;
    unsigned char bytes[MOTE_SESSION_STORAGE_BYTES];
  } storage;
} mote_session;

typedef struct mote_tensor_info {
  const char* name;
  int32_t dtype; /* mote_dtype */
  int32_t rank;
  int32_t dims[MOTE_MAX_RANK];
  uint32_t bytes;
  float scale;        /* int8 inputs/outputs of quantized models: real = scale * (q - zero_point) */
  int32_t zero_point; /* (scale 0 when the tensor is not quantized) */
  int32_t state;      /* inputs: 1 when each run carries the state into it (mote convert --carry) */
} mote_tensor_info;

/* The optimised kernel set this runtime was built with: "arm_dsp" (Cortex-M4/M7), "mve"
 * (Cortex-M55 Helium), "neon", "wasm_simd128", "x86 sse4.1|avx2|avx512" (the level this CPU runs),
 * or "reference" (portable kernels only). */
const char* mote_kernel_set(void);

/* Verifies and loads a blob (16-byte aligned; it must outlive the model). */
mote_status mote_model_load(mote_model* model, const void* blob, size_t size);
/* One line saying what went wrong in the last failed call on this model ("" if none). */
const char* mote_model_error(const mote_model* model);
uint32_t mote_model_arena_bytes(const mote_model* model);
/* 1 when sessions of this model run this runtime's optimised kernels (mote_kernel_set()): the
 * blob was planned for them (mote convert --target names this board's set, or all). A blob
 * planned for other boards runs on the reference kernels: 0. */
int32_t mote_model_optimized(const mote_model* model);
uint32_t mote_model_num_inputs(const mote_model* model);
uint32_t mote_model_num_outputs(const mote_model* model);
mote_status mote_model_input_info(const mote_model* model, uint32_t index, mote_tensor_info* info);
mote_status mote_model_output_info(const mote_model* model, uint32_t index, mote_tensor_info* info);
/* Index of the named input/output, or -1. */
int32_t mote_model_find_input(const mote_model* model, const char* name);
int32_t mote_model_find_output(const mote_model* model, const char* name);

/* Binds a session to a model and an arena (16-byte aligned, >= mote_model_arena_bytes). */
mote_status mote_session_init(mote_session* session, const mote_model* model, void* arena, size_t arena_bytes);
const char* mote_session_error(const mote_session* session);
/* Copies input data; `bytes` must equal the input's size. */
mote_status mote_session_set_input(mote_session* session, uint32_t index, const void* data, size_t bytes);
void* mote_session_input_data(mote_session* session, uint32_t index);
const void* mote_session_output_data(const mote_session* session, uint32_t index);
mote_status mote_session_run(mote_session* session);
/* Zeroes the state inputs (mote convert --carry) as a new session has them: a new stream. */
mote_status mote_session_reset_state(mote_session* session);

/* Per-op profiling: a run is ops 0 .. mote_model_num_ops() - 1 in order, and
 * mote_session_run_ops(s, first, last) runs ops [first, last) of it alone, so a caller can time
 * each op with its own clock (mote bench --profile, model.profile() in wasm/mote.js). The ops
 * before `first` must have run since the inputs were set. */
uint32_t mote_model_num_ops(const mote_model* model);
/* The op's type ("QConv", "Add", ...; "" in runtimes built without error text) and its code
 * (mote/ops.h), and the name of the graph node it came from ("" if none); NULL / -1 when the
 * index is out of range. */
const char* mote_model_op_type(const mote_model* model, uint32_t index);
int32_t mote_model_op_code(const mote_model* model, uint32_t index);
const char* mote_model_op_name(const mote_model* model, uint32_t index);
mote_status mote_session_run_ops(mote_session* session, uint32_t first, uint32_t last);

#ifdef __cplusplus
}
#endif

#endif /* MOTE_MOTE_H */
