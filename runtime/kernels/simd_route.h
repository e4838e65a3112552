// The shape decisions of the int8 routing (simd_dispatch.h), portable: a kernel set's scratch
// function (kernels/<isa>/scratch.cc, compiled into every build) includes this header and sizes
// its scratch for the very kernel the routing will pick, from the same functions.
#ifndef MOTE_KERNELS_SIMD_ROUTE_H
#define MOTE_KERNELS_SIMD_ROUTE_H

#include <stdint.h>

#include "conv_shape.h"
#include "mote/kernel.h"

namespace mote {

// Which int8 convolution kernel a QConv takes: depthwise (every output channel reads its own
// input channel, more than one of them), pointwise (1x1, stride 1, unpadded: a product over the
// channels, pixel by pixel) or the general one.
enum class QConvKind { kDepthwise, kPointwise, kGeneral };

inline QConvKind qconv_kind(const ConvShape& g) {
  if (g.group == g.c && g.m == g.c && g.group > 1) return QConvKind::kDepthwise;
  if (g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.oh == g.ih && g.ow == g.iw && g.ph == 0 && g.pw == 0) {
    return QConvKind::kPointwise;
  }
  return QConvKind::kGeneral;
}

// How a QMatMul runs on a set's s8_gemm: all of A's rows against one shared B (no batch, or batch
// dimensions all 1), batch by batch (A and B carry the same batch dimensions), or on the
// reference (other broadcasts). Weight zero points, which are data, are the routing's own test.
enum class QMatMulKind { kShared, kBatched, kReference };

inline QMatMulKind qmatmul_kind(const OpArgs& a) {
  const TensorView& A = a.in[0];
  const TensorView& B = a.in[1];
  const int32_t M = A.dims[A.rank - 2], K = A.dims[A.rank - 1], N = B.dims[B.rank - 1];
  int64_t b_batch = 1;
  for (int32_t d = 0; d < B.rank - 2; ++d) b_batch *= B.dims[d];
  if (b_batch == 1) {
    const int64_t rows = K ? A.numel() / K : int64_t(M);
    if (rows > 0x7FFFFFFF || a.out[0].numel() != rows * N) return QMatMulKind::kReference;
    return QMatMulKind::kShared;
  }
  if (A.rank != B.rank) return QMatMulKind::kReference;
  for (int32_t d = 0; d < A.rank - 2; ++d) {
    if (A.dims[d] != B.dims[d]) return QMatMulKind::kReference;
  }
  return QMatMulKind::kBatched;
}

}  // namespace mote

#endif  // MOTE_KERNELS_SIMD_ROUTE_H
