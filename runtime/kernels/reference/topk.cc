// Reference kernels for TopK and NonMaxSuppression: every slice along the axis (every class's
// scores) is ranked through a binary heap of its positions (int32, in the op's scratch) built in
// O(n), from which the best are popped in order, O(log n) each. The rank is a total order
// (value, then index), so the result does not depend on how the heap happens to be arranged.
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

// Restores the heap below `root` (the best position at the top) over heap[0, size); R ranks
// positions with before(i, j).
template <typename R>
void sift_down(const R& r, int32_t* heap, int64_t size, int64_t root) {
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

// NonMaxSuppression's ranking of one class's boxes: higher score first, then lower index.
struct ScoreRanking {
  const float* score;
  bool before(int32_t i, int32_t j) const { return score[i] > score[j] || (score[i] == score[j] && i < j); }
};

struct Box {
  float y1, x1, y2, x2;  // y1 <= y2, x1 <= x2
};

Box box_at(const float* b, int32_t center_point_box) {
  if (center_point_box) {
    const float hw = b[2] / 2, hh = b[3] / 2;
    return {b[1] - hh, b[0] - hw, b[1] + hh, b[0] + hw};
  }
  return {b[0] < b[2] ? b[0] : b[2], b[1] < b[3] ? b[1] : b[3], b[0] < b[2] ? b[2] : b[0], b[1] < b[3] ? b[3] : b[1]};
}

// IoU(a, b) > threshold; boxes without area, or apart, never suppress one another.
bool overlaps(const Box& a, const Box& b, float threshold) {
  const float h = (a.y2 < b.y2 ? a.y2 : b.y2) - (a.y1 > b.y1 ? a.y1 : b.y1);
  const float w = (a.x2 < b.x2 ? a.x2 : b.x2) - (a.x1 > b.x1 ? a.x1 : b.x1);
  if (!(h > 0 && w > 0)) return false;
  const float area_a = (a.y2 - a.y1) * (a.x2 - a.x1), area_b = (b.y2 - b.y1) * (b.x2 - b.x1);
  const float inter = h * w, uni = area_a + area_b - inter;
  if (!(area_a > 0 && area_b > 0 && uni > 0)) return false;
  return inter / uni > threshold;
}

// One optional float32 scalar input, or `def` when absent.
float scalar_input(const OpArgs& a, int32_t k, float def) {
  return a.num_in > k && a.in[k].present() ? a.in[k].as<float>()[0] : def;
}

}  // namespace

Status infer_nms(const OpArgs& a, TensorView* out, uint32_t* scratch) {
  MOTE_TRY(check_arity(a, 2, 4, 2));
  MOTE_TRY(check_params<mote_nms_params>(a));
  const mote_nms_params& p = a.p<mote_nms_params>();
  MOTE_TRY(check_dtype(a, 0, MOTE_F32));
  MOTE_TRY(check_dtype(a, 1, MOTE_F32));
  const TensorView& boxes = a.in[0];
  const TensorView& scores = a.in[1];
  if (boxes.rank != 3 || boxes.dims[2] != 4 || scores.rank != 3 || scores.dims[0] != boxes.dims[0] ||
      scores.dims[2] != boxes.dims[1]) {
    return Fail(a.diag, Status::kBadParams).s("boxes ").dims(boxes.dims, boxes.rank).s(" and scores ").dims(scores.dims, scores.rank)
        .s(" must be [B, N, 4] and [B, C, N]");
  }
  for (int32_t k = 2; k < a.num_in; ++k) {
    if (!a.in[k].present()) continue;
    MOTE_TRY(check_dtype(a, k, MOTE_F32));
    if (a.in[k].numel() != 1) return Fail(a.diag, Status::kBadParams).s("input ").i(k).s(" must hold one value");
  }
  const int64_t n = boxes.dims[1];
  if (p.max_per_class < 0 || p.max_per_class > n || (p.center_point_box != 0 && p.center_point_box != 1)) {
    return Fail(a.diag, Status::kBadParams).s("max_per_class ").i(p.max_per_class).s(" (of ").i(n).s(" boxes), center_point_box ")
        .i(p.center_point_box).s(" out of range");
  }
  if (n > int64_t(UINT32_MAX / sizeof(int32_t))) return Fail(a.diag, Status::kBadParams).s("too many boxes: ").i(n);
  const int64_t rows[2] = {int64_t(boxes.dims[0]) * scores.dims[1] * p.max_per_class, 3};
  MOTE_TRY(set_checked_shape(a, &out[0], MOTE_I64, 2, rows));
  const int64_t one = 1;
  MOTE_TRY(set_checked_shape(a, &out[1], MOTE_I64, 1, &one));
  *scratch = uint32_t(n * int64_t(sizeof(int32_t)));
  return Status::kOk;
}

Status run_nms(const OpArgs& a) {
  const mote_nms_params& p = a.p<mote_nms_params>();
  const int32_t batches = a.in[0].dims[0], n = a.in[0].dims[1], classes = a.in[1].dims[1];
  const float iou_threshold = scalar_input(a, 2, 0.0f);
  const bool by_score = a.num_in > 3 && a.in[3].present();
  const float score_threshold = scalar_input(a, 3, 0.0f);
  int64_t* sel = a.out[0].as<int64_t>();
  int32_t* heap = static_cast<int32_t*>(a.scratch);
  int64_t rows = 0;
  for (int32_t b = 0; b < batches; ++b) {
    const float* bx = a.in[0].as<float>() + int64_t(b) * n * 4;
    for (int32_t c = 0; c < classes; ++c) {
      const ScoreRanking r{a.in[1].as<float>() + (int64_t(b) * classes + c) * n};
      int64_t size = 0;
      for (int32_t j = 0; j < n; ++j) {
        const float s = r.score[j];
        if (s == s && (!by_score || s > score_threshold)) heap[size++] = j;
      }
      for (int64_t j = size / 2 - 1; j >= 0; --j) sift_down(r, heap, size, j);
      const int64_t first = rows;
      while (size > 0 && rows - first < p.max_per_class) {
        const int32_t best = heap[0];
        heap[0] = heap[--size];
        sift_down(r, heap, size, 0);
        const Box cand = box_at(bx + int64_t(best) * 4, p.center_point_box);
        bool keep = true;
        for (int64_t k = first; k < rows && keep; ++k) {
          keep = !overlaps(cand, box_at(bx + sel[k * 3 + 2] * 4, p.center_point_box), iou_threshold);
        }
        if (!keep) continue;
        sel[rows * 3] = b;
        sel[rows * 3 + 1] = c;
        sel[rows * 3 + 2] = best;
        ++rows;
      }
    }
  }
  const int64_t total = a.out[0].numel();
  for (int64_t k = rows * 3; k < total; ++k) sel[k] = -1;
  a.out[1].as<int64_t>()[0] = rows;
  return Status::kOk;
}

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
