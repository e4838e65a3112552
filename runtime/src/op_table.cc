// One const table indexed by op code: name, infer and run per op.
#include "families.h"

namespace mote {
namespace {

struct OpEntry {
  const char* name;
  Status (*infer)(const OpArgs&, TensorView*, uint32_t*);
  Status (*run)(const OpArgs&);
};

constexpr OpEntry kOps[] = {
#define MOTE_X_ENTRY(e, name, family) {name, infer_##family, run_##family},
    MOTE_OP_LIST(MOTE_X_ENTRY)
#undef MOTE_X_ENTRY
};
static_assert(sizeof(kOps) / sizeof(kOps[0]) == MOTE_OP_COUNT, "op table out of step with the enum");

}  // namespace

const char* op_name(int32_t code) {
  if (code < 0 || code >= MOTE_OP_COUNT) return "unknown";
  return kOps[code].name;
}

Status op_infer(const OpArgs& args, TensorView* inferred, uint32_t* scratch_bytes) {
  if (args.code < 0 || args.code >= MOTE_OP_COUNT) {
    return Fail(args.diag, Status::kUnsupportedOp).s("unknown op code ").i(args.code);
  }
  *scratch_bytes = 0;
  for (int32_t k = 0; k < args.num_out; ++k) {
    inferred[k] = TensorView{nullptr, MOTE_DTYPE_UNDEFINED, 0, {0}};
  }
  return kOps[args.code].infer(args, inferred, scratch_bytes);
}

// Builds with optimised kernels (MOTE_KERNEL_ISA in CMake) link one run_optimized() from
// runtime/kernels/<isa>/dispatch.cc: it picks a variant by plain checks on the shapes and
// returns kUnsupportedOp for anything it leaves to the reference kernels.
#ifdef MOTE_HAVE_OPTIMIZED_KERNELS
Status run_optimized(const OpArgs& args);
#endif

Status op_run(const OpArgs& args) {
#ifdef MOTE_HAVE_OPTIMIZED_KERNELS
  const Status st = run_optimized(args);
  if (st != Status::kUnsupportedOp) return st;
#endif
  return kOps[args.code].run(args);
}

}  // namespace mote
