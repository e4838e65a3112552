// Reference kernel: ConvExpandDepthwise (mote_expand_dw_params), a 1x1 expand Conv and the
// depthwise Conv after it in one op, computed band by band (kernels/drivers/expand_dw_bands.h):
// for each band of output rows, the expanded rows its windows read (all channels) are computed
// into the op's scratch, then the depthwise reads them there. The specification: each band
// computes its rows afresh (the x86 kernel keeps the rows two bands share); the sums run in the
// order of the reference Conv (bias, then the input channels or taps in order).
#include "../drivers/expand_dw_bands.h"
#include "common.h"

namespace mote {

using namespace ref;

#if defined(__wasm__)
// The WebAssembly modules leave the op out (2.4 KB of mote.wasm's budget): the converter makes it
// for x86 blobs only, and a module refuses such a blob at load, naming the op.
Status infer_expand_dw(const OpArgs& a, TensorView*, uint32_t*) { return unsupported(a); }
Status run_expand_dw(const OpArgs& a) { return unsupported(a); }
#else
namespace {

Status check_dw_params(const OpArgs& a, const mote_conv_params& p, int32_t e) {
  if (p.spatial_rank != 2) return fail(a.diag, Status::kBadParams, MOTE_T("ConvExpandDepthwise is 2-D, got spatial rank %d"), p.spatial_rank);
  if (p.group != e) return fail(a.diag, Status::kBadParams, MOTE_T("ConvExpandDepthwise: group %d must equal the %d expanded channels"), p.group, e);
  for (int32_t d = 0; d < 2; ++d) {
    if (p.kernel[d] < 1 || p.stride[d] < 1 || p.dilation[d] < 1 || p.pad_begin[d] < 0 || p.pad_end[d] < 0 ||
        p.output_padding[d] != 0 || p.kernel[d] > 65535 || p.stride[d] > 65535 || p.dilation[d] > 65535 ||
        p.pad_begin[d] > 65535 || p.pad_end[d] > 65535) {
      return fail(a.diag, Status::kBadParams, MOTE_T("ConvExpandDepthwise: kernel/stride/dilation/pad out of range on spatial axis %d"), d);
    }
  }
  return check_act(a, p.act);
}

bool dims_are(const TensorView& t, int32_t rank, const int32_t* want) {
  if (t.rank != rank) return false;
  for (int32_t k = 0; k < rank; ++k) {
    if (t.dims[k] != want[k]) return false;
  }
  return true;
}

}  // namespace

Status infer_expand_dw(const OpArgs& a, TensorView* out, uint32_t* scratch) {
  MOTE_TRY(check_arity(a, 5, 5, 1));
  MOTE_TRY(check_params<mote_expand_dw_params>(a));
  const mote_expand_dw_params& p = a.p<mote_expand_dw_params>();
  for (int32_t k = 0; k < 5; ++k) {
    if (!a.in[k].present()) return fail(a.diag, Status::kBadParams, MOTE_T("ConvExpandDepthwise: input %d is missing"), k);
    MOTE_TRY(check_dtype(a, k, MOTE_F32));
  }
  const TensorView& x = a.in[0];
  if (x.rank != 4) return fail(a.diag, Status::kBadParams, MOTE_T("ConvExpandDepthwise: X %v must have rank 4"), x.dims, x.rank);
  const int32_t e = a.in[1].rank == 4 ? a.in[1].dims[0] : 0;
  if (e < 1) return fail(a.diag, Status::kBadParams, MOTE_T("ConvExpandDepthwise: W1 %v must be [E, C, 1, 1]"), a.in[1].dims, a.in[1].rank);
  MOTE_TRY(check_dw_params(a, p.dw, e));
  MOTE_TRY(check_act(a, p.expand_act));
  if (p.expand_op != 0 && p.expand_op != MOTE_OP_SILU && p.expand_op != MOTE_OP_HARD_SWISH) {
    return fail(a.diag, Status::kBadParams, MOTE_T("ConvExpandDepthwise: expand_op %d is not SiLU or HardSwish"), p.expand_op);
  }
  if (p.band_rows < 1 || p.band_rows > 65535) return fail(a.diag, Status::kBadParams, MOTE_T("ConvExpandDepthwise: band_rows %d out of range"), p.band_rows);
  const int32_t w1[4] = {e, x.dims[1], 1, 1}, vec[1] = {e}, w2[4] = {e, 1, p.dw.kernel[0], p.dw.kernel[1]};
  if (!dims_are(a.in[1], 4, w1)) return fail(a.diag, Status::kBadParams, MOTE_T("ConvExpandDepthwise: W1 %v must be [%d, %d, 1, 1]"), a.in[1].dims, a.in[1].rank, e, x.dims[1]);
  if (!dims_are(a.in[2], 1, vec) || !dims_are(a.in[4], 1, vec)) return fail(a.diag, Status::kBadParams, MOTE_T("ConvExpandDepthwise: B1 and B2 must be [%d]"), e);
  if (!dims_are(a.in[3], 4, w2)) return fail(a.diag, Status::kBadParams, MOTE_T("ConvExpandDepthwise: W2 %v must be [%d, 1, kernel]"), a.in[3].dims, a.in[3].rank, e);
  out->dtype = MOTE_F32;
  out->rank = 4;
  out->dims[0] = x.dims[0];
  out->dims[1] = e;
  for (int32_t d = 0; d < 2; ++d) {
    const int64_t span = int64_t(p.dw.kernel[d] - 1) * p.dw.dilation[d] + 1;
    const int64_t padded = int64_t(x.dims[2 + d]) + p.dw.pad_begin[d] + p.dw.pad_end[d];
    if (padded < span) return fail(a.diag, Status::kBadParams, MOTE_T("ConvExpandDepthwise: kernel larger than padded input on axis %d"), 2 + d);
    if (padded > INT32_MAX) return fail(a.diag, Status::kBadParams, MOTE_T("ConvExpandDepthwise: padded input too large on axis %d"), 2 + d);
    out->dims[2 + d] = int32_t((padded - span) / p.dw.stride[d] + 1);
  }
  // The band: E channels x the rows one band reads x W floats.
  OpArgs b = a;
  b.out = out;
  const drivers::ExpandDwGeom g = drivers::expand_dw_geom(b);
  const uint64_t bytes = uint64_t(e) * uint64_t(drivers::expand_dw_band_height(g)) * uint64_t(g.w) * sizeof(float);
  if (bytes > 0xFFFFFFFFu) return fail(a.diag, Status::kBadParams, MOTE_T("ConvExpandDepthwise: a band of %d channels needs more than 4 GiB"), e);
  *scratch = uint32_t(bytes);
  return Status::kOk;
}

Status run_expand_dw(const OpArgs& a) {
  const mote_expand_dw_params& p = a.p<mote_expand_dw_params>();
  const drivers::ExpandDwGeom g = drivers::expand_dw_geom(a);
  const float* x = a.in[0].as<float>();
  const float* w1 = a.in[1].as<float>();
  const float* b1 = a.in[2].as<float>();
  const float* w2 = a.in[3].as<float>();
  const float* b2 = a.in[4].as<float>();
  float* y = a.out[0].as<float>();
  float* band = static_cast<float*>(a.scratch);
  const int64_t in_plane = int64_t(g.h) * g.w, out_plane = int64_t(g.oh) * g.ow;
  const int32_t taps = g.kh * g.kw;
  for (int32_t n = 0; n < g.n; ++n) {
    const float* xn = x + int64_t(n) * g.c * in_plane;
    float* yn = y + int64_t(n) * g.e * out_plane;
    for (int32_t r0 = 0; r0 < g.oh; r0 += g.band_rows) {
      const drivers::ExpandDwBand bd = drivers::expand_dw_band(g, r0);
      const int64_t count = int64_t(bd.hi - bd.lo) * g.w;  // floats per channel in this band
      // The expanded rows [lo, hi): channel ch at band + ch * count.
      for (int32_t ch = 0; ch < g.e; ++ch) {
        float* be = band + ch * count;
        for (int64_t i = 0; i < count; ++i) be[i] = b1[ch];
        for (int32_t c = 0; c < g.c; ++c) {
          const float wv = w1[int64_t(ch) * g.c + c];
          const float* xr = xn + c * in_plane + int64_t(bd.lo) * g.w;
          for (int64_t i = 0; i < count; ++i) be[i] += wv * xr[i];
        }
        for (int64_t i = 0; i < count; ++i) be[i] = apply_act(p.expand_act, be[i]);
        if (p.expand_op) {
          const mote_unary_params none{0.0f, 0.0f, 0.0f};
          for (int64_t i = 0; i < count; ++i) be[i] = unary_f32(p.expand_op, none, be[i]);
        }
      }
      // The depthwise on the band: rows outside [lo, hi) are the padding.
      for (int32_t ch = 0; ch < g.e; ++ch) {
        const float* be = band + ch * count;
        const float* wk = w2 + int64_t(ch) * taps;
        for (int32_t oh = bd.r0; oh < bd.r0 + bd.rows; ++oh) {
          float* yr = yn + ch * out_plane + int64_t(oh) * g.ow;
          for (int32_t ow = 0; ow < g.ow; ++ow) {
            float acc = b2[ch];
            for (int32_t ky = 0; ky < g.kh; ++ky) {
              const int64_t ih = int64_t(oh) * g.sh - g.ph + int64_t(ky) * g.dh;
              if (ih < bd.lo || ih >= bd.hi) continue;
              const float* row = be + (ih - bd.lo) * g.w;
              for (int32_t kx = 0; kx < g.kw; ++kx) {
                const int64_t iw = int64_t(ow) * g.sw - g.pw + int64_t(kx) * g.dw;
                if (iw < 0 || iw >= g.w) continue;
                acc += wk[ky * g.kw + kx] * row[iw];
              }
            }
            yr[ow] = apply_act(p.dw.act, acc);
          }
        }
      }
    }
  }
  return Status::kOk;
}
#endif  // __wasm__

}  // namespace mote
