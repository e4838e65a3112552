// f32_dwconv2d__wasm_simd128: float32 depthwise Conv (group == C == M), NCHW, weights
// [C, 1, kH, kW], 4 output columns per vector.
//
// 3x3 undilated at stride 1 or 2 (every MobileNet): read in place. The nine weights stay in
// registers; a vector's taps are unaligned loads (stride 2: two loads and a shuffle per tap
// column) that may reach past the ends of an input row into its neighbours, so the lanes that
// fall in the padding are cleared with masks, which only the first and last vector of an output
// row need. At stride 1 (both ways), two output rows go together, the two input rows they share
// read once. Rows in the vertical padding read a row of zeros. A row's last vector is stored
// whole, into the next row (or plane), which is written after it. Reads stay within kReach
// floats of the plane; the first and last planes of the tensor, where that would leave the
// tensor, take the band path, as do planes under 2 * kReach floats (or outputs under 4).
//
// Anything else, one plane a band of output rows at a time (drivers/f32_dwconv2d.h, band.h):
// the input rows the band reads are copied, with their zero padding, into the scratch, so every
// tap of every output is a plain load and the loops have no borders.
#include "../drivers/f32_dwconv2d.h"
#include "band.h"

namespace mote {
namespace wasm_simd128 {
namespace {

// One output row from a buffered band, any kernel, dilation and stride.
template <int SW>
void row_generic(const ConvShape& g, const float* buf, const Band& band, const float* w, float bias, float* y,
                 const VecAct& act) {
  for (int32_t ow = 0; ow < g.ow; ow += 4) {
    v128_t acc = wasm_f32x4_splat(bias);
    for (int32_t kh = 0; kh < g.kh; ++kh) {
      const float* xr = buf + kh * g.dh * band.width;
      for (int32_t kw = 0; kw < g.kw; ++kw) {
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load32_splat(w + kh * g.kw + kw),
                                                 taps_at<SW>(xr, band, ow, kw * g.dw, g.sw)));
      }
    }
    acc = apply(act, acc);
    if (ow + 4 <= g.ow) {
      wasm_v128_store(y + ow, acc);
    } else {
      store_tail(y + ow, acc, g.ow - ow);
    }
  }
}

// One output row from a buffered band, 5x5 undilated at stride SW (1 or 2; EfficientNet,
// MnasNet, MobileNetV3): the taps unrolled, two vectors (8 outputs) a pass sharing each tap's
// weight, then a single vector where 4 outputs are left. As row_3x3, the row's last vector is
// stored whole into the rows after it unless that would pass y_end.
template <int SW>
void row_5x5(const float* r0, const Band& band, int32_t ow_n, const float* w, float bias, float* y,
             const float* y_end, const VecAct& act) {
  const int32_t width = band.width;
  int32_t off[5];
  for (int32_t t = 0; t < 5; ++t) off[t] = SW == 2 ? ((t & 1) ? band.odd : 0) + (t >> 1) : t;
  const v128_t vb = wasm_f32x4_splat(bias);
  // The band's rows hold the taps of whole vectors (ow_n rounded up to 4): a pass of 8 may end
  // in the row's partial vector (7x7 and 14x14 maps: every output in pairs).
  const int32_t whole = (ow_n + 3) & ~3;
  int32_t ow = 0;
  for (; ow + 8 <= whole; ow += 8) {
    v128_t a0 = vb, a1 = vb;
    const float* r = r0 + ow;
    for (int kh = 0; kh < 5; ++kh, r += width) {
      for (int t = 0; t < 5; ++t) {
        const v128_t wv = wasm_v128_load32_splat(w + 5 * kh + t);
        a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wv, wasm_v128_load(r + off[t])));
        a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wv, wasm_v128_load(r + off[t] + 4)));
      }
    }
    wasm_v128_store(y + ow, apply(act, a0));
    a1 = apply(act, a1);
    if (ow + 8 <= ow_n || y + ow + 8 <= y_end) {
      wasm_v128_store(y + ow + 4, a1);
    } else {
      store_tail(y + ow + 4, a1, ow_n - ow - 4);
    }
  }
  for (; ow < ow_n; ow += 4) {
    v128_t a0 = vb;
    const float* r = r0 + ow;
    for (int kh = 0; kh < 5; ++kh, r += width) {
      for (int t = 0; t < 5; ++t) {
        a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load32_splat(w + 5 * kh + t), wasm_v128_load(r + off[t])));
      }
    }
    a0 = apply(act, a0);
    if (ow + 4 <= ow_n || y + ow + 4 <= y_end) {
      wasm_v128_store(y + ow, a0);
    } else {
      store_tail(y + ow, a0, ow_n - ow);
    }
  }
}

// The fused activation as a template argument, so the 3x3 loops carry no switch: kActKeep is
// none, Relu and Clip in one body, v clamped to [lo, hi] as pmin(pmax(v, lo), hi), each a
// compare-and-pick that keeps v when the compare fails: a NaN stays NaN (the reference's Relu
// and Clip), and for none the bounds are -inf and +inf, so the sum is kept whole. One body
// rather than one per kind, each a copy of the loops (about 5 KB of module apiece), for two
// instructions per vector of 18 multiplies and adds. LeakyRelu (rare here) takes the band path,
// whose kActKeep loops run without bounds and act_row (kernels.h) goes over the row they wrote: kActLeaky
// (a copy of the loops) is no longer instantiated.
enum ActKind { kActKeep, kActLeaky };

struct Weights3x3 {
  v128_t w[9];
  v128_t bias, lo, hi;  // lo: the slope for LeakyRelu; kActKeep without an activation: -inf, +inf
};

template <int A>
inline v128_t act_v(v128_t v, const Weights3x3& k) {
  if (A == kActLeaky) return wasm_v128_bitselect(v, wasm_f32x4_mul(v, k.lo), wasm_f32x4_ge(v, wasm_f32x4_splat(0.0f)));
  return wasm_f32x4_pmin(wasm_f32x4_pmax(v, k.lo), k.hi);  // (v < lo ? lo : v), then (hi < . ? hi : .)
}

// Where the three taps of one kernel row come from, for 4 outputs; b is the first tap's input.
//   kUnit: stride 1, consecutive floats.
//   kSplit: stride 2 from a band row split into even columns, then odd ones at +odd.
//   kPairs: stride 2 in place: 8 consecutive floats deinterleaved, the third tap the first's
//           lanes 1-3 and the float after them.
enum TapMode { kUnit, kSplit, kPairs };

template <int T>
inline void taps_row(const float* b, int32_t odd, v128_t& t0, v128_t& t1, v128_t& t2) {
  if (T == kUnit) {
    t0 = wasm_v128_load(b);
    t1 = wasm_v128_load(b + 1);
    t2 = wasm_v128_load(b + 2);
  } else if (T == kSplit) {
    t0 = wasm_v128_load(b);
    t1 = wasm_v128_load(b + odd);
    t2 = wasm_v128_load(b + 1);
  } else {
    const v128_t v0 = wasm_v128_load(b), v1 = wasm_v128_load(b + 4);
    t0 = wasm_i32x4_shuffle(v0, v1, 0, 2, 4, 6);
    t1 = wasm_i32x4_shuffle(v0, v1, 1, 3, 5, 7);
    t2 = wasm_i32x4_shuffle(t0, wasm_v128_load32_splat(b + 8), 1, 2, 3, 4);
  }
}

template <int A>
inline Weights3x3 weights_3x3(const float* w, float bias, const VecAct& va) {
  Weights3x3 k;
  for (int t = 0; t < 9; ++t) k.w[t] = wasm_v128_load32_splat(w + t);
  k.bias = wasm_f32x4_splat(bias);
  k.lo = A == kActLeaky ? va.slope : va.lo;  // none: -inf and +inf (vec_act)
  k.hi = va.hi;
  return k;
}

// act(bias + the nine taps) for 4 outputs from kernel rows b0, b1, b2; with MASK, each kernel
// column's taps are ANDed with mask[column].
template <int T, int A, bool MASK>
inline v128_t vector_3x3(const Weights3x3& k, const float* b0, const float* b1, const float* b2, int32_t odd,
                         const v128_t* mask) {
  const float* rows[3] = {b0, b1, b2};
  v128_t acc = k.bias;
  for (int r = 0; r < 3; ++r) {
    v128_t t0, t1, t2;
    taps_row<T>(rows[r], odd, t0, t1, t2);
    if (MASK) {
      t0 = wasm_v128_and(t0, mask[0]);
      t1 = wasm_v128_and(t1, mask[1]);
      t2 = wasm_v128_and(t2, mask[2]);
    }
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(k.w[3 * r], t0));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(k.w[3 * r + 1], t1));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(k.w[3 * r + 2], t2));
  }
  return act_v<A>(acc, k);
}

// ---- Band path ----

// One output row of a buffered band, 3x3 undilated, stride SW (1 or 2), from kernel rows r0
// (row stride band.width). The row's last partial vector is stored whole, into the row after
// it, unless that would pass y_end (the end of the output).
template <int SW, int A>
void band_row_3x3(const ConvShape& g, const float* r0, const Band& band, const Weights3x3& k, float* out,
                  const float* y_end) {
  constexpr int T = SW == 2 ? kSplit : kUnit;
  const int32_t width = band.width, odd = band.odd, ow_n = g.ow, whole = (ow_n + 3) & ~3;
  const float* r1 = r0 + width;
  const float* r2 = r1 + width;
  const int32_t end = out + whole > y_end ? ow_n & ~3 : ow_n;
  int32_t ow = 0;
  for (; ow < end; ow += 4) {
    wasm_v128_store(out + ow, vector_3x3<T, A, false>(k, r0 + ow, r1 + ow, r2 + ow, odd, nullptr));
  }
  if (ow < ow_n) store_tail(out + ow, vector_3x3<T, A, false>(k, r0 + ow, r1 + ow, r2 + ow, odd, nullptr), ow_n - ow);
}

// ---- In-place path ----

constexpr int32_t kReach = Tiles::kReach;  // floats a read may lie before or past the input row

struct Edges {
  v128_t left[3], right[3];  // per kernel column: all ones in the lanes whose tap is inside the row
  int32_t last;              // the first output column of a row's last vector
};

// The masks, or false when the geometry is not one the in-place path takes: a mask needed
// beyond the first and last vector, or a read further than kReach from the row.
bool edges_3x3(const ConvShape& g, Edges* e) {
  if (g.ow < 1 || g.pw > kReach) return false;
  e->last = (g.ow - 1) & ~3;
  const int32_t reach = (e->last + 3) * g.sw - g.pw + (g.sw == 2 ? 3 : 5);  // one past the last float read
  if (reach - g.iw > kReach) return false;
  for (int32_t k = 0; k < 3; ++k) {
    alignas(16) int32_t l[4], r[4];
    for (int32_t i = 0; i < 4; ++i) {
      const int32_t lc = i * g.sw - g.pw + k, rc = (e->last + i) * g.sw - g.pw + k;
      l[i] = lc >= 0 && lc < g.iw ? -1 : 0;
      r[i] = rc >= 0 && rc < g.iw ? -1 : 0;
    }
    e->left[k] = wasm_v128_load(l);
    e->right[k] = wasm_v128_load(r);
    if (e->last == 0) e->right[k] = wasm_v128_and(e->right[k], e->left[k]);
    // The first vector's right side, and the vectors between the first and the last: every
    // tap inside the row.
    if (e->last > 0 && 3 * g.sw - g.pw + k >= g.iw) return false;
    if (e->last >= 8 && (4 * g.sw - g.pw + k < 0 || (e->last - 1) * g.sw - g.pw + k >= g.iw)) return false;
    if (e->last == 4 && 4 * g.sw - g.pw + k < 0) return false;
  }
  return true;
}

// Two output rows at stride 1 down: four input rows, the middle two read once for both.
template <int T, int A, bool MASK>
inline void vector_3x3_pair(const Weights3x3& k, const float* b0, const float* b1, const float* b2, const float* b3,
                            const v128_t* mask, float* out0, float* out1) {
  const float* rows[4] = {b0, b1, b2, b3};
  v128_t acc0 = k.bias, acc1 = k.bias;
  for (int r = 0; r < 4; ++r) {
    v128_t t0, t1, t2;
    taps_row<T>(rows[r], 0, t0, t1, t2);
    if (MASK) {
      t0 = wasm_v128_and(t0, mask[0]);
      t1 = wasm_v128_and(t1, mask[1]);
      t2 = wasm_v128_and(t2, mask[2]);
    }
    if (r < 3) {
      acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(k.w[3 * r], t0));
      acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(k.w[3 * r + 1], t1));
      acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(k.w[3 * r + 2], t2));
    }
    if (r > 0) {
      acc1 = wasm_f32x4_add(acc1, wasm_f32x4_mul(k.w[3 * r - 3], t0));
      acc1 = wasm_f32x4_add(acc1, wasm_f32x4_mul(k.w[3 * r - 2], t1));
      acc1 = wasm_f32x4_add(acc1, wasm_f32x4_mul(k.w[3 * r - 1], t2));
    }
  }
  wasm_v128_store(out0, act_v<A>(acc0, k));
  wasm_v128_store(out1, act_v<A>(acc1, k));
}

template <int SW, int A>
void inplace_plane(const ConvShape& g, const Edges& e, const float* x, const float* w, float bias, float* y,
                   const float* zero, const VecAct& va) {
  constexpr int T = SW == 2 ? kPairs : kUnit;
  const Weights3x3 k = weights_3x3<A>(w, bias, va);
  const int32_t last = e.last, ow_n = g.ow, iw = g.iw, ih_n = g.ih;
  // Input row ih, shifted left by the padding; the zero row in the vertical padding.
  auto row = [&](int32_t ih) { return (ih >= 0 && ih < ih_n ? x + ih * iw : zero) - g.pw; };
  int32_t oh = 0;
  // Row pairs at stride 1 both ways (stride 2 across and 1 down is rare: single rows).
  if (SW == 1 && g.sh == 1) {
    for (; oh + 2 <= g.oh; oh += 2) {
      const int32_t ih = oh - g.ph;
      const float* b0 = row(ih);
      const float* b1 = row(ih + 1);
      const float* b2 = row(ih + 2);
      const float* b3 = row(ih + 3);
      float* out0 = y + oh * ow_n;
      float* out1 = out0 + ow_n;
      // Row oh's last vector runs into row oh + 1: it goes before that row's first.
      const int32_t at = last * SW;
      vector_3x3_pair<T, A, true>(k, b0 + at, b1 + at, b2 + at, b3 + at, e.right, out0 + last, out1 + last);
      if (last > 0) {
        vector_3x3_pair<T, A, true>(k, b0, b1, b2, b3, e.left, out0, out1);
        for (int32_t ow = 4; ow < last; ow += 4) {
          const int32_t at = ow * SW;
          vector_3x3_pair<T, A, false>(k, b0 + at, b1 + at, b2 + at, b3 + at, nullptr, out0 + ow, out1 + ow);
        }
      }
    }
  }
  for (; oh < g.oh; ++oh) {
    const int32_t ih = oh * g.sh - g.ph;
    const float* b0 = row(ih);
    const float* b1 = row(ih + 1);
    const float* b2 = row(ih + 2);
    float* out = y + oh * ow_n;
    if (last > 0) {
      wasm_v128_store(out, vector_3x3<T, A, true>(k, b0, b1, b2, 0, e.left));
      for (int32_t ow = 4; ow < last; ow += 4) {
        wasm_v128_store(out + ow, vector_3x3<T, A, false>(k, b0 + ow * SW, b1 + ow * SW, b2 + ow * SW, 0, nullptr));
      }
    }
    wasm_v128_store(out + last, vector_3x3<T, A, true>(k, b0 + last * SW, b1 + last * SW, b2 + last * SW, 0, e.right));
  }
}

struct DwKernel : BandKernel {
  static constexpr drivers::BandSpec kBand = Tiles::kBand;

  struct Rows {
    const ConvShape& g;
    const float* w;
    float bias;
    VecAct va;
    mote_act act;  // act_row's scalar tail (LeakyRelu)
    Weights3x3 k3;  // the 3x3 weights, bias and activation bounds in vectors
    Rows(const ConvShape& shape, const float* weights, float b, const mote_act& fused)
        : g(shape), w(weights), bias(b), va(vec_act(fused)), act(fused), k3() {
      if (g.kh != 3 || g.kw != 3) return;  // only 3x3 weights hold nine taps
      // LeakyRelu: the rows without activation (bounds -inf and +inf), then act_row.
      const VecAct none = vec_act(mote_act{MOTE_ACT_NONE, 0.0f, 0.0f});
      k3 = weights_3x3<kActKeep>(w, bias, va.kind == MOTE_ACT_LEAKY_RELU ? none : va);
    }
    // Any kernel, dilation and stride (SW 0: any).
    template <int SW>
    void row(const float* in, const Band& band, float* y, const float* y_end) const {
      if (SW != 0 && g.kh == 5 && g.kw == 5 && g.dh == 1 && g.dw == 1) {
        row_5x5<SW == 2 ? 2 : 1>(in, band, g.ow, w, bias, y, y_end, va);
        return;
      }
      row_generic<SW>(g, in, band, w, bias, y, va);
    }
    // None, Relu and Clip in the 3x3 loops (kActKeep); a LeakyRelu (rare after a depthwise
    // layer) over the row they wrote, rather than a copy of the loops of its own (about 1 KB).
    template <int SW>
    void row_3x3(const float* in, const Band& band, float* y, const float* y_end) const {
      band_row_3x3<SW, kActKeep>(g, in, band, k3, y, y_end);
      if (va.kind == MOTE_ACT_LEAKY_RELU) act_row(y, g.ow, va, act);
    }
  };

  // The in-place path takes the planes between the first and the last (whose reads would leave
  // the tensor) of a 3x3 undilated layer whose edges allow it; its zero row (the vertical
  // padding) lies in the row buffer, written again after a band has used that buffer. A fused
  // LeakyRelu (rare after a depthwise layer) takes the band path: each in-place activation
  // kind is another copy of the plane loops, about 5 KB of module (none, Relu and Clip share one).
  struct Planes {
    const ConvShape& g;
    float* row;
    const VecAct va;
    Edges edges;
    bool inplace, zeroed = false;

    Planes(const ConvShape& shape, float* row_buffer, const mote_act& act)
        : g(shape), row(row_buffer), va(vec_act(act)) {
      const int64_t in_plane = int64_t(g.ih) * g.iw, out_plane = int64_t(g.oh) * g.ow;
      inplace = va.kind != MOTE_ACT_LEAKY_RELU && g.kh == 3 && g.kw == 3 && g.dh == 1 && g.dw == 1 &&
                (g.sw == 1 || g.sw == 2) &&
                in_plane >= 2 * kReach && out_plane >= 4 && edges_3x3(g, &edges);
    }

    bool in_place(const drivers::DwPlane& p, int64_t index, int64_t count) {
      if (!inplace || index == 0 || index == count - 1) {
        zeroed = false;
        return false;
      }
      if (!zeroed) {
        for (int32_t j = 0; j < g.iw + 2 * kReach; ++j) row[j] = 0.0f;
        zeroed = true;
      }
      const float* zero = row + kReach;
      if (g.sw == 1) {
        inplace_plane<1, kActKeep>(g, edges, p.x, p.w, p.bias, p.y, zero, va);
      } else {
        inplace_plane<2, kActKeep>(g, edges, p.x, p.w, p.bias, p.y, zero, va);
      }
      return true;
    }
  };
};

}  // namespace

Status f32_dwconv2d(const OpArgs& a, const ConvShape& g) { return drivers::f32_dwconv2d<DwKernel>(a, g); }

}  // namespace wasm_simd128
}  // namespace mote
