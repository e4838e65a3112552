// Lowering of the normalisations and softmax: BatchNormalization, LayerNormalization,
// InstanceNormalization, LpNormalization, Softmax, LogSoftmax and Hardmax
// (runtime/kernels/reference/norm.cc), and LRN (runtime/kernels/reference/lrn.cc).

#include "lower/common.h"

namespace mote {
namespace lowering {

namespace {

void lower_batch_norm(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  if (n.output_size() > 1) {
    for (int k = 1; k < n.output_size(); ++k) {
      if (!n.output(k).empty()) L.error("BatchNormalization in training mode is not supported");
    }
  }
  if (attr_int(n, "training_mode", 0) != 0) L.error("BatchNormalization in training mode is not supported");
  L.emit(MOTE_OP_BATCH_NORM, mote_norm_params{attr_float(n, "epsilon", 1e-5f), 1, 0}, in, out0(n));
}

void lower_layer_norm(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  std::vector<std::string> o = outs(n);
  while (!o.empty() && o.back().empty()) o.pop_back();
  for (auto& name : o) {
    if (name.empty()) name = L.fresh_name("unused");
  }
  if (attr_int(n, "stash_type", 1) != 1) L.error("LayerNormalization stash_type other than float is not supported");
  L.emit(MOTE_OP_LAYER_NORM, mote_norm_params{attr_float(n, "epsilon", 1e-5f), attr_i32(L, n, "axis", -1), 0}, in, o);
}

void lower_softmax(Lowerer& L, const Node& n, int32_t code) {
  const bool old = L.opset() < 13;
  mote_softmax_params p{attr_i32(L, n, "axis", old ? 1 : -1), old ? 1 : 0};
  L.emit(code, p, inputs_of(L, n), out0(n));
}

}  // namespace

void add_norm_ops(LowerTable& t) {
  t["BatchNormalization"] = lower_batch_norm;
  t["LayerNormalization"] = lower_layer_norm;
  t["InstanceNormalization"] = [](Lowerer& L, const Node& n) {
    L.emit(MOTE_OP_INSTANCE_NORM, mote_norm_params{attr_float(n, "epsilon", 1e-5f), 1, 0}, inputs_of(L, n), out0(n));
  };
  t["LpNormalization"] = [](Lowerer& L, const Node& n) {
    L.emit(MOTE_OP_LP_NORM, mote_norm_params{0, attr_i32(L, n, "axis", -1), attr_i32(L, n, "p", 2)}, inputs_of(L, n),
           out0(n));
  };
  t["Softmax"] = [](Lowerer& L, const Node& n) { lower_softmax(L, n, MOTE_OP_SOFTMAX); };
  t["LogSoftmax"] = [](Lowerer& L, const Node& n) { lower_softmax(L, n, MOTE_OP_LOG_SOFTMAX); };
  t["Hardmax"] = [](Lowerer& L, const Node& n) { lower_softmax(L, n, MOTE_OP_HARDMAX); };
  t["LRN"] = [](Lowerer& L, const Node& n) {
    if (!find_attr(n, "size")) L.error("LRN needs its size attribute");
    const mote_lrn_params p{attr_float(n, "alpha", 1e-4f), attr_float(n, "beta", 0.75f), attr_float(n, "bias", 1.0f),
                            attr_i32(L, n, "size", 0)};
    L.emit(MOTE_OP_LRN, p, inputs_of(L, n), out0(n));
  };
}

}  // namespace lowering
}  // namespace mote
