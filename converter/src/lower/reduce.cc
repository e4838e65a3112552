// Lowering of the reductions: Reduce*, ArgMax, ArgMin and CumSum
// (runtime/kernels/reference/reduce.cc).

#include "lower/common.h"

namespace mote {
namespace lowering {

namespace {

void lower_reduce(Lowerer& L, const Node& n, int32_t code) {
  auto in = inputs_of(L, n);
  const int64_t rank = int64_t(L.t(in.at(0)).shape.size());
  // Axes moved from attribute to input: ReduceSum at opset 13, the others at opset 18.
  const uint32_t input_from = code == MOTE_OP_REDUCE_SUM ? 13 : 18;
  std::vector<int64_t> axes;
  if (L.opset() >= input_from) {
    if (in_at(in, 1) >= 0) axes = L.const_ints(in[1], "axes");
  } else {
    axes = attr_ints(n, "axes");
  }
  mote_reduce_params p{0, attr_i32(L, n, "keepdims", 1)};
  if (axes.empty()) {
    if (attr_int(n, "noop_with_empty_axes", 0) == 0) p.axes_mask = rank ? uint32_t((1u << rank) - 1) : 0;
  }
  for (int64_t a : axes) p.axes_mask |= 1u << norm_axis(L, a, rank);
  L.emit(code, p, {in[0]}, out0(n));
}

void lower_arg_reduce(Lowerer& L, const Node& n, int32_t code) {
  mote_arg_reduce_params p{attr_i32(L, n, "axis", 0), attr_i32(L, n, "keepdims", 1),
                           attr_i32(L, n, "select_last_index", 0)};
  L.emit(code, p, inputs_of(L, n), out0(n));
}

void lower_cum_sum(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  int64_t axis = L.const_ints(in.at(1), "CumSum axis").at(0);
  mote_cum_sum_params p{L.narrow(axis, "CumSum axis"), attr_i32(L, n, "exclusive", 0), attr_i32(L, n, "reverse", 0)};
  L.emit(MOTE_OP_CUM_SUM, p, {in[0]}, out0(n));
}

}  // namespace

void add_reduce_ops(LowerTable& t) {
  auto reduce = [&](const char* name, int32_t code) {
    t[name] = [code](Lowerer& L, const Node& n) { lower_reduce(L, n, code); };
  };
  reduce("ReduceMean", MOTE_OP_REDUCE_MEAN);
  reduce("ReduceSum", MOTE_OP_REDUCE_SUM);
  reduce("ReduceMax", MOTE_OP_REDUCE_MAX);
  reduce("ReduceMin", MOTE_OP_REDUCE_MIN);
  reduce("ReduceProd", MOTE_OP_REDUCE_PROD);
  reduce("ReduceL2", MOTE_OP_REDUCE_L2);
  reduce("ReduceL1", MOTE_OP_REDUCE_L1);
  reduce("ReduceLogSumExp", MOTE_OP_REDUCE_LOG_SUM_EXP);
  reduce("ReduceSumSquare", MOTE_OP_REDUCE_SUM_SQUARE);
  reduce("ReduceLogSum", MOTE_OP_REDUCE_LOG_SUM);
  t["ArgMax"] = [](Lowerer& L, const Node& n) { lower_arg_reduce(L, n, MOTE_OP_ARG_MAX); };
  t["ArgMin"] = [](Lowerer& L, const Node& n) { lower_arg_reduce(L, n, MOTE_OP_ARG_MIN); };
  t["CumSum"] = lower_cum_sum;
}

}  // namespace lowering
}  // namespace mote
