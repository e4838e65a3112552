// Winograd F(2x2, 3x3): the transforms of ConvWinograd (mote/ops.h), one definition for the
// converter (the weights) and every kernel set (the input tiles and the output tiles).
//
// A 3x3 stride-1 convolution computes each 2x2 output tile from a 4x4 input tile d:
//   Y = A^T [ U (.) V ] A,   U = G g G^T (the weights, 4x4 per output and input channel),
//                            V = B^T d B (the input tile, 4x4 per input channel),
// with (.) the element-wise product summed over the input channels: 16 products per output
// and input channel and tile against 36 for the 3x3 form. Element k = 4 * i + j of a 4x4
// matrix is its row i, column j. Tile (th, tw) has outputs rows 2 th, 2 th + 1 and columns
// 2 tw, 2 tw + 1; its input tile starts at row 2 th - pad_top, column 2 tw - pad_left (zeros
// outside the input). The matrices, applied along one axis at a time:
//   G   = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
//   A^T = [1 1 1 0; 0 1 -1 -1]
#ifndef MOTE_WINOGRAD_H
#define MOTE_WINOGRAD_H

#include <stdint.h>

namespace mote {
namespace winograd {

constexpr int32_t kTile = 2;       // output rows and columns per tile
constexpr int32_t kInTile = 4;     // input rows and columns per tile
constexpr int32_t kPoints = 16;    // transformed elements per tile (4x4)

inline int32_t tiles(int32_t out) { return (out + kTile - 1) / kTile; }

// G along one axis: three weights to four.
template <typename T>
inline void weight_1d(T g0, T g1, T g2, T* h) {
  h[0] = g0;
  h[1] = (g0 + g1 + g2) / 2;
  h[2] = (g0 - g1 + g2) / 2;
  h[3] = g2;
}

// U = G g G^T for one 3x3 kernel g (row-major), into u[N * N], G along one axis being w1 (three
// weights to N): both forms' weights.
template <int32_t N, typename T, typename W1>
inline void transform_weights(const T* g, T* u, W1 w1) {
  T cols[N][3];  // G g: N rows x 3 columns
  for (int j = 0; j < 3; ++j) {
    T h[N];
    w1(g[j], g[3 + j], g[6 + j], h);
    for (int i = 0; i < N; ++i) cols[i][j] = h[i];
  }
  for (int i = 0; i < N; ++i) w1(cols[i][0], cols[i][1], cols[i][2], u + N * i);
}

// U = G g G^T for one 3x3 kernel g (row-major), into u[16].
template <typename T>
inline void weights(const T* g, T* u) { transform_weights<kInTile>(g, u, weight_1d<T>); }

// B^T along one axis: a0..a3 (stride s apart in `a`) to b[0..3] (stride t apart).
template <typename T>
inline void input_1d(const T* a, int32_t s, T* b, int32_t t) {
  const T a0 = a[0], a1 = a[s], a2 = a[2 * s], a3 = a[3 * s];
  b[0] = a0 - a2;
  b[t] = a1 + a2;
  b[2 * t] = a2 - a1;
  b[3 * t] = a1 - a3;
}

// V = B^T d B for one 4x4 input tile d (row-major), into v[16].
template <typename T>
inline void input(const T* d, T* v) {
  T t[16];
  for (int j = 0; j < 4; ++j) input_1d(d + j, 4, t + j, 4);  // B^T d, column by column
  for (int i = 0; i < 4; ++i) input_1d(t + 4 * i, 1, v + 4 * i, 1);  // (B^T d) B, row by row
}

// A^T along one axis: m0..m3 (stride s apart) to y[0], y[t].
template <typename T>
inline void output_1d(const T* m, int32_t s, T* y, int32_t t) {
  const T m1 = m[s], m2 = m[2 * s];
  y[0] = m[0] + m1 + m2;
  y[t] = m1 - m2 - m[3 * s];
}

// Y = A^T m A for one 4x4 product m, into y[4] (2x2, row-major).
template <typename T>
inline void output(const T* m, T* y) {
  T s[8];  // A^T m: 2 rows x 4 columns
  for (int j = 0; j < 4; ++j) output_1d(m + j, 4, s + j, 4);
  for (int i = 0; i < 2; ++i) output_1d(s + 4 * i, 1, y + 2 * i, 1);
}

// Winograd F(4x4, 3x3): the same, each 4x4 output tile from a 6x6 input tile (36 products per
// output and input channel and tile against 144), W [36, M, C]. Tile (th, tw) has output rows
// 4 th .. 4 th + 3, its input tile starts at row 4 th - pad_top. The points 0, 1, -1, 2, -2 and
// infinity; the matrices (one axis):
//   G   = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1]
//   B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
//   A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
// Its coefficients (up to 8, and 1/24 in G) round more than F(2x2, 3x3)'s: single 3x3 layers of
// the torchvision models' shapes with random weights differ from F(2x2, 3x3) by 3e-6 to 1.1e-5 of
// their largest output; whole models (SqueezeNet 1.1, ResNet-18) stay within 5e-6 of onnxruntime.
namespace f4 {

constexpr int32_t kTile = 4;
constexpr int32_t kInTile = 6;
constexpr int32_t kPoints = 36;

inline int32_t tiles(int32_t out) { return (out + kTile - 1) / kTile; }

template <typename T>
inline void weight_1d(T g0, T g1, T g2, T* h) {
  h[0] = g0 / 4;
  h[1] = -(g0 + g1 + g2) / 6;
  h[2] = -(g0 - g1 + g2) / 6;
  h[3] = (g0 + 2 * g1 + 4 * g2) / 24;
  h[4] = (g0 - 2 * g1 + 4 * g2) / 24;
  h[5] = g2;
}

// U = G g G^T for one 3x3 kernel g (row-major), into u[36].
template <typename T>
inline void weights(const T* g, T* u) { transform_weights<kInTile>(g, u, weight_1d<T>); }

// B^T along one axis, in this order (the SIMD128 kernel's too).
template <typename T>
inline void input_1d(const T* a, int32_t s, T* b, int32_t t) {
  const T a0 = a[0], a1 = a[s], a2 = a[2 * s], a3 = a[3 * s], a4 = a[4 * s], a5 = a[5 * s];
  const T p = a4 - 4 * a2, q = a3 - 4 * a1, r = a4 - a2, u = 2 * (a3 - a1);
  b[0] = 4 * a0 - 5 * a2 + a4;
  b[t] = p + q;
  b[2 * t] = p - q;
  b[3 * t] = r + u;
  b[4 * t] = r - u;
  b[5 * t] = 4 * a1 - 5 * a3 + a5;
}

// V = B^T d B for one 6x6 input tile d (row-major), into v[36].
template <typename T>
inline void input(const T* d, T* v) {
  T t[36];
  for (int j = 0; j < 6; ++j) input_1d(d + j, 6, t + j, 6);
  for (int i = 0; i < 6; ++i) input_1d(t + 6 * i, 1, v + 6 * i, 1);
}

// A^T along one axis: m0..m5 to y[0], y[t], y[2t], y[3t].
template <typename T>
inline void output_1d(const T* m, int32_t s, T* y, int32_t t) {
  const T a = m[s] + m[2 * s], b = m[s] - m[2 * s], c = m[3 * s] + m[4 * s], d = m[3 * s] - m[4 * s];
  y[0] = m[0] + a + c;
  y[t] = b + 2 * d;
  y[2 * t] = a + 4 * c;
  y[3 * t] = b + 8 * d + m[5 * s];
}

// Y = A^T m A for one 6x6 product m, into y[16] (4x4, row-major).
template <typename T>
inline void output(const T* m, T* y) {
  T s[24];  // A^T m: 4 rows x 6 columns
  for (int j = 0; j < 6; ++j) output_1d(m + j, 6, s + j, 6);
  for (int i = 0; i < 4; ++i) output_1d(s + 6 * i, 1, y + 4 * i, 1);
}

}  // namespace f4
}  // namespace winograd
}  // namespace mote

#endif  // MOTE_WINOGRAD_H
