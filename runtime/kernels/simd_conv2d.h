// float32 Conv over NCHW for the Helium, NEON and SIMD128 kernel sets, written once: each offers
// the same GEMM micro-kernel (f32_gemm_nn) and float copy helpers (copy_floats, zero_floats)
// under its own namespace, which the including kernels/<isa>/f32_conv2d__<isa>.cc names in
// MOTE_SIMD_NS.
//
//   1x1, stride 1, no padding: per image and group, Y[M, HW] = W[M, C] X[C, HW], the set's GEMM
//   reading X where it lies (no im2col, no scratch).
//   anything else: the same GEMM over the im2col matrix, unrolled one panel (rows of (c, kh, kw)
//   x up to 64 output positions, zeros for padding) at a time; output positions run across
//   output rows, so small maps (7x7) fill the tiles.
//
// A set that defines MOTE_SIMD_SCRATCH (kernels/simd_dispatch.h) takes the panel and its GEMM's
// working memory from the op's scratch (drivers/conv_panel.h, sized to the op: its scratch
// function returns the same layout); any other keeps a panel of kConvPanelBytes on the stack. A set
// that defines MOTE_SIMD_STRIDED_COPY copies strided panel rows with its strided_copy first; one
// that defines MOTE_SIMD_SMALL (a build for size) unrolls the panel one tap at a time.
#ifndef MOTE_SIMD_NS
#error "define MOTE_SIMD_NS (the kernel set's namespace) before including simd_conv2d.h"
#endif

#ifdef MOTE_SIMD_SCRATCH
#include "drivers/conv_panel.h"
#endif

namespace mote {
namespace MOTE_SIMD_NS {

Status f32_conv2d_1x1(const OpArgs& a, const ConvShape& g) {
  const float* x = a.in[0].as<float>();
  const float* w = a.in[1].as<float>();
  const float* bias = a.num_in == 3 && a.in[2].present() ? a.in[2].as<float>() : nullptr;
  float* y = a.out[0].as<float>();
  const mote_act& act = a.p<mote_conv_params>().act;
  const int32_t cg = g.c / g.group, mg = g.m / g.group;
  const int32_t plane = g.oh * g.ow;
#ifdef MOTE_SIMD_SCRATCH
  if (!drivers::scratch_holds(a, drivers::conv_pointwise_layout<Tiles>(g))) return Status::kArenaTooSmall;
#endif
  for (int32_t n = 0; n < g.n; ++n) {
    for (int32_t grp = 0; grp < g.group; ++grp) {
      f32_gemm_nn(mg, plane, cg, w + int64_t(grp) * mg * cg, cg, x + (int64_t(n) * g.c + grp * cg) * plane, plane,
                  y + (int64_t(n) * g.m + grp * mg) * plane, plane, bias ? bias + grp * mg : nullptr, act
#ifdef MOTE_SIMD_SCRATCH
                  , false, static_cast<float*>(a.scratch)
#endif
      );
    }
  }
  return Status::kOk;
}

namespace {

constexpr int32_t kPanelColumns = 64;  // output positions per panel

// Unrolls rows [k0, k0 + depth) of the im2col matrix of one image and group (row k = (c, kh, kw)
// of the weights, column p = an output position) for columns [p0, p0 + count) into `panel`
// (row stride `stride`), zeros where a tap falls in the padding. Runs along output rows; a set's
// small build (MOTE_SIMD_SMALL) fills the same panel one tap at a time.
void pack_panel(const ConvShape& g, const float* x, int32_t k0, int32_t depth, int32_t p0, int32_t count, float* panel,
                int32_t stride) {
  const int32_t taps = g.kh * g.kw;
  for (int32_t r = 0; r < depth; ++r) {
    const int32_t k = k0 + r;
    const int32_t c = k / taps, kh = (k % taps) / g.kw, kw = k % g.kw;
    const float* xc = x + int64_t(c) * g.ih * g.iw;
    float* row = panel + r * stride;
#ifdef MOTE_SIMD_SMALL
    for (int32_t q = 0; q < count; ++q) {
      const int32_t oh = (p0 + q) / g.ow, ow = p0 + q - oh * g.ow;
      const int32_t ih = oh * g.sh - g.ph + kh * g.dh, iw = ow * g.sw - g.pw + kw * g.dw;
      const bool inside = uint32_t(ih) < uint32_t(g.ih) && uint32_t(iw) < uint32_t(g.iw);
      row[q] = inside ? xc[int64_t(ih) * g.iw + iw] : 0.0f;
    }
#else
    int32_t p = p0;
    const int32_t end = p0 + count;
    while (p < end) {
      const int32_t oh = p / g.ow, ow0 = p - oh * g.ow;
      const int32_t run = end - p < g.ow - ow0 ? end - p : g.ow - ow0;  // columns left in this output row
      float* out = row + (p - p0);
      const int32_t ih = oh * g.sh - g.ph + kh * g.dh;
      if (ih < 0 || ih >= g.ih) {
        zero_floats(out, run);
      } else {
        const float* xr = xc + int64_t(ih) * g.iw;
        int32_t iw = ow0 * g.sw - g.pw + kw * g.dw;
        if (g.sw == 1 && iw >= 0 && iw + run <= g.iw) {
          copy_floats(out, xr + iw, run);
        } else {
          // Columns [j0, j1) fall inside the row; the others are padding. The strided copy in
          // between has no test per element (the stride-2 stem of every MobileNet comes here).
          int32_t j0 = iw >= 0 ? 0 : (-iw + g.sw - 1) / g.sw;
          j0 = j0 < run ? j0 : run;
          int32_t j1 = iw < g.iw ? (g.iw - iw + g.sw - 1) / g.sw : 0;
          j1 = j1 < run ? j1 : run;
          j1 = j1 > j0 ? j1 : j0;
          for (int32_t j = 0; j < j0; ++j) out[j] = 0.0f;
          const float* src = xr + iw;
          const int32_t sw = g.sw;
          int32_t j = j0;
#ifdef MOTE_SIMD_STRIDED_COPY
          j = strided_copy(out, src, sw, j, j1);  // the set's vector form, as far as it goes
#endif
          for (; j < j1; ++j) out[j] = src[j * sw];
          for (int32_t j = j1; j < run; ++j) out[j] = 0.0f;
        }
      }
      p += run;
    }
#endif
  }
}

}  // namespace

Status f32_conv2d(const OpArgs& a, const ConvShape& g) {
  const float* x = a.in[0].as<float>();
  const float* w = a.in[1].as<float>();
  const float* bias = a.num_in == 3 && a.in[2].present() ? a.in[2].as<float>() : nullptr;
  float* y = a.out[0].as<float>();
  const mote_act& act = a.p<mote_conv_params>().act;
  const mote_act none{MOTE_ACT_NONE, 0.0f, 0.0f};
  const int32_t cg = g.c / g.group, mg = g.m / g.group;
  const int32_t K = cg * g.kh * g.kw, plane = g.oh * g.ow;
#ifdef MOTE_SIMD_CONV_DIRECT
  // A set with a direct form for some shapes (x86: few taps, the stem of image models) tries it first.
  if (f32_conv2d_direct(a, g) == Status::kOk) return Status::kOk;
#endif
#ifdef MOTE_SIMD_SCRATCH
  const drivers::ConvPanelLayout l = drivers::conv_panel_layout<Tiles>(g);
  if (!drivers::scratch_holds(a, l.scratch)) return Status::kArenaTooSmall;
  float* panel = drivers::scratch_at<float>(a, l.panel_at);
  float* work = drivers::scratch_at<float>(a, l.work_at);
  const int32_t stride = l.stride, panel_depth = l.depth;
#else
  constexpr int32_t stride = kPanelColumns, panel_depth = int32_t(kConvPanelBytes / sizeof(float)) / kPanelColumns;
  alignas(16) float panel[panel_depth * kPanelColumns];
#endif
  for (int32_t n = 0; n < g.n; ++n) {
    for (int32_t grp = 0; grp < g.group; ++grp) {
      const float* xg = x + (int64_t(n) * g.c + grp * cg) * g.ih * g.iw;
      const float* wg = w + int64_t(grp) * mg * K;
      const float* bg = bias ? bias + grp * mg : nullptr;
      float* yg = y + (int64_t(n) * g.m + grp * mg) * plane;
      for (int32_t p0 = 0; p0 < plane; p0 += kPanelColumns) {
        const int32_t count = plane - p0 < kPanelColumns ? plane - p0 : kPanelColumns;
        for (int32_t k0 = 0; k0 < K; k0 += panel_depth) {
          const int32_t depth = K - k0 < panel_depth ? K - k0 : panel_depth;
          pack_panel(g, xg, k0, depth, p0, count, panel, stride);
          const bool last = k0 + depth == K;
          f32_gemm_nn(mg, count, depth, wg + k0, K, panel, stride, yg + p0, plane, bg, last ? act : none, k0 > 0
#ifdef MOTE_SIMD_SCRATCH
                      , work
#endif
          );
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace MOTE_SIMD_NS
}  // namespace mote
