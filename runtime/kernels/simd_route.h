// Which optimised kernel an op goes to, from its shapes and parameters: the routing of
// kernels/simd_dispatch.h, portable (no intrinsics), so that the sets' scratch functions
// (kernels/<isa>/scratch.cc, compiled into every build) size the scratch of exactly the kernel
// the dispatcher will run. Route::kernel kNone leaves the op to the reference kernels (or to a
// set's own extra routes). A set's kernel may still decline a routed op for shapes it does not
// take (its scratch function asks the same portable predicate).
//
// A runtime built for given models (MOTE_OP_CONFIG) routes only the families they use (the
// others are refused at load), so the decisions of the rest are not linked either.
//
// The int8 decisions are also offered by kind (qconv_kind, qmatmul_kind), for a set whose
// scratch function asks them alone.
//
// The one decision that depends on data, the weight zero points (kernels multiply the weights
// as they are: non-zero points go to the reference), assumes zero points while planning (data
// null), which is the optimised route: the plan then holds its scratch either way.
#ifndef MOTE_KERNELS_SIMD_ROUTE_H
#define MOTE_KERNELS_SIMD_ROUTE_H

#include <stdint.h>

#include "conv_shape.h"
#include "mote/kernel.h"
#include "mote/op_config.h"

namespace mote {

// Which int8 convolution kernel a QConv takes: depthwise (every output channel reads its own
// input channel, more than one of them), pointwise (1x1, stride 1, unpadded: a product over the
// channels, pixel by pixel) or the general one.
enum class QConvKind { kDepthwise, kPointwise, kGeneral };

// How a QMatMul runs on a set's s8_gemm: all of A's rows against one shared B (no batch, or batch
// dimensions all 1), batch by batch (A and B carry the same batch dimensions), or on the
// reference (other broadcasts). Weight zero points, which are data, are the routing's own test.
enum class QMatMulKind { kShared, kBatched, kReference };

// 1x1, stride 1, unpadded: the product reads the input in place.
inline bool is_pointwise(const ConvShape& g) {
  return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.oh == g.ih && g.ow == g.iw && g.ph == 0 && g.pw == 0;
}

inline QConvKind qconv_kind(const ConvShape& g) {
  if (g.group == g.c && g.m == g.c && g.group > 1) return QConvKind::kDepthwise;
  return is_pointwise(g) ? QConvKind::kPointwise : QConvKind::kGeneral;
}

namespace simd {

enum class Kernel : uint8_t {
  kNone,
  kConvDepthwise,   // f32_dwconv2d
  kConvPointwise,   // f32_conv2d_1x1: 1x1, stride 1, unpadded
  kConv,            // f32_conv2d
  kGemmNN,          // f32_gemm_nn (Gemm without trans_a or trans_b)
  kGemmNT,          // f32_gemm_nt (Gemm with trans_b)
  kMatMul,          // f32_gemm_nn, `calls` times
  kQConvDepthwise,  // s8_dwconv2d
  kQConvPointwise,  // s8_conv2d_1x1 (s8_conv2d if that declines)
  kQConv,           // s8_conv2d
  kQMatMul,         // s8_gemm, `calls` times
  kQConvNhwc,       // s8_conv2d_nhwc: NHWC, group 1 (sets with Features::nhwc)
  kQConvNhwcDepthwise,  // s8_dwconv2d_nhwc: NHWC, group == C == M
  kQMatMulNk,       // s8_gemm_nk: B [N, K] (sets with Features::nhwc), all of A's rows at once
};

struct Route {
  Kernel kernel = Kernel::kNone;
  ConvShape g{};                // the convolutions
  int32_t rows = 0, N = 0, K = 0;  // one product: rows x K times K x N
  int64_t calls = 0;            // products (MatMul batch by batch), each rows x N
};

// What a set offers (simd_dispatch.h's MOTE_SIMD_NO_F32, MOTE_SIMD_NO_S8).
struct Features {
  bool f32, s8;
  bool nhwc = false;  // NHWC int8 convolutions (drivers/s8_nhwc.h: the Cortex-M sets)
};


// Weight zero points (input k) all zero, or not known yet (planning).
inline bool zero_points_zero(const OpArgs& a, int32_t k) {
  if (a.num_in <= k || !a.in[k].present() || !a.in[k].data) return true;
  const TensorView& zp = a.in[k];
  const int64_t n = zp.numel();
  for (int64_t i = 0; i < n; ++i) {
    if (zp.as<int32_t>()[i] != 0) return false;
  }
  return true;
}

// A product of A [.., M, K] and B: one product over all of A's rows against a B of rank <= 2 (or
// whose batch dimensions are all 1, with b_batch_ones), else batch by batch when A and B carry the
// same batch dimensions; false for any other broadcast.
inline bool product_shape(const OpArgs& a, bool b_batch_ones, Route* r) {
  const TensorView& A = a.in[0];
  const TensorView& B = a.in[1];
  r->K = A.dims[A.rank - 1];
  r->N = B.rank > 1 ? B.dims[B.rank - 1] : 1;
  int64_t b_batch = 1;
  for (int32_t d = 0; d < B.rank - 2; ++d) b_batch *= B.dims[d];
  if (B.rank <= 2 || (b_batch_ones && b_batch == 1)) {
    int64_t rows = 1;  // every row of A: the product of its leading dimensions
    for (int32_t d = 0; d < A.rank - 1; ++d) rows *= A.dims[d];
    if (rows > 0x7FFFFFFF) return false;
    r->rows = int32_t(rows);
    r->calls = 1;
    return true;
  }
  if (A.rank != B.rank) return false;
  for (int32_t d = 0; d < A.rank - 2; ++d) {
    if (A.dims[d] != B.dims[d]) return false;
  }
  r->rows = A.dims[A.rank - 2];
  r->calls = b_batch;
  return true;
}

}  // namespace simd

// QMatMul's operands are at least 2-D: one product when B's batch dimensions are all 1, as long
// as the output holds exactly A's rows x N.
inline QMatMulKind qmatmul_kind(const OpArgs& a) {
  simd::Route r;
  if (!simd::product_shape(a, true, &r) || (r.calls == 1 && a.out[0].numel() != int64_t(r.rows) * r.N)) {
    return QMatMulKind::kReference;
  }
  return r.calls == 1 ? QMatMulKind::kShared : QMatMulKind::kBatched;
}

namespace simd {

inline Route route(const OpArgs& a, const Features& f) {
  Route r;
  switch (a.code) {
    case MOTE_OP_CONV: {
      if (!MOTE_FAMILY_ON(conv) || !f.f32 || a.in[0].dtype != MOTE_F32 || a.in[1].dtype != MOTE_F32 || !planar(a)) break;
      r.g = conv_shape(a);
      // Every output channel reading its own input channel (one channel included) is depthwise.
      if (r.g.group == r.g.c && r.g.m == r.g.c) {
        r.kernel = Kernel::kConvDepthwise;
      } else {
        r.kernel = is_pointwise(r.g) ? Kernel::kConvPointwise : Kernel::kConv;
      }
      break;
    }
    case MOTE_OP_GEMM: {
      const mote_gemm_params& p = a.p<mote_gemm_params>();
      if (!MOTE_FAMILY_ON(gemm) || !f.f32 || p.trans_a) break;
      r.rows = a.out[0].dims[0];
      r.N = a.out[0].dims[1];
      r.K = a.in[0].dims[1];
      r.calls = 1;
      r.kernel = p.trans_b ? Kernel::kGemmNT : Kernel::kGemmNN;
      break;
    }
    case MOTE_OP_MATMUL:
      if (MOTE_FAMILY_ON(matmul) && f.f32 && product_shape(a, false, &r)) r.kernel = Kernel::kMatMul;
      break;
    case MOTE_OP_QCONV: {
      if (!MOTE_FAMILY_ON(qconv) || !f.s8 || !zero_points_zero(a, 5) || !planar(a) || has_negative_side(a)) break;
      if (qconv_layout(a) != MOTE_LAYOUT_NCHW) {  // NHWC: group 1 or depthwise, on the sets that take it
        if (!f.nhwc) break;
        r.g = conv_shape_nhwc(a);
        if (r.g.group == 1) r.kernel = Kernel::kQConvNhwc;
        if (qconv_kind(r.g) == QConvKind::kDepthwise) r.kernel = Kernel::kQConvNhwcDepthwise;
        break;
      }
      r.g = conv_shape(a);
      const QConvKind kind = qconv_kind(r.g);
      r.kernel = kind == QConvKind::kDepthwise   ? Kernel::kQConvDepthwise
                 : kind == QConvKind::kPointwise ? Kernel::kQConvPointwise
                                                 : Kernel::kQConv;
      break;
    }
    case MOTE_OP_QMATMUL: {
      if (!MOTE_FAMILY_ON(qmatmul) || !f.s8 || !zero_points_zero(a, 5) || has_negative_side(a)) break;
      if (qmatmul_b_layout(a) != MOTE_B_KN) {  // B [N, K] (rank 2): one product over A's rows
        if (!f.nhwc) break;
        const TensorView& A = a.in[0];
        int64_t rows = 1;
        for (int32_t d = 0; d < A.rank - 1; ++d) rows *= A.dims[d];
        if (rows > 0x7FFFFFFF) break;
        r.rows = int32_t(rows);
        r.N = a.in[1].dims[0];
        r.K = a.in[1].dims[1];
        r.calls = 1;
        r.kernel = Kernel::kQMatMulNk;
        break;
      }
      if (qmatmul_kind(a) == QMatMulKind::kReference) break;
      product_shape(a, true, &r);
      r.kernel = Kernel::kQMatMul;
      break;
    }
    default: break;
  }
  return r;
}

// A GEMM of M rows over K whose rows are not all in blocks of 4 (or with no K): the row-by-row
// tail of a set's f32_gemm_nn (MOTE_KERNEL_ON(gemm_row_tail)).
inline bool gemm_row_tail(int64_t M, int64_t K) { return M % 4 != 0 || K == 0; }

// Whether route r runs a GEMM with rows outside blocks of 4 (the row tail): what
// route_linked asks of a build and what mote convert --c-array records for its models.
inline bool route_row_tail(const Route& r) {
  switch (r.kernel) {
    case Kernel::kConvPointwise: return gemm_row_tail(r.g.m / r.g.group, r.g.c / r.g.group);
    case Kernel::kConv: return gemm_row_tail(r.g.m / r.g.group, int64_t(r.g.c / r.g.group) * r.g.kh * r.g.kw);
    case Kernel::kGemmNN:
    case Kernel::kMatMul: return gemm_row_tail(r.rows, r.K);
    default: return false;
  }
}

// Whether this build links the float route r (mote/op_config.h: a runtime built for known models
// leaves out the routes and forms its models do not take). When it does not, the dispatcher
// hands the op back (the reference kernel, or a refusal at load where the build has none), and
// the scratch function sizes nothing for it. Every other route is linked.
inline bool route_linked(const Route& r) {
  switch (r.kernel) {
    case Kernel::kConvPointwise:
      if (!MOTE_KERNEL_ON(conv_pointwise)) return false;
      break;
    case Kernel::kConv:
      if (!MOTE_KERNEL_ON(conv_im2col)) return false;
      break;
    case Kernel::kGemmNN:
      if (!MOTE_KERNEL_ON(gemm_nn)) return false;
      break;
    case Kernel::kGemmNT: return MOTE_KERNEL_ON(gemm_nt);
    case Kernel::kMatMul: break;
    default: return true;
  }
  return MOTE_KERNEL_ON(gemm_row_tail) || !route_row_tail(r);
}

}  // namespace simd
}  // namespace mote

#endif  // MOTE_KERNELS_SIMD_ROUTE_H
