// The NHWC (channels last) int8 QConv drivers of the Cortex-M sets (arm_dsp, mve): the layout
// `mote convert` picks for int8 convolution chains on those boards (mote_qconv_params.layout).
//
//   s8_conv2d_nhwc (group 1, any kernel, stride, dilation, padding): a pixel's channels are
//     contiguous, so an output pixel's column of kH x kW x C taps is kH copies of kW x C bytes
//     (the zero point where the window lies in the padding), staged spec.cols pixels at a time;
//     1x1 stride 1 unpadded reads the pixels in place when the set takes raw int8 columns.
//     The set's tile kernel runs the columns against all M weight rows (W [M, kH, kW, C], one
//     contiguous row per output channel) and writes each pixel's M outputs, which are contiguous
//     too: requantisation runs across output channels, each tile of channels loading its
//     multipliers and shifts once.
//   s8_dwconv2d_nhwc (group == C == M): every output pixel is C independent sums of kH x kW taps;
//     the set runs them across channels. The weights are regrouped tap-major ([kH x kW][C]) in the
//     scratch so that a tap's weights for consecutive channels are adjacent.
//
// The input zero point leaves the sums through sum (x - zp) * w = sum x * w - zp * sum w: each
// output channel starts from its bias minus zp * sum w (the starts, in the scratch), and taps in
// the padding hold the zero point itself ((zp - zp) * w = 0, as the reference skips them).
// Everything lives in the op's scratch, sized by the same layout functions the sets' scratch
// functions call.
#ifndef MOTE_KERNELS_DRIVERS_S8_NHWC_H
#define MOTE_KERNELS_DRIVERS_S8_NHWC_H

#include "../conv_shape.h"
#include "../s8_epilogue.h"
#include "../simd_route.h"
#include "scratch.h"

namespace mote {
namespace drivers {

// What a set's NHWC convolution takes: `cols` pixels per tile call; `in_place`: the 1x1 kernel
// reads the input's pixels in place (raw int8 columns), else every column is staged; `own`: the
// set computes the starts (K::starts) and moves the columns' bytes (K::Bytes) itself.
struct S8NhwcSpec {
  int32_t cols;
  bool in_place;
  bool own = false;
};

// The columns' byte moves of a set without its own.
struct LibcBytes {
  static void copy(int8_t* d, const int8_t* s, int32_t n) { __builtin_memcpy(d, s, size_t(n)); }
  static void fill(int8_t* d, int32_t v, int32_t n) { __builtin_memset(d, v, size_t(n)); }
};

struct S8NhwcLayout {
  int32_t stride;  // bytes per staged column: k rounded up to 16, the tail filled with the zero point
  uint64_t cols_at, starts_at, work_at;
  ScratchLayout scratch;
};

// `work`: bytes of the set's own working memory after the columns and starts.
inline S8NhwcLayout s8_nhwc_conv_layout(const ConvShape& g, const S8NhwcSpec& s, uint64_t work) {
  S8NhwcLayout l;
  l.stride = round_up(g.kh * g.kw * g.c, 16);
  const bool in_place = s.in_place && is_pointwise(g);
  l.cols_at = l.scratch.add(in_place ? 0 : uint64_t(s.cols) * uint64_t(l.stride), 1);
  l.starts_at = l.scratch.add(uint64_t(g.m), sizeof(int32_t));
  l.work_at = l.scratch.add(work, 1);
  return l;
}

inline S8NhwcLayout s8_nhwc_dw_layout(const ConvShape& g, uint64_t work) {
  S8NhwcLayout l;
  l.stride = round_up(g.c, 16);  // one tap's weights for every channel, 16 bytes of slack
  l.cols_at = l.scratch.add(uint64_t(g.kh) * g.kw * uint64_t(l.stride), 1);
  l.starts_at = l.scratch.add(uint64_t(round_up(g.c, 4)), sizeof(int32_t));
  l.work_at = l.scratch.add(work, 1);
  return l;
}

// The band of a set that slides kH padded input rows down the image (mve): rows of `width`
// pixels (every output pixel's window, the padding columns holding the zero point), 16-byte
// aligned, 16 bytes of slack after the last; then `param_bytes` of the set's own, and two words
// per window row (the rows the band holds, the band row of each window row).
struct NhwcBand {
  int32_t width, row_stride;
  uint64_t band_at, params_at, tags_at, bytes;
};

inline NhwcBand nhwc_band(const ConvShape& g, uint64_t param_bytes) {
  NhwcBand b;
  b.width = g.ow > 0 ? (g.ow - 1) * g.sw + (g.kw - 1) * g.dw + 1 : 0;
  b.row_stride = round_up(b.width * g.c, 16);
  ScratchLayout s;
  b.band_at = s.add(uint64_t(g.kh) * uint64_t(b.row_stride) + 16, 1);
  b.params_at = s.add(param_bytes, 1);
  b.tags_at = s.add(2 * uint64_t(g.kh), sizeof(int32_t));
  b.bytes = s.bytes;
  return b;
}

// Band row `row` as input row k (-1: the zero-point row): the zero point in the padding columns.
template <class Bytes>
inline void fill_band_row(const ConvShape& g, const int8_t* x, int32_t zp, const NhwcBand& b, int8_t* row, int32_t k) {
  const int32_t c = g.c, width = b.width;
  if (k < 0) {
    Bytes::fill(row, zp, width * c);
    return;
  }
  const int32_t left = min_i32(g.pw, width);
  const int32_t end = min_i32(g.pw + g.iw, width);  // band columns [left, end) are input
  if (left > 0) Bytes::fill(row, zp, left * c);
  if (end > left) Bytes::copy(row + left * c, x + (int64_t(k) * g.iw + (left - g.pw)) * c, (end - left) * c);
  const int32_t right = max_i32(end, left);
  if (width > right) Bytes::fill(row + right * c, zp, (width - right) * c);
}

// Sets slot[u] (u < kh) to the band row holding window row u of output row oy, copying the rows
// the band does not hold yet into slots no window row needs (tag[s]: the input row slot s holds,
// -1 for the zero-point row; INT32_MIN before the first output row of an image). Bytes: copy and
// fill (LibcBytes or the set's own).
template <class Bytes = LibcBytes>
inline void nhwc_band_slide(const ConvShape& g, const int8_t* x, int32_t zp, const NhwcBand& b, int8_t* band,
                            int32_t* tag, int32_t* slot, int32_t oy) {
  const int32_t kh = g.kh, row0 = oy * g.sh - g.ph;
  auto key = [&](int32_t u) {
    const int32_t r = row0 + u * g.dh;
    return r >= 0 && r < g.ih ? r : -1;
  };
  // Stride 1, undilated, after the previous output row: the window moves down one row, so the
  // slots move up one and the new bottom row takes the old top row's slot, unless a row still in
  // the window holds it (several window rows in the padding share one slot).
  if (oy > 0 && g.sh == 1 && g.dh == 1) {
    const int32_t s0 = slot[0];
    bool free = true;
    for (int32_t u = 0; u + 1 < kh; ++u) {
      slot[u] = slot[u + 1];
      free = free && slot[u] != s0;
    }
    const int32_t k = key(kh - 1);
    if (free || tag[s0] == k) {
      if (tag[s0] != k) {
        fill_band_row<Bytes>(g, x, zp, b, band + s0 * b.row_stride, k);
        tag[s0] = k;
      }
      slot[kh - 1] = s0;
      return;
    }  // else the general way below, which sets every slot again
  }
  // The rows the band holds already.
  for (int32_t u = 0; u < kh; ++u) {
    const int32_t k = key(u);
    slot[u] = -1;
    for (int32_t s = 0; s < kh; ++s) {
      if (tag[s] == k) {
        slot[u] = s;
        break;
      }
    }
  }
  // The others, each into a slot no window row holds (a row it lacks is in no slot's tag, and
  // rows with the same key share the slot filled first).
  for (int32_t u = 0; u < kh; ++u) {
    if (slot[u] >= 0) continue;
    const int32_t k = key(u);
    int32_t s = 0;
    for (bool taken = true; taken; s += taken ? 1 : 0) {
      taken = false;
      for (int32_t t = 0; t < kh && !taken; ++t) taken = slot[t] == s;
    }
    fill_band_row<Bytes>(g, x, zp, b, band + s * b.row_stride, k);
    tag[s] = k;
    for (int32_t t = u; t < kh; ++t) {
      if (slot[t] < 0 && key(t) == k) slot[t] = s;
    }
  }
}

// The staged column of output pixel (oy, ox): kh rows of kw x c bytes from the NHWC image x, the
// zero point in the padding and up to `stride` (Bytes: copy and fill).
template <class Bytes = LibcBytes>
inline void s8_nhwc_column(const ConvShape& g, const int8_t* x, int32_t oy, int32_t ox, int32_t zp, int32_t stride,
                           int8_t* col) {
  const int32_t c = g.c, kw = g.kw, iw = g.iw;
  const int32_t r0 = oy * g.sh - g.ph, c0 = ox * g.sw - g.pw;
  const bool inside_w = c0 >= 0 && c0 + (kw - 1) * g.dw < iw;
  const int32_t row_taps = kw * c;
  int8_t* t = col;
  for (int32_t u = 0; u < g.kh; ++u) {
    const int32_t r = r0 + u * g.dh;
    if (r < 0 || r >= g.ih) {
      Bytes::fill(t, zp, row_taps);
      t += row_taps;
      continue;
    }
    const int8_t* row = x + (int32_t(r) * iw + c0) * c;
    if (inside_w && g.dw == 1) {
      Bytes::copy(t, row, row_taps);
      t += row_taps;
      continue;
    }
    for (int32_t v = 0; v < kw; ++v, t += c) {
      const int32_t cc = c0 + v * g.dw;
      if (cc >= 0 && cc < iw) {
        Bytes::copy(t, row + v * g.dw * c, c);
      } else {
        Bytes::fill(t, zp, c);
      }
    }
  }
  const int32_t k = g.kh * row_taps;
  if (stride > k) Bytes::fill(col + k, zp, stride - k);
}

// start[r] = bias[r] - zp * sum of weight row r (rows of k taps at w).
inline void s8_nhwc_starts(int32_t k, const int8_t* w, int32_t m, int32_t zp, const s8::Epilogue& e, int32_t* start) {
  for (int32_t r = 0; r < m; ++r) {
    const int8_t* row = w + r * k;
    int32_t sum = 0;
    for (int32_t i = 0; i < k; ++i) sum += row[i];
    start[r] = e.start(r) - zp * sum;
  }
}

// The m starts of an NHWC conv: the set's own sums (kNhwc.own) or s8_nhwc_starts. A folded
// op's start holds - zp * sum w already (and a zero point of 0 has none): the start as it is.
template <class K, class Epi>
inline void s8_nhwc_conv_starts(int32_t k, const int8_t* w, int32_t m, int32_t zp, const Epi& e, int32_t* start) {
  const int32_t z = e.sum_zp(zp);
  if (z == 0) {
    for (int32_t r = 0; r < m; ++r) start[r] = e.start(r);
  } else if constexpr (K::kNhwc.own) {
    K::starts(k, w, m, z, e, start);
  } else {
    s8_nhwc_starts(k, w, m, z, e, start);
  }
}

// K: static constexpr S8NhwcSpec kNhwc; static uint64_t work_bytes(const ConvShape&);
//    with kNhwc.own: static void starts(k, w, m, zp, e, start) (as s8_nhwc_starts) and a type
//    Bytes (as LibcBytes);
//    static void prepare(g, w, e, work): once per call, after the starts (the weights [M, k]);
//    static void tile(k, stride, cols, np, w, m, start, e, at, work): the np (1..kNhwc.cols)
//    columns (k taps, raw int8, zero-point padded up to stride) against the m weight rows,
//    writing the np pixels' m outputs from element `at` on (pixel q at at + q * m).
template <class K, class Epi>
Status s8_conv2d_nhwc(const OpArgs& a, const ConvShape& g, const Epi& e, int32_t zp) {
  const S8NhwcLayout l = s8_nhwc_conv_layout(g, K::kNhwc, K::work_bytes(g));
  if (!scratch_holds(a, l.scratch)) return Status::kArenaTooSmall;
  const int32_t k = g.kh * g.kw * g.c, m = g.m;
  const int8_t* w = a.in[1].as<int8_t>();
  int32_t* start = scratch_at<int32_t>(a, l.starts_at);
  s8_nhwc_conv_starts<K>(k, w, m, zp, e, start);
  int8_t* cols = scratch_at<int8_t>(a, l.cols_at);
  void* work = scratch_at<void>(a, l.work_at);
  K::prepare(g, w, e, work);
  const bool in_place = K::kNhwc.in_place && is_pointwise(g);
  const int32_t pixels = g.oh * g.ow;
  const int8_t* col[K::kNhwc.cols];
  for (int32_t b = 0; b < g.n; ++b) {
    const int8_t* x = a.in[0].as<int8_t>() + b * g.ih * g.iw * g.c;
    const int32_t out_base = b * pixels * m;
    int32_t oy = 0, ox = 0;
    for (int32_t p = 0; p < pixels; p += K::kNhwc.cols) {
      const int32_t np = pixels - p < K::kNhwc.cols ? pixels - p : K::kNhwc.cols;
      for (int32_t q = 0; q < np; ++q) {
        if (in_place) {
          col[q] = x + (p + q) * g.c;
        } else {
          int8_t* c = cols + q * l.stride;
          if constexpr (K::kNhwc.own) {
            s8_nhwc_column<typename K::Bytes>(g, x, oy, ox, zp, l.stride, c);
          } else {
            s8_nhwc_column(g, x, oy, ox, zp, l.stride, c);
          }
          col[q] = c;
        }
        if (++ox == g.ow) ox = 0, ++oy;
      }
      K::tile(k, l.stride, col, np, w, m, start, e, out_base + p * m, work);
    }
  }
  return Status::kOk;
}

// The depthwise weights W [C, kH, kW, 1] regrouped tap-major into wt[t * stride + c], and the
// starts bias - zp * sum w per channel.
inline void s8_nhwc_dw_prepare(const ConvShape& g, const int8_t* w, int32_t zp, const s8::Epilogue& e, int32_t stride,
                               int8_t* wt, int32_t* start) {
  const int32_t taps = g.kh * g.kw;
  for (int32_t ch = 0; ch < g.c; ++ch) {
    int32_t sum = 0;
    for (int32_t t = 0; t < taps; ++t) {
      wt[t * stride + ch] = w[ch * taps + t];
      sum += w[ch * taps + t];
    }
    start[ch] = e.start(ch) - zp * sum;
  }
  for (int32_t t = 0; t < taps; ++t) {
    for (int32_t ch = g.c; ch < stride; ++ch) wt[t * stride + ch] = 0;
  }
}

// K: static uint64_t dw_work_bytes(g); static void prepare(g, w, e, work) (the weights
//    [C, kH x kW]); static void pixel(g, x, oy, ox, zp, wt, stride, start, e, at, work): output
//    pixel (oy, ox)'s C values from the NHWC image x, written from element `at` on.
template <class K, class Epi>
Status s8_dwconv2d_nhwc(const OpArgs& a, const ConvShape& g, const Epi& e, int32_t zp) {
  const S8NhwcLayout l = s8_nhwc_dw_layout(g, K::dw_work_bytes(g));
  if (!scratch_holds(a, l.scratch)) return Status::kArenaTooSmall;
  int8_t* wt = scratch_at<int8_t>(a, l.cols_at);
  int32_t* start = scratch_at<int32_t>(a, l.starts_at);
  void* work = scratch_at<void>(a, l.work_at);
  s8_nhwc_dw_prepare(g, a.in[1].as<int8_t>(), zp, e, l.stride, wt, start);
  K::prepare(g, a.in[1].as<int8_t>(), e, work);
  for (int32_t b = 0; b < g.n; ++b) {
    const int8_t* x = a.in[0].as<int8_t>() + b * g.ih * g.iw * g.c;
    const int32_t out_base = b * g.oh * g.ow * g.c;
    for (int32_t oy = 0; oy < g.oh; ++oy) {
      for (int32_t ox = 0; ox < g.ow; ++ox) {
        K::pixel(g, x, oy, ox, zp, wt, l.stride, start, e, out_base + (oy * g.ow + ox) * g.c, work);
      }
    }
  }
  return Status::kOk;
}

}  // namespace drivers
}  // namespace mote

#endif  // MOTE_KERNELS_DRIVERS_S8_NHWC_H
