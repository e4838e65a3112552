// The SIMD128 set's tile and buffer constants, portable (no intrinsics): shared by the kernels
// and by scratch.cc, which every build compiles so the converter can plan this set's scratch.
#ifndef MOTE_KERNELS_WASM_SIMD128_TILES_H
#define MOTE_KERNELS_WASM_SIMD128_TILES_H

#include "../drivers/f32_band.h"
#include "../drivers/s8_conv2d.h"
#include "mote/op_config.h"

namespace mote {
namespace wasm_simd128 {

struct Tiles {
  // The im2col panel of the float Conv (kernels/simd_conv2d.h), at most.
  static constexpr uint32_t kConvPanelBytes = 32 * 1024;
  // Bands of the depthwise Conv and MaxPool: at most 24 KB; stride-2 rows stored split (evens,
  // then odds); every stride; the in-place 3x3 path reads up to kReach floats outside a row.
  static constexpr int32_t kReach = 16;
  static constexpr drivers::BandSpec kBand{24 * 1024, 0, true, true, kReach};
  static constexpr drivers::BandSpec kPoolBand{24 * 1024, 0, true, true, 0};
  // int8 columns: 4 pixels per pass and per 1x1 transposition, widened to int16.
  static constexpr drivers::S8ConvSpec kS8{4, 4, 2};

  // f32_gemm_nn (4 or more rows) packs A's rows 4 at a time, kGemmDepth of k per block; when
  // N % 4 != 0 it packs B a panel of kPackedWidth columns at a time into at most kPackedFloats.
  static constexpr int32_t kGemmDepth = 256;
  static constexpr int32_t kPackedFloats = 16384;
  static constexpr int32_t kPackedWidth = 64;
  static int32_t gemm_packed_a_floats(int32_t K) { return 4 * drivers::min_i32(K, kGemmDepth); }
  static uint64_t gemm_work_floats(int32_t M, int32_t N, int32_t K) {
#if defined(MOTE_WASM_SMALL_KERNELS) && MOTE_WASM_SMALL_KERNELS
    // The small build's GEMM (one row at a time, f32_gemm__wasm_simd128.cc) packs nothing: it
    // asks no working memory of the plan (a plan for the full set holds more, which it leaves).
    (void)M, (void)N, (void)K;
    return 0;
#endif
    if (M < 4 || K <= 0) return 0;
    uint64_t floats = uint64_t(gemm_packed_a_floats(K));
    if (N % 4 != 0) {
      // Every panel's stride times its k block is at most this (kPackedFloats bounds each).
      const int32_t stride = drivers::round_up(drivers::min_i32(N, kPackedWidth), 4);
      const int64_t b = int64_t(stride) * drivers::min_i32(K, kGemmDepth);
      floats += uint64_t(b < kPackedFloats ? b : kPackedFloats);
    }
    return floats;
  }
  // The int8 depthwise kernel, undilated at stride 1 or 2 with at most kDwBandRows kernel rows
  // and kDwBandTaps taps,
  // slides a ring of kh padded rows (the zero point in the padding) down the plane: rows wide
  // enough for 8 outputs (the vector) and the window, 16-byte multiples. Others read the input
  // in place (the border pixels tap by tap).
  static constexpr int32_t kDwBandRows = 16, kDwBandTaps = 64;
  static bool s8_dw_banded(const ConvShape& g) {
    return g.dh == 1 && g.dw == 1 && (g.sw == 1 || g.sw == 2) && g.kh <= kDwBandRows && int64_t(g.kh) * g.kw <= kDwBandTaps &&
           g.ow > 0 && g.oh > 0;
  }
  static int32_t s8_dw_band_stride(const ConvShape& g) {
    return drivers::round_up((drivers::max_i32(g.ow, 8) - 1) * g.sw + g.kw, 16);
  }
  static uint64_t s8_dw_band_bytes(const ConvShape& g) {
    return s8_dw_banded(g) ? uint64_t(g.kh) * uint64_t(s8_dw_band_stride(g)) : 0;
  }

  // The float Conv 3x3 at stride 2 over at most kS2Channels input channels (the stems of the
  // image networks; f32_conv2d_s2__wasm_simd128.cc), M a multiple of 4: per block of up to
  // kS2Block output columns, the C x 3 input rows the window covers split into the rows of
  // their 3 taps (conv_s2_row floats each), in the general form's panel.
  static constexpr int32_t kS2Channels = 4, kS2Block = 64;
  static bool conv_s2_shape(const ConvShape& g) {
    return g.group == 1 && g.c >= 1 && g.c <= kS2Channels && g.kh == 3 && g.kw == 3 && g.sh == 2 && g.sw == 2 &&
           g.dh == 1 && g.dw == 1 && g.m > 0 && g.m % 4 == 0 && g.ow > 0 && g.oh > 0;
  }
  static int32_t conv_s2_row(const ConvShape& g) {
    return drivers::round_up(drivers::min_i32(g.ow, kS2Block), 8);
  }
  static uint64_t conv_s2_floats(const ConvShape& g) {
    return uint64_t(9) * uint64_t(g.c) * uint64_t(conv_s2_row(g));
  }

  // MaxPool as a depthwise window over NCHW float32: undilated windows with less padding than
  // the window only (so that no window lies wholly in the padding, where the reference gives
  // 0); false for any other, which goes to the reference.
  static bool maxpool_shape(const OpArgs& a, ConvShape* g) {
#if defined(MOTE_WASM_SMALL_KERNELS) && MOTE_WASM_SMALL_KERNELS
    // The small build (wasm/build.sh model-small=) runs MaxPool on the reference kernel, a few
    // hundred bytes against the band's 2 KB (mote/op_config.h links it there).
    (void)a, (void)g;
    return false;
#endif
    const mote_pool_params& p = a.p<mote_pool_params>();
    const TensorView& x = a.in[0];
    const TensorView& y = a.out[0];
    if (x.dtype != MOTE_F32 || !planar(a)) return false;
    for (int32_t d = 0; d < p.spatial_rank; ++d) {
      if (p.dilation[d] != 1 || p.pad_begin[d] >= p.kernel[d] || p.pad_end[d] >= p.kernel[d]) return false;
    }
    const bool two = p.spatial_rank == 2;
    const int32_t last = p.spatial_rank - 1;
    g->n = x.dims[0];
    g->c = g->m = g->group = x.dims[1];
    g->ih = two ? x.dims[2] : 1;
    g->iw = x.dims[x.rank - 1];
    g->oh = two ? y.dims[2] : 1;
    g->ow = y.dims[y.rank - 1];
    g->kh = two ? p.kernel[0] : 1;
    g->kw = p.kernel[last];
    g->sh = two ? p.stride[0] : 1;
    g->sw = p.stride[last];
    g->dh = g->dw = 1;
    g->ph = two ? p.pad_begin[0] : 0;
    g->pw = p.pad_begin[last];
    return g->oh > 0 && g->ow > 0 && pool_form_linked(*g);
  }

  // The band's rows by horizontal stride (f32_maxpool2d); a runtime built for known models links
  // only its models' strides (MOTE_USE_KERNEL_max_pool_s1, _s2, _sn; the 3x3 stride-2 window
  // max_pool_3x3s2), and this routes the others back (mote/op_config.h).
  static bool pool_3x3s2(const ConvShape& g) {
    return MOTE_KERNEL_ON(max_pool_3x3s2) && g.kh == 3 && g.kw == 3 && g.sh == 2 && g.sw == 2;
  }
  static bool pool_form_linked(const ConvShape& g) {
    if (pool_3x3s2(g)) return true;
    return g.sw == 1 ? MOTE_KERNEL_ON(max_pool_s1) : g.sw == 2 ? MOTE_KERNEL_ON(max_pool_s2) : MOTE_KERNEL_ON(max_pool_sn);
  }
};

}  // namespace wasm_simd128
}  // namespace mote

#endif  // MOTE_KERNELS_WASM_SIMD128_TILES_H
