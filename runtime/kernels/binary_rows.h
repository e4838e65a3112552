// A broadcast binary element-wise op seen as rows, for the optimised kernel sets (SIMD128, x86):
// the innermost output dimensions over which each input is either contiguous or one repeated
// value fold into one row ([N,C,H,W] * [N,C,1,1] gives rows of H*W against one value per row),
// which the set runs in vectors; the outer dimensions are walked with strides.
#ifndef MOTE_KERNELS_BINARY_ROWS_H
#define MOTE_KERNELS_BINARY_ROWS_H

#include <stdint.h>

#include "mote/kernel.h"
#include "reference/common.h"

namespace mote {

struct BinaryRows {
  int64_t xs[MOTE_MAX_RANK], ys[MOTE_MAX_RANK];  // element strides of X and Y per output dimension
  int32_t d;       // the outer dimensions [0, d] are walked
  int xi, yi;      // 1: the input runs along the row; 0: one value repeats along it
  int64_t len;     // elements per row
};

// Folds the rows of out = op(X, Y); false when both inputs repeat along the innermost dimension
// (nothing to vectorise).
inline bool fold_binary_rows(const TensorView& X, const TensorView& Y, const TensorView& out, BinaryRows* r) {
  for (int32_t k = 0; k < MOTE_MAX_RANK; ++k) r->xs[k] = r->ys[k] = 0;
  ref::broadcast_strides(X, out, r->xs);
  ref::broadcast_strides(Y, out, r->ys);
  // Dimensions of size 1 fold into anything.
  int32_t d = out.rank - 1;
  while (d >= 0 && out.dims[d] == 1) --d;
  r->xi = r->yi = 1;
  r->len = 1;
  if (d >= 0) {
    r->xi = r->xs[d] != 0;
    r->yi = r->ys[d] != 0;
    if (!r->xi && !r->yi) return false;
    for (; d >= 0; --d) {
      if (out.dims[d] == 1) continue;
      if (r->xs[d] != (r->xi ? r->len : 0) || r->ys[d] != (r->yi ? r->len : 0)) break;
      r->len *= out.dims[d];
    }
  }
  r->d = d;
  return true;
}

// Calls fn(x_offset, y_offset, out_offset) at the start of every row, in output order.
template <typename Fn>
inline void walk_binary_rows(const BinaryRows& r, const TensorView& out, Fn fn) {
  const int64_t total = out.numel();
  int32_t idx[MOTE_MAX_RANK] = {0};
  int64_t ox = 0, oy = 0;
  for (int64_t o = 0; o < total; o += r.len) {
    fn(ox, oy, o);
    for (int32_t k = r.d; k >= 0; --k) {
      ox += r.xs[k];
      oy += r.ys[k];
      if (++idx[k] < out.dims[k]) break;
      ox -= r.xs[k] * out.dims[k];
      oy -= r.ys[k] * out.dims[k];
      idx[k] = 0;
    }
  }
}

}  // namespace mote

#endif  // MOTE_KERNELS_BINARY_ROWS_H
