// s8_conv2d_1x1__wasm_simd128: QConv 1x1, stride 1, unpadded. Planes of 512 pixels or more (128
// where the input or output is narrow, kPlanarNarrowChannels): lanes are pixels (contiguous in
// NCHW), below. Smaller ones (drivers/s8_conv2d.h): in NCHW a
// pixel's channels are a plane apart, so 4 pixels at a time are transposed into int16 columns:
// 4 channels x 4 pixels are one 16-byte vector, a byte shuffle turns it pixel-major and two
// widenings make the columns' int16. Then every column runs against every weight row
// (contiguous over the channels) as in the general kernel (S8Kernel::columns).
#include "s8_kernels.h"

namespace mote {
namespace wasm_simd128 {

namespace {

// Four int16 held in an int64, to a column.
inline void store_col4(int16_t* to, int64_t four) { memcpy(to, &four, 8); }

}  // namespace

void S8Kernel::transpose(const int8_t* x, int64_t plane, int32_t p, int32_t np, int32_t cg, int16_t* buf,
                         int32_t stride) {
  int16_t* col[4] = {buf, buf + stride, buf + 2 * stride, buf + 3 * stride};
  int32_t ci = 0;
  if (np == 4) {
    for (; ci + 4 <= cg; ci += 4) {
      const int8_t* xp = x + int64_t(ci) * plane + p;
      // Lane loads: LLVM 14 builds wrong code for i32x4.make of four 32-bit loads here
      // (channel 0 came out as channel 1).
      v128_t v = wasm_v128_load32_zero(xp);
      v = wasm_v128_load32_lane(xp + plane, v, 1);
      v = wasm_v128_load32_lane(xp + 2 * plane, v, 2);
      v = wasm_v128_load32_lane(xp + 3 * plane, v, 3);
      const v128_t t = wasm_i8x16_shuffle(v, v, 0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
      const v128_t lo = wasm_i16x8_extend_low_i8x16(t), hi = wasm_i16x8_extend_high_i8x16(t);
      store_col4(col[0] + ci, wasm_i64x2_extract_lane(lo, 0));
      store_col4(col[1] + ci, wasm_i64x2_extract_lane(lo, 1));
      store_col4(col[2] + ci, wasm_i64x2_extract_lane(hi, 0));
      store_col4(col[3] + ci, wasm_i64x2_extract_lane(hi, 1));
    }
  }
  for (; ci < cg; ++ci) {
    for (int32_t q = 0; q < np; ++q) col[q][ci] = x[int64_t(ci) * plane + p + q];
  }
}

namespace {

// A block row's bounded requantisation (s8_kernels.h), set once per 4 channels rather than per
// block: the multiplier and rounding constant, and the shift.
struct FastRow {
  v128_t mult, round;
  int32_t right;
};

// Output channels m0.. (absolute; start[r]: channel m0 + r's start; the 4 rows' weight pairs at
// wp, pair-major: wp[4 i + r] is row r's pair i, `half` pairs, the last one of an odd cg with 0;
// rows past mt repeat and are not stored) at pixels p..p+7 of one image's group: lanes are
// pixels, channels c and c + 1 interleaved (i16x8 unpack of two widening loads) against the pair
// splatted from the one vector that holds all 4 rows' pairs, 64 products in 8 dot products, two
// pairs a pass; an odd last channel pairs with zeros. The sums start from the channels' starts;
// q holds the op's zero point and bounds, the channel's multiplier set per row.
void pointwise_block(const int8_t* x, int64_t plane, int32_t cg, const int32_t* wp, int32_t half, int32_t mt,
                     int32_t m0, const int32_t* start, const Epilogue& e, Requant4& q, const FastRow* fast,
                     int64_t out_base, int32_t p) {
  v128_t acc[4][2];
  for (int32_t r = 0; r < 4; ++r) acc[r][0] = acc[r][1] = wasm_i32x4_splat(start[r < mt ? r : 0]);
  // Channels xa and xb (int16, 8 pixels) interleaved against weight pair i of every row.
  auto step = [&](v128_t xa, v128_t xb, int32_t i) {
    const v128_t lo = wasm_i16x8_shuffle(xa, xb, 0, 8, 1, 9, 2, 10, 3, 11);
    const v128_t hi = wasm_i16x8_shuffle(xa, xb, 4, 12, 5, 13, 6, 14, 7, 15);
    const v128_t w4 = wasm_v128_load(wp + 4 * i);
    const v128_t wv[4] = {wasm_i32x4_shuffle(w4, w4, 0, 0, 0, 0), wasm_i32x4_shuffle(w4, w4, 1, 1, 1, 1),
                          wasm_i32x4_shuffle(w4, w4, 2, 2, 2, 2), wasm_i32x4_shuffle(w4, w4, 3, 3, 3, 3)};
    for (int32_t r = 0; r < 4; ++r) {
      acc[r][0] = wasm_i32x4_add(acc[r][0], wasm_i32x4_dot_i16x8(lo, wv[r]));
      acc[r][1] = wasm_i32x4_add(acc[r][1], wasm_i32x4_dot_i16x8(hi, wv[r]));
    }
  };
  const int8_t* xc = x + p;
  const int32_t pairs = cg / 2;
  int32_t i = 0;
  for (; i + 2 <= pairs; i += 2, xc += 4 * plane) {
    step(wasm_i16x8_load8x8(xc), wasm_i16x8_load8x8(xc + plane), i);
    step(wasm_i16x8_load8x8(xc + 2 * plane), wasm_i16x8_load8x8(xc + 3 * plane), i + 1);
  }
  if (i < pairs) {
    step(wasm_i16x8_load8x8(xc), wasm_i16x8_load8x8(xc + plane), i);
    xc += 2 * plane;
  }
  if (pairs < half) {  // the odd last channel: its pair's weight 0
    const v128_t xa = wasm_i16x8_load8x8(xc);
    step(xa, xa, pairs);
  }
  if (fast) {
    // Two rows at a time: each row's 8 values (|v| < 2^29, the bounded form) narrowed to int16
    // with saturation, the zero point added with saturation, both rows narrowed into one vector
    // and clamped once in int8: clamp(v + zp, lo, hi) exactly (a value past int16 saturates to a
    // bound it would have been clamped to anyway).
    const v128_t zp = wasm_i16x8_splat(int16_t(e.out_zp));
    const v128_t lo8 = wasm_i8x16_splat(int8_t(e.lo)), hi8 = wasm_i8x16_splat(int8_t(e.hi));
    q.fast = true;
    auto row16 = [&](int32_t r) {
      q.mult = fast[r].mult, q.round = fast[r].round, q.right = fast[r].right;
      const v128_t h = wasm_i16x8_narrow_i32x4(requant4<false>(q, acc[r][0]), requant4<false>(q, acc[r][1]));
      return wasm_i16x8_add_sat(h, zp);
    };
    for (int32_t r = 0; r < mt; r += 2) {
      const v128_t h0 = row16(r), h1 = r + 1 < mt ? row16(r + 1) : h0;
      const v128_t b = wasm_i8x16_min(wasm_i8x16_max(wasm_i8x16_narrow_i16x8(h0, h1), lo8), hi8);
      int8_t* y = static_cast<int8_t*>(e.y) + out_base + int64_t(m0 + r) * plane + p;
      wasm_v128_store64_lane(y, b, 0);
      if (r + 1 < mt) wasm_v128_store64_lane(y + plane, b, 1);
    }
    return;
  }
  for (int32_t r = 0; r < mt; ++r) {
    const int32_t ch = m0 + r;
    const int64_t at = out_base + int64_t(ch) * plane + p;
    if (e.mult) {
      requant4_channel(e, ch, q);
      store8(e, &q, at, acc[r][0], acc[r][1], 8);
    } else {
      store8(e, nullptr, at, acc[r][0], acc[r][1], 8);
    }
  }
}

}  // namespace

// Planes of kPlanarPixels or more, and of kPlanarNarrowPixels or more where the input or the
// output has at most kPlanarNarrowChannels channels: 4 output channels x 8 pixels a block
// (pointwise_block), the channels' weight pairs packed into the scratch's column area (4 rows of
// ceil(cg / 2) int32 fit the 4 int16 columns of round_up(cg, 8) taps it holds), the last 8
// pixels overlapping the ones before. Other planes (14x14 and below between wide layers, the 1x1
// maps of squeeze-excite blocks) go through the transposed columns (S8Kernel): there every pass
// of 4 channels over the whole input would no longer come from the first-level cache, and the
// columns ran faster. Measured on the torchvision models' layers (2026-12-07): 28x28 planar
// 1.4-1.8x faster than the columns at every width; 14x14 1.1-1.4x where the narrower side has
// 80 channels or fewer, 1-8% slower above 96.
constexpr int32_t kPlanarPixels = 512, kPlanarNarrowPixels = 128, kPlanarNarrowChannels = 80;

Status s8_conv2d_1x1(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  const int32_t pixels = g.oh * g.ow;
  const bool narrow = drivers::min_i32(g.c, g.m) / g.group <= kPlanarNarrowChannels;
  if (pixels < (narrow ? kPlanarNarrowPixels : kPlanarPixels)) return drivers::s8_conv2d_1x1<S8Kernel>(a, g, e, in_zp);
  const drivers::S8ColumnsLayout l = drivers::s8_pointwise_layout(g, Tiles::kS8);
  if (!drivers::scratch_holds(a, l.scratch)) return Status::kArenaTooSmall;
  static_assert(Tiles::kS8.pix >= 4 && Tiles::kS8.col_bytes == 2, "4 rows of weight pairs fit the column area");
  int32_t* wp = drivers::scratch_at<int32_t>(a, l.cols_at);
  int32_t* start = drivers::scratch_at<int32_t>(a, l.starts_at);
  const int32_t cg = g.c / g.group, mg = g.m / g.group, half = (cg + 1) / 2;
  const int64_t plane = int64_t(g.ih) * g.iw;
  const int8_t* xd = a.in[0].as<int8_t>();
  const int8_t* wd = a.in[1].as<int8_t>();
  Requant4 q = e.mult ? requant4_for(e, 0, cg) : Requant4{};
  for (int32_t gi = 0; gi < g.group; ++gi) {
    const int8_t* w = wd + int64_t(gi) * mg * cg;
    drivers::s8_starts<S8Kernel>(cg, w, mg, gi * mg, in_zp, e, start);
    for (int32_t m0 = 0; m0 < mg; m0 += 4) {
      const int32_t mt = drivers::min_i32(mg - m0, 4);
      for (int32_t r = 0; r < 4; ++r) {
        const int8_t* row = w + int64_t(m0 + (r < mt ? r : mt - 1)) * cg;
        for (int32_t i = 0; i < half; ++i) {
          const int32_t lo = row[2 * i], hi = 2 * i + 1 < cg ? row[2 * i + 1] : 0;
          wp[4 * i + r] = int32_t((uint32_t(hi) << 16) | (uint32_t(lo) & 0xFFFFu));
        }
      }
      // The 4 channels' bounded requantisation once, where every one of them has it.
      FastRow rows[4];
      bool all_fast = e.mult != nullptr;
      for (int32_t r = 0; r < mt && all_fast; ++r) {
        requant4_channel(e, gi * mg + m0 + r, q);
        rows[r] = FastRow{q.mult, q.round, q.right};
        all_fast = q.fast;
      }
      for (int32_t b = 0; b < g.n; ++b) {
        const int8_t* x = xd + (int64_t(b) * g.c + int64_t(gi) * cg) * plane;
        const int64_t out_base = int64_t(b) * g.m * plane;
        for (int32_t p = 0; p < pixels; p += 8) {
          pointwise_block(x, plane, cg, wp, half, mt, gi * mg + m0, start + m0, e, q, all_fast ? rows : nullptr,
                          out_base, p + 8 > pixels ? pixels - 8 : p);
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace wasm_simd128
}  // namespace mote
