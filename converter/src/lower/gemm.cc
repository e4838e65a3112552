// Lowering of Gemm and MatMul (runtime/kernels/reference/gemm.cc), and Det, the other op on
// matrices (runtime/kernels/reference/det.cc).

#include "lower/common.h"

namespace mote {
namespace lowering {

namespace {

void lower_gemm(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  mote_gemm_params p{attr_float(n, "alpha", 1.0f), attr_float(n, "beta", 1.0f), attr_i32(L, n, "transA", 0),
                     attr_i32(L, n, "transB", 0), no_act()};
  std::vector<int> ops_in = {in.at(0), in.at(1)};
  if (in_at(in, 2) >= 0) ops_in.push_back(in[2]);
  L.emit(MOTE_OP_GEMM, p, ops_in, out0(n));
}

}  // namespace

void add_gemm_ops(LowerTable& t) {
  t["Gemm"] = lower_gemm;
  t["MatMul"] = [](Lowerer& L, const Node& n) {
    L.emit(MOTE_OP_MATMUL, mote_matmul_params{no_act()}, inputs_of(L, n), out0(n));
  };
  t["Det"] = [](Lowerer& L, const Node& n) { L.emit(MOTE_OP_DET, std::vector<uint8_t>(), inputs_of(L, n), out0(n)); };
}

}  // namespace lowering
}  // namespace mote
