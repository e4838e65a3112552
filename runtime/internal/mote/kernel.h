// The kernel interface: what the session, the verifier and the converter's constant folder all
// call. Kernels are plain functions over TensorViews, a parameter record and a scratch span.
//
// Internal: not part of the public API (mote/mote.h, mote/mote.hpp). It lives in
// runtime/internal/, which the runtime's own sources and kernels, the converter, the CLI, the
// tests and the benches see through the mote_runtime_internal CMake target. Kernels include this
// header and nothing from runtime/src/.
//
// For every op family there are two functions (runtime/src/op_table.cc dispatches by code):
//   infer: checks the parameter record and the input dtypes/shapes, computes the output
//          dtypes/shapes and the scratch bytes the kernel needs. It is the single definition of
//          an op's shape rule: the converter uses it to plan, the verifier to check the blob.
//   run:   computes the outputs. It trusts what infer accepted.
#ifndef MOTE_KERNEL_H
#define MOTE_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "mote/ops.h"
#include "mote/status.hpp"
#include "mote/text_codes.h"

namespace mote {

// A bounded text buffer for error detail. Methods chain; the text is cut at the capacity.
// With MOTE_STRIP_ERROR_STRINGS defined it keeps nothing, so the strings compile out.
class Diag {
 public:
  Diag(char* buf, uint32_t cap) : buf_(buf), cap_(cap) { clear(); }
  void clear() {
    len_ = 0;
    if (cap_) buf_[0] = '\0';
  }
  Diag& s(const char* text);
  Diag& i(int64_t value);
  Diag& u(uint32_t magnitude, bool negative = false);  // 32-bit: "-" in front when negative
  Diag& f(double value);  // short decimal form
  Diag& dims(const int32_t* d, int32_t rank);  // "[1,3,224,224]"
  void put(char c);
  const char* text() const { return cap_ ? buf_ : ""; }
  // "context: detail" with the detail written first, by another Diag on the same buffer (a
  // kernel's or an infer function's), and no second buffer for it on the stack: detach() moves
  // that text to the end of the buffer and leaves this Diag the room in front (clear it, e.g. by
  // a Fail, then write the context); attach() puts the detail right behind the context.
  void detach();
  void attach();

 private:
  char* buf_;
  uint32_t cap_;
  uint32_t len_;
};

// Builds an error: clears the diag, collects the detail text, converts to the Status.
//   return Fail(a.diag, Status::kBadParams).s("Conv: weight rank ").i(rank);
class Fail {
 public:
#ifndef MOTE_STRIP_ERROR_STRINGS
  // Out of line (runtime/src/diag.cc): an error site is then one call per piece of its text,
  // without the null test inlined into each; the verifier and the infer functions have some
  // hundreds of them (about a quarter of the core's code on a Cortex-M4 when inlined).
  Fail(Diag* diag, Status status);
  Fail& s(const char* text);
  Fail& i(int64_t value);
  Fail& f(double value);
  Fail& dims(const int32_t* d, int32_t rank);
#else
  // Size-optimised builds keep only the status: the detail calls vanish with their literals,
  // and nothing ever writes the text (Diag::put keeps nothing), so there is none to clear.
  Fail(Diag*, Status status) : status_(status) {}
  Fail& s(const char*) { return *this; }
  Fail& i(int64_t) { return *this; }
  Fail& f(double) { return *this; }
  Fail& dims(const int32_t*, int32_t) { return *this; }
#endif
  operator Status() const { return status_; }

 private:
#ifndef MOTE_STRIP_ERROR_STRINGS
  Diag* diag_;
#endif
  Status status_;
};

// An error in one call: clears the diag, writes the detail from a format and gives the status:
// %s text, %d int32_t, %u uint32_t, %z size_t, %t a dtype's name (int32_t), %v a shape
// (const int32_t* dims, int32_t rank: "[1,3,8,8]"), %m a message of the runtime's own
// (MOTE_T). One call per error site rather than one per piece: the loader, the verifier and the
// session report this way, with the format in its compact form, MOTE_T("...") (mote/text_codes.h).
#ifndef MOTE_STRIP_ERROR_STRINGS
Status fail(Diag* diag, Status status, const char* format, ...);
#else
inline Status fail(Diag*, Status status, const char*, ...) { return status; }
#endif

struct TensorView {
  void* data;     // null while planning/verifying, and for an absent optional input
  int32_t dtype;  // mote_dtype; MOTE_DTYPE_UNDEFINED for an absent optional input
  int32_t rank;
  int32_t dims[MOTE_MAX_RANK];

  int64_t numel() const {
    int64_t n = 1;
    for (int32_t k = 0; k < rank; ++k) n *= dims[k];
    return n;
  }
  bool present() const { return dtype != MOTE_DTYPE_UNDEFINED; }
  template <typename T>
  T* as() const { return static_cast<T*>(data); }
};

struct OpArgs {
  int32_t code;  // mote_op_code
  const void* params;
  uint32_t params_size;
  const TensorView* in;
  int32_t num_in;
  const TensorView* out;
  int32_t num_out;
  void* scratch;
  uint32_t scratch_bytes;
  Diag* diag;

  template <typename P>
  const P& p() const { return *static_cast<const P*>(params); }
};

// Bytes per element of a dtype, 0 for unknown dtypes.
uint32_t dtype_size(int32_t dtype);
const char* dtype_name(int32_t dtype);
// The n-th of a list of NUL-terminated strings ("a\0b\0c"): one list of text rather than a table
// of pointers (4 bytes each, and a relocation on position-independent targets).
const char* nth_string(const char* list, uint32_t n);
const char* op_name(int32_t code);
// The kernels ops run on, for reports: "reference", the optimised set (MOTE_KERNEL_ISA), and for
// x86 the level chosen for this CPU ("x86 avx512").
const char* kernel_set_name();
// True if the op's kernel tolerates an output that starts at the same arena offset as one of
// its inputs (element-wise ops writing in place, Reshape/Copy aliasing). Any other overlap of an
// op's outputs with its inputs, its other outputs or its scratch is refused by the verifier.
bool op_may_alias(int32_t code);
// False when this build leaves the op's reference kernel out (mote/op_config.h,
// MOTE_REFERENCE_ON): the loader then requires the optimised set to take the op.
bool op_reference_linked(int32_t code);
// True for the int8-weight ops (ConvW8 ... LSTMW8, mote convert --quantize int8-weights).
constexpr bool op_weights_int8(int32_t code) {
  return code == MOTE_OP_CONV_W8 || code == MOTE_OP_CONV_TRANSPOSE_W8 || code == MOTE_OP_GEMM_W8 ||
         code == MOTE_OP_MATMUL_W8 || code == MOTE_OP_RNN_W8 || code == MOTE_OP_GRU_W8 || code == MOTE_OP_LSTM_W8;
}

// Working memory of the optimised kernel sets. Every kernel takes its working memory from the
// op's scratch in the arena plan (OpArgs::scratch), never from buffers on the stack beyond a
// small frame, so nothing falls back to the reference because a buffer was too small.
//
// The scratch bytes the optimised kernels of `set` (one MOTE_SET_* bit, mote/blob_format.h) need
// for the op in `args` (inputs and outputs with their shapes; data may be null): 0 when that set
// leaves the op to the reference kernels or needs none. It reads shapes and parameters only, and
// is an upper bound for every tensor value. Every set's function is portable code compiled into
// every build (runtime/kernels/<isa>/scratch.cc), so the converter plans for targets it does not
// run on; the verifier asks this runtime's own set (kernel_set_bit()).
uint32_t kernel_scratch_bytes(uint32_t set, const OpArgs& args);
// The MOTE_SET_* bit of the optimised set this runtime runs (MOTE_SET_REFERENCE if none), and
// that set's scratch for the op (kernel_scratch_bytes(kernel_set_bit(), args), calling only it).
__attribute__((const)) uint32_t kernel_set_bit();
uint32_t kernel_set_scratch_bytes(const OpArgs& args);

// Each optimised set's scratch function (runtime/kernels/<isa>/scratch.cc).
namespace arm_dsp { uint32_t scratch_bytes(const OpArgs& args); }
namespace mve { uint32_t scratch_bytes(const OpArgs& args); }
namespace neon { uint32_t scratch_bytes(const OpArgs& args); }
namespace wasm_simd128 {
uint32_t scratch_bytes(const OpArgs& args);
// True when the set's kernels run the op as it is (never handing it back to the reference), for
// a blob planned for the set: portable, so that `mote convert --c-array` can say which op
// families a SIMD128 module built for the model may leave the reference kernels of out.
bool covers(const OpArgs& args);
}  // namespace wasm_simd128
namespace x86 { uint32_t scratch_bytes(const OpArgs& args); }

// Checks `args` (params, inputs; `args.out` is ignored) and writes the required outputs into
// `inferred` (args.num_out entries) and the scratch size into *scratch_bytes.
Status op_infer(const OpArgs& args, TensorView* inferred, uint32_t* scratch_bytes);

// Runs the op's reference (or selected optimised) kernel.
Status op_run(const OpArgs& args);

// Runs the op's reference kernel only, whatever optimised set this runtime build carries. The
// converter folds constants, calibrates and builds int8 tables with it, so a blob's bytes do not
// depend on the converting machine's CPU or on MOTE_KERNEL_ISA.
Status op_run_reference(const OpArgs& args);

// The infer/run pair of every op family named in MOTE_OP_LIST (mote/ops.h): defined by the
// reference kernels (runtime/kernels/reference/), tabled by code in runtime/src/op_table.cc.
#define MOTE_X_DECLARE(e, name, family) \
  Status infer_##family(const OpArgs& a, TensorView* out, uint32_t* scratch); \
  Status run_##family(const OpArgs& a);
MOTE_OP_LIST(MOTE_X_DECLARE)
#undef MOTE_X_DECLARE

}  // namespace mote

#endif  // MOTE_KERNEL_H
