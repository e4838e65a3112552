// The x86 kernel set's routing decisions and scratch layouts, per level (L: 1 SSE4.1, 2 AVX2,
// 3 AVX-512). Portable (no intrinsics), so one copy of each decision serves both sides:
//   - the kernels (route.inc and the .inc files of a level) call the plan for their own level
//     and carve their working memory from OpArgs::scratch at the plan's offsets;
//   - scratch_bytes() (scratch.cc, in every build) returns the largest plan's bytes over the
//     three levels, since the level is chosen at run time.
// A plan reads shapes and parameters only, never tensor data. Every buffer is sized to the op
// (min(the tile's fixed size, what the shape needs)); none limits which shapes run.
#ifndef MOTE_KERNELS_X86_PLAN_H
#define MOTE_KERNELS_X86_PLAN_H

#include <stdint.h>

#include "../drivers/winograd_blocks.h"
#include "../simd_route.h"
#include "mote/kernel.h"
#include "tiles.h"

namespace mote {
namespace x86 {

// ---- scratch layout ----------------------------------------------------------------------------
// The op's scratch starts on a 16-byte boundary of the arena (MOTE_ARENA_ALIGN). The kernels
// align it up to 64 (scratch_base) and put each region at a 64-byte aligned offset from there.
constexpr uint64_t kScratchAlign = 64;
constexpr uint64_t kScratchSlack = kScratchAlign - 16;  // from a 16-byte boundary to the next 64

struct Layout {
  uint64_t end = 0;
  // A region of `bytes`; its offset from the aligned base.
  uint64_t add(uint64_t bytes) {
    const uint64_t at = (end + kScratchAlign - 1) / kScratchAlign * kScratchAlign;
    end = at + bytes;
    return at;
  }
  // The scratch bytes to plan: the regions and the alignment slack (0 if nothing was added).
  uint64_t bytes() const { return end ? end + kScratchSlack : 0; }
};

inline char* scratch_base(void* scratch) {
  return reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(scratch) + (kScratchAlign - 1)) & ~uintptr_t(kScratchAlign - 1));
}

inline int32_t round_up(int32_t v, int32_t to) { return (v + to - 1) / to * to; }
inline int32_t min_i32(int32_t a, int32_t b) { return a < b ? a : b; }

// ---- float32 GEMM ---------------------------------------------------------------------------
// How many left-over columns (N mod the vector width) f32_gemm_nn takes as dot products along
// k, gathered column-major into K x that many floats of scratch (0: masked tiles, no scratch).
// A masked tile spends K FMAs per row on them, the dot products about left x (K / kW + a
// reduction): worth it once K is several times the column count.
template <int L>
inline int32_t gemm_dot_columns(int32_t N, int32_t K) {
  constexpr int32_t W = Tiles<L>::kW;
  const int32_t left = N % W;
  const bool dot = left > 0 && left <= Tiles<L>::kDotCols && N > W && K >= 32 * left && int64_t(K) * left <= kDotFloats;
  return dot ? left : 0;
}

template <int L>
inline uint64_t gemm_dot_bytes(int32_t N, int32_t K) {
  return uint64_t(K) * uint64_t(gemm_dot_columns<L>(N, K)) * sizeof(float);
}

// Gemm: trans_a goes to the reference; trans_b runs dot products in place; else f32_gemm_nn.
struct GemmPlan {
  bool run;
  int32_t M, N, K;
  uint64_t col;  // offset of the dot columns
  uint64_t bytes;
};

template <int L>
inline GemmPlan gemm_plan(const OpArgs& a) {
  GemmPlan p{};
  const mote_gemm_params& prm = a.p<mote_gemm_params>();
  if (prm.trans_a) return p;
  p.run = true;
  p.M = a.out[0].dims[0];
  p.N = a.out[0].dims[1];
  p.K = a.in[0].dims[1];
  Layout lay;
  if (!prm.trans_b) p.col = lay.add(gemm_dot_bytes<L>(p.N, p.K));
  p.bytes = lay.bytes();
  return p;
}

// MatMul against one shared matrix (B of rank <= 2: all of A's rows in one product), or batch
// by batch when A and B carry the same batch dimensions; other broadcasts go to the reference.
struct MatMulPlan {
  bool run, shared;
  int32_t rows, M, N, K;  // rows: A's rows in all (shared B)
  int64_t batch;
  uint64_t col, bytes;
};

template <int L>
inline MatMulPlan matmul_plan(const OpArgs& a) {
  MatMulPlan p{};
  const TensorView& A = a.in[0];
  const TensorView& B = a.in[1];
  p.M = A.rank > 1 ? A.dims[A.rank - 2] : 1;
  p.K = A.dims[A.rank - 1];
  p.N = B.rank > 1 ? B.dims[B.rank - 1] : 1;
  if (B.rank <= 2) {
    const int64_t rows = A.numel() / (p.K ? p.K : 1);
    if (rows > 0x7FFFFFFF) return p;
    p.shared = true;
    p.rows = int32_t(rows);
  } else {
    if (A.rank != B.rank) return p;
    p.batch = 1;
    for (int32_t d = 0; d < A.rank - 2; ++d) {
      if (A.dims[d] != B.dims[d]) return p;
      p.batch *= A.dims[d];
    }
  }
  p.run = true;
  Layout lay;
  p.col = lay.add(gemm_dot_bytes<L>(p.N, p.K));
  p.bytes = lay.bytes();
  return p;
}

// ---- float32 Conv -----------------------------------------------------------------------------

// Tap masks (AVX2/AVX-512, kernels/x86/f32_dwconv.inc): for each output vector of a row and each
// kernel column, the lanes whose input lies inside the row (two masks: at stride 2 a tap reads
// two vectors), and whether all do.
struct TapMaskLayout {
  uint64_t masks, inside;
};

template <int L>
inline TapMaskLayout tap_mask_layout(const ConvShape& g, Layout* lay) {
  const int64_t n = int64_t((g.ow + Tiles<L>::kW - 1) / Tiles<L>::kW) * g.kw;
  TapMaskLayout t;
  t.masks = lay->add(uint64_t(n) * 2 * Tiles<L>::kMaskBytes);
  t.inside = lay->add(uint64_t(n));
  return t;
}

// The flat depthwise form (AVX2/AVX-512; f32_dwconv.inc has the whole story): stride 1 with
// rows as wide as the input's, or stride 2 over the plane's four phases; every tap a fixed
// offset and a mask from a per-op table.
struct FlatPlan {
  int32_t vectors, period, top, bottom;  // vectors [0, top) and [bottom, vectors) are edges
  int32_t phase_rows[2], phase_cols[2];  // stride 2: rows and columns of phase (a, b)
};

// Where tap t reads: its phase's start, row and column offsets there, the phase's extent.
struct FlatTap {
  int32_t base, dr, dc, rows, cols;
};

inline int32_t floor_div2(int32_t v) { return v >= 0 ? v / 2 : -((1 - v) / 2); }

inline int32_t gcd(int32_t a, int32_t b) {
  while (b) {
    const int32_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

inline FlatTap flat_tap(const ConvShape& g, const FlatPlan& fp, int32_t t) {
  FlatTap f;
  const int32_t W = g.ow;
  if (g.sh == 1) {
    f.base = 0;
    f.dr = (t / g.kw) * g.dh - g.ph;
    f.dc = (t % g.kw) * g.dw - g.pw;
    f.rows = g.ih;
    f.cols = g.iw;
  } else {
    const int32_t ry = t / g.kw - g.ph, rx = t % g.kw - g.pw;
    const int32_t pa = ry & 1, pb = rx & 1;  // the phase: row and column parity
    f.base = (pa ? 2 * fp.phase_rows[0] * W : 0) + (pb ? fp.phase_rows[pa] * W : 0);
    f.dr = floor_div2(ry);
    f.dc = floor_div2(rx);
    f.rows = fp.phase_rows[pa];
    f.cols = fp.phase_cols[pb];
  }
  return f;
}

// Whether the flat form takes this depthwise shape with W-float vectors, and its extents.
template <int W>
inline bool flat_plan(const ConvShape& g, FlatPlan* fp) {
  if (g.kh > kFlatMaxKernel || g.kw > kFlatMaxKernel || g.sh != g.sw) return false;
  const int32_t taps = g.kh * g.kw;
  if (g.sh == 1) {
    if (g.ow != g.iw) return false;
  } else if (g.sh == 2 && g.dh == 1 && g.dw == 1) {
    for (int32_t a = 0; a < 2; ++a) {
      fp->phase_rows[a] = (g.ih - a + 1) / 2;
      fp->phase_cols[a] = (g.iw - a + 1) / 2;
      if (fp->phase_cols[a] > g.ow) return false;  // a phase row must fit an output row
    }
    if (int64_t(fp->phase_rows[0] + fp->phase_rows[1]) * 2 * g.ow > kPhaseFloats) return false;
  } else {
    return false;
  }
  const int32_t plane = g.oh * g.ow;
  fp->vectors = (plane + W - 1) / W;
  fp->period = g.ow / gcd(g.ow, W);
  // Output rows whose every tap row lies inside its plane.
  int32_t y_lo = 0, y_hi = g.oh;
  for (int32_t t = 0; t < taps; ++t) {
    const FlatTap f = flat_tap(g, *fp, t);
    if (-f.dr > y_lo) y_lo = -f.dr;
    if (f.rows - f.dr < y_hi) y_hi = f.rows - f.dr;
  }
  if (y_lo > g.oh) y_lo = g.oh;
  if (y_hi < y_lo) y_hi = y_lo;
  fp->top = (y_lo * g.ow + W - 1) / W;
  fp->bottom = y_hi * g.ow / W;
  if (fp->bottom < fp->top) fp->bottom = fp->top;
  if (fp->top > fp->vectors) fp->top = fp->vectors;
  return fp->period <= kFlatTable && fp->top <= kFlatTable && fp->vectors - fp->bottom <= kFlatTable;
}

// The flat form's tables: off[t], and per tap kFlatTable lane masks (bit l: lane l reads inside)
// for the interior (by v mod period), the top edge and the bottom edge vectors.
template <int W>
inline void flat_tables(const ConvShape& g, const FlatPlan& fp, int32_t* off, uint16_t* cols, uint16_t* top,
                        uint16_t* bottom) {
  const int32_t taps = g.kh * g.kw, plane = g.oh * g.ow;
  for (int32_t t = 0; t < taps; ++t) {
    const FlatTap f = flat_tap(g, fp, t);
    off[t] = f.base + f.dr * g.ow + f.dc;
    auto bits = [&](int32_t v, bool check_rows) {
      uint32_t m = 0;
      for (int32_t l = 0; l < W; ++l) {
        const int32_t o = v * W + l, y = o / g.ow + f.dr, x = o % g.ow + f.dc;
        if (x >= 0 && x < f.cols && (!check_rows || (o < plane && y >= 0 && y < f.rows))) m |= 1u << l;
      }
      return uint16_t(m);
    };
    for (int32_t v = 0; v < fp.period; ++v) cols[t * kFlatTable + v] = bits(v, false);
    for (int32_t v = 0; v < fp.top; ++v) top[t * kFlatTable + v] = bits(v, true);
    for (int32_t v = fp.bottom; v < fp.vectors; ++v) bottom[t * kFlatTable + v - fp.bottom] = bits(v, true);
  }
}

// The kernels f32_dwrows.inc writes out: square 3x3 or 5x5, undilated, stride 1 or 2.
inline bool dw_rows_kernel(const ConvShape& g) {
  return g.kh == g.kw && (g.kh == 3 || g.kh == 5) && g.dh == 1 && g.dw == 1 && g.sh == g.sw && (g.sh == 1 || g.sh == 2);
}

// The depthwise form of output row bands (f32_dwrows.inc): output rows at least 7/8 of a vector
// wide (narrower maps, MobileNet's 7x7, fill their vectors better in the flat form, which runs
// across row ends).
template <int W>
inline bool dw_rows_fits(const ConvShape& g) {
  return dw_rows_kernel(g) && 8 * g.ow >= 7 * W;
}

// AVX-512, maps 7 or 8 wide: two channels a vector (f32_dwrows.inc, dw_pairs).
template <int W>
inline bool dw_pairs_fits(const ConvShape& g) {
  return W == 16 && dw_rows_kernel(g) && g.ow >= 7 && g.ow <= 8;
}

enum class F32Conv : int32_t {
  kReference,  // left to the reference kernels
  kDwFlat,     // depthwise, flat form (AVX2/AVX-512)
  kDwDirect,   // depthwise, tap masks (AVX2/AVX-512)
  kDwBand,     // depthwise, bands of padded rows (SSE4.1)
  kDwRows,     // depthwise 3x3/5x5, bands of output rows in registers (AVX2/AVX-512)
  kDwPairs,    // the same on maps 7-8 wide, two channels a vector (AVX-512)
  kGemm,       // 1x1, stride 1, unpadded: a GEMM reading X in place
  kDirect,     // few taps, group 1 (AVX2/AVX-512): the stem of image models
  kIm2col,     // anything else: GEMM over im2col panels
};

struct F32ConvPlan {
  F32Conv kind;
  uint64_t bytes;
  uint64_t weights;          // depthwise: the taps' broadcast weight vectors
  TapMaskLayout tm;          // kDwDirect, kDirect
  FlatPlan flat;             // kDwFlat: extents, then the tables
  uint64_t off, cols, top, bottom, phases;
  int32_t band_rows, band_width;  // kDwBand: output rows per band, floats per buffered row;
                                  // kDirect (stride 2, AVX-512): input rows and the floats of
                                  // each half (even, odd columns) of the de-interleaved rows
  uint64_t band;
  int32_t panel_stride;      // kIm2col: floats per panel row
  uint64_t panel;
  uint64_t col;              // kGemm, kIm2col: the GEMM's dot columns
};

// The largest scratch of the GEMMs over im2col panels: depth and columns are whole panels but
// for the last ones.
template <int L>
inline uint64_t im2col_dot_bytes(int32_t K, int32_t plane) {
  const int32_t counts[2] = {min_i32(plane, kPanelColumns), plane > kPanelColumns ? plane % kPanelColumns : 0};
  const int32_t depths[2] = {min_i32(K, kPanelDepth), K > kPanelDepth ? K % kPanelDepth : 0};
  uint64_t most = 0;
  for (int32_t c : counts) {
    for (int32_t d : depths) {
      const uint64_t b = c > 0 && d > 0 ? gemm_dot_bytes<L>(c, d) : 0;
      most = b > most ? b : most;
    }
  }
  return most;
}

template <int L>
inline F32ConvPlan f32_conv_plan(const OpArgs& a) {
  F32ConvPlan p{};
  p.kind = F32Conv::kReference;
  if (a.in[0].dtype != MOTE_F32 || a.in[1].dtype != MOTE_F32 || !planar(a)) return p;
  const ConvShape g = conv_shape(a);
  constexpr int32_t W = Tiles<L>::kW;
  constexpr uint64_t kVec = uint64_t(W) * sizeof(float);
  const int32_t taps = g.kh * g.kw, plane = g.oh * g.ow;
  Layout lay;
  // Every output channel reading its own input channel (one channel included) is depthwise.
  if (g.group == g.c && g.m == g.c) {
    if (dw_pairs_fits<W>(g)) {
      p.kind = F32Conv::kDwPairs;
      p.weights = lay.add(uint64_t(taps) * kVec);
    } else if (L >= 2 && dw_rows_fits<W>(g)) {
      p.kind = F32Conv::kDwRows;
      p.weights = lay.add(uint64_t(taps) * kVec);
      p.tm = tap_mask_layout<L>(g, &lay);
    } else if (L >= 2 && flat_plan<W>(g, &p.flat)) {
      p.kind = F32Conv::kDwFlat;
      p.weights = lay.add(uint64_t(taps) * kVec);
      p.off = lay.add(uint64_t(taps) * sizeof(int32_t));
      p.cols = lay.add(uint64_t(taps) * kFlatTable * sizeof(uint16_t));
      p.top = lay.add(uint64_t(taps) * kFlatTable * sizeof(uint16_t));
      p.bottom = lay.add(uint64_t(taps) * kFlatTable * sizeof(uint16_t));
      if (g.sh == 2) p.phases = lay.add(uint64_t(p.flat.phase_rows[0] + p.flat.phase_rows[1]) * 2 * g.ow * sizeof(float));
    } else if (g.sw != 1 && g.sw != 2) {
      return p;
    } else if (L >= 2) {
      p.kind = F32Conv::kDwDirect;
      p.weights = lay.add(uint64_t(taps) * kVec);
      p.tm = tap_mask_layout<L>(g, &lay);
    } else {
      p.kind = F32Conv::kDwBand;
      p.weights = lay.add(uint64_t(taps) * kVec);
      // Every column the vector tiles read (stride 2 reads one float past the last tap), and as
      // many output rows as fit kBandBytes (one at least).
      const int32_t tiles = (g.ow + W - 1) / W;
      p.band_width = tiles * W * g.sw + (g.kw - 1) * g.dw + 1;
      const int32_t span = (g.kh - 1) * g.dh + 1;
      const int32_t fit = int32_t(kBandBytes / sizeof(float)) / p.band_width;
      p.band_rows = fit < span ? 1 : (fit - span) / g.sh + 1;
      if (p.band_rows > g.oh) p.band_rows = g.oh > 0 ? g.oh : 1;
      p.band = lay.add(uint64_t((p.band_rows - 1) * g.sh + span) * p.band_width * sizeof(float));
    }
    p.bytes = lay.bytes();
    return p;
  }
  const int32_t cg = g.c / g.group, K = cg * taps;
  if (is_pointwise(g)) {
    p.kind = F32Conv::kGemm;
    p.col = lay.add(gemm_dot_bytes<L>(plane, cg));
  } else if (L >= 2 && g.group == 1 && g.dh == 1 && g.dw == 1 && (g.sw == 1 || g.sw == 2) && g.kw <= kDirectMaxColumns &&
             K <= kDirectMaxK && g.m % 8 == 0) {
    p.kind = F32Conv::kDirect;
    p.tm = tap_mask_layout<L>(g, &lay);
    // AVX-512, stride 2: the input rows of each block of kDirectRows output rows, every channel,
    // split into even and odd columns (zeros in the padding), when that takes at most
    // kDirectBandBytes (f32_conv_direct.inc: conv_band).
    if (L == 3 && g.sw == 2) {
      const int32_t tiles = (g.ow + Tiles<L>::kW - 1) / Tiles<L>::kW;
      const int32_t half = round_up(tiles * Tiles<L>::kW + (g.kw - 1) / 2, Tiles<L>::kW);
      const int64_t rows = int64_t(kDirectRows - 1) * g.sh + g.kh;
      const uint64_t bytes = uint64_t(rows) * g.c * 2 * uint64_t(half) * sizeof(float);
      if (bytes <= kDirectBandBytes) {
        p.band_rows = int32_t(rows);
        p.band_width = half;
        p.band = lay.add(bytes);
      }
    }
  } else {
    p.kind = F32Conv::kIm2col;
    // Rows as wide as a panel, or 16-float aligned rows of a smaller plane.
    p.panel_stride = plane >= kPanelColumns ? kPanelColumns : round_up(plane > 0 ? plane : 1, 16);
    p.panel = lay.add(uint64_t(min_i32(K, kPanelDepth)) * p.panel_stride * sizeof(float));
    p.col = lay.add(im2col_dot_bytes<L>(K, plane));
  }
  p.bytes = lay.bytes();
  return p;
}

// ConvW8 (int8 weights, float activations) on the float convolution kernels: group 1 or
// depthwise, 1-D or 2-D. The output channels go in blocks; each block's weights are dequantised
// (scale[m] * q) into the scratch and the block runs as a float Conv of its channels, batch entry
// by batch entry (a block's outputs are contiguous within one). A block holds up to kW8Bytes of
// float weights, and kW8MinBlock channels at least (or all: fewer would make the float kernels
// redo their im2col panels for every few channels), so the weights in RAM stay a small part of
// a large layer's and a small model's (every layer under kW8Bytes) are never split. The plan's bytes cover the block's weights and the larger scratch of the float plan of
// a full block and of the last, shorter one.
constexpr uint64_t kW8Bytes = 64 * 1024;
constexpr int64_t kW8MinBlock = 32;

struct ConvW8Block {
  mote_conv_params params;  // group = the block's channels when depthwise
  TensorView in[3];         // X, W (float), B: of batch entry 0, channels [0, channels)
  TensorView out;
  OpArgs args;
};

// The float Conv of `channels` output channels (data pointers null; the kernel fills them).
inline void conv_w8_block(const OpArgs& a, int32_t channels, ConvW8Block* b) {
  b->params = a.p<mote_conv_params>();
  const bool depthwise = b->params.group > 1;
  if (depthwise) b->params.group = channels;
  b->in[0] = a.in[0];
  b->in[0].data = nullptr;
  b->in[0].dims[0] = 1;
  if (depthwise) b->in[0].dims[1] = channels;
  b->in[1] = a.in[1];
  b->in[1].data = nullptr;
  b->in[1].dtype = MOTE_F32;
  b->in[1].dims[0] = channels;
  const bool bias = a.num_in > 2 && a.in[2].present();
  b->in[2] = bias ? a.in[2] : TensorView{nullptr, MOTE_DTYPE_UNDEFINED, 0, {0}};
  b->in[2].data = nullptr;
  if (bias) b->in[2].dims[0] = channels;
  b->out = a.out ? a.out[0] : TensorView{nullptr, MOTE_F32, 0, {0}};
  b->out.data = nullptr;
  b->out.dims[0] = 1;
  b->out.dims[1] = channels;
  b->args = OpArgs{MOTE_OP_CONV, &b->params, uint32_t(sizeof b->params), b->in, bias ? 3 : 2, &b->out, 1, nullptr, 0, a.diag};
}

// The scratch of the float Conv of a block of `channels` output channels, and whether the x86
// kernels take it (*runs). Out of line, as f32_conv_plan_bytes: the block's operand views (368
// bytes) and the float plan (152) would take more than a kernel frame may in one.
template <int L>
__attribute__((noinline)) uint64_t f32_conv_plan_bytes(const OpArgs& a, bool* runs) {
  const F32ConvPlan f = f32_conv_plan<L>(a);
  *runs = f.kind != F32Conv::kReference;
  return f.bytes;
}

template <int L>
__attribute__((noinline)) uint64_t conv_w8_block_bytes(const OpArgs& a, int32_t channels, bool* runs) {
  ConvW8Block b;
  conv_w8_block(a, channels, &b);
  return f32_conv_plan_bytes<L>(b.args, runs);
}

struct ConvW8Plan {
  bool run;
  int32_t block;      // output channels per block
  uint64_t weights;   // bytes of one block's float weights (64-byte aligned)
  uint64_t bytes;
};

template <int L>
inline ConvW8Plan conv_w8_plan(const OpArgs& a) {
  ConvW8Plan p{};
  if (a.code != MOTE_OP_CONV_W8 || !planar(a) || !a.out) return p;
  const mote_conv_params& prm = a.p<mote_conv_params>();
  const int32_t m = a.in[1].dims[0], c = a.in[0].dims[1];
  const bool depthwise = prm.group > 1 && prm.group == c && m == c;
  if (m < 1 || (prm.group != 1 && !depthwise)) return p;
  int64_t per = 4;  // float bytes per output channel's weights
  for (int32_t d = 1; d < a.in[1].rank; ++d) per *= a.in[1].dims[d];
  int64_t block = int64_t(kW8Bytes) / per;
  if (block < kW8MinBlock) block = kW8MinBlock;
  p.block = int32_t(block < m ? block : m);
  p.weights = (uint64_t(p.block) * uint64_t(per) + kScratchAlign - 1) / kScratchAlign * kScratchAlign;
  uint64_t most = 0;
  const int32_t sizes[2] = {p.block, m % p.block};
  for (int32_t channels : sizes) {
    if (channels == 0) continue;
    bool runs = false;
    const uint64_t bytes = conv_w8_block_bytes<L>(a, channels, &runs);
    if (!runs) return p;
    most = bytes > most ? bytes : most;
  }
  p.run = true;
  p.bytes = kScratchSlack + p.weights + most;
  return p;
}

// ConvWinograd (f32_winograd.inc), F(2x2, 3x3) (W [16, M, C]) or F(4x4, 3x3) (W [36, M, C]):
// per image, blocks of `block` tiles (of T in all): their input tiles transformed into
// V [points][C][block], `points` GEMMs U_k [M, C] x V_k into P [points][M][block], the output
// transform from P into Y. `rows`: the four (six) input rows of one channel and tile row after
// B^T, each `row_floats` (F(4x4, 3x3)'s output transform keeps its 24 vectors of A^T m there).
// A block is as many tiles as keep V and P within about kWinogradBytes (mostly in L2 between the
// transforms and the GEMMs; fewer blocks read the transformed weights fewer times), the tiles
// shared about equally between the blocks. The matrices of V (and of P) are kWinogradSkew
// floats further apart than their size: the transforms touch them all at once, and sizes that
// are multiples of 4 KB would put them in one L1 set.
struct WinogradPlan {
  bool run;
  int32_t block, tiles, tiles_w, row_floats, points;
  uint64_t v, prod, rows, col, bytes;
};

template <int L>
inline WinogradPlan winograd_plan(const OpArgs& a) {
  WinogradPlan p{};
  if (a.code != MOTE_OP_CONV_WINOGRAD || a.in[0].dtype != MOTE_F32 || a.in[1].dtype != MOTE_F32 || a.in[0].rank != 4 ||
      (a.in[1].dims[0] != 16 && a.in[1].dims[0] != 36) || !a.out || a.out[0].rank != 4) {
    return p;
  }
  constexpr int32_t W = Tiles<L>::kW;
  const bool four = a.in[1].dims[0] == 36;
  const int32_t tile = four ? 4 : 2;
  p.points = four ? 36 : 16;
  const int32_t c = a.in[0].dims[1], m = a.out[0].dims[1], oh = a.out[0].dims[2], ow = a.out[0].dims[3];
  const int64_t tiles = int64_t((oh + tile - 1) / tile) * ((ow + tile - 1) / tile);
  if (tiles <= 0 || tiles > 0x7FFFFFFF) return p;
  p.tiles = int32_t(tiles);
  p.tiles_w = (ow + tile - 1) / tile;
  const int32_t block = drivers::winograd_block(tiles, c, m, kWinogradBytes, W, p.points);
  p.block = block;
  // A tile row's tile x tiles_w + 2 input columns, and the vector loads past them
  // (f32_winograd.inc: F(4x4, 3x3) reads 4 kW floats from four past a tile's first column).
  p.row_floats = four ? round_up(4 * p.tiles_w + 4 * W + 4, W) : round_up(2 * p.tiles_w + 2 + 2 * W + 2, W);
  Layout lay;
  p.v = lay.add(uint64_t(p.points) * (uint64_t(c) * uint64_t(block) + kWinogradSkew) * sizeof(float));
  p.prod = lay.add(uint64_t(p.points) * (uint64_t(m) * uint64_t(block) + kWinogradSkew) * sizeof(float));
  p.rows = lay.add(uint64_t(four ? 6 : 4) * uint64_t(p.row_floats) * sizeof(float));
  const int32_t last = int32_t(tiles % block);
  const uint64_t dot = gemm_dot_bytes<L>(p.block, c), dot_last = last ? gemm_dot_bytes<L>(last, c) : 0;
  p.col = lay.add(dot > dot_last ? dot : dot_last);
  p.bytes = lay.bytes();
  p.run = true;
  return p;
}

// MaxPool (float32, AVX2/AVX-512): undilated windows with less padding than the window on each
// side (each holds an input element), horizontal stride 1 or 2, at most kDirectMaxColumns wide,
// read in place with tap masks. Wider windows (a tap-mask form visits every tap; the reference
// visits only those inside the input) go to the reference.
struct F32PoolPlan {
  bool run;
  ConvShape g;
  TapMaskLayout tm;
  uint64_t bytes;
};

template <int L>
inline F32PoolPlan f32_maxpool_plan(const OpArgs& a) {
  F32PoolPlan p{};
  const mote_pool_params& prm = a.p<mote_pool_params>();
  const TensorView& x = a.in[0];
  if (L < 2 || x.dtype != MOTE_F32 || a.num_out != 1) return p;  // not with Indices
  if (!planar(a)) return p;
  for (int32_t d = 0; d < prm.spatial_rank; ++d) {
    if (prm.dilation[d] != 1 || prm.pad_begin[d] >= prm.kernel[d] || prm.pad_end[d] >= prm.kernel[d]) return p;
  }
  ConvShape& g = p.g;
  g = pool_shape(a);
  if ((g.sw != 1 && g.sw != 2) || g.kw > kDirectMaxColumns) return p;
  p.run = true;
  Layout lay;
  p.tm = tap_mask_layout<L>(g, &lay);
  p.bytes = lay.bytes();
  return p;
}

// ---- int8 QConv and QMatMul -------------------------------------------------------------------
template <int L>
struct S8 {
  static constexpr int32_t kNR = Tiles<L>::kS8NV * Tiles<L>::kIW;  // columns per register tile
  // Columns per split panel: one tile (k blocks of 512 and more), two at SSE4.1, whose tile of 8
  // would stream all the weights again for every 8 pixels.
  static constexpr int32_t kSplitCols = kNR >= 16 ? kNR : 16;
  // Rows of partial sums between the k blocks of a split product.
  static constexpr int32_t kChunk = kS8PartBytes / 4 / kSplitCols / Tiles<L>::kS8MR * Tiles<L>::kS8MR;
  static_assert(kSplitCols % kNR == 0, "whole tiles of columns");
  static_assert(kChunk >= Tiles<L>::kS8MR, "the partial sums hold at least one register tile of rows");
};

// Columns per panel for k values each: a multiple of kNR, or 0 if not even one tile fits.
template <int L>
inline int32_t s8_panel_cols(int32_t k, int32_t want) {
  constexpr int32_t kNR = S8<L>::kNR;
  const int32_t bytes = round_up(k, Tiles<L>::kKG) * Tiles<L>::kPel;
  const int32_t most = kS8PanelBytes / bytes / kNR * kNR;
  int32_t cols = kS8PanelTarget / bytes / kNR * kNR;
  if (cols < kNR) cols = kNR;
  if (cols > most) cols = most;
  if (cols > kS8MaxCols) cols = kS8MaxCols;
  const int32_t need = round_up(want, kNR);
  return cols > need ? need : cols;
}

// The blocks k0 = i * kb of a split along k: kb a multiple of kKG (each block starts a group),
// the blocks as even as that allows.
template <int L>
inline int32_t s8_split_block(int32_t K) {
  constexpr int32_t kKG = Tiles<L>::kKG;
  const int32_t most = kS8SplitPanelBytes / (S8<L>::kSplitCols * Tiles<L>::kPel) / kKG * kKG;
  const int32_t blocks = (K + most - 1) / most;
  return round_up((K + blocks - 1) / blocks, kKG);
}

// A QConv as one product (the general and the 1x1 kernel; depthwise shapes the dw kernel does
// not take): output channels against a panel of pixels, whole k or split along k.
struct S8ConvPlan {
  bool run, split;
  int32_t cols;   // whole: pixels per panel
  int32_t kb;     // split: k per block
  int32_t chunk;  // split: output channels per block of partial sums
  uint64_t panel, sums, start;
  uint64_t bytes;
};

template <int L>
inline S8ConvPlan s8_conv_plan(const ConvShape& g) {
  S8ConvPlan p{};
  const int32_t cg = g.c / g.group, mg = g.m / g.group, K = cg * g.kh * g.kw;
  if (K < 1) return p;
  constexpr int32_t kNR = S8<L>::kNR, kKG = Tiles<L>::kKG, kPel = Tiles<L>::kPel;
  const int32_t pixels = g.oh * g.ow;
  p.run = true;
  p.cols = s8_panel_cols<L>(K, pixels);
  Layout lay;
  if (p.cols >= kNR) {
    p.panel = lay.add(uint64_t(round_up(K, kKG)) * p.cols * kPel);
  } else {
    p.split = true;
    p.kb = s8_split_block<L>(K);
    p.chunk = min_i32(S8<L>::kChunk, mg);
    const int32_t pc = round_up(min_i32(pixels, S8<L>::kSplitCols), kNR);
    p.panel = lay.add(uint64_t(p.kb) * pc * kPel);
    p.sums = lay.add(uint64_t(p.chunk) * pc * sizeof(int32_t));
  }
  p.start = lay.add(uint64_t(mg) * sizeof(int32_t));  // each output channel's start value
  p.bytes = lay.bytes();
  return p;
}

// Depthwise QConv (group == C == M > 1): at AVX-512 kernels at most 8 input columns wide read
// in place (kDirect, one or two groups of 4 taps a kernel row); else bands of widened rows
// (kBand); horizontal strides other than 1 and 2 go to the general product.
enum class S8Dw : int32_t { kDirect, kBand, kConv };

struct S8DwPlan {
  S8Dw kind;
  // kBand: taps in pairs; per band row `words` words and `values` padded input values.
  int32_t pairs, step, words, rows, values;
  int32_t groups;                  // kDirect: weight words (groups of 4 taps) per kernel row
  uint64_t masks, words0, words1;  // kDirect: load masks, each channel's weight words
  uint64_t weights;                // broadcast weight vectors
  uint64_t band, row;              // kBand: the band, the padded row (below AVX-512)
  S8ConvPlan conv;                 // kConv
  uint64_t bytes;
};

template <int L>
inline S8DwPlan s8_dw_plan(const ConvShape& g) {
  S8DwPlan p{};
  constexpr int32_t kIW = Tiles<L>::kIW;
  constexpr uint64_t kVec = uint64_t(kIW) * sizeof(int32_t);
  Layout lay;
  if (g.sw != 1 && g.sw != 2) {
    p.kind = S8Dw::kConv;
    p.conv = s8_conv_plan<L>(g);
    p.bytes = p.conv.bytes;
    return p;
  }
  if (L == 3 && (g.kw - 1) * g.dw + 1 <= 8) {
    p.kind = S8Dw::kDirect;
    p.groups = (g.kw - 1) * g.dw + 1 <= 4 ? 1 : 2;
    const int32_t tiles = (g.ow + kIW - 1) / kIW;
    p.masks = lay.add(uint64_t(tiles + 1) * sizeof(uint64_t));
    p.weights = lay.add(uint64_t(g.kh) * p.groups * kVec);
    p.words0 = lay.add(uint64_t(g.kh) * p.groups * sizeof(int32_t));
    p.words1 = lay.add(uint64_t(g.kh) * p.groups * sizeof(int32_t));
    p.bytes = lay.bytes();
    return p;
  }
  p.kind = S8Dw::kBand;
  p.pairs = (g.kw + 1) / 2;
  p.step = g.sw == 1 ? 2 * g.dw : g.dw;
  p.words = round_up(g.ow, kIW) + (p.pairs - 1) * p.step;
  // Row values a band row's words read, and what the vector build reads past them (it writes up
  // to 16 words past the end).
  p.values = g.sw * (p.words + 16) + g.dw + 32;
  const int32_t span = (g.kh - 1) * g.dh + 1;
  const int32_t fit = int32_t(kBandBytes / 4) / p.words;
  p.rows = fit < span ? 1 : (fit - span) / g.sh + 1;
  if (p.rows > g.oh) p.rows = g.oh > 0 ? g.oh : 1;
  p.weights = lay.add(uint64_t(g.kh) * p.pairs * kVec);
  // Slack of 64 words: the vectors past the last row's words.
  p.band = lay.add((uint64_t((p.rows - 1) * g.sh + span) * p.words + 64) * sizeof(int32_t));
  if (L < 3) p.row = lay.add(uint64_t(p.values));
  p.bytes = lay.bytes();
  return p;
}

// QConv: depthwise, or one product (the 1x1 kernel reads the input's channel rows as its
// columns; the general one unrolls im2col panels: the same buffers).
template <int L>
inline uint64_t s8_qconv_bytes(const OpArgs& a) {
  if (!planar(a) || qconv_layout(a) != MOTE_LAYOUT_NCHW) return 0;
  const ConvShape g = conv_shape(a);
  if (qconv_kind(g) == QConvKind::kDepthwise) return s8_dw_plan<L>(g).bytes;
  return s8_conv_plan<L>(g).bytes;
}

// One QMatMul product of `rows` rows of A [rows, K] against B [K, N].
enum class S8Gemm : int32_t { kNone, kFewRows, kWhole, kSplit };

struct S8GemmPlan {
  S8Gemm kind;
  int32_t cols, kb, chunk;
  uint64_t panel, sums, start, mult, shift;
  uint64_t bytes;
};

template <int L>
inline S8GemmPlan s8_gemm_plan(int32_t rows, int32_t N, int32_t K) {
  S8GemmPlan p{};
  if (K < 1) return p;  // no products: the start values alone
  if (L == 3 && rows <= 4) {  // a classifier's row or few: B streamed, no panel
    p.kind = S8Gemm::kFewRows;
    return p;
  }
  constexpr int32_t kNR = S8<L>::kNR, kKG = Tiles<L>::kKG, kPel = Tiles<L>::kPel;
  p.cols = s8_panel_cols<L>(K, N);
  Layout lay;
  int32_t pc;
  if (p.cols >= kNR) {
    p.kind = S8Gemm::kWhole;
    pc = p.cols;
    p.panel = lay.add(uint64_t(round_up(K, kKG)) * pc * kPel);
  } else {
    p.kind = S8Gemm::kSplit;
    p.kb = s8_split_block<L>(K);
    p.chunk = S8<L>::kChunk;
    pc = round_up(min_i32(N, S8<L>::kSplitCols), kNR);
    p.panel = lay.add(uint64_t(p.kb) * pc * kPel);
    p.sums = lay.add(uint64_t(min_i32(p.chunk, rows)) * pc * sizeof(int32_t));
  }
  // Per-column start values, multipliers and shifts.
  p.start = lay.add(uint64_t(pc) * sizeof(int32_t));
  p.mult = lay.add(uint64_t(pc) * sizeof(int32_t));
  p.shift = lay.add(uint64_t(pc) * sizeof(int32_t));
  p.bytes = lay.bytes();
  return p;
}

// QMatMul against one shared B (no batch, or batch dimensions all 1): all of A's rows in one
// product; or batch by batch when A and B carry the same batch dimensions; other broadcasts go
// to the reference.
struct QMatMulPlan {
  bool run, shared;
  int32_t rows, M, N, K;
  int64_t batch;
  S8GemmPlan gemm;
};

template <int L>
inline QMatMulPlan qmatmul_plan(const OpArgs& a) {
  QMatMulPlan p{};
  if (qmatmul_b_layout(a) != MOTE_B_KN) return p;  // B [N, K]: the reference
  const TensorView& A = a.in[0];
  const TensorView& B = a.in[1];
  p.M = A.dims[A.rank - 2];
  p.K = A.dims[A.rank - 1];
  p.N = B.dims[B.rank - 1];
  int64_t b_batch = 1;
  for (int32_t d = 0; d < B.rank - 2; ++d) b_batch *= B.dims[d];
  if (b_batch == 1) {
    const int64_t rows = p.K ? A.numel() / p.K : int64_t(p.M);
    if (rows > 0x7FFFFFFF || a.out[0].numel() != rows * p.N) return p;
    p.shared = true;
    p.rows = int32_t(rows);
  } else {
    if (A.rank != B.rank) return p;
    for (int32_t d = 0; d < A.rank - 2; ++d) {
      if (A.dims[d] != B.dims[d]) return p;
    }
    p.batch = b_batch;
    p.rows = p.M;
  }
  p.run = true;
  p.gemm = s8_gemm_plan<L>(p.rows, p.N, p.K);
  return p;
}

// MaxPool (int8): separable, through a row buffer (input columns with -128 in the padding) and
// a buffer of the horizontal maxima; the input rows of a window listed by pointer.
struct S8PoolPlan {
  bool run;
  ConvShape g;  // pool_shape()
  int32_t hcount, width;  // bytes of the horizontal maxima and of the row buffer
  uint64_t row, hmax, rows;
  uint64_t bytes;
};

template <int L>
inline S8PoolPlan s8_maxpool_plan(const OpArgs& a) {
  S8PoolPlan p{};
  const mote_pool_params& prm = a.p<mote_pool_params>();
  if (a.in[0].dtype != MOTE_I8 || a.num_out != 1 || (prm.spatial_rank != 1 && prm.spatial_rank != 2)) return p;
  p.g = pool_shape(a);
  const ConvShape& g = p.g;
  if (g.ow < 1 || g.oh < 1 || g.iw < 1 || g.ih < 1) return p;
  constexpr int64_t kBW = Tiles<L>::kBW;
  auto up = [](int64_t v) { return (v + kBW - 1) / kBW * kBW; };
  // Buffer position j holds input column j - pw. The sliding maximum covers positions
  // [0, hcount) (stride 2: two vectors read per kBW outputs), reading [0, hcount + (kw-1) dw).
  int64_t hcount = up(int64_t(g.ow - 1) * g.sw + 1);
  if (g.sw == 2 && hcount < 2 * up(g.ow)) hcount = 2 * up(g.ow);
  int64_t width = hcount + int64_t(g.kw - 1) * g.dw;
  if (width < int64_t(g.pw) + g.iw) width = int64_t(g.pw) + g.iw;
  width = up(width);
  if (width > 0x7FFFFFFF) return p;
  p.run = true;
  p.hcount = int32_t(hcount);
  p.width = int32_t(width);
  Layout lay;
  p.row = lay.add(uint64_t(width));
  p.hmax = lay.add(uint64_t(hcount));
  p.rows = lay.add(uint64_t(min_i32(g.kh, g.ih)) * 8);  // pointers (8 bytes at most) to the rows inside
  p.bytes = lay.bytes();
  return p;
}

}  // namespace x86
}  // namespace mote

#endif  // MOTE_KERNELS_X86_PLAN_H
