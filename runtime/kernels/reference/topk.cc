// Reference kernel for TopK: every slice along the axis is ranked through a binary heap of its
// positions (int32, in the op's scratch) built in O(n), from which the k best are popped in
// order, O(k log n). The rank is a total order (value, then index), so the result does not
// depend on how the heap happens to be arranged.
#include "walk.h"

namespace mote {

using namespace ref;

namespace {

// a above b in value, NaN above every number.
template <typename T>
inline bool above(T a, T b) {
  if (is_nan(a)) return !is_nan(b);
  return !is_nan(b) && a > b;
}

// One slice of the input: does position i rank before position j?
template <typename T>
struct Ranking {
  const T* x;
  int64_t stride;
  bool largest;

  bool before(int32_t i, int32_t j) const {
    const T a = x[i * stride], b = x[j * stride];
    if (above(a, b)) return largest;
    if (above(b, a)) return !largest;
    return i < j;
  }
};

// Restores the heap below `root` (the best position at the top) over heap[0, size).
template <typename T>
void sift_down(const Ranking<T>& r, int32_t* heap, int64_t size, int64_t root) {
  for (;;) {
    int64_t best = root;
    const int64_t left = 2 * root + 1, right = left + 1;
    if (left < size && r.before(heap[left], heap[best])) best = left;
    if (right < size && r.before(heap[right], heap[best])) best = right;
    if (best == root) return;
    const int32_t t = heap[root];
    heap[root] = heap[best];
    heap[best] = t;
    root = best;
  }
}

template <typename T>
void topk_typed(const OpArgs& a, int32_t axis) {
  const mote_topk_params& p = a.p<mote_topk_params>();
  const TensorView& x = a.in[0];
  const int64_t outer = product(x.dims, 0, axis), n = x.dims[axis], inner = product(x.dims, axis + 1, x.rank);
  const T* src = x.as<T>();
  T* values = a.out[0].as<T>();
  int64_t* indices = a.out[1].as<int64_t>();
  int32_t* heap = static_cast<int32_t*>(a.scratch);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const Ranking<T> r{src + o * n * inner + i, inner, p.largest != 0};
      for (int64_t j = 0; j < n; ++j) heap[j] = int32_t(j);
      for (int64_t j = n / 2 - 1; j >= 0; --j) sift_down(r, heap, n, j);
      int64_t size = n;
      for (int64_t t = 0; t < p.k; ++t) {
        const int32_t best = heap[0];
        const int64_t at = (o * p.k + t) * inner + i;
        values[at] = r.x[best * inner];
        indices[at] = best;
        heap[0] = heap[--size];
        sift_down(r, heap, size, 0);
      }
    }
  }
}

}  // namespace

Status infer_topk(const OpArgs& a, TensorView* out, uint32_t* scratch) {
  MOTE_TRY(check_arity(a, 1, 1, 2));
  MOTE_TRY(check_params<mote_topk_params>(a));
  MOTE_TRY(check_input(a, 0));
  const mote_topk_params& p = a.p<mote_topk_params>();
  const TensorView& x = a.in[0];
  if (x.dtype != MOTE_F32 && x.dtype != MOTE_I32 && x.dtype != MOTE_I64) {
    return Fail(a.diag, Status::kBadParams).s("TopK does not take ").s(dtype_name(x.dtype));
  }
  int32_t axis = p.axis;
  if (!normalize_axis(&axis, x.rank)) {
    return Fail(a.diag, Status::kBadParams).s("axis ").i(p.axis).s(" is out of range for rank ").i(x.rank);
  }
  const int64_t n = x.dims[axis];
  if (p.k < 0 || p.k > n || (p.largest != 0 && p.largest != 1) || (p.sorted != 0 && p.sorted != 1)) {
    return Fail(a.diag, Status::kBadParams).s("k ").i(p.k).s(" (axis of ").i(n).s("), largest ").i(p.largest).s(", sorted ")
        .i(p.sorted).s(" out of range");
  }
  if (n > int64_t(UINT32_MAX / sizeof(int32_t))) return Fail(a.diag, Status::kBadParams).s("axis of ").i(n).s(" is too long");
  int64_t dims[MOTE_MAX_RANK];
  for (int32_t d = 0; d < x.rank; ++d) dims[d] = d == axis ? p.k : x.dims[d];
  MOTE_TRY(set_checked_shape(a, &out[0], x.dtype, x.rank, dims));
  MOTE_TRY(set_checked_shape(a, &out[1], MOTE_I64, x.rank, dims));
  *scratch = out[0].numel() ? uint32_t(n * int64_t(sizeof(int32_t))) : 0;
  return Status::kOk;
}

Status run_topk(const OpArgs& a) {
  int32_t axis = a.p<mote_topk_params>().axis;
  normalize_axis(&axis, a.in[0].rank);
  if (a.out[0].numel() == 0) return Status::kOk;
  switch (a.in[0].dtype) {
    case MOTE_F32: topk_typed<float>(a, axis); break;
    case MOTE_I32: topk_typed<int32_t>(a, axis); break;
    default: topk_typed<int64_t>(a, axis); break;
  }
  return Status::kOk;
}

}  // namespace mote
