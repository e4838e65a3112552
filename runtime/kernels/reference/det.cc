// Reference kernel for Det: the determinant of every matrix in the last two dims, by LU
// decomposition with partial pivoting on a copy of the matrix in the op's scratch.
#include <math.h>

#include "walk.h"

namespace mote {

using namespace ref;

namespace {

// Largest scratch Det asks for: one matrix of float32 (the arena is at most 4 GiB).
constexpr int64_t kMaxDetScratch = int64_t(0x7FFFFFFF);

// The determinant of the m x m matrix in `a` (row-major), which it overwrites with its LU factors.
// A NaN in a column is taken as its pivot, so it reaches the result.
float determinant(float* a, int64_t m) {
  float det = 1.0f;
  for (int64_t k = 0; k < m; ++k) {
    int64_t pivot = k;
    float best = fabsf(a[k * m + k]);
    for (int64_t i = k + 1; i < m; ++i) {
      const float v = fabsf(a[i * m + k]);
      if (!(v <= best)) {  // larger, or NaN
        best = v;
        pivot = i;
      }
    }
    if (best == 0.0f) return 0.0f;  // a zero column below the diagonal: singular
    if (pivot != k) {
      for (int64_t j = k; j < m; ++j) {
        const float t = a[k * m + j];
        a[k * m + j] = a[pivot * m + j];
        a[pivot * m + j] = t;
      }
      det = -det;
    }
    const float d = a[k * m + k];
    det *= d;
    for (int64_t i = k + 1; i < m; ++i) {
      const float f = a[i * m + k] / d;
      if (f == 0.0f) continue;
      for (int64_t j = k + 1; j < m; ++j) a[i * m + j] -= f * a[k * m + j];
    }
  }
  return det;
}

}  // namespace

// X [..., M, M] float32 -> Y [...]; scratch: one M x M matrix (none for an empty batch).
Status infer_det(const OpArgs& a, TensorView* out, uint32_t* scratch) {
  MOTE_TRY(check_arity(a, 1, 1, 1));
  if (a.params_size != 0) return Fail(a.diag, Status::kBadParams).s("takes no parameters, has ").i(a.params_size).s(" bytes");
  MOTE_TRY(check_input(a, 0));
  MOTE_TRY(check_dtype(a, 0, MOTE_F32));
  MOTE_TRY(check_rank(a, 0, 2, MOTE_MAX_RANK));
  const TensorView& x = a.in[0];
  const int64_t m = x.dims[x.rank - 1];
  if (x.dims[x.rank - 2] != m) {
    return Fail(a.diag, Status::kBadParams).s("input ").dims(x.dims, x.rank).s(" is not a batch of square matrices");
  }
  // With a matrix present, m * m <= the input's 2^31 elements; an empty batch needs no scratch.
  const bool empty = product(x.dims, 0, x.rank - 2) == 0;
  const int64_t bytes = empty ? 0 : m * m * int64_t(sizeof(float));
  if (bytes > kMaxDetScratch) return Fail(a.diag, Status::kBadParams).s("matrix of ").i(m).s(" rows is too large");
  set_shape(out, MOTE_F32, x.rank - 2, x.dims);
  *scratch = uint32_t(bytes);
  return Status::kOk;
}

Status run_det(const OpArgs& a) {
  const TensorView& x = a.in[0];
  const int64_t m = x.dims[x.rank - 1];
  const int64_t count = product(x.dims, 0, x.rank - 2);
  const float* src = x.as<float>();
  float* dst = a.out[0].as<float>();
  float* lu = static_cast<float*>(a.scratch);
  for (int64_t b = 0; b < count; ++b) {
    if (m) memcpy(lu, src + b * m * m, size_t(m * m) * sizeof(float));
    dst[b] = determinant(lu, m);
  }
  return Status::kOk;
}

}  // namespace mote
