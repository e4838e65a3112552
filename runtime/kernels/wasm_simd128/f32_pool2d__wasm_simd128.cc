// f32_pool2d__wasm_simd128: float32 MaxPool over NCHW in bands of rows padded with -inf
// (drivers/f32_band.h, band.h) in the scratch, so each output is the max of plain loads (3x3 at
// stride 2 unrolled, with pmax); and the global pools, 4 lanes at a time.
// NaN anywhere in a window gives NaN, as in the reference.
#include "band.h"
#include "mote/op_config.h"

namespace mote {
namespace wasm_simd128 {
namespace {

struct PoolKernel : BandKernel {
  static constexpr drivers::BandSpec kBand = Tiles::kPoolBand;
};

// Output rows [0, rows) of a buffered band.
template <int SW>
void max_rows(const ConvShape& g, const Band& band, const float* buf, int32_t rows, float* y) {
  for (int32_t r = 0; r < rows; ++r) {
    const float* in = buf + r * g.sh * band.width;
    float* out = y + int64_t(r) * g.ow;
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

// The same for the CNN stems' 3x3 window at stride 2, unrolled, and with pmax (acc < v ? v :
// acc: one instruction on x86 and Arm, where max, which propagates NaN, is several): the NaNs
// are tracked apart, a mask of the lanes that met one (v != v) OR-ed into the result at the end
// (all ones: a NaN).
void max_rows_3x3s2(const ConvShape& g, const Band& band, const float* buf, int32_t rows, float* y) {
  for (int32_t r = 0; r < rows; ++r) {
    const float* in = buf + r * 2 * band.width;
    float* out = y + int64_t(r) * g.ow;
    for (int32_t ow = 0; ow < g.ow; ow += 4) {
      v128_t acc = wasm_f32x4_splat(-__builtin_inff()), nan = wasm_i32x4_splat(0);
      for (int32_t kh = 0; kh < 3; ++kh) {
        const float* xr = in + kh * band.width;
        for (int32_t kw = 0; kw < 3; ++kw) {
          const v128_t v = taps_at<2>(xr, band, ow, kw, 2);
          acc = wasm_f32x4_pmax(acc, v);
          nan = wasm_v128_or(nan, wasm_f32x4_ne(v, v));
        }
      }
      acc = wasm_v128_or(acc, nan);
      if (ow + 4 <= g.ow) {
        wasm_v128_store(out + ow, acc);
      } else {
        store_tail(out + ow, acc, g.ow - ow);
      }
    }
  }
}

}  // namespace

Status f32_maxpool2d(const OpArgs& a) {
  ConvShape g;
  if (!Tiles::maxpool_shape(a, &g)) return Status::kUnsupportedOp;
  const drivers::BandLayout l = drivers::band_layout(g, PoolKernel::kBand);
  if (!drivers::scratch_holds(a, l.scratch)) return Status::kArenaTooSmall;
  float* buf = drivers::scratch_at<float>(a, l.buf_at);
  float* row = drivers::scratch_at<float>(a, l.row_at);
  const float* px = a.in[0].as<float>();
  float* py = a.out[0].as<float>();
  const int64_t in_plane = int64_t(g.ih) * g.iw, out_plane = int64_t(g.oh) * g.ow;
  // Undilated (maxpool_shape); a runtime built for models without the window leaves it out.
  const bool three = MOTE_KERNEL_ON(max_pool_3x3s2) && g.kh == 3 && g.kw == 3 && g.sh == 2 && g.sw == 2;
  for (int64_t c = 0; c < int64_t(g.n) * g.c; ++c) {
    float* yp = py + c * out_plane;
    drivers::for_each_band<PoolKernel>(g, l.band, px + c * in_plane, -__builtin_inff(), buf, row,
                                       [&](int32_t oh0, int32_t rows) {
                                         float* out = yp + int64_t(oh0) * g.ow;
                                         if (three) {
                                           max_rows_3x3s2(g, l.band, buf, rows, out);
                                         } else if (g.sw == 1) {
                                           max_rows<1>(g, l.band, buf, rows, out);
                                         } else if (g.sw == 2) {
                                           max_rows<2>(g, l.band, buf, rows, out);
                                         } else {
                                           max_rows<0>(g, l.band, buf, rows, out);
                                         }
                                       });
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
