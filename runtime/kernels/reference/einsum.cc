// Reference kernel for Einsum: the equation arrives as loop indices (mote_einsum_params). Every
// output element is the sum, over all values of the contracted labels, of the product of the
// inputs' elements those label values select. Each input's element offset is affine in the label
// values: the stride of a label is the sum of the strides of the axes carrying it (a diagonal),
// 0 along broadcast axes.
#include "walk.h"

namespace mote {

using namespace ref;

namespace {

// The loop state, in the op's scratch (infer states its size: up to 2.5 KB for 16 inputs over
// 16 labels, too much for a small stack), as int64 words: each label's extent, each input's
// stride along each label (in elements), the inputs' offsets at the output element (contracted
// labels at 0) and at the contracted index, and the label values.
uint64_t state_words(int32_t inputs, int32_t labels) { return uint64_t(labels) * (2 + uint64_t(inputs)) + 2u * inputs; }

// Extents and strides of the labels; infer has checked the params against the inputs.
void label_layout(const OpArgs& a, const mote_einsum_params& p, int64_t* extent, int64_t* stride) {
  const int32_t labels = p.num_labels;
  for (int32_t j = 0; j < labels; ++j) extent[j] = 1;
  for (int32_t k = 0; k < a.num_in; ++k) {
    const TensorView& x = a.in[k];
    for (int32_t d = 0; d < x.rank; ++d) {
      const int32_t j = p.label[k][d];
      if (x.dims[d] != 1) extent[j] = x.dims[d];
    }
  }
  for (int32_t k = 0; k < a.num_in; ++k) {
    const TensorView& x = a.in[k];
    int64_t* s_k = stride + int64_t(k) * labels;
    for (int32_t j = 0; j < labels; ++j) s_k[j] = 0;
    int64_t s = 1;
    for (int32_t d = x.rank - 1; d >= 0; --d) {
      if (x.dims[d] != 1) s_k[p.label[k][d]] += s;
      s *= x.dims[d];
    }
  }
}

// An element as T; int32 and int64 share one body (narrow: the tensors are int32, read
// sign-extended, and the result is the low 32 bits of the uint64 sum, the same as wrapping in 32).
template <typename T>
T element(const TensorView& t, int64_t i, bool narrow) {
  return narrow ? T(t.as<const int32_t>()[i]) : t.as<const T>()[i];
}

template <typename T, typename Acc>
void einsum(const OpArgs& a, const mote_einsum_params& p, bool narrow) {
  const int32_t n = a.num_in, first = p.out_rank, last = p.num_labels;
  int64_t* const extent = static_cast<int64_t*>(a.scratch);
  int64_t* const stride = extent + last;  // stride[k * last + j]
  int64_t* const base = stride + int64_t(n) * last;
  int64_t* const off = base + n;
  int64_t* const idx = off + n;
  label_layout(a, p, extent, stride);
  for (int32_t k = 0; k < n; ++k) base[k] = 0;
  for (int32_t j = 0; j < last; ++j) idx[j] = 0;
  int64_t inner = 1;
  for (int32_t j = first; j < last; ++j) inner *= extent[j];
  T* dst = static_cast<T*>(a.out[0].data);
  int32_t* const dst32 = static_cast<int32_t*>(a.out[0].data);
  const int64_t total = a.out[0].numel();
  for (int64_t o = 0; o < total; ++o) {
    Acc sum = 0;
    if (inner > 0) {
      for (int32_t k = 0; k < n; ++k) off[k] = base[k];
      for (int64_t i = 0; i < inner; ++i) {
        Acc prod = 1;
        for (int32_t k = 0; k < n; ++k) prod *= Acc(element<T>(a.in[k], off[k], narrow));
        sum += prod;
        // Next contracted index, innermost label fastest.
        for (int32_t j = last - 1; j >= first; --j) {
          for (int32_t k = 0; k < n; ++k) off[k] += stride[int64_t(k) * last + j];
          if (++idx[j] < extent[j]) break;
          for (int32_t k = 0; k < n; ++k) off[k] -= stride[int64_t(k) * last + j] * extent[j];
          idx[j] = 0;
        }
      }
    }
    if (narrow) {
      dst32[o] = int32_t(uint32_t(uint64_t(sum)));
    } else {
      dst[o] = T(sum);
    }
    for (int32_t j = first - 1; j >= 0; --j) {
      for (int32_t k = 0; k < n; ++k) base[k] += stride[int64_t(k) * last + j];
      if (++idx[j] < extent[j]) break;
      for (int32_t k = 0; k < n; ++k) base[k] -= stride[int64_t(k) * last + j] * extent[j];
      idx[j] = 0;
    }
  }
}

}  // namespace

Status infer_einsum(const OpArgs& a, TensorView* out, uint32_t* scratch) {
  MOTE_TRY(check_arity(a, 1, MOTE_MAX_OP_INPUTS, 1));
  MOTE_TRY(check_params<mote_einsum_params>(a));
  const mote_einsum_params& p = a.p<mote_einsum_params>();
  if (p.num_labels < 0 || p.num_labels > MOTE_EINSUM_MAX_LABELS || p.out_rank < 0 || p.out_rank > MOTE_MAX_RANK ||
      p.out_rank > p.num_labels) {
    return Fail(a.diag, Status::kBadParams).s("has ").i(p.num_labels).s(" labels and output rank ").i(p.out_rank);
  }
  const int32_t dtype = a.in[0].dtype;
  if (dtype != MOTE_F32 && dtype != MOTE_I32 && dtype != MOTE_I64) {
    return Fail(a.diag, Status::kBadParams).s("takes float32, int32 or int64, not ").s(dtype_name(dtype));
  }
  int64_t extent[MOTE_EINSUM_MAX_LABELS];
  bool seen[MOTE_EINSUM_MAX_LABELS] = {};
  for (int32_t j = 0; j < p.num_labels; ++j) extent[j] = 1;
  for (int32_t k = 0; k < a.num_in; ++k) {
    MOTE_TRY(check_input(a, k));
    MOTE_TRY(check_dtype(a, k, dtype));
    const TensorView& x = a.in[k];
    for (int32_t d = 0; d < x.rank; ++d) {
      const int32_t j = p.label[k][d];
      if (j < 0 || j >= p.num_labels) {
        return Fail(a.diag, Status::kBadParams).s("input ").i(k).s(" axis ").i(d).s(" has label ").i(j);
      }
      seen[j] = true;
      if (x.dims[d] == 1) continue;
      if (extent[j] != 1 && extent[j] != x.dims[d]) {
        return Fail(a.diag, Status::kBadParams).s("input ").i(k).s(" axis ").i(d).s(" has dim ").i(x.dims[d]).s(", its label has ").i(extent[j]);
      }
      extent[j] = x.dims[d];
    }
  }
  for (int32_t j = 0; j < p.num_labels; ++j) {
    if (!seen[j]) return Fail(a.diag, Status::kBadParams).s("label ").i(j).s(" is on no input axis");
  }
  // The loop nest's trip count must fit int64 (an empty label makes it 0).
  int64_t trips = 1;
  for (int32_t j = 0; j < p.num_labels && trips > 0; ++j) {
    if (extent[j] != 0 && trips > INT64_MAX / extent[j]) return Fail(a.diag, Status::kBadParams).s("loop nest is too large");
    trips *= extent[j];
  }
  *scratch = uint32_t(state_words(a.num_in, p.num_labels) * sizeof(int64_t));
  return set_checked_shape(a, out, dtype, p.out_rank, extent);
}

Status run_einsum(const OpArgs& a) {
  const mote_einsum_params& p = a.p<mote_einsum_params>();
  switch (a.in[0].dtype) {
    case MOTE_F32: einsum<float, double>(a, p, false); break;
    // Integers wrap (unsigned accumulation) rather than overflow.
    default: einsum<int64_t, uint64_t>(a, p, a.in[0].dtype == MOTE_I32); break;
  }
  return Status::kOk;
}

}  // namespace mote
