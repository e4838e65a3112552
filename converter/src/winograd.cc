// ConvWinograd (mote/ops.h, mote/winograd.h): 3x3 stride-1 Convs rewritten with their weights
// transformed at conversion, for blobs that target x86 or WebAssembly SIMD128
// (docs/blob-format.md, "ConvWinograd"). The transformed weights are 16/9 the size of the 3x3
// ones, so the form is only made when every target runs it with a kernel of its own:
// `--target x86`, `--target wasm` or both (the reference kernel runs it too, as the
// specification; `wasm` names it, for the scalar mote.wasm). Microcontroller targets, Arm
// application cores and `--target all` keep the plain Conv. A layer gets F(4x4, 3x3) (W [36, M,
// C], 4 times the 3x3 weights) where it takes fewer products and, with x86 among the targets, its
// map has at least kMinTiles 4x4 tiles.
#include <cstring>
#include <string>

#include "graph.h"
#include "mote/blob_format.h"
#include "mote/winograd.h"

namespace mote {
namespace {

constexpr int64_t kMinTiles = 32;

}  // namespace

bool winograd_target(uint32_t kernel_sets) {
  const uint32_t with_kernel = MOTE_SET_X86 | MOTE_SET_WASM_SIMD128;
  return (kernel_sets & with_kernel) != 0 && (kernel_sets & ~(with_kernel | MOTE_SET_REFERENCE)) == 0;
}

int winograd_convs(Graph& g, uint32_t kernel_sets, std::vector<std::string>* notes) {
  const bool x86 = (kernel_sets & MOTE_SET_X86) != 0;
  int count = 0, count4 = 0;
  uint64_t before = 0, after = 0;
  for (Op& op : g.ops) {
    if (op.code != MOTE_OP_CONV || op.inputs.size() < 2 || op.outputs.size() != 1) continue;
    const mote_conv_params& p = op.p<mote_conv_params>();
    if (p.spatial_rank != 2 || p.group != 1 || p.kernel[0] != 3 || p.kernel[1] != 3 || p.stride[0] != 1 ||
        p.stride[1] != 1 || p.dilation[0] != 1 || p.dilation[1] != 1) {
      continue;
    }
    const int x = op.inputs[0], w = op.inputs[1];
    if (x < 0 || w < 0 || g.tensors[size_t(x)].dtype != MOTE_F32) continue;
    // Each transformed weight serves every tile of the map: below kMinTiles tiles (a 7x7 map
    // has 16) reading the 16/9 larger weights costs more than the products saved.
    const Tensor& Y = g.tensors[size_t(op.outputs[0])];
    if (Y.shape.size() != 4 || winograd::tiles(int32_t(Y.shape[2])) * int64_t(winograd::tiles(int32_t(Y.shape[3]))) < kMinTiles) {
      continue;
    }
    const Tensor& W = g.tensors[size_t(w)];
    if (!W.is_const || W.dtype != MOTE_F32 || W.shape.size() != 4 || W.shape[2] != 3 || W.shape[3] != 3) continue;
    // F(4x4, 3x3) where it takes fewer products than F(2x2, 3x3) (36 per 4x4 tile against 16 per
    // 2x2 one; on a 13x13 map 16 tiles of 4x4 against 49 of 2x2). With x86 among the targets
    // only on maps of at least kMinTiles 4x4 tiles (27x27 and larger): on x86 a 13x13 or 14x14
    // map's 16 tiles read the 36 transformed weight matrices (4 times the 3x3 weights) for too
    // few products, F(4x4, 3x3) 6-40% slower there and 20-30% faster on the larger maps
    // (docs/benchmarks.md); SIMD128 gains on every map.
    const int64_t t4 = int64_t(winograd::f4::tiles(int32_t(Y.shape[2]))) * winograd::f4::tiles(int32_t(Y.shape[3]));
    const int64_t t2 = int64_t(winograd::tiles(int32_t(Y.shape[2]))) * winograd::tiles(int32_t(Y.shape[3]));
    const bool f4 = t4 * winograd::f4::kPoints < t2 * winograd::kPoints && (!x86 || t4 >= kMinTiles);
    const int64_t points = f4 ? winograd::f4::kPoints : winograd::kPoints;
    const int64_t m = W.shape[0], c = W.shape[1];
    const float* src = W.as<float>();
    std::vector<float> u(size_t(points * m * c));
    for (int64_t o = 0; o < m; ++o) {
      for (int64_t ch = 0; ch < c; ++ch) {
        double gd[9], ud[36];
        for (int k = 0; k < 9; ++k) gd[k] = src[(o * c + ch) * 9 + k];
        if (f4) {
          winograd::f4::weights(gd, ud);
        } else {
          winograd::weights(gd, ud);
        }
        for (int k = 0; k < points; ++k) u[size_t((k * m + o) * c + ch)] = float(ud[k]);
      }
    }
    Tensor t;
    t.name = W.name + "_winograd";
    t.dtype = MOTE_F32;
    t.shape = {points, m, c};
    t.is_const = true;
    t.data.resize(u.size() * sizeof(float));
    std::memcpy(t.data.data(), u.data(), t.data.size());
    before += W.bytes();
    after += t.data.size();
    const int id = g.add_tensor(std::move(t));
    op.code = MOTE_OP_CONV_WINOGRAD;
    op.inputs[1] = id;
    ++count;
    count4 += f4;
  }
  if (count) {
    notes->push_back("made " + std::to_string(count) + " 3x3 Conv ConvWinograd (--target x86 or wasm; " +
                     std::to_string(count4) + " F(4x4, 3x3)): weights " + std::to_string(before) + " -> " +
                     std::to_string(after) + " bytes");
  }
  return count;
}

}  // namespace mote
