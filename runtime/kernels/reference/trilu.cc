// Reference kernel for Trilu: keeps the upper or lower triangle of every matrix in the last two
// dims and zeroes the rest. It moves elements by byte size, so every dtype takes the same loop
// (zero is all-zero bytes in each of them).
#include "walk.h"

namespace mote {

using namespace ref;

Status infer_trilu(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 1, 1, 1));
  MOTE_TRY(check_params<mote_trilu_params>(a));
  MOTE_TRY(check_input(a, 0));
  MOTE_TRY(check_rank(a, 0, 2, MOTE_MAX_RANK));
  same_as(out, a.in[0], a.in[0].dtype);
  return Status::kOk;
}

// Element (i, j) of each [rows, cols] matrix stays when j - i >= k (upper) or j - i <= k (lower).
Status run_trilu(const OpArgs& a) {
  const mote_trilu_params& p = a.p<mote_trilu_params>();
  const TensorView& x = a.in[0];
  const uint32_t size = dtype_size(x.dtype);
  const int64_t rows = x.dims[x.rank - 2], cols = x.dims[x.rank - 1];
  const int64_t matrices = product(x.dims, 0, x.rank - 2);
  const uint8_t* src = static_cast<const uint8_t*>(x.data);
  uint8_t* dst = static_cast<uint8_t*>(a.out[0].data);
  for (int64_t m = 0; m < matrices; ++m) {
    for (int64_t i = 0; i < rows; ++i) {
      const int64_t row = (m * rows + i) * cols;
      for (int64_t j = 0; j < cols; ++j) {
        const int64_t diag = j - i;
        const bool keep = p.upper ? diag >= p.k : diag <= p.k;
        uint8_t* to = dst + size_t(row + j) * size;
        if (keep) {
          move_element(to, src + size_t(row + j) * size, size);
        } else {
          memset(to, 0, size);
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace mote
