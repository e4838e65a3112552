// f32_pool2d__wasm_simd128: float32 MaxPool over NCHW in bands of rows padded with -inf
// (band.h), so each output is the max of plain loads; and the global pools, 4 lanes at a time.
// NaN anywhere in a window gives NaN, as in the reference.
#include "band.h"

namespace mote {
namespace wasm_simd128 {
namespace {

template <int SW>
void max_plane(const ConvShape& g, const Band& band, const float* x, float* y, float* buf, float* row) {
  const int32_t span = (g.kh - 1) * g.dh + 1;
  for (int32_t oh0 = 0; oh0 < g.oh; oh0 += band.rows) {
    const int32_t rows = g.oh - oh0 < band.rows ? g.oh - oh0 : band.rows;
    fill_band(g, x, oh0 * g.sh - g.ph, (rows - 1) * g.sh + span, band, -__builtin_inff(), buf, row);
    for (int32_t r = 0; r < rows; ++r) {
      const float* in = buf + r * g.sh * band.width;
      float* out = y + int64_t(oh0 + r) * g.ow;
      for (int32_t ow = 0; ow < g.ow; ow += 4) {
        v128_t acc = wasm_f32x4_splat(-__builtin_inff());
        for (int32_t kh = 0; kh < g.kh; ++kh) {
          const float* xr = in + kh * g.dh * band.width;
          for (int32_t kw = 0; kw < g.kw; ++kw) acc = wasm_f32x4_max(acc, taps_at<SW>(xr, band, ow, kw * g.dw, g.sw));
        }
        if (ow + 4 <= g.ow) {
          wasm_v128_store(out + ow, acc);
        } else {
          store_tail(out + ow, acc, g.ow - ow);
        }
      }
    }
  }
}

}  // namespace

Status f32_maxpool2d(const OpArgs& a) {
  const mote_pool_params& p = a.p<mote_pool_params>();
  const TensorView& x = a.in[0];
  const TensorView& y = a.out[0];
  if (x.dtype != MOTE_F32) return Status::kUnsupportedOp;
  const bool two = p.spatial_rank == 2;
  const int32_t last = p.spatial_rank - 1;
  ConvShape g;
  g.n = x.dims[0];
  g.c = g.m = g.group = x.dims[1];
  g.ih = two ? x.dims[2] : 1;
  g.iw = x.dims[x.rank - 1];
  g.oh = two ? y.dims[2] : 1;
  g.ow = y.dims[y.rank - 1];
  g.kh = two ? p.kernel[0] : 1;
  g.kw = p.kernel[last];
  g.sh = two ? p.stride[0] : 1;
  g.sw = p.stride[last];
  g.dh = two ? p.dilation[0] : 1;
  g.dw = p.dilation[last];
  g.ph = two ? p.pad_begin[0] : 0;
  g.pw = p.pad_begin[last];
  // Undilated windows with less padding than the window on each side always hold an input
  // element (infer keeps the last window starting inside the input or the leading padding).
  for (int32_t d = 0; d < p.spatial_rank; ++d) {
    if (p.dilation[d] != 1 || p.pad_begin[d] >= p.kernel[d] || p.pad_end[d] >= p.kernel[d]) {
      return Status::kUnsupportedOp;
    }
  }
  const Band band = band_shape(g);
  if (band.rows < 1) return Status::kUnsupportedOp;
  const float* px = x.as<float>();
  float* py = y.as<float>();
  const int64_t in_plane = int64_t(g.ih) * g.iw, out_plane = int64_t(g.oh) * g.ow;
  alignas(16) float buf[kBandFloats];
  alignas(16) float row[kRowFloats];
  for (int64_t c = 0; c < int64_t(g.n) * g.c; ++c) {
    if (g.sw == 1) {
      max_plane<1>(g, band, px + c * in_plane, py + c * out_plane, buf, row);
    } else if (g.sw == 2) {
      max_plane<2>(g, band, px + c * in_plane, py + c * out_plane, buf, row);
    } else {
      max_plane<0>(g, band, px + c * in_plane, py + c * out_plane, buf, row);
    }
  }
  return Status::kOk;
}

Status f32_global_pool(const OpArgs& a) {
  const TensorView& x = a.in[0];
  if (x.dtype != MOTE_F32) return Status::kUnsupportedOp;
  const int64_t planes = int64_t(x.dims[0]) * x.dims[1];
  const int64_t size = ref::product(x.dims, 2, x.rank);
  if (size == 0) return Status::kUnsupportedOp;
  const bool is_max = a.code == MOTE_OP_GLOBAL_MAX_POOL;
  const float* in = x.as<float>();
  float* out = a.out[0].as<float>();
  for (int64_t c = 0; c < planes; ++c) {
    const float* xp = in + c * size;
    v128_t acc = is_max ? wasm_f32x4_splat(xp[0]) : wasm_f32x4_splat(0.0f);
    int64_t i = 0;
    for (; i + 4 <= size; i += 4) {
      const v128_t v = wasm_v128_load(xp + i);
      acc = is_max ? wasm_f32x4_pmax(acc, v) : wasm_f32x4_add(acc, v);  // pmax: v > acc ? v : acc
    }
    alignas(16) float lanes[4];
    wasm_v128_store(lanes, acc);
    float r = is_max ? lanes[0] : (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    if (is_max) {
      for (int k = 1; k < 4; ++k) r = lanes[k] > r ? lanes[k] : r;
    }
    for (; i < size; ++i) r = is_max ? (xp[i] > r ? xp[i] : r) : r + xp[i];
    out[c] = is_max ? r : r / float(size);
  }
  return Status::kOk;
}

}  // namespace wasm_simd128
}  // namespace mote
