// f32_pool2d__wasm_simd128: float32 MaxPool over NCHW in bands of rows padded with -inf
// (drivers/f32_band.h, band.h) in the scratch, so each output is the max of plain loads (3x3 at
// stride 2 unrolled, with pmax); the global pools, 4 lanes at a time; and ReduceMean over
// trailing axes (the global average as a ReduceMean) as GlobalAveragePool.
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

// MaxPool 3x3 at stride 2 read in place, separably: per input row, the row's maxima over each
// output's three columns (H: loads of 12 columns, their even and odd lanes, and the evens one
// further), into a ring of three H rows in the scratch; each output row is then the max of its
// (up to) three input rows' H, each input row's H made once for the two output rows that share
// it. A row's last outputs, whose loads would pass its end, take their columns from a copy
// padded with -inf; a left padding column makes the first output one by one. pmax does not
// carry a NaN: the loads are summed as they pass (a NaN, or infinities of both signs, make the
// sum NaN), and a plane whose sum is NaN returns false, for the exact banded form to redo.
// Returns false too when the scratch cannot hold the three rows.
struct MaxPool3x3s2 {
  static constexpr int32_t kTail = 48;  // floats of a row's padded last columns, at most
  const ConvShape& g;
  float* ring;
  int32_t hrow, lo, hi;
  bool ok;

  MaxPool3x3s2(const ConvShape& shape, float* scratch, uint64_t floats) : g(shape), ring(scratch) {
    hrow = ((g.ow + 3) & ~3) + 4;  // a tail after lo = 1 may store 3 lanes past the outputs
    // Outputs [lo, hi) read their 12 columns from 2 ow - pw in place.
    lo = g.pw > 0 ? 1 : 0;
    hi = lo;
    while (hi + 4 <= g.ow && 2 * hi - g.pw + 12 <= g.iw) hi += 4;
    ok = g.pw <= 1 && uint64_t(3) * uint64_t(hrow) <= floats && 2 * (hrow - hi) + 8 <= kTail;
  }

  // H for outputs [ow, end) from p (the padded row's column 2 ow - pw), 4 at a time; sums the
  // loads into *sum.
  static void h_vectors(const float* p, int32_t ow, int32_t end, float* h, v128_t* sum) {
    v128_t s = *sum;
    for (; ow < end; ow += 4, p += 8) {
      const v128_t a = wasm_v128_load(p), b = wasm_v128_load(p + 4), c = wasm_v128_load(p + 8);
      s = wasm_f32x4_add(s, wasm_f32x4_add(a, b));
      const v128_t e0 = wasm_i32x4_shuffle(a, b, 0, 2, 4, 6), o = wasm_i32x4_shuffle(a, b, 1, 3, 5, 7);
      const v128_t e1 = wasm_i32x4_shuffle(e0, c, 1, 2, 3, 4);  // columns 2, 4, 6, 8
      wasm_v128_store(h + ow, wasm_f32x4_pmax(wasm_f32x4_pmax(e0, o), e1));
    }
    *sum = s;
  }

  v128_t h_row(const float* xr, float* h) const {
    v128_t sum = wasm_f32x4_splat(0.0f);
    if (lo) {  // output 0: columns -1 (padding), 0, 1
      const float a = xr[0], b = g.iw > 1 ? xr[1] : -__builtin_inff();
      h[0] = a < b ? b : a;
      sum = wasm_f32x4_splat(a + b);
    }
    h_vectors(xr + 2 * lo - g.pw, lo, hi, h, &sum);
    if (hi < g.ow) {
      alignas(16) float tail[kTail];
      const int32_t from = 2 * hi - g.pw, n = g.iw - from;  // columns [from, iw) of the row
      int32_t k = 0;
      for (; k < n; ++k) tail[k] = xr[from + k];
      for (; k < kTail; ++k) tail[k] = -__builtin_inff();
      // The padding's -inf and a +inf of the row sum to NaN: the exact form then runs.
      h_vectors(tail, 0, g.ow - hi, h + hi, &sum);
      // The last output's third column: past the loads summed when g.ow - hi is a multiple of 4.
      sum = wasm_f32x4_add(sum, wasm_f32x4_splat(tail[2 * (g.ow - hi)]));
    } else if (hi > lo) {
      sum = wasm_f32x4_add(sum, wasm_f32x4_splat(xr[2 * hi - g.pw]));  // the last vector's column 8
    }
    return sum;
  }

  bool plane(const float* x, float* y) {
    v128_t nan = wasm_i32x4_splat(0);
    int32_t made = -1;  // input rows [.., made] have their H in the ring
    for (int32_t oh = 0; oh < g.oh; ++oh) {
      const int32_t r0 = 2 * oh - g.ph;
      const int32_t first = r0 < 0 ? 0 : r0;
      const int32_t last = r0 + 2 < g.ih ? r0 + 2 : g.ih - 1;
      for (int32_t r = made + 1 > first ? made + 1 : first; r <= last; ++r) {
        const v128_t sum = h_row(x + int64_t(r) * g.iw, ring + (r % 3) * hrow);
        nan = wasm_v128_or(nan, wasm_f32x4_ne(sum, sum));
        made = r;
      }
      // 1..3 rows (maxpool_shape: no window lies wholly in the padding).
      const float* h0 = ring + (first % 3) * hrow;
      const float* h1 = last > first ? ring + ((first + 1) % 3) * hrow : h0;
      const float* h2 = last > first + 1 ? ring + ((first + 2) % 3) * hrow : h1;
      float* out = y + int64_t(oh) * g.ow;
      int32_t ow = 0;
      for (; ow + 4 <= g.ow; ow += 4) {
        wasm_v128_store(out + ow, wasm_f32x4_pmax(wasm_f32x4_pmax(wasm_v128_load(h0 + ow), wasm_v128_load(h1 + ow)),
                                                  wasm_v128_load(h2 + ow)));
      }
      if (ow < g.ow) {
        store_tail(out + ow, wasm_f32x4_pmax(wasm_f32x4_pmax(wasm_v128_load(h0 + ow), wasm_v128_load(h1 + ow)),
                                             wasm_v128_load(h2 + ow)),
                   g.ow - ow);
      }
    }
    return !wasm_v128_any_true(nan);
  }
};

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
  const bool three = Tiles::pool_3x3s2(g);
  MaxPool3x3s2 fast(g, buf, (l.scratch.total() - l.buf_at) / sizeof(float));
  for (int64_t c = 0; c < int64_t(g.n) * g.c; ++c) {
    float* yp = py + c * out_plane;
    if (three && fast.ok && fast.plane(px + c * in_plane, yp)) continue;
    drivers::for_each_band<PoolKernel>(g, l.band, px + c * in_plane, -__builtin_inff(), buf, row,
                                       [&](int32_t oh0, int32_t rows) {
                                         float* out = yp + int64_t(oh0) * g.ow;
                                         if (three) {
                                           max_rows_3x3s2(g, l.band, buf, rows, out);
                                         } else if (MOTE_KERNEL_ON(max_pool_s1) && g.sw == 1) {
                                           max_rows<1>(g, l.band, buf, rows, out);
                                         } else if (MOTE_KERNEL_ON(max_pool_s2) && (g.sw == 2 || !MOTE_KERNEL_ON(max_pool_sn))) {
                                           max_rows<2>(g, l.band, buf, rows, out);
                                         } else {
                                           max_rows<0>(g, l.band, buf, rows, out);
                                         }
                                       });
  }
  return Status::kOk;
}

namespace {

// The mean of each of `planes` rows of `size` contiguous floats. Four sums a row, 16 floats a
// step: one vector sum is bound by the add's latency (a quarter of the loads' rate).
__attribute__((noinline)) void row_means(const float* in, int64_t planes, int64_t size, float* out) {
  for (int64_t c = 0; c < planes; ++c) {
    const float* xp = in + c * size;
    v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
    int64_t i = 0;
#pragma clang loop unroll(disable)
    for (; i + 16 <= size; i += 16) {
      s0 = wasm_f32x4_add(s0, wasm_v128_load(xp + i));
      s1 = wasm_f32x4_add(s1, wasm_v128_load(xp + i + 4));
      s2 = wasm_f32x4_add(s2, wasm_v128_load(xp + i + 8));
      s3 = wasm_f32x4_add(s3, wasm_v128_load(xp + i + 12));
    }
#pragma clang loop unroll(disable)
    for (; i + 4 <= size; i += 4) s0 = wasm_f32x4_add(s0, wasm_v128_load(xp + i));
    const v128_t acc = wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3));
    float r = (wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1)) +
              (wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3));
#pragma clang loop unroll(disable)
    for (; i < size; ++i) r += xp[i];
    out[c] = r / float(size);
  }
}

}  // namespace

Status f32_global_pool(const OpArgs& a) {
  const TensorView& x = a.in[0];
  if (x.dtype != MOTE_F32) return Status::kUnsupportedOp;
  const int64_t planes = int64_t(x.dims[0]) * x.dims[1];
  const int64_t size = ref::product(x.dims, 2, x.rank);
  if (size == 0) return Status::kUnsupportedOp;
  const float* in = x.as<float>();
  float* out = a.out[0].as<float>();
  if (a.code != MOTE_OP_GLOBAL_MAX_POOL) {
    row_means(in, planes, size, out);
    return Status::kOk;
  }
  for (int64_t c = 0; c < planes; ++c) {
    const float* xp = in + c * size;
    v128_t acc = wasm_f32x4_splat(xp[0]);
    int64_t i = 0;
#pragma clang loop unroll(disable)
    for (; i + 4 <= size; i += 4) acc = wasm_f32x4_pmax(acc, wasm_v128_load(xp + i));  // v > acc ? v : acc
    alignas(16) float lanes[4];
    wasm_v128_store(lanes, acc);
    float r = lanes[0];
#pragma clang loop unroll(disable)
    for (int k = 1; k < 4; ++k) r = lanes[k] > r ? lanes[k] : r;
#pragma clang loop unroll(disable)
    for (; i < size; ++i) r = xp[i] > r ? xp[i] : r;
    out[c] = r;
  }
  return Status::kOk;
}

// ReduceMean of float32 over trailing axes only (the global average of a network's last map,
// ShuffleNet's): rows of the trailing axes' size, each one mean. Anything else goes back.
Status f32_reduce_mean(const OpArgs& a) {
  const TensorView& x = a.in[0];
  const uint32_t mask = a.p<mote_reduce_params>().axes_mask;
  if (x.dtype != MOTE_F32 || a.out[0].dtype != MOTE_F32 || mask == 0 || x.rank < 1 || x.rank > 31) {
    return Status::kUnsupportedOp;
  }
  int32_t first = x.rank;  // the reduced axes must be exactly [first, rank)
  while (first > 0 && ((mask >> (first - 1)) & 1u)) --first;
  if (mask != ((1u << x.rank) - 1u) - ((1u << first) - 1u)) return Status::kUnsupportedOp;
  const int64_t planes = ref::product(x.dims, 0, first), size = ref::product(x.dims, first, x.rank);
  if (size == 0) return Status::kUnsupportedOp;
  row_means(x.as<float>(), planes, size, a.out[0].as<float>());
  return Status::kOk;
}

}  // namespace wasm_simd128
}  // namespace mote
