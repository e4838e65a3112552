// ConvExpandDepthwise on the x86 float kernels (f32_expand_dw.inc): the routing decision and the
// scratch layout, per level. Portable (no intrinsics): scratch.cc sizes the scratch with it.
//
// Two forms, both computing the 1x1 of a band's expanded rows with f32_gemm_nn, reading X's rows
// in place (leading dimension H x W) and writing the band (leading dimension: the band's rows
// per channel x W):
//   - rows (AVX2/AVX-512, when the depthwise is one f32_dwrows.inc takes, x86::dw_rows_fits):
//     the band keeps a fixed height per channel; the rows two bands share are moved to its top
//     and only the new ones computed; the depthwise runs dw_rows_plane on each channel's band,
//     straight into Y;
//   - bands (anything else, every level): each band's rows computed afresh into a packed band
//     [E, rows, W], the depthwise run on it as a Conv of its own (the level's f32_conv, whatever
//     form it picks) into a buffer of the band's output rows, which are then copied into Y.
#ifndef MOTE_KERNELS_X86_EXPAND_DW_PLAN_H
#define MOTE_KERNELS_X86_EXPAND_DW_PLAN_H

#include "../drivers/expand_dw_bands.h"
#include "plan.h"

namespace mote {
namespace x86 {

// The depthwise of the whole map as a ConvShape of one image.
inline ConvShape expand_dw_shape(const drivers::ExpandDwGeom& e) {
  ConvShape g;
  g.n = 1;
  g.c = g.m = g.group = e.e;
  g.ih = e.h, g.iw = e.w, g.oh = e.oh, g.ow = e.ow;
  g.kh = e.kh, g.kw = e.kw, g.sh = e.sh, g.sw = e.sw, g.dh = e.dh, g.dw = e.dw, g.ph = e.ph, g.pw = e.pw;
  return g;
}

// The depthwise Conv of one band (bands form): X [1, E, hi - lo, W] (the packed band), the
// vertical padding made so that its output is the band's rows; Y [1, E, rows, OW].
struct ExpandDwSub {
  mote_conv_params params;
  TensorView in[3];
  TensorView out;
  OpArgs args;
};

inline void expand_dw_sub(const OpArgs& a, const drivers::ExpandDwGeom& e, const drivers::ExpandDwBand& b, ExpandDwSub* s) {
  s->params = a.p<mote_expand_dw_params>().dw;
  const int32_t bh = b.hi - b.lo;
  const int32_t top = int32_t(int64_t(b.lo) - (int64_t(b.r0) * e.sh - e.ph));
  const int32_t span = (e.kh - 1) * e.dh + 1;
  s->params.pad_begin[0] = top;
  s->params.pad_end[0] = (b.rows - 1) * e.sh + span - bh - top;
  s->in[0] = TensorView{nullptr, MOTE_F32, 4, {1, e.e, bh, e.w}};
  s->in[1] = a.in[3];
  s->in[1].data = nullptr;
  s->in[2] = a.in[4];
  s->in[2].data = nullptr;
  s->out = TensorView{nullptr, MOTE_F32, 4, {1, e.e, b.rows, e.ow}};
  s->args = OpArgs{MOTE_OP_CONV, &s->params, uint32_t(sizeof s->params), s->in, 3, &s->out, 1, nullptr, 0, a.diag};
}

struct ExpandDwPlan {
  bool run, rows;      // rows: the rows form, else the bands form
  int32_t band_h;      // rows per channel the band buffer holds
  uint64_t band;       // E x band_h x W floats
  uint64_t weights;    // rows form: the depthwise's weight vectors
  TapMaskLayout tm;    // rows form: its tap masks
  uint64_t out;        // bands form: E x band_rows x OW floats
  uint64_t sub;        // bands form: the band Conv's scratch
  uint64_t sub_bytes;
  uint64_t col;        // the GEMM's dot columns
  uint64_t bytes;
};

// The expanded rows [*from, hi) band b computes in the rows form, given the previous band's
// [lo, hi) (prev_hi < 0: none): the rows both hold are kept.
inline int32_t expand_dw_first_new_row(const drivers::ExpandDwBand& b, int32_t prev_lo, int32_t prev_hi) {
  if (prev_hi < 0 || b.lo < prev_lo || b.lo >= prev_hi) return b.lo;
  return prev_hi < b.hi ? prev_hi : b.hi;
}

// The scratch of band b's depthwise run as a Conv of its own (the bands form), or false where
// that Conv would take a kernel the bands form does not use. Apart, so that its sub-Conv's
// records are not in expand_dw_plan's frame.
template <int L>
__attribute__((noinline)) bool expand_dw_sub_bytes(const OpArgs& a, const drivers::ExpandDwGeom& e,
                                                   const drivers::ExpandDwBand& b, uint64_t* bytes) {
  ExpandDwSub s;
  expand_dw_sub(a, e, b, &s);
  const F32ConvPlan f = f32_conv_plan<L>(s.args);
  if (f.kind == F32Conv::kReference || f.kind == F32Conv::kGemm || f.kind == F32Conv::kIm2col) return false;
  *bytes = f.bytes;
  return true;
}

template <int L>
inline ExpandDwPlan expand_dw_plan(const OpArgs& a) {
  ExpandDwPlan p{};
  if (a.code != MOTE_OP_CONV_EXPAND_DW || a.num_in != 5 || !a.out || a.out[0].rank != 4) return p;
  constexpr int32_t W = Tiles<L>::kW;
  constexpr uint64_t kVec = uint64_t(W) * sizeof(float);
  const drivers::ExpandDwGeom e = drivers::expand_dw_geom(a);
  if (e.n < 1 || e.e < 1 || e.oh < 1 || e.ow < 1 || e.h < 1 || e.w < 1) return p;
  const ConvShape g = expand_dw_shape(e);
  p.band_h = drivers::expand_dw_band_height(e);
  p.rows = L >= 2 && dw_rows_fits<W>(g);
  Layout lay;
  p.band = lay.add(uint64_t(e.e) * uint64_t(p.band_h) * uint64_t(e.w) * sizeof(float));
  uint64_t dot = 0;
  int32_t prev_lo = -1, prev_hi = -1;
  for (int32_t r0 = 0; r0 < e.oh; r0 += e.band_rows) {
    const drivers::ExpandDwBand b = drivers::expand_dw_band(e, r0);
    const int32_t from = p.rows ? expand_dw_first_new_row(b, prev_lo, prev_hi) : b.lo;
    prev_lo = b.lo, prev_hi = b.hi;
    const int64_t cols = int64_t(b.hi - from) * e.w;
    if (cols > 0x7FFFFFFF) return p;
    const uint64_t d = cols > 0 ? gemm_dot_bytes<L>(int32_t(cols), e.c) : 0;
    dot = d > dot ? d : dot;
    if (!p.rows && b.hi > b.lo) {
      uint64_t sub = 0;
      if (!expand_dw_sub_bytes<L>(a, e, b, &sub)) return p;
      p.sub_bytes = sub > p.sub_bytes ? sub : p.sub_bytes;
    }
  }
  if (p.rows) {
    p.weights = lay.add(uint64_t(e.kh) * e.kw * kVec);
    p.tm = tap_mask_layout<L>(g, &lay);
  } else {
    p.out = lay.add(uint64_t(e.e) * uint64_t(e.band_rows) * uint64_t(e.ow) * sizeof(float));
    p.sub = lay.add(p.sub_bytes);
  }
  p.col = lay.add(dot);
  p.bytes = lay.bytes();
  p.run = true;
  return p;
}

}  // namespace x86
}  // namespace mote

#endif  // MOTE_KERNELS_X86_EXPAND_DW_PLAN_H
