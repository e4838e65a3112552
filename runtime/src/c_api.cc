// The C API: placement of the C++ objects in caller storage, and thin forwarding.
#include "mote/mote.h"

#include <new>  // placement new only: no allocation

#include "mote/kernel.h"
#include "mote/model_records.hpp"
#include "mote/mote.hpp"

static_assert(sizeof(mote::Model) <= MOTE_MODEL_STORAGE_BYTES, "grow MOTE_MODEL_STORAGE_BYTES");
static_assert(sizeof(mote::Session) <= MOTE_SESSION_STORAGE_BYTES, "grow MOTE_SESSION_STORAGE_BYTES");
static_assert(alignof(mote::Model) <= alignof(mote_model), "mote_model storage under-aligned");
static_assert(alignof(mote::Session) <= alignof(mote_session), "mote_session storage under-aligned");
static_assert(sizeof(mote::TensorInfo) == sizeof(mote_tensor_info), "tensor info layouts differ");

namespace {
const mote::Model* as_model(const mote_model* m) { return reinterpret_cast<const mote::Model*>(m->storage.bytes); }
mote::Session* as_session(mote_session* s) { return reinterpret_cast<mote::Session*>(s->storage.bytes); }
const mote::Session* as_session(const mote_session* s) {
  return reinterpret_cast<const mote::Session*>(s->storage.bytes);
}
mote_status c(mote::Status s) { return static_cast<mote_status>(s); }
}  // namespace

extern "C" {

mote_status mote_model_load(mote_model* model, const void* blob, size_t size) {
  if (!model) return MOTE_ERR_INVALID_ARGUMENT;
  mote::Model* m = new (model->storage.bytes) mote::Model();
  return c(m->load(blob, size));
}

const char* mote_model_error(const mote_model* model) { return model ? as_model(model)->error() : ""; }
uint32_t mote_model_arena_bytes(const mote_model* model) { return model ? as_model(model)->arena_bytes() : 0; }
int32_t mote_model_optimized(const mote_model* model) { return model && as_model(model)->optimized_kernels() ? 1 : 0; }
const char* mote_kernel_set(void) { return mote::kernel_set_name(); }
uint32_t mote_model_num_inputs(const mote_model* model) { return model ? as_model(model)->num_inputs() : 0; }
uint32_t mote_model_num_outputs(const mote_model* model) { return model ? as_model(model)->num_outputs() : 0; }

mote_status mote_model_input_info(const mote_model* model, uint32_t index, mote_tensor_info* info) {
  if (!model) return MOTE_ERR_INVALID_ARGUMENT;
  return c(as_model(model)->input_info(index, reinterpret_cast<mote::TensorInfo*>(info)));
}

mote_status mote_model_output_info(const mote_model* model, uint32_t index, mote_tensor_info* info) {
  if (!model) return MOTE_ERR_INVALID_ARGUMENT;
  return c(as_model(model)->output_info(index, reinterpret_cast<mote::TensorInfo*>(info)));
}

int32_t mote_model_find_input(const mote_model* model, const char* name) {
  return model ? as_model(model)->find_input(name) : -1;
}

int32_t mote_model_find_output(const mote_model* model, const char* name) {
  return model ? as_model(model)->find_output(name) : -1;
}

mote_status mote_session_init(mote_session* session, const mote_model* model, void* arena, size_t arena_bytes) {
  if (!session) return MOTE_ERR_INVALID_ARGUMENT;
  mote::Session* s = new (session->storage.bytes) mote::Session();
  return c(s->init(model ? as_model(model) : nullptr, arena, arena_bytes));
}

const char* mote_session_error(const mote_session* session) { return session ? as_session(session)->error() : ""; }

mote_status mote_session_set_input(mote_session* session, uint32_t index, const void* data, size_t bytes) {
  if (!session) return MOTE_ERR_INVALID_ARGUMENT;
  return c(as_session(session)->set_input(index, data, bytes));
}

void* mote_session_input_data(mote_session* session, uint32_t index) {
  return session ? as_session(session)->input_data(index) : nullptr;
}

const void* mote_session_output_data(const mote_session* session, uint32_t index) {
  return session ? as_session(session)->output_data(index) : nullptr;
}

mote_status mote_session_run(mote_session* session) {
  if (!session) return MOTE_ERR_INVALID_ARGUMENT;
  return c(as_session(session)->run());
}

mote_status mote_session_reset_state(mote_session* session) {
  if (!session) return MOTE_ERR_INVALID_ARGUMENT;
  return c(as_session(session)->reset_state());
}

uint32_t mote_model_num_ops(const mote_model* model) { return model ? as_model(model)->num_ops() : 0; }

int32_t mote_model_op_code(const mote_model* model, uint32_t index) {
  if (!model || index >= as_model(model)->num_ops()) return -1;
  return as_model(model)->op(index).code;
}

const char* mote_model_op_type(const mote_model* model, uint32_t index) {
  const int32_t code = mote_model_op_code(model, index);
  return code < 0 ? nullptr : mote::op_name(code);
}

const char* mote_model_op_name(const mote_model* model, uint32_t index) {
  if (!model || index >= as_model(model)->num_ops()) return nullptr;
  const mote::Model* m = as_model(model);
  return m->string(m->op(index).name);
}

mote_status mote_session_run_ops(mote_session* session, uint32_t first, uint32_t last) {
  if (!session) return MOTE_ERR_INVALID_ARGUMENT;
  return c(as_session(session)->run_ops(first, last));
}

}  // extern "C"
