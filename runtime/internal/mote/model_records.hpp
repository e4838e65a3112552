// Internal: a loaded Model's blob records, for tools (mote info), the session, the verifier and
// tests. Defines the record accessors mote/mote.hpp declares; including this header brings in
// the blob layout (mote/blob_format.h) and the kernel ABI (mote/kernel.h, for TensorView).
#ifndef MOTE_MODEL_RECORDS_HPP
#define MOTE_MODEL_RECORDS_HPP

#include "mote/blob_format.h"
#include "mote/kernel.h"
#include "mote/mote.hpp"
#include "mote/op_config.h"
#include "mote/scratch_ops.h"

namespace mote {

inline const mote_tensor_record& Model::tensor(uint32_t index) const { return tensors_[index]; }
inline const mote_op_record& Model::op(uint32_t index) const { return ops_[index]; }
inline uint32_t Model::operand(uint32_t index) const { return operands_[index]; }
inline const void* Model::params(const mote_op_record& op) const { return params_ + op.params; }
inline const mote_meta_record& Model::meta() const { return *meta_; }
inline const mote_plan_record& Model::plan() const { return *plan_; }
inline uint32_t Model::input_tensor(uint32_t index) const { return io_[index]; }
inline uint32_t Model::output_tensor(uint32_t index) const { return io_[num_inputs_ + index]; }

// The verifier's and the session's errors about a tensor of `model` ("tensor T 'name'" and the
// format's text, kMalformed) or its op N ("op N (Type 'node'): " and the format's text): one call
// at each error site (runtime/src/diag.cc; on a Cortex-M4 every call of an error is code).
// Without the text (MOTE_STRIP_ERROR_STRINGS) they are inline and vanish with it.
#ifndef MOTE_STRIP_ERROR_STRINGS
Status tensor_error(Diag* diag, const Model& model, uint32_t t, const char* format, ...);
Status op_error(Diag* diag, Status status, const Model& model, uint32_t n, const char* format, ...);
// The same context in front of the detail an op's infer function or kernel already wrote into
// diag's buffer (Diag::detach, op_error, Diag::attach).
Status op_context(Diag* diag, Status status, const Model& model, uint32_t n);
#else
inline Status tensor_error(Diag*, const Model&, uint32_t, const char*, ...) { return Status::kMalformed; }
inline Status op_error(Diag*, Status status, const Model&, uint32_t, const char*, ...) { return status; }
inline Status op_context(Diag*, Status status, const Model&, uint32_t) { return status; }
#endif

namespace {  // (internal linkage: the runtime's own sources see its kernel set and op configuration)

// True when this build links an op its optimised set may take scratch for (mote/scratch_ops.h:
// <set>::scratch_op; the families and ops of mote/op_config.h). When false the set's scratch is
// 0 for every op the verifier lets through (an op left out is refused by its infer first), so
// linked_set_scratch_bytes folds to 0 and the checks on it with it.
constexpr bool kernel_set_scratch_linked() {
#ifdef MOTE_KERNEL_NS
#define MOTE_X_SCRATCH(e, name, family) \
  || (MOTE_FAMILY_ON(family) && MOTE_OP_ON(e) && MOTE_KERNEL_NS::scratch_op(MOTE_OP_##e))
  return false MOTE_OP_LIST(MOTE_X_SCRATCH);
#undef MOTE_X_SCRATCH
#else
  return false;
#endif
}

// kernel_set_scratch_bytes(args), exact, known to be 0 at compile time where it is.
inline uint32_t linked_set_scratch_bytes(const OpArgs& args) {
  return kernel_set_scratch_linked() ? kernel_set_scratch_bytes(args) : 0;
}

}  // namespace

}  // namespace mote

#endif  // MOTE_MODEL_RECORDS_HPP
