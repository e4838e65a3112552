// See run_blob.h.
#include "run_blob.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vector>

#include "mote/model_records.hpp"
#include "mote/mote.hpp"
#ifdef MOTE_FUZZ_X86
#include "runtime/kernels/x86/cpu.h"
#endif

namespace mote_fuzz {
namespace {

using mote::Status;

// Arenas larger than this are not allocated: the blob may ask for up to 4 GB, which is the
// caller's business, not a runtime bug, and would only slow the fuzzer down.
constexpr uint32_t kMaxArenaBytes = 16u << 20;

// A heap block of exactly `bytes`, 16-byte aligned: ASan's redzone starts at the first byte past it.
struct Block {
  explicit Block(size_t bytes) : size(bytes) {
    void* p = nullptr;
    if (posix_memalign(&p, 16, bytes ? bytes : 1) != 0) abort();
    data = static_cast<uint8_t*>(p);
  }
  ~Block() { free(data); }
  Block(const Block&) = delete;
  Block& operator=(const Block&) = delete;
  uint8_t* data;
  size_t size;
};

// The kernel sets this binary can run: the reference kernels first, then every x86 level the
// CPU has. Without the x86 set there is one entry: whatever the build chose.
struct KernelSet {
  int level;
  const char* name;
};

const std::vector<KernelSet>& kernel_sets() {
  static const std::vector<KernelSet> sets = [] {
    std::vector<KernelSet> s;
#ifdef MOTE_FUZZ_X86
    const char* only = getenv("MOTE_FUZZ_LEVELS");  // e.g. "0,2": reference and AVX2 only
    for (int l = 0; l < mote::x86::kLevelCount; ++l) {
      if (only && !strchr(only, '0' + l)) continue;
      if (mote::x86::supported(mote::x86::Level(l))) s.push_back({l, mote::x86::level_name(mote::x86::Level(l))});
    }
    fprintf(stderr, "mote fuzz: kernel sets:");
    for (const KernelSet& k : s) fprintf(stderr, " %s", k.name);
    fprintf(stderr, "\n");
#else
    s.push_back({0, "default"});
#endif
    return s;
  }();
  return sets;
}

void use(const KernelSet& set) {
#ifdef MOTE_FUZZ_X86
  if (!mote::x86::force(mote::x86::Level(set.level))) abort();
#else
  (void)set;
#endif
}

size_t dtype_size(int32_t dtype) {
  switch (dtype) {
    case MOTE_F32: case MOTE_I32: return 4;
    case MOTE_I64: return 8;
    default: return 1;
  }
}

std::vector<uint8_t> make_input(const mote::TensorInfo& info, const uint8_t* data, size_t data_size, InputFill fill) {
  std::vector<uint8_t> v(info.bytes, 0);
  if (fill == InputFill::kBytes) {
    if (data_size) {
      for (size_t i = 0; i < v.size(); ++i) v[i] = data[i % data_size];
    }
    return v;
  }
  const size_t n = v.size() / dtype_size(info.dtype);
  for (size_t i = 0; i < n; ++i) {
    switch (info.dtype) {
      case MOTE_F32: {
        const float f = float(int(i * 7 % 17) - 8) / 8.0f;
        memcpy(&v[i * 4], &f, 4);
        break;
      }
      case MOTE_I32: {
        const int32_t x = int32_t(i % 5) - 2;
        memcpy(&v[i * 4], &x, 4);
        break;
      }
      case MOTE_I64: {
        const int64_t x = int64_t(i % 5) - 2;
        memcpy(&v[i * 8], &x, 8);
        break;
      }
      case MOTE_BOOL: v[i] = uint8_t(i & 1); break;
      default: v[i] = uint8_t(i * 37 + 11); break;
    }
  }
  return v;
}

// Reads every byte of a string the API hands out (ASan checks it lies in the blob).
size_t touch(const char* s) { return s ? strlen(s) : 0; }

// Float values beyond this are left out of the comparison: sums near FLT_MAX overflow or not
// depending on the summation order, which is no bug.
constexpr float kMaxCompared = 1e18f;

// True when every float of `v` is finite and below `limit` in magnitude.
bool tame_floats(const mote::TensorView& v, float limit) {
  if (v.dtype != MOTE_F32 || !v.data) return true;
  const float* p = v.as<float>();
  for (int64_t i = 0, n = v.numel(); i < n; ++i) {
    if (!(fabsf(p[i]) <= limit)) return false;
  }
  return true;
}

void mismatch(const mote::Model& m, uint32_t op_index, const KernelSet& set, const char* what) {
  const mote_op_record& op = m.op(op_index);
  char text[400];
  snprintf(text, sizeof text, "MISMATCH at op %u (code %u, '%s'): kernel set %s against the reference: %s", op_index,
           unsigned(op.code), m.string(op.name), set.name, what);
  if (ignored(text)) return;
  fprintf(stderr, "mote fuzz: %s\n", text);
  abort();
}

// Op `op_index`'s outputs in the reference arena `a` against those in `b` (same inputs).
void compare_outputs(const mote::Model& m, uint32_t op_index, uint8_t* a, uint8_t* b, const KernelSet& set) {
  const mote_op_record& op = m.op(op_index);
  for (uint32_t k = 0; k < op.num_outputs; ++k) {
    const uint32_t t = m.operand(op.operands + op.num_inputs + k);
    if (t == MOTE_NONE) continue;
    const mote::TensorView va = m.view(t, a), vb = m.view(t, b);
    if (!va.data || va.data == vb.data) continue;  // a constant (not written by the op)
    const int64_t n = va.numel();
    if (va.dtype == MOTE_F32) {
      // Another summation order / fused multiply-add: the kernel test's tolerance, widened
      // tenfold for ops the kernel test does not cover; references holding non-finite or huge
      // values are skipped.
      if (!tame_floats(va, 1e30f)) continue;
      const float* x = va.as<float>();
      const float* y = vb.as<float>();
      double max_ref = 0;
      for (int64_t i = 0; i < n; ++i) max_ref = fmax(max_ref, fabs(double(x[i])));
      const double tol = 1e-4 * (1.0 + max_ref);
      for (int64_t i = 0; i < n; ++i) {
        if (!(fabs(double(x[i]) - double(y[i])) <= tol)) {
          char text[160];
          snprintf(text, sizeof text, "output %u element %lld: reference %.9g, got %.9g (tolerance %.3g)", k,
                   (long long)i, double(x[i]), double(y[i]), tol);
          mismatch(m, op_index, set, text);
          return;
        }
      }
    } else {
      const size_t bytes = size_t(n) * dtype_size(va.dtype);
      if (memcmp(va.data, vb.data, bytes) != 0) {
        size_t i = 0;
        const uint8_t* x = static_cast<const uint8_t*>(va.data);
        const uint8_t* y = static_cast<const uint8_t*>(vb.data);
        while (x[i] == y[i]) ++i;
        char text[160];
        snprintf(text, sizeof text, "output %u (dtype %d) byte %zu: reference 0x%02x, got 0x%02x", k, int(va.dtype), i,
                 x[i], y[i]);
        mismatch(m, op_index, set, text);
        return;
      }
    }
  }
}

// An op is compared only when its float inputs are finite and below kMaxCompared.
bool op_inputs_tame(const mote::Model& m, uint32_t op_index, uint8_t* arena) {
  const mote_op_record& op = m.op(op_index);
  for (uint32_t k = 0; k < op.num_inputs; ++k) {
    const uint32_t t = m.operand(op.operands + k);
    if (t != MOTE_NONE && !tame_floats(m.view(t, arena), kMaxCompared)) return false;
  }
  return true;
}

}  // namespace

bool ignored(const char* text) {
  static const char* list = getenv("MOTE_FUZZ_IGNORE");
  if (!list || !*list) return false;
  for (const char* p = list; *p;) {
    const char* end = strchr(p, '|');
    const size_t n = end ? size_t(end - p) : strlen(p);
    if (n && memmem(text, strlen(text), p, n)) return true;
    p += n + (end ? 1 : 0);
  }
  return false;
}

void fix_crc(uint8_t* blob, size_t size) {
  if (size < sizeof(mote_blob_header)) return;
  uint32_t total;
  memcpy(&total, blob + offsetof(mote_blob_header, total_size), 4);
  if (total < 16 || total > size) return;
  const uint32_t crc = mote::crc32(blob + 16, total - 16);
  memcpy(blob + offsetof(mote_blob_header, crc32), &crc, 4);
}

bool load_and_run(const uint8_t* blob_bytes, size_t size, const uint8_t* data, size_t data_size, InputFill fill,
                  bool must_load) {
  Block blob(size);
  if (size) memcpy(blob.data, blob_bytes, size);
  mote::Model model;
  if (model.load(blob.data, size) != Status::kOk) {
    touch(model.error());
    char text[300];
    snprintf(text, sizeof text, "the converter's blob does not verify: %s", model.error());
    if (must_load && !ignored(text)) {
      fprintf(stderr, "mote fuzz: %s\n", text);
      abort();
    }
    return false;
  }

  // The read-only API over the verified records.
  std::vector<std::vector<uint8_t>> inputs;
  for (uint32_t i = 0; i < model.num_inputs(); ++i) {
    mote::TensorInfo info{};
    if (model.input_info(i, &info) != Status::kOk) {  // verified: must not fail
      fprintf(stderr, "mote fuzz: input_info(%u) failed on a loaded model: %s\n", i, model.error());
      abort();
    }
    touch(info.name);
    (void)model.find_input(info.name);
    inputs.push_back(make_input(info, data, data_size, fill));
  }
  for (uint32_t i = 0; i < model.num_outputs(); ++i) {
    mote::TensorInfo info{};
    if (model.output_info(i, &info) != Status::kOk) {
      fprintf(stderr, "mote fuzz: output_info(%u) failed on a loaded model: %s\n", i, model.error());
      abort();
    }
    touch(info.name);
    (void)model.find_output(info.name);
  }
  for (uint32_t i = 0; i < model.num_ops(); ++i) {
    touch(model.string(model.op(i).name));
    touch(model.string(model.op(i).note));
  }
  touch(model.string(model.meta().producer));

  const uint32_t arena_bytes = model.arena_bytes();
  if (arena_bytes > kMaxArenaBytes) return true;
  const std::vector<KernelSet>& sets = kernel_sets();

  // The reference session: the arena pre-filled with one pattern so that a read of a byte the
  // plan never wrote gives the same value on every kernel set.
  Block arena(arena_bytes);
  memset(arena.data, 0xA5, arena.size);
  mote::Session session;
  if (session.init(&model, arena.data, arena.size) != Status::kOk) abort();
  for (uint32_t i = 0; i < inputs.size(); ++i) {
    if (session.set_input(i, inputs[i].data(), inputs[i].size()) != Status::kOk) abort();
  }
  if (sets.size() == 1) {
    use(sets[0]);
    if (session.run() != Status::kOk) touch(session.error());
  } else {
    // Op by op: each optimised set runs op n on a copy of the reference's arena before op n,
    // and its outputs are compared with the reference's.
    Block other(arena_bytes);
    std::vector<uint8_t> before(arena_bytes);
    mote::Session session2;
    if (session2.init(&model, other.data, other.size) != Status::kOk) abort();
    for (uint32_t n = 0; n < model.num_ops(); ++n) {
      if (arena_bytes) memcpy(before.data(), arena.data, arena_bytes);
      const bool comparable = op_inputs_tame(model, n, arena.data);
      use(sets[0]);
      const Status st = session.run_ops(n, n + 1);
      for (size_t s = 1; s < sets.size(); ++s) {
        if (arena_bytes) memcpy(other.data, before.data(), arena_bytes);
        use(sets[s]);
        const Status st2 = session2.run_ops(n, n + 1);
        if (st2 != st) {
          char text[160];
          snprintf(text, sizeof text, "status %d, the reference %d", int(st2), int(st));
          mismatch(model, n, sets[s], text);
        }
        if (st == Status::kOk && comparable) compare_outputs(model, n, arena.data, other.data, sets[s]);
      }
      if (st != Status::kOk) {
        touch(session.error());
        break;
      }
    }
  }
  volatile uint8_t sink = 0;
  for (uint32_t i = 0; i < model.num_outputs(); ++i) {
    mote::TensorInfo info{};
    if (model.output_info(i, &info) != Status::kOk) abort();
    const uint8_t* p = static_cast<const uint8_t*>(session.output_data(i));
    for (uint32_t b = 0; p && b < info.bytes; ++b) sink = sink ^ p[b];
  }
  (void)sink;
  return true;
}

}  // namespace mote_fuzz
