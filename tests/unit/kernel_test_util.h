// Helpers for kernel unit tests: build TensorViews over std::vector storage and call
// op_infer / op_run the way the session does.
#ifndef MOTE_TESTS_UNIT_KERNEL_TEST_UTIL_H
#define MOTE_TESTS_UNIT_KERNEL_TEST_UTIL_H

#include <cstring>
#include <initializer_list>
#include <vector>

#include "mote/kernel.h"
#include "runtime/kernels/reference/quant.h"

namespace mote_test {

struct Buf {
  std::vector<uint8_t> bytes;
  mote::TensorView view{};
};

inline Buf make(int32_t dtype, std::initializer_list<int32_t> dims, const void* data = nullptr) {
  Buf b;
  b.view.dtype = dtype;
  b.view.rank = int32_t(dims.size());
  int k = 0;
  for (int32_t d : dims) b.view.dims[k++] = d;
  b.bytes.resize(size_t(b.view.numel()) * mote::dtype_size(dtype) + 1);
  if (data) std::memcpy(b.bytes.data(), data, b.bytes.size() - 1);
  b.view.data = b.bytes.data();
  return b;
}

template <typename T>
inline Buf make_t(int32_t dtype, std::initializer_list<int32_t> dims, const std::vector<T>& values) {
  return make(dtype, dims, values.data());
}

// Runs one op: infers output shapes, allocates outputs and scratch, runs. Returns the status of
// the first failing step; outputs are written to `outs`.
template <typename P>
inline mote::Status run_op(int32_t code, const P& params, std::vector<Buf*> ins, std::vector<Buf>* outs, int32_t num_out = 1,
                           char* err = nullptr) {
  char text[192];
  mote::Diag diag(err ? err : text, 192);
  std::vector<mote::TensorView> in;
  for (Buf* b : ins) in.push_back(b ? b->view : mote::TensorView{nullptr, MOTE_DTYPE_UNDEFINED, 0, {0}});
  std::vector<mote::TensorView> inferred(num_out);
  mote::OpArgs args{code, &params, uint32_t(sizeof(P)), in.data(), int32_t(in.size()), nullptr, num_out, nullptr, 0, &diag};
  uint32_t scratch_bytes = 0;
  mote::Status st = mote::op_infer(args, inferred.data(), &scratch_bytes);
  if (st != mote::Status::kOk) return st;
  outs->clear();
  std::vector<mote::TensorView> out_views;
  for (int32_t k = 0; k < num_out; ++k) {
    Buf b;
    b.view = inferred[k];
    b.bytes.assign(size_t(b.view.numel()) * mote::dtype_size(b.view.dtype) + 1, 0xCD);
    outs->push_back(std::move(b));
  }
  for (auto& b : *outs) {
    b.view.data = b.bytes.data();
    out_views.push_back(b.view);
  }
  // The scratch the plan would give: the larger of the reference's and this runtime's kernel set's.
  args.out = out_views.data();
  const uint32_t kernel_scratch = mote::kernel_set_scratch_bytes(args);
  if (kernel_scratch > scratch_bytes) scratch_bytes = kernel_scratch;
  std::vector<uint8_t> scratch(scratch_bytes + 16);
  args.scratch = scratch.data();
  args.scratch_bytes = scratch_bytes;
  return mote::op_run(args);
}

template <typename T>
inline std::vector<T> values(const Buf& b) {
  std::vector<T> v(size_t(b.view.numel()));
  if (!v.empty()) std::memcpy(v.data(), b.view.data, v.size() * sizeof(T));
  return v;
}

inline int32_t requantize_for_test(int32_t acc, int32_t multiplier, int32_t shift) {
  return mote::ref::requantize(acc, multiplier, shift);
}

}  // namespace mote_test

#endif  // MOTE_TESTS_UNIT_KERNEL_TEST_UTIL_H
