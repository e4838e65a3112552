// The op codes' names, shape inference and kernels: a const table indexed by op code, or in a build for
// known models a switch naming only their families' functions.
#include "mote/blob_format.h"
#include "mote/kernel.h"

// A runtime built for known models (MOTE_OP_CONFIG, mote/op_config.h) keeps only the op
// families they use: the others get entries that refuse the op at load, so nothing references
// their kernels and the linker's --gc-sections drops them.
#include "mote/op_config.h"

namespace mote {
namespace {

#ifdef MOTE_OP_CONFIG
// The op's number is in the context the loader puts before this (op_error: "op N (op code C
// 'node'): "), its name in `mote info`: a build for known models keeps only their ops' names.
Status infer_excluded(const OpArgs& a, TensorView*, uint32_t*) {
  return fail(a.diag, Status::kUnsupportedOp, MOTE_T("op left out of this runtime build (MOTE_OP_CONFIG; `mote info` names it)"));
}
Status run_excluded(const OpArgs&) { return Status::kUnsupportedOp; }
#endif

// Op names only ever reach error detail text, so builds that compile that text out
// (MOTE_STRIP_ERROR_STRINGS) leave them out. One string of NUL-terminated names in op code
// order: no table of pointers beside the text.
#if !defined(MOTE_STRIP_ERROR_STRINGS) && !defined(MOTE_OP_CONFIG)
constexpr char kNames[] =
#define MOTE_X_NAME(e, name, family) name "\0"
    MOTE_OP_LIST(MOTE_X_NAME);
#undef MOTE_X_NAME
#elif !defined(MOTE_STRIP_ERROR_STRINGS)
// A build for known models keeps the names of its families' ops only, each after its op code
// (one byte), built at compile time from the full table. The names of the ops it leaves out
// (about 1.1 KB on a Cortex-M4 for the digits model) only ever named an op the build refuses:
// that error gives its op code, and `mote info` its name.
static_assert(MOTE_OP_COUNT <= 255, "op codes are stored in one byte");
constexpr const char* kAllNames[] = {
#define MOTE_X_NAME(e, name, family) name,
    MOTE_OP_LIST(MOTE_X_NAME)
#undef MOTE_X_NAME
};
constexpr bool kNameLinked[] = {
#define MOTE_X_ON(e, name, family) MOTE_FAMILY_ON(family) && MOTE_OP_ON(e),
    MOTE_OP_LIST(MOTE_X_ON)
#undef MOTE_X_ON
};
constexpr uint32_t linked_names_bytes() {
  uint32_t n = 1;  // the end mark
  for (int32_t k = 0; k < MOTE_OP_COUNT; ++k) {
    for (const char* p = kAllNames[k]; kNameLinked[k] && *p; ++p) ++n;
    n += kNameLinked[k] ? 2 : 0;
  }
  return n;
}
struct LinkedNames {
  char text[linked_names_bytes()];  // {code + 1, name..., 0}..., 0
};
constexpr LinkedNames linked_names() {
  LinkedNames out{};
  uint32_t n = 0;
  for (int32_t k = 0; k < MOTE_OP_COUNT; ++k) {
    if (!kNameLinked[k]) continue;
    out.text[n++] = static_cast<char>(k + 1);
    for (const char* p = kAllNames[k]; *p; ++p) out.text[n++] = *p;
    out.text[n++] = 0;
  }
  out.text[n] = 0;
  return out;
}
constexpr LinkedNames kLinkedNames = linked_names();
#endif

#ifdef MOTE_OP_CONFIG
// A build for known models names only their families' kernels: a switch over the op codes, the
// other families' cases folding into the refusal, rather than a table of every op's functions.
Status infer_entry(const OpArgs& a, TensorView* inferred, uint32_t* scratch) {
  switch (a.code) {
#define MOTE_X_CASE(e, name, family) \
  case MOTE_OP_##e:                  \
    if (MOTE_FAMILY_ON(family) && MOTE_OP_ON(e)) return infer_##family(a, inferred, scratch); \
    break;
    MOTE_OP_LIST(MOTE_X_CASE)
#undef MOTE_X_CASE
    default: break;
  }
  return infer_excluded(a, inferred, scratch);
}

Status run_entry(const OpArgs& a) {
  switch (a.code) {
#define MOTE_X_CASE(e, name, family) \
  case MOTE_OP_##e:                  \
    if (MOTE_FAMILY_ON(family) && MOTE_OP_ON(e) && MOTE_REFERENCE_ON(family)) return run_##family(a); \
    break;
    MOTE_OP_LIST(MOTE_X_CASE)
#undef MOTE_X_CASE
    default: break;
  }
  return run_excluded(a);
}
#else
struct OpEntry {
  Status (*infer)(const OpArgs&, TensorView*, uint32_t*);
  Status (*run)(const OpArgs&);
};

constexpr OpEntry kOps[] = {
#define MOTE_X_ENTRY(e, name, family) {infer_##family, run_##family},
    MOTE_OP_LIST(MOTE_X_ENTRY)
#undef MOTE_X_ENTRY
};
static_assert(sizeof(kOps) / sizeof(kOps[0]) == MOTE_OP_COUNT, "op table out of step with the enum");

Status infer_entry(const OpArgs& a, TensorView* inferred, uint32_t* scratch) {
  return kOps[a.code].infer(a, inferred, scratch);
}
Status run_entry(const OpArgs& a) { return kOps[a.code].run(a); }
#endif

}  // namespace

const char* op_name(int32_t code) {
  if (code < 0 || code >= MOTE_OP_COUNT) return "unknown";
#if !defined(MOTE_STRIP_ERROR_STRINGS) && !defined(MOTE_OP_CONFIG)
  const char* p = kNames;
  for (int32_t k = 0; k < code; ++k) {
    while (*p++ != 0) {
    }
  }
  return p;
#elif !defined(MOTE_STRIP_ERROR_STRINGS)
  for (const char* p = kLinkedNames.text; *p;) {
    const bool found = static_cast<unsigned char>(*p++) == code + 1;
    if (found) return p;
    while (*p++ != 0) {
    }
  }
  return "";  // an op of a family this build leaves out
#else
  return "";
#endif
}

// op_may_alias is in runtime/src/plan_check.cc, beside its one caller: in a build for known
// models whose families alias nothing it folds to false there, and the alias walk with it.

bool op_reference_linked(int32_t code) {
#define MOTE_X_REF(e, name, family) \
  &&!(!(MOTE_FAMILY_ON(family) && MOTE_OP_ON(e) && MOTE_REFERENCE_ON(family)) && code == MOTE_OP_##e)
  return true MOTE_OP_LIST(MOTE_X_REF);
#undef MOTE_X_REF
}

Status op_infer(const OpArgs& args, TensorView* inferred, uint32_t* scratch_bytes) {
  if (args.code < 0 || args.code >= MOTE_OP_COUNT) {
    return fail(args.diag, Status::kUnsupportedOp, MOTE_T("unknown op code %d"), args.code);
  }
  *scratch_bytes = 0;
  for (int32_t k = 0; k < args.num_out; ++k) {
    inferred[k] = TensorView{nullptr, MOTE_DTYPE_UNDEFINED, 0, {0}};
  }
  // (A header that lists its ops, MOTE_USE_OPS, refuses the int8-weight ops it does not use as
  // any other op left out: infer_excluded.)
#ifndef MOTE_USE_OPS
  if (!MOTE_KERNEL_ON(int8_weights) && op_weights_int8(args.code)) {
    return fail(args.diag, Status::kUnsupportedOp, MOTE_T("%s: this runtime was built without the int8-weight kernels"),
                op_name(args.code));
  }
#endif
  // float16 is a storage type: only Cast (which widens and narrows it) and Copy (which moves
  // bytes) take or give it, so no other kernel ever meets a 2-byte float.
  const bool takes_f16 = (MOTE_OP_ON(CAST) && args.code == MOTE_OP_CAST) || (MOTE_OP_ON(COPY) && args.code == MOTE_OP_COPY);
  for (int32_t k = 0; k < args.num_in && !takes_f16; ++k) {
    if (args.in[k].present() && args.in[k].dtype == MOTE_F16) {
      return fail(args.diag, Status::kBadParams, MOTE_T("input %d is float16, which only Cast takes"), k);
    }
  }
  const Status st = infer_entry(args, inferred, scratch_bytes);
  for (int32_t k = 0; k < args.num_out && st == Status::kOk && !takes_f16; ++k) {
    if (inferred[k].dtype == MOTE_F16) return fail(args.diag, Status::kBadParams, MOTE_T("only Cast gives float16"));
  }
  return st;
}

// Builds with optimised kernels (MOTE_KERNEL_ISA in CMake) link one run_optimized() from
// runtime/kernels/<isa>/dispatch.cc: it picks a variant by plain checks on the shapes and
// returns kUnsupportedOp for anything it leaves to the reference kernels.
#ifdef MOTE_HAVE_OPTIMIZED_KERNELS
Status run_optimized(const OpArgs& args);
#endif

#ifdef MOTE_KERNEL_SET_DYNAMIC
const char* optimized_kernel_set();  // the x86 set: its level is known at run time
#endif

const char* kernel_set_name() {
#if defined(MOTE_KERNEL_SET_DYNAMIC)
  return optimized_kernel_set();
#elif defined(MOTE_HAVE_OPTIMIZED_KERNELS) && defined(MOTE_KERNEL_SET_NAME)
  return MOTE_KERNEL_SET_NAME;
#else
  return "reference";
#endif
}

uint32_t kernel_set_bit() {
#ifdef MOTE_KERNEL_SET_BIT
  return MOTE_KERNEL_SET_BIT;
#else
  return MOTE_SET_REFERENCE;
#endif
}

uint32_t kernel_set_scratch_bytes(const OpArgs& args) {
#ifdef MOTE_KERNEL_NS
  return MOTE_KERNEL_NS::scratch_bytes(args);
#else
  (void)args;
  return 0;
#endif
}

Status op_run(const OpArgs& args) {
#ifdef MOTE_HAVE_OPTIMIZED_KERNELS
  const Status st = run_optimized(args);
  if (st != Status::kUnsupportedOp) return st;
#endif
  return run_entry(args);
}

Status op_run_reference(const OpArgs& args) { return run_entry(args); }

}  // namespace mote
