// Lowering of the ops driven by tensors of positions or lengths: TopK (runtime/kernels/reference/
// topk.cc), OneHot (onehot.cc), GatherND, ScatterElements, Scatter and ScatterND
// (gather_scatter.cc), ReverseSequence (reverse_sequence.cc) and NonMaxSuppression (topk.cc).
// Their index inputs may be computed at run time (the kernels check or clamp them); TopK's k,
// OneHot's depth and NonMaxSuppression's max_output_boxes_per_class set output shapes, so they
// must be known at conversion time.
#include <algorithm>
#include <cmath>

#include "lower/common.h"

namespace mote {
namespace lowering {

namespace {

// The one value of a constant input that sets a size (TopK's k, OneHot's depth), an integer or
// a float truncated toward zero as ONNX casts it to int64.
int64_t size_input(Lowerer& L, int id, const char* what) {
  if (id < 0) L.error(std::string(what) + " is missing");
  std::vector<int64_t> v;
  if (L.t(id).dtype == MOTE_F32) {
    for (float f : L.const_floats(id, what)) {
      if (!(std::fabs(f) < 2147483648.0f)) L.error(std::string(what) + " is out of range");
      v.push_back(int64_t(f));
    }
  } else {
    v = L.const_ints(id, what);
  }
  if (v.size() != 1) L.error(std::string(what) + " must hold one value, has " + std::to_string(v.size()));
  return v[0];
}

int32_t scatter_reduction(Lowerer& L, const Node& n) {
  const std::string r = attr_str(n, "reduction", "none");
  if (r == "none") return MOTE_SCATTER_NONE;
  if (r == "add") return MOTE_SCATTER_ADD;
  if (r == "mul") return MOTE_SCATTER_MUL;
  if (r == "max") return MOTE_SCATTER_MAX;
  if (r == "min") return MOTE_SCATTER_MIN;
  L.error("reduction '" + r + "' is not one of none, add, mul, max, min");
}

// TopK: k is an attribute before opset 10, then an input; largest and sorted from opset 11.
void lower_topk(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const Tensor& x = L.t(in.at(0));
  const int64_t axis = norm_axis(L, attr_int(n, "axis", -1), int64_t(x.shape.size()));
  const int64_t k = L.opset() < 10 ? attr_int(n, "k", -1) : size_input(L, in_at(in, 1), "TopK k");
  if (k < 0 || k > x.shape[size_t(axis)]) {
    L.error("TopK k " + std::to_string(k) + " is outside [0, " + std::to_string(x.shape[size_t(axis)]) + "]");
  }
  mote_topk_params p{int32_t(axis), int32_t(k), attr_int(n, "largest", 1) != 0, attr_int(n, "sorted", 1) != 0};
  L.emit(MOTE_OP_TOP_K, p, {in[0]}, {n.output(0), n.output_size() > 1 ? n.output(1) : std::string()});
}

void lower_onehot(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  if (in.size() != 3) L.error("OneHot takes 3 inputs");
  const int64_t rank = int64_t(L.t(in[0]).shape.size());
  const int64_t depth = size_input(L, in[1], "OneHot depth");
  if (depth < 1) L.error("OneHot depth " + std::to_string(depth) + " is not positive");
  mote_onehot_params p{L.narrow(depth, "OneHot depth"), int32_t(norm_axis(L, attr_int(n, "axis", -1), rank + 1))};
  L.emit(MOTE_OP_ONE_HOT, p, {in[0], in[2]}, out0(n));
}

void lower_gather_nd(Lowerer& L, const Node& n) {
  mote_gather_scatter_params p{0, attr_i32(L, n, "batch_dims", 0), MOTE_SCATTER_NONE};
  L.emit(MOTE_OP_GATHER_ND, p, inputs_of(L, n), out0(n));
}

// ScatterElements, and Scatter (opset 9-10), which is ScatterElements without a reduction.
void lower_scatter_elements(Lowerer& L, const Node& n) {
  mote_gather_scatter_params p{attr_i32(L, n, "axis", 0), 0, scatter_reduction(L, n)};
  L.emit(MOTE_OP_SCATTER_ELEMENTS, p, inputs_of(L, n), out0(n));
}

void lower_scatter_nd(Lowerer& L, const Node& n) {
  mote_gather_scatter_params p{0, 0, scatter_reduction(L, n)};
  L.emit(MOTE_OP_SCATTER_ND, p, inputs_of(L, n), out0(n));
}

void lower_reverse_sequence(Lowerer& L, const Node& n) {
  mote_reverse_sequence_params p{attr_i32(L, n, "batch_axis", 1), attr_i32(L, n, "time_axis", 0)};
  L.emit(MOTE_OP_REVERSE_SEQUENCE, p, inputs_of(L, n), out0(n));
}

}  // namespace

// NonMaxSuppression: its output is [B * C * max_per_class, 3] whatever the data, the rows past
// the selection -1 (mote_nms_params); max_output_boxes_per_class must be known at conversion
// (absent: 0) and is clamped to [0, boxes per class]; the thresholds may be computed at run time.
void lower_nms(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  if (in.size() < 2) L.error("NonMaxSuppression takes boxes and scores");
  const auto& boxes = L.t(in[0]).shape;
  if (boxes.size() != 3) L.error("NonMaxSuppression boxes must be [B, N, 4]");
  int64_t max_per_class = in_at(in, 2) >= 0 ? size_input(L, in[2], "NonMaxSuppression max_output_boxes_per_class") : 0;
  max_per_class = std::max<int64_t>(0, std::min<int64_t>(max_per_class, boxes[1]));
  const int64_t center = attr_int(n, "center_point_box", 0);
  if (center != 0 && center != 1) L.error("NonMaxSuppression center_point_box must be 0 or 1");
  mote_nms_params p{int32_t(max_per_class), int32_t(center)};
  L.emit(MOTE_OP_NON_MAX_SUPPRESSION, p, {in[0], in[1], in_at(in, 3), in_at(in, 4)}, {n.output(0), std::string()});
}

void add_indexing_ops(LowerTable& t) {
  t["NonMaxSuppression"] = lower_nms;
  t["TopK"] = lower_topk;
  t["OneHot"] = lower_onehot;
  t["GatherND"] = lower_gather_nd;
  t["ScatterElements"] = lower_scatter_elements;
  t["Scatter"] = lower_scatter_elements;
  t["ScatterND"] = lower_scatter_nd;
  t["ReverseSequence"] = lower_reverse_sequence;
}

}  // namespace lowering
}  // namespace mote
