// The scratch of the float Conv written once in kernels/simd_conv2d.h and of the GEMMs of
// kernels/simd_dispatch.h, for a set that takes it from the plan (MOTE_SIMD_SCRATCH): the im2col
// panel, sized to the op (no more output columns than the output plane has, no more rows than
// the reduction), then the working memory of the set's f32_gemm_nn for the products over it. Portable: the set's scratch_bytes() returns the
// same layout's size. T: the set's tiles (kernels/<isa>/tiles.h): kConvPanelBytes, the panel
// budget, and gemm_work_floats(M, N, K).
#ifndef MOTE_KERNELS_DRIVERS_CONV_PANEL_H
#define MOTE_KERNELS_DRIVERS_CONV_PANEL_H

#include "../conv_shape.h"
#include "scratch.h"

namespace mote {
namespace drivers {

constexpr int32_t kPanelColumns = 64;  // output positions per panel, at most

struct ConvPanelLayout {
  int32_t stride;  // floats per panel row: the panel's columns
  int32_t depth;   // panel rows (of the reduction k = (c, kh, kw)), at most
  uint64_t panel_at, work_at;
  ScratchLayout scratch;
};

template <class T>
inline ConvPanelLayout conv_panel_layout(const ConvShape& g) {
  ConvPanelLayout l;
  const int32_t mg = g.m / g.group, K = g.c / g.group * g.kh * g.kw, plane = g.oh * g.ow;
  l.stride = min_i32(kPanelColumns, round_up(plane, 4));
  l.depth = max_i32(min_i32(K, int32_t(T::kConvPanelBytes / sizeof(float)) / kPanelColumns), 1);
  l.panel_at = l.scratch.add(uint64_t(l.depth) * uint64_t(l.stride), sizeof(float));
  // Products of mg rows x `count` columns x at most `depth`: full panels, then the plane's rest.
  const int32_t full = min_i32(plane, kPanelColumns), rest = plane > kPanelColumns ? plane % kPanelColumns : 0;
  uint64_t work = T::gemm_work_floats(mg, full, l.depth);
  if (rest) {
    const uint64_t w = T::gemm_work_floats(mg, rest, l.depth);
    work = w > work ? w : work;
  }
  l.work_at = l.scratch.add(work, sizeof(float));
  return l;
}

// One product of M x K times K x N through the set's f32_gemm_nn: its working memory only.
template <class T>
inline ScratchLayout gemm_work_layout(int32_t M, int32_t N, int32_t K) {
  ScratchLayout l;
  l.add(T::gemm_work_floats(M, N, K), sizeof(float));
  return l;
}

// 1x1, stride 1, unpadded: the product reads X in place.
template <class T>
inline ScratchLayout conv_pointwise_layout(const ConvShape& g) {
  return gemm_work_layout<T>(g.m / g.group, g.oh * g.ow, g.c / g.group);
}

}  // namespace drivers
}  // namespace mote

#endif  // MOTE_KERNELS_DRIVERS_CONV_PANEL_H
