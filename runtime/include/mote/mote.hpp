// Mote C++ API: load a blob (verified once), open a Session over a caller-supplied arena, write
// inputs, run, read outputs. No heap, no exceptions; every call returns a [[nodiscard]] Status
// and failures leave a one-line reason in error().
//
//   mote::Model model;
//   if (model.load(blob, blob_size) != mote::Status::kOk) log(model.error());
//   static uint8_t arena[MODEL_ARENA_BYTES] __attribute__((aligned(16)));
//   mote::Session session;
//   MOTE_TRY(session.init(&model, arena, sizeof arena));
//   MOTE_TRY(session.set_input(0, pixels, sizeof pixels));
//   MOTE_TRY(session.run());
//   const float* probs = static_cast<const float*>(session.output_data(0));
#ifndef MOTE_MOTE_HPP
#define MOTE_MOTE_HPP

#include <stddef.h>
#include <stdint.h>

#include "mote/ops.h"
#include "mote/status.hpp"

// Blob records and the kernel ABI are internal (runtime/internal/mote/blob_format.h, kernel.h);
// the Model only points at them.
struct mote_tensor_record;
struct mote_op_record;
struct mote_meta_record;
struct mote_plan_record;

namespace mote {

struct TensorView;
class Vocab;  // mote/text.hpp

constexpr uint32_t kErrorTextBytes = 192;

struct TensorInfo {
  const char* name;  // "" when the tensor has no name
  int32_t dtype;     // mote_dtype
  int32_t rank;
  int32_t dims[MOTE_MAX_RANK];
  uint32_t bytes;
  float scale;         // int8 inputs/outputs of quantized models: real = scale * (q - zero_point)
  int32_t zero_point;  // (scale 0 when the tensor is not quantized)
  int32_t state;       // inputs: 1 when each run carries the state into it (mote convert --carry)
};

// A verified, read-only view of a blob. The blob must stay alive and unchanged while the Model
// and its sessions are used; it may sit in flash.
class Model {
 public:
  // Verifies the whole blob: header, checksum, every section, record, offset, dtype, shape and
  // op parameter. `blob` must be 16-byte aligned.
  Status load(const void* blob, size_t size);
  bool ready() const { return ready_; }
  // True when sessions run this runtime's optimised kernels: the blob's plan holds their scratch
  // (mote convert --target names this board's kernel set, or all). A blob planned for other
  // boards still loads and runs, on the reference kernels, whose scratch every plan holds.
  bool optimized_kernels() const;
  const char* error() const { return error_; }

  uint32_t arena_bytes() const;
  uint32_t lower_bound() const;
  uint32_t num_inputs() const { return ready_ ? num_inputs_ : 0; }
  uint32_t num_outputs() const { return ready_ ? num_outputs_ : 0; }
  Status input_info(uint32_t index, TensorInfo* info) const;
  Status output_info(uint32_t index, TensorInfo* info) const;
  // Index of the input/output with this name, or -1.
  int32_t find_input(const char* name) const;
  int32_t find_output(const char* name) const;
  // The vocabulary the blob carries (mote convert --vocab; verified by load), opened into `out`.
  // kInvalidArgument (and a reason in out->error()) when it has none.
  Status vocab(Vocab* out) const;
  bool has_vocab() const { return ready_ && vocab_ != nullptr; }

  // Read access to the verified blob records, for tools (mote info), the session and tests. Not
  // part of the application API: the record types and the inline definitions are in the
  // internal header mote/model_records.hpp, which those users include explicitly.
  uint32_t num_tensors() const { return num_tensors_; }
  uint32_t num_ops() const { return num_ops_; }
  inline const mote_tensor_record& tensor(uint32_t index) const;
  inline const mote_op_record& op(uint32_t index) const;
  inline uint32_t operand(uint32_t index) const;
  inline const void* params(const mote_op_record& op) const;
  const char* string(uint32_t offset) const;  // "" for MOTE_NONE
  inline const mote_meta_record& meta() const;
  inline const mote_plan_record& plan() const;
  inline uint32_t input_tensor(uint32_t index) const;
  inline uint32_t output_tensor(uint32_t index) const;
  // A view of tensor `index` with data null (shape only) or resolved against `arena`.
  TensorView view(uint32_t index, uint8_t* arena) const;
  // The same, written into *out; index MOTE_NONE (an absent optional input) gives an empty view.
  void view_into(uint32_t index, uint8_t* arena, TensorView* out) const;

 private:
  Status verify(const uint8_t* blob, size_t size);
  Status verify_sections(const uint8_t* blob, uint32_t total);
  Status verify_tensors();
  Status verify_ops();
  Status verify_plan();  // runtime/src/plan_check.cc
  Status verify_vocab();
  bool is_graph_input(uint32_t tensor) const;
  bool written_by(uint32_t tensor, uint32_t step) const;
  bool holds_value(uint32_t tensor) const;
  uint32_t live_overlap(const mote_tensor_record& x, uint32_t from) const;
  uint32_t alias_parent(uint32_t tensor, bool* modifies, uint32_t lo, uint32_t hi) const;
  bool may_share(uint32_t a, uint32_t b) const;
  Status info(uint32_t tensor_index, TensorInfo* info) const;
  int32_t find(const char* name, uint32_t first, uint32_t count) const;

  const uint8_t* blob_ = nullptr;
  const mote_tensor_record* tensors_ = nullptr;
  const mote_op_record* ops_ = nullptr;
  const uint32_t* operands_ = nullptr;
  const uint8_t* params_ = nullptr;
  const uint8_t* constants_ = nullptr;
  const char* strings_ = nullptr;
  const uint32_t* io_ = nullptr;
  const mote_plan_record* plan_ = nullptr;
  const mote_meta_record* meta_ = nullptr;
  const uint8_t* vocab_ = nullptr;
  uint32_t vocab_size_ = 0;
  uint32_t num_tensors_ = 0, num_ops_ = 0, num_operands_ = 0, params_size_ = 0;
  uint32_t constants_size_ = 0, strings_size_ = 0, num_inputs_ = 0, num_outputs_ = 0;
  bool ready_ = false;
  char error_[kErrorTextBytes] = {0};
};

// One inference context over a caller-supplied arena. Several sessions may share a Model.
class Session {
 public:
  // `arena` must be 16-byte aligned and at least model->arena_bytes() long.
  Status init(const Model* model, void* arena, size_t arena_bytes);
  bool ready() const { return model_ != nullptr; }
  const char* error() const { return error_; }

  // Copies `bytes` of input data; `bytes` must equal the input's size exactly.
  Status set_input(uint32_t index, const void* data, size_t bytes);
  // Where input/output data live in the arena (null if not ready or out of range).
  void* input_data(uint32_t index);
  const void* output_data(uint32_t index) const;
  Status run();
  // Zeroes the inputs that runs carry state into (mote convert --carry), as a new session has
  // them: the next run starts a new stream. A no-op for models without state.
  Status reset_state();
  // Runs ops [first, last) only; for per-op timing in tools.
  Status run_ops(uint32_t first, uint32_t last);

 private:
  const Model* model_ = nullptr;
  uint8_t* arena_ = nullptr;
  char error_[kErrorTextBytes] = {0};
};

}  // namespace mote

#endif  // MOTE_MOTE_HPP
