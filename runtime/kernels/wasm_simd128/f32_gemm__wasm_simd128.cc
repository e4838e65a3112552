// f32_gemm__wasm_simd128: the matrix products under 1x1 Conv, Gemm and MatMul.
//
// NN form, 4 or more rows: register tiles of 4 rows x 8 columns. Each tile's 4 rows of A are
// first packed [k][4] (a 4x4 transpose per 4 k), so that the inner loop reads A through one
// pointer at constant offsets: a k step is 2 B loads, 4 broadcast loads, 8 mul + 8 add and 3
// integer ops, which V8 runs at the machine's mul+add peak when the data is in L1 (20.8 GMAC/s
// at 2.6 GHz; Wasm SIMD has no FMA). V8 schedules all of a step's loads first: 8 accumulators,
// the 6 loaded values and a product are the 15 vector registers it allocates on x86-64, so 5
// rows spill; unrolling k by hand, or a call per tile or per 4 rows, measured 5-20% slower.
// The last N % 4 columns go 4 rows at a time with A's packed [k][4] as the vector and B
// broadcast, a quarter of a 4x4 tile's work, in four sums along k (k mod 4) added at the end.
//   B's rows 16-byte multiples (N % 4 == 0): B is read in place, a column panel of kPanel at a
//     time so the panel stays in cache while every row tile of A passes over it.
//     So are B's rows when there are more than kPackedWidth columns (SqueezeNet's 55x55, 27x27
//     and 13x13 maps: 3025, 729 and 169): unaligned loads, but k blocks of kDepth and A packed
//     once per panel of kPanel columns, where the packed panel's blocks of 64 k stored C 4 times
//     as often and packed A once per 64 columns.
//   otherwise (7x7 maps have 49 columns): B is packed a block of k at a time into an aligned
//     panel of up to 64 KiB (16 KiB took 232 k in 4 blocks, C stored and reloaded between
//     them); unaligned rows measured a fifth slower in place. K is split evenly into blocks of
//     at most kPackedDepth (128) k: a 7x7 panel of 116 k is 24 KB, which stays in a 32 KB L1
//     while every row tile of A passes over it, where one block of 232 k (48 KB) did not
//     (shufflenet_v2's 232x232 1x1s on 7x7: 0.124 -> 0.115 ms each; its 464 to 1024, in 4
//     blocks of 116 rather than 256 + 208: 1.05 -> 1.02 ms; 96 and 160 measured slower).
// The packed A and B live in `work`, the op's scratch (Tiles::gemm_work_floats).
// The panel and k blocks split the product along k: C then holds the partial sums between
// blocks, and the bias starts the first block and the activation ends the last.
// Fewer than 4 rows (Gemm and MatMul on one row): each row of C is accumulated 4 rows of B at a
// time, streaming B in order (a Gemm's B is its weight matrix, often megabytes).
#include "../drivers/gemm.h"
#include "kernels.h"
#include "mote/op_config.h"


namespace mote {
namespace wasm_simd128 {
namespace {

constexpr int32_t kPanel = 256;                             // columns of B per panel, in place
constexpr int32_t kDepth = Tiles::kGemmDepth;               // k per block
constexpr int32_t kPackedFloats = Tiles::kPackedFloats;     // the packed B panel (64 KiB)
constexpr int32_t kPackedWidth = Tiles::kPackedWidth;       // its columns at most
constexpr int32_t kPackedDepth = 128;                       // its k per block at most (an L1-sized panel)
constexpr int32_t kTouchColumns = 256;   // fewer columns than this: A swept into cache first (touch_rows)
constexpr int32_t kTouchRows = 64;       // rows of A swept at a time, just before their tiles
constexpr int32_t kAhead = 8;            // A's rows in one block: the tiles of rows i sweep rows i + kAhead

// C's rows as the epilogue of a block leaves them: partial sums, or act() on the last block.
struct Block {
  const float* bias;  // the first block's start (null: zero), unless load_c
  bool load_c;        // start from C: accumulate, or not the first block
  bool last;          // apply the activation
};

// One step of k of a tile (below): NV vectors of B's row times MR values of A's packed column.
template <int MR, int NV>
__attribute__((always_inline)) inline void tile_step(v128_t (&acc)[MR][NV], const float* pa, const float* pb) {
  v128_t bv[NV];
  for (int v = 0; v < NV; ++v) bv[v] = wasm_v128_load(pb + 4 * v);
  for (int r = 0; r < MR; ++r) {
    const v128_t av = wasm_v128_load32_splat(pa + r);
    for (int v = 0; v < NV; ++v) acc[r][v] = wasm_f32x4_add(acc[r][v], wasm_f32x4_mul(av, bv[v]));
  }
}

// MR rows x 4*NV columns over kc steps of k: pa is A packed [kc][MR], pb B's first row, ldb its
// row stride (in place, or the packed panel's). With TOUCH, also one float of each cache line of
// touch[0, 4 * kc) (the rows of A some tiles ahead), a line every 4 steps of k.
template <int MR, int NV, bool TOUCH = false>
__attribute__((always_inline)) inline void tile(int32_t kc, const float* pa, const float* pb, int32_t ldb, float* c,
                                                int32_t ldc, const Block& blk, const VecAct& act,
                                                const float* touch = nullptr) {
  v128_t acc[MR][NV];
  for (int r = 0; r < MR; ++r) {
    if (blk.load_c) {
      for (int v = 0; v < NV; ++v) acc[r][v] = wasm_v128_load(c + r * ldc + 4 * v);
    } else {
      const v128_t b = wasm_f32x4_splat(blk.bias ? blk.bias[r] : 0.0f);
      for (int v = 0; v < NV; ++v) acc[r][v] = b;
    }
  }
  int32_t k = 0;
  if (TOUCH) {
    int32_t sink = 0;
    for (; k + 4 <= kc; k += 4) {
      int32_t t;
      __builtin_memcpy(&t, touch + 4 * k, sizeof t);
      sink ^= t;
      for (int s = 0; s < 4; ++s) {
        tile_step<MR, NV>(acc, pa, pb);
        pa += MR;
        pb += ldb;
      }
    }
    volatile int32_t keep = sink;  // keeps the loads
    (void)keep;
  }
  for (; k < kc; ++k) {
    tile_step<MR, NV>(acc, pa, pb);
    pa += MR;
    pb += ldb;
  }
  for (int r = 0; r < MR; ++r) {
    for (int v = 0; v < NV; ++v) {
      wasm_v128_store(c + r * ldc + 4 * v, blk.last ? apply(act, acc[r][v]) : acc[r][v]);
    }
  }
}

// A's rows [0, 4) x [0, kc) packed [kc][4].
inline void pack_a4(const float* A, int32_t lda, int32_t kc, float* pa) {
  const float* a0 = A;
  const float* a1 = A + lda;
  const float* a2 = A + 2 * lda;
  const float* a3 = A + 3 * lda;
  int32_t k = 0;
  for (; k + 4 <= kc; k += 4) {
    const v128_t r0 = wasm_v128_load(a0 + k), r1 = wasm_v128_load(a1 + k);
    const v128_t r2 = wasm_v128_load(a2 + k), r3 = wasm_v128_load(a3 + k);
    const v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
    const v128_t t2 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
    wasm_v128_store(pa + 4 * k, wasm_i64x2_shuffle(t0, t1, 0, 2));
    wasm_v128_store(pa + 4 * k + 4, wasm_i64x2_shuffle(t0, t1, 1, 3));
    wasm_v128_store(pa + 4 * k + 8, wasm_i64x2_shuffle(t2, t3, 0, 2));
    wasm_v128_store(pa + 4 * k + 12, wasm_i64x2_shuffle(t2, t3, 1, 3));
  }
  for (; k < kc; ++k) {
    pa[4 * k] = a0[k];
    pa[4 * k + 1] = a1[k];
    pa[4 * k + 2] = a2[k];
    pa[4 * k + 3] = a3[k];
  }
}

// 4 rows x `count` (1..3) single columns: each column's 4 sums in one vector, A's packed
// [k][4] times the column's B value broadcast (a 4x1 tile would cost 4 times as much).
inline void columns4(int32_t kc, const float* pa, const float* pb, int32_t ldb, int32_t count, float* c, int32_t ldc,
                     const Block& blk, const VecAct& act) {
  for (int32_t j = 0; j < count; ++j) {
    v128_t acc;
    if (blk.load_c) {
      acc = wasm_f32x4_make(c[j], c[ldc + j], c[2 * ldc + j], c[3 * ldc + j]);
    } else {
      acc = blk.bias ? wasm_v128_load(blk.bias) : wasm_f32x4_splat(0.0f);
    }
    const float* a = pa;
    const float* b = pb + j;
    // Four sums along k (k mod 4), added at the end: one chain of adds would wait on the add's
    // latency every step, and this column cost as much as six in the tiles.
    v128_t s1 = wasm_f32x4_splat(0.0f), s2 = s1, s3 = s1;
    int32_t k = 0;
    for (; k + 4 <= kc; k += 4) {
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(a), wasm_v128_load32_splat(b)));
      s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_v128_load(a + 4), wasm_v128_load32_splat(b + ldb)));
      s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(wasm_v128_load(a + 8), wasm_v128_load32_splat(b + 2 * ldb)));
      s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(wasm_v128_load(a + 12), wasm_v128_load32_splat(b + 3 * ldb)));
      a += 16;
      b += 4 * ldb;
    }
    for (; k < kc; ++k) {
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(a), wasm_v128_load32_splat(b)));
      a += 4;
      b += ldb;
    }
    acc = wasm_f32x4_add(acc, wasm_f32x4_add(s1, wasm_f32x4_add(s2, s3)));
    if (blk.last) acc = apply(act, acc);
    c[j] = wasm_f32x4_extract_lane(acc, 0);
    c[ldc + j] = wasm_f32x4_extract_lane(acc, 1);
    c[2 * ldc + j] = wasm_f32x4_extract_lane(acc, 2);
    c[3 * ldc + j] = wasm_f32x4_extract_lane(acc, 3);
  }
}

// 4 rows of C, columns [0, width), over one block of k: A packed in pa, B from pb (row stride
// ldb). Reads and writes nothing past `width`.
__attribute__((always_inline)) inline void rows4(int32_t kc, const float* pa, const float* pb, int32_t ldb,
                                                 int32_t width, float* c, int32_t ldc, const Block& blk,
                                                 const VecAct& act, const float* touch) {
  int32_t j = 0;
  if (touch && j + 8 <= width) {
    tile<4, 2, true>(kc, pa, pb, ldb, c, ldc, blk, act, touch);
    j += 8;
  }
  for (; j + 8 <= width; j += 8) tile<4, 2>(kc, pa, pb + j, ldb, c + j, ldc, blk, act);
  if (j + 4 <= width) {
    tile<4, 1>(kc, pa, pb + j, ldb, c + j, ldc, blk, act);
    j += 4;
  }
  if (j < width) columns4(kc, pa, pb + j, ldb, width - j, c + j, ldc, blk, act);
}

// Rows of C one at a time, 4 rows of B per pass over the row.
void gemv_rows(int32_t M, int32_t N, int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb, float* C,
               int32_t ldc, const float* bias, const mote_act& act, bool accumulate) {
  const VecAct vact = vec_act(act);
  const int32_t n4 = N & ~3;
  for (int32_t i = 0; i < M; ++i) {
    const float* a = A + i * lda;
    float* c = C + i * ldc;
    if (!accumulate) {
      const float b = bias ? bias[i] : 0.0f;
      for (int32_t j = 0; j < N; ++j) c[j] = b;
    }
    int32_t k = 0;
    for (; k + 4 <= K; k += 4) {
      const v128_t a0 = wasm_v128_load32_splat(a + k), a1 = wasm_v128_load32_splat(a + k + 1);
      const v128_t a2 = wasm_v128_load32_splat(a + k + 2), a3 = wasm_v128_load32_splat(a + k + 3);
      const float* b0 = B + k * ldb;
      const float* b1 = b0 + ldb;
      const float* b2 = b1 + ldb;
      const float* b3 = b2 + ldb;
      int32_t j = 0;
      for (; j < n4; j += 4) {
        v128_t s =
            wasm_f32x4_add(wasm_f32x4_mul(a0, wasm_v128_load(b0 + j)), wasm_f32x4_mul(a1, wasm_v128_load(b1 + j)));
        s = wasm_f32x4_add(
            s, wasm_f32x4_add(wasm_f32x4_mul(a2, wasm_v128_load(b2 + j)), wasm_f32x4_mul(a3, wasm_v128_load(b3 + j))));
        wasm_v128_store(c + j, wasm_f32x4_add(wasm_v128_load(c + j), s));
      }
      for (; j < N; ++j) c[j] += (a[k] * b0[j] + a[k + 1] * b1[j]) + (a[k + 2] * b2[j] + a[k + 3] * b3[j]);
    }
    for (; k < K; ++k) {
      const v128_t av = wasm_v128_load32_splat(a + k);
      const float* b0 = B + k * ldb;
      int32_t j = 0;
      for (; j < n4; j += 4) {
        wasm_v128_store(c + j, wasm_f32x4_add(wasm_v128_load(c + j), wasm_f32x4_mul(av, wasm_v128_load(b0 + j))));
      }
      for (; j < N; ++j) c[j] += a[k] * b0[j];
    }
    if (act.kind != MOTE_ACT_NONE) {
      int32_t j = 0;
      for (; j < n4; j += 4) wasm_v128_store(c + j, apply(vact, wasm_v128_load(c + j)));
      for (; j < N; ++j) c[j] = ref::apply_act(act, c[j]);
    }
  }
}

inline float hsum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

// One row of A against NB rows of B, all contiguous along k (drivers/gemm.h's f32_gemm_nt).
struct NtKernel {
  template <int NB>
  static void dots_nt(int32_t K, const float* a, const float* B, int32_t ldb, float* c) {
    v128_t acc[NB];
    for (int r = 0; r < NB; ++r) acc[r] = wasm_f32x4_splat(0.0f);
    int32_t k = 0;
    for (; k + 4 <= K; k += 4) {
      const v128_t av = wasm_v128_load(a + k);
      for (int r = 0; r < NB; ++r) {
        acc[r] = wasm_f32x4_add(acc[r], wasm_f32x4_mul(av, wasm_v128_load(B + int64_t(r) * ldb + k)));
      }
    }
    for (int r = 0; r < NB; ++r) {
      float s = hsum(acc[r]);
      for (int32_t t = k; t < K; ++t) s += a[t] * B[int64_t(r) * ldb + t];
      c[r] = s;
    }
  }
};

// Reads one float per cache line of A's M rows, in memory order. For products with few columns
// (7x7 and 14x14 maps) A is the weights, megabytes read once and soon, and the blocked reads
// below (4 rows x a block of k at a time) stall on every line: the hardware prefetcher follows
// this sweep, and after it the blocked reads hit the cache (Wasm has no prefetch instruction).
// mobilenet_v2's 1x1 convs on 7x7 and 14x14 maps: 0.4 ms less for 0.1 ms of sweeping. The tiles
// sweep kTouchRows rows of a k block just before their turn: all M rows of a block at once (512
// rows x 512 bytes in ResNet-18's 7x7 layers, rows 18 KB apart, so only a quarter of the cache's
// sets take them when the weights lie in huge pages) were partly evicted again before the tiles
// read them.
__attribute__((noinline)) void touch_rows(const float* A, int32_t M, int32_t K, int32_t lda) {
  v128_t acc = wasm_f32x4_splat(0.0f);
  for (int32_t i = 0; i < M; ++i) {
    const float* a = A + i * lda;
    int32_t k = 0;
    for (; k + 64 <= K; k += 64) {
      const v128_t s01 = wasm_f32x4_add(wasm_v128_load32_splat(a + k), wasm_v128_load32_splat(a + k + 16));
      const v128_t s23 = wasm_f32x4_add(wasm_v128_load32_splat(a + k + 32), wasm_v128_load32_splat(a + k + 48));
      acc = wasm_f32x4_add(acc, wasm_f32x4_add(s01, s23));
    }
    for (; k < K; k += 16) acc = wasm_f32x4_add(acc, wasm_v128_load32_splat(a + k));
  }
  volatile float sink = wasm_f32x4_extract_lane(acc, 0);  // keeps the loads
  (void)sink;
}

// The small form (MOTE_WASM_SMALL_KERNELS) of rows [0, M): 4 columns of one row at a time, no
// packing, each sum taken along k in the order the tiles take it (bias, or C, then every
// product in turn), so that its results are the tiles' bit for bit (but in the last N % 4 columns,
// which columns4 sums in four chains along k).
void rows_in_order(int32_t M, int32_t N, int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb,
                   float* C, int32_t ldc, const float* bias, const VecAct& act, bool accumulate) {
  for (int32_t i = 0; i < M; ++i) {
    const float* a = A + i * lda;
    float* c = C + i * ldc;
    for (int32_t j = 0; j < N; j += 4) {
      const int32_t n = N - j < 4 ? N - j : 4;
      alignas(16) float t[4];
      for (int32_t q = 0; q < 4; ++q) t[q] = accumulate ? (q < n ? c[j + q] : 0.0f) : (bias ? bias[i] : 0.0f);
      v128_t acc = wasm_v128_load(t);
      for (int32_t k = 0; k < K; ++k) {
        const float* b = B + k * ldb + j;
        for (int32_t q = 0; q < 4; ++q) t[q] = q < n ? b[q] : 0.0f;
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load32_splat(a + k), wasm_v128_load(t)));
      }
      wasm_v128_store(t, apply(act, acc));
      for (int32_t q = 0; q < n; ++q) c[j + q] = t[q];
    }
  }
}

void f32_gemm_tiles(int32_t m4, int32_t N, int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb,
                    float* C, int32_t ldc, const float* bias, const VecAct& vact, bool accumulate, float* work,
                    bool touch);

}  // namespace

void f32_gemm_nn(int32_t M, int32_t N, int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb, float* C,
                 int32_t ldc, const float* bias, const mote_act& act, bool accumulate, float* work) {
  // A runtime built for models whose GEMMs all have rows in blocks of 4 (MOTE_USE_KERNEL_gemm_row_tail
  // 0: the routing hands any other back, simd::route_linked) leaves the row-by-row tail out.
  if (MOTE_KERNEL_ON(gemm_row_tail) && (M < 4 || K == 0)) {
    gemv_rows(M, N, K, A, lda, B, ldb, C, ldc, bias, act, accumulate);
    return;
  }
  const VecAct vact = vec_act(act);
  const int32_t m4 = M & ~3;
  if (MOTE_WASM_SMALL_KERNELS) {
    rows_in_order(m4, N, K, A, lda, B, ldb, C, ldc, bias, vact, accumulate);
  } else {
    f32_gemm_tiles(m4, N, K, A, lda, B, ldb, C, ldc, bias, vact, accumulate, work, N < kTouchColumns);
  }
  if (MOTE_KERNEL_ON(gemm_row_tail) && m4 < M) {
    gemv_rows(M - m4, N, K, A + m4 * lda, lda, B, ldb, C + m4 * ldc, ldc, bias ? bias + m4 : nullptr, act, accumulate);
  }
}

namespace {

// Rows [0, m4) of C in 4x8 register tiles (above). One loop nest for both forms of B, in place
// (panels of kPanel columns) or packed (panels of kPackedWidth columns into `work`), so that
// the tiles (rows4) are in the module once.
// When A's rows are one block (lda == kc: a 1x1 Conv's weights, all of K in one block), the
// sweep is spread over the tiles instead: the first tile of rows [i, i + 4) reads a float of
// each cache line of rows [i + kAhead, i + kAhead + 4), one every 4 steps of k, so A is read
// as one stream at the pace of the tiles and the hardware prefetcher keeps ahead of it; sweeps
// of 64 rows at a time stalled on every line, as far as the prefetcher had not run ahead (the
// 1x1 Convs of shufflenet_v2 on 7x7, 14x14 and 28x28 maps: 3-11% less time, the most where A
// is largest).
void f32_gemm_tiles(int32_t m4, int32_t N, int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb,
                    float* C, int32_t ldc, const float* bias, const VecAct& vact, bool accumulate, float* work,
                    bool touch) {
  float* pa = work;  // 4 rows of A, packed [k][4]
  const bool packed = !(N % 4 == 0 || N > kPackedWidth);
  float* pb = work + Tiles::gemm_packed_a_floats(K);  // packed: B's panel, 16-byte aligned rows
  const int32_t panel = packed ? kPackedWidth : kPanel;
  for (int32_t j0 = 0; j0 < N; j0 += panel) {
    const int32_t width = N - j0 < panel ? N - j0 : panel;
    const int32_t stride = (width + 3) & ~3;
    const int32_t fit = (kPackedFloats / stride) & ~3;
    // A packed panel's k blocks: K split evenly into blocks of at most kPackedDepth.
    int32_t depth = kDepth;
    if (packed) {
      const int32_t cap = fit < kPackedDepth ? fit : kPackedDepth;
      const int32_t blocks = (K + cap - 1) / cap;
      depth = ((K + blocks - 1) / blocks + 3) & ~3;
    }
    for (int32_t k0 = 0; k0 < K; k0 += depth) {
      const int32_t kc = K - k0 < depth ? K - k0 : depth;
      const float* b = B + k0 * ldb + j0;
      int32_t ld = ldb;
      if (packed) {
        for (int32_t k = 0; k < kc; ++k) {
          const float* src = b + k * ldb;
          float* dst = pb + k * stride;
          int32_t j = 0;
          for (; j + 4 <= width; j += 4) wasm_v128_store(dst + j, wasm_v128_load(src + j));
          for (; j < width; ++j) dst[j] = src[j];
        }
        b = pb;
        ld = stride;
      }
      for (int32_t i = 0; i < m4; i += 4) {
        const Block blk{bias ? bias + i : nullptr, accumulate || k0 > 0, k0 + kc == K};
        const bool ahead = touch && lda == kc;
        if (touch && !ahead && i % kTouchRows == 0) touch_rows(A + i * lda + k0, m4 - i < kTouchRows ? m4 - i : kTouchRows, kc, lda);
        if (ahead && i == 0) touch_rows(A, m4 < kAhead ? m4 : kAhead, kc, lda);
        pack_a4(A + i * lda + k0, lda, kc, pa);
        rows4(kc, pa, b, ld, width, C + i * ldc + j0, ldc, blk, vact,
              ahead && i + kAhead + 4 <= m4 ? A + (i + kAhead) * lda : nullptr);
      }
    }
  }
}

}  // namespace

void f32_gemm_nt(int32_t M, int32_t N, int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb, float* C,
                 int32_t ldc) {
  if (MOTE_WASM_SMALL_KERNELS) {
    // One column at a time: dots_nt<1> sums each column as dots_nt<4> does, bit for bit.
    for (int32_t i = 0; i < M; ++i) {
      for (int32_t j = 0; j < N; ++j) NtKernel::dots_nt<1>(K, A + int64_t(i) * lda, B + int64_t(j) * ldb, ldb, C + int64_t(i) * ldc + j);
    }
    return;
  }
  drivers::f32_gemm_nt<NtKernel>(M, N, K, A, lda, B, ldb, C, ldc);
}

}  // namespace wasm_simd128
}  // namespace mote
