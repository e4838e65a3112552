// Reference kernels: Conv and ConvTranspose, 1-D, 2-D and 3-D (NCW, NCHW, NCDHW), groups and
// dilations. Every one runs as a 3-D convolution whose missing leading axes have size 1.
#include "common.h"
#include "mote/op_config.h"
#include "mote/winograd.h"

namespace mote {
namespace ref {
namespace {

// Up to three spatial axes, the missing leading ones of size 1 (a 1-D convolution is a 3-D one
// of depth and height 1): axis 0 depth, 1 height, 2 width.
struct ConvGeom {
  int32_t n, c, m, group;
  int32_t in[3], out[3], k[3], s[3], d[3], pad[3];
};

Status check_conv_params(const OpArgs& a, const mote_conv_params& p) {
  if (p.spatial_rank < 1 || p.spatial_rank > MOTE_MAX_SPATIAL) {
    return fail(a.diag, Status::kBadParams, MOTE_T("only 1-D, 2-D and 3-D convolutions are supported, got %d-D"), p.spatial_rank);
  }
  if (p.group < 1) return fail(a.diag, Status::kBadParams, MOTE_T("group must be >= 1"));
  // (The windows' ranges: window_out, as infer_conv and infer_winograd size the output.)
  return check_act(a, p.act);
}

ConvGeom geometry(const OpArgs& a, const mote_conv_params& p) {
  const TensorView& x = a.in[0];
  const TensorView& w = a.in[1];
  const TensorView& y = a.out[0];
  ConvGeom g{};
  g.n = x.dims[0];
  g.c = x.dims[1];
  g.m = y.dims[1];
  g.group = p.group;
  const int32_t lead = 3 - p.spatial_rank;  // unit axes in front
  for (int32_t e = 0; e < 3; ++e) {
    const int32_t d = e - lead;
    const bool real = d >= 0;
    g.in[e] = real ? x.dims[2 + d] : 1;
    g.out[e] = real ? y.dims[2 + d] : 1;
    g.k[e] = real ? w.dims[2 + d] : 1;
    g.s[e] = real ? p.stride[d] : 1;
    g.d[e] = real ? p.dilation[d] : 1;
    g.pad[e] = real ? p.pad_begin[d] : 0;
  }
  return g;
}

// ConvWinograd (mote/winograd.h): a 2-D 3x3 Conv, stride 1, undilated, group 1, its weights
// transformed by the converter to W [16, M, C] (F(2x2, 3x3): element k of the 4x4 U of output
// channel m and input channel c at [k, m, c]) or W [36, M, C] (F(4x4, 3x3), the 6x6 U). The
// params are the Conv's.
Status infer_winograd(const OpArgs& a, TensorView* out, uint32_t* scratch) {
  MOTE_TRY(check_op<mote_conv_params>(a, 2, 3));
  const mote_conv_params& p = a.p<mote_conv_params>();
  MOTE_TRY(check_conv_params(a, p));
  if (p.spatial_rank != 2 || p.group != 1 || p.kernel[0] != 3 || p.kernel[1] != 3 || p.stride[0] != 1 ||
      p.stride[1] != 1 || p.dilation[0] != 1 || p.dilation[1] != 1) {
    return Fail(a.diag, Status::kBadParams).s("ConvWinograd is a 2-D 3x3 Conv, stride 1, dilation 1, group 1");
  }
  MOTE_TRY(check_dtype(a, 0, MOTE_F32));
  MOTE_TRY(check_dtype(a, 1, MOTE_F32));
  const TensorView& x = a.in[0];
  const TensorView& w = a.in[1];
  if (x.rank != 4 || w.rank != 3 || (w.dims[0] != winograd::kPoints && w.dims[0] != winograd::f4::kPoints) ||
      w.dims[2] != x.dims[1]) {
    return Fail(a.diag, Status::kBadParams).s("X ").dims(x.dims, x.rank).s(" and W ").dims(w.dims, w.rank)
        .s(": W must be [16, M, C] or [36, M, C] with C the channels of X [N, C, H, W]");
  }
  const int32_t c = x.dims[1], m = w.dims[1];
  // The transformed tile of every input channel: 16 or 36 floats each.
  if (c > (1 << 20)) return Fail(a.diag, Status::kBadParams).s("ConvWinograd takes at most 2^20 input channels, got ").i(c);
  if (a.num_in >= 3 && a.in[2].present()) {
    MOTE_TRY(check_dtype(a, 2, MOTE_F32));
    if (a.in[2].numel() != m || a.in[2].rank != 1) return Fail(a.diag, Status::kBadParams).s("bias must be [").i(m).s("]");
  }
  out->dtype = MOTE_F32;
  out->rank = 4;
  out->dims[0] = x.dims[0];
  out->dims[1] = m;
  // A 3x3 window at stride 1: the padded input less 2.
  for (int32_t d = 0; d < 2; ++d) MOTE_TRY(window_out(a, p.kernel, d, x.dims[2 + d], 65535, false, &out->dims[2 + d]));
  *scratch = uint32_t(c) * uint32_t(w.dims[0]) * uint32_t(sizeof(float));
  return Status::kOk;
}

// Tile by tile: every input channel's V into the scratch, then per output channel the sums
// over the channels of each of the tile's points, the output transform, bias and activation, the
// outputs inside the map. `tile` outputs a side (2: F(2x2, 3x3), 4: F(4x4, 3x3)); one loop for
// both, the module's size.
// Out of line, and one 36-float buffer for the input tile and then the products: its frame
// stays apart from run_conv's, each under 512 bytes.
__attribute__((noinline)) void winograd_image(const mote_conv_params& p, const float* x, const float* u, const float* bias, float* y, float* v,
                    int32_t c, int32_t ih, int32_t iw, int32_t m, int32_t oh, int32_t ow, int32_t tile) {
  const int32_t kIn = tile + 2, kPts = kIn * kIn;
  const int32_t th_n = (oh + tile - 1) / tile, tw_n = (ow + tile - 1) / tile;
  const int64_t in_plane = int64_t(ih) * iw, out_plane = int64_t(oh) * ow;
  for (int32_t th = 0; th < th_n; ++th) {
    for (int32_t tw = 0; tw < tw_n; ++tw) {
      const int32_t r0 = th * tile - p.pad_begin[0], c0 = tw * tile - p.pad_begin[1];
      float d[36];  // the input tile, then the products
      for (int32_t ch = 0; ch < c; ++ch) {
        const float* xc = x + ch * in_plane;
        for (int32_t i = 0; i < kIn; ++i) {
          for (int32_t j = 0; j < kIn; ++j) {
            const int32_t r = r0 + i, q = c0 + j;
            d[kIn * i + j] = r >= 0 && r < ih && q >= 0 && q < iw ? xc[int64_t(r) * iw + q] : 0.0f;
          }
        }
        if (tile == 2) {
          winograd::input(d, v + int64_t(ch) * kPts);
        } else {
          winograd::f4::input(d, v + int64_t(ch) * kPts);
        }
      }
      for (int32_t o = 0; o < m; ++o) {
        float* prod = d;
        for (int32_t k = 0; k < kPts; ++k) {
          const float* uk = u + (int64_t(k) * m + o) * c;
          float sum = 0.0f;
          for (int32_t ch = 0; ch < c; ++ch) sum += uk[ch] * v[int64_t(ch) * kPts + k];
          prod[k] = sum;
        }
        float out[16];
        if (tile == 2) {
          winograd::output(prod, out);
        } else {
          winograd::f4::output(prod, out);
        }
        float* yo = y + o * out_plane;
        for (int32_t i = 0; i < tile; ++i) {
          for (int32_t j = 0; j < tile; ++j) {
            const int32_t r = th * tile + i, q = tw * tile + j;
            if (r < oh && q < ow) yo[int64_t(r) * ow + q] = apply_act(p.act, out[tile * i + j] + (bias ? bias[o] : 0.0f));
          }
        }
      }
    }
  }
}

Status run_winograd(const OpArgs& a) {
  const mote_conv_params& p = a.p<mote_conv_params>();
  const TensorView& xv = a.in[0];
  const float* x = xv.as<float>();
  const float* u = a.in[1].as<float>();
  const float* bias = a.num_in >= 3 && a.in[2].present() ? a.in[2].as<float>() : nullptr;
  float* y = a.out[0].as<float>();
  float* v = static_cast<float*>(a.scratch);
  const int32_t n_img = xv.dims[0], c = xv.dims[1], ih = xv.dims[2], iw = xv.dims[3];
  const int32_t m = a.out[0].dims[1], oh = a.out[0].dims[2], ow = a.out[0].dims[3];
  const int64_t in_image = int64_t(c) * ih * iw, out_image = int64_t(m) * oh * ow;
  for (int32_t n = 0; n < n_img; ++n) {
    winograd_image(p, x + n * in_image, u, bias, y + n * out_image, v, c, ih, iw, m, oh, ow,
                   a.in[1].dims[0] == winograd::f4::kPoints ? 4 : 2);
  }
  return Status::kOk;
}

}  // namespace
}  // namespace ref

using namespace ref;

Status infer_conv(const OpArgs& a, TensorView* out, uint32_t* scratch) {
  // A runtime built for models without ConvWinograd (MOTE_OP_CONFIG) leaves it out: its W
  // [16, M, C] then fails the Conv's checks.
  if (MOTE_KERNEL_ON(winograd) && a.code == MOTE_OP_CONV_WINOGRAD) return infer_winograd(a, out, scratch);
  const bool w8 = MOTE_KERNEL_ON(int8_weights) && a.code == MOTE_OP_CONV_W8;
  MOTE_TRY(check_op<mote_conv_params>(a, 2, w8 ? 4 : 3));
  const mote_conv_params& p = a.p<mote_conv_params>();
  MOTE_TRY(check_conv_params(a, p));
  const TensorView& x = a.in[0];
  const TensorView& w = a.in[1];
  const int32_t r = p.spatial_rank;
  if (!MOTE_KERNEL_ON(conv_3d) && r == 3) {
    return fail(a.diag, Status::kUnsupportedOp, MOTE_T("3-D Conv was left out of this runtime build (MOTE_OP_CONFIG)"));
  }
  // X [N, C, spatial...] and W [M, C / group, kernel...]: both of rank r + 2.
  MOTE_TRY(check_inputs(a, 0, 1, MOTE_F32, r + 2, r + 2));
  MOTE_TRY(check_inputs(a, 1, 1, w8 ? MOTE_I8 : MOTE_F32, r + 2, r + 2));
  const int32_t c = x.dims[1], m = w.dims[0];
  // (group >= 1, c >= 0: with c % group == 0, c / group == W's channels is c == W's x group.)
  if (c % p.group != 0 || m % p.group != 0 || c / p.group != w.dims[1]) {
    return fail(a.diag, Status::kBadParams, MOTE_T("channels: X has %d, W %v, group %d"), c, w.dims, w.rank, p.group);
  }
  if (a.num_in >= 3 && a.in[2].present()) {
    MOTE_TRY(check_dtype(a, 2, MOTE_F32));
    if (a.in[2].rank != 1 || a.in[2].dims[0] != m) return fail(a.diag, Status::kBadParams, MOTE_T("bias must be [%d]"), m);
  }
  const int64_t channels[1] = {m};
  if (w8) MOTE_TRY(check_w8_scale(a, 3, 1, channels));
  same_as(out, x, MOTE_F32);
  out->dims[1] = int32_t(m);
  for (int32_t d = 0; d < r; ++d) {
    if (w.dims[2 + d] != p.kernel[d]) return fail(a.diag, Status::kBadParams, MOTE_T("kernel_shape does not match W"));
    MOTE_TRY(window_out(a, p.kernel, d, x.dims[2 + d], 65535, false, &out->dims[2 + d]));
  }
  return Status::kOk;
}

Status run_conv(const OpArgs& a) {
  if (MOTE_KERNEL_ON(winograd) && a.code == MOTE_OP_CONV_WINOGRAD) return run_winograd(a);
  const mote_conv_params& p = a.p<mote_conv_params>();
  const ConvGeom g = geometry(a, p);
  const float* x = a.in[0].as<float>();
  // ConvW8: int8 weights, summed as floats, the sum scaled per output channel before the bias.
  const bool w8 = MOTE_KERNEL_ON(int8_weights) && a.code == MOTE_OP_CONV_W8;
  const float* w = w8 ? nullptr : a.in[1].as<float>();
  const int8_t* wq = w8 ? a.in[1].as<int8_t>() : nullptr;
  const float* wscale = w8 ? a.in[3].as<float>() : nullptr;
  const float* bias = a.num_in >= 3 && a.in[2].present() ? a.in[2].as<float>() : nullptr;
  float* y = a.out[0].as<float>();
  const int32_t cg = g.c / g.group, mg = g.m / g.group;
  const idx_t in_plane = idx_t(g.in[1]) * g.in[2], out_plane = idx_t(g.out[1]) * g.out[2];
  const idx_t in_vol = in_plane * g.in[0], out_vol = out_plane * g.out[0];
  const idx_t taps = idx_t(g.k[0]) * g.k[1] * g.k[2];
  // A runtime built for models without 3-D Convs (MOTE_USE_KERNEL_conv_3d 0: infer_conv refuses
  // them) has depth 1 and no depth loop.
  const bool deep = MOTE_KERNEL_ON(conv_3d);
  // Image n's output channel m, one loop: its plane is the nm-th of the output.
  for (int32_t nm = 0; nm < g.n * g.m; ++nm) {
    const int32_t n = nm / g.m, m = nm - n * g.m;
    float* yp = y + idx_t(nm) * out_vol;
    const float b = bias ? bias[m] : 0.0f;
    for (idx_t i = 0; i < out_vol; ++i) yp[i] = w8 ? 0.0f : b;
    const float* xn = x + (idx_t(n) * g.c + m / mg * cg) * in_vol;
    for (int32_t cl = 0; cl < cg; ++cl) {
      const float* xp = xn + cl * in_vol;
      const idx_t w_at = (idx_t(m) * cg + cl) * taps;
      for (int32_t kd = 0; kd < (deep ? g.k[0] : 1); ++kd) {
        int32_t od0 = 0, od1 = 1;
        if (deep) tap_range(g.out[0], g.in[0], g.s[0], kd * g.d[0] - g.pad[0], &od0, &od1);
        for (int32_t kh = 0; kh < g.k[1]; ++kh) {
          int32_t oh0, oh1;
          tap_range(g.out[1], g.in[1], g.s[1], kh * g.d[1] - g.pad[1], &oh0, &oh1);
          for (int32_t kw = 0; kw < g.k[2]; ++kw) {
            const idx_t tap = w_at + (idx_t(kd) * g.k[1] + kh) * g.k[2] + kw;
            const float wv = w8 ? float(wq[tap]) : w[tap];
            int32_t ow0, ow1;
            tap_range(g.out[2], g.in[2], g.s[2], kw * g.d[2] - g.pad[2], &ow0, &ow1);
            for (int32_t od = od0; od < od1; ++od) {
              const float* xd = deep ? xp + idx_t(od * g.s[0] - g.pad[0] + kd * g.d[0]) * in_plane : xp;
              float* yd = yp + idx_t(od) * out_plane;
              for (int32_t oh = oh0; oh < oh1; ++oh) {
                const float* xr = xd + idx_t(oh * g.s[1] - g.pad[1] + kh * g.d[1]) * g.in[2] + (kw * g.d[2] - g.pad[2]);
                float* yr = yd + idx_t(oh) * g.out[2];
                for (int32_t ow = ow0; ow < ow1; ++ow) yr[ow] += wv * xr[idx_t(ow) * g.s[2]];
              }
            }
          }
        }
      }
    }
    if (w8) {
      for (idx_t i = 0; i < out_vol; ++i) yp[i] = yp[i] * wscale[m] + b;
    }
    if (p.act.kind != MOTE_ACT_NONE) {
      for (idx_t i = 0; i < out_vol; ++i) yp[i] = apply_act(p.act, yp[i]);
    }
  }
  return Status::kOk;
}

Status infer_conv_transpose(const OpArgs& a, TensorView* out, uint32_t*) {
  const bool w8 = MOTE_KERNEL_ON(int8_weights) && a.code == MOTE_OP_CONV_TRANSPOSE_W8;
  MOTE_TRY(check_op<mote_conv_params>(a, 2, w8 ? 4 : 3));
  const mote_conv_params& p = a.p<mote_conv_params>();
  MOTE_TRY(check_conv_params(a, p));
  const TensorView& x = a.in[0];
  const TensorView& w = a.in[1];
  MOTE_TRY(check_dtype(a, 0, MOTE_F32));
  MOTE_TRY(check_dtype(a, 1, w8 ? MOTE_I8 : MOTE_F32));
  const int32_t r = p.spatial_rank;
  if (x.rank != r + 2 || w.rank != r + 2) return Fail(a.diag, Status::kBadParams).s("X and W must have rank ").i(r + 2);
  const int32_t c = x.dims[1];
  if (w.dims[0] != c || c % p.group != 0) {
    return Fail(a.diag, Status::kBadParams).s("channels: X has ").i(c).s(", W ").dims(w.dims, w.rank);
  }
  int64_t m = 0;
  if (!checked_mul(w.dims[1], p.group, &m, INT32_MAX)) {
    return Fail(a.diag, Status::kBadParams).s("output channels ").i(w.dims[1]).s(" x group ").i(p.group).s(" out of range");
  }
  if (a.num_in >= 3 && a.in[2].present()) {
    MOTE_TRY(check_dtype(a, 2, MOTE_F32));
    if (a.in[2].numel() != m || a.in[2].rank != 1) return Fail(a.diag, Status::kBadParams).s("bias must be [").i(m).s("]");
  }
  const int64_t channels[1] = {m};
  if (w8) MOTE_TRY(check_w8_scale(a, 3, 1, channels));
  out->dtype = MOTE_F32;
  out->rank = x.rank;
  out->dims[0] = x.dims[0];
  out->dims[1] = int32_t(m);
  for (int32_t d = 0; d < r; ++d) {
    MOTE_TRY(window_out(a, p.kernel, d, 0, 65535, false, nullptr));
    if (p.output_padding[d] < 0) return Fail(a.diag, Status::kBadParams).s("output_padding is negative on spatial axis ").i(d);
    if (w.dims[2 + d] != p.kernel[d]) return Fail(a.diag, Status::kBadParams).s("kernel_shape does not match W");
    int64_t o = int64_t(p.stride[d]) * (x.dims[2 + d] - 1) + p.output_padding[d] + int64_t(p.kernel[d] - 1) * p.dilation[d] + 1 -
                p.pad_begin[d] - p.pad_end[d];
    if (o < 1 || o > 0x7FFFFFFF) return Fail(a.diag, Status::kBadParams).s("output size out of range on axis ").i(2 + d);
    out->dims[2 + d] = int32_t(o);
  }
  return Status::kOk;
}

Status run_conv_transpose(const OpArgs& a) {
  const mote_conv_params& p = a.p<mote_conv_params>();
  const ConvGeom g = geometry(a, p);
  const float* x = a.in[0].as<float>();
  const bool w8 = MOTE_KERNEL_ON(int8_weights) && a.code == MOTE_OP_CONV_TRANSPOSE_W8;
  const float* w = w8 ? nullptr : a.in[1].as<float>();
  const int8_t* wq = w8 ? a.in[1].as<int8_t>() : nullptr;
  const float* wscale = w8 ? a.in[3].as<float>() : nullptr;
  const float* bias = a.num_in >= 3 && a.in[2].present() ? a.in[2].as<float>() : nullptr;
  float* y = a.out[0].as<float>();
  const int32_t cg = g.c / g.group, mg = g.m / g.group;
  const int64_t out_plane = int64_t(g.out[1]) * g.out[2], out_vol = out_plane * g.out[0];
  const int64_t in_vol = int64_t(g.in[0]) * g.in[1] * g.in[2];
  const int64_t taps = int64_t(g.k[0]) * g.k[1] * g.k[2];
  for (int32_t n = 0; n < g.n; ++n) {
    for (int32_t m = 0; m < g.m; ++m) {
      float* yp = y + (int64_t(n) * g.m + m) * out_vol;
      const float b = bias ? bias[m] : 0.0f;
      for (int64_t i = 0; i < out_vol; ++i) yp[i] = w8 ? 0.0f : b;
    }
    for (int32_t c = 0; c < g.c; ++c) {
      const int32_t grp = c / cg;
      const float* xp = x + (int64_t(n) * g.c + c) * in_vol;
      for (int32_t ml = 0; ml < mg; ++ml) {
        const int32_t m = grp * mg + ml;
        float* yp = y + (int64_t(n) * g.m + m) * out_vol;
        const int64_t w_at = (int64_t(c) * mg + ml) * taps;
        // Output positions in int64: a tap far out (k * dilation) may pass INT32_MAX.
        for (int32_t id = 0; id < g.in[0]; ++id) {
          for (int32_t kd = 0; kd < g.k[0]; ++kd) {
            const int64_t od = int64_t(id) * g.s[0] - g.pad[0] + int64_t(kd) * g.d[0];
            if (od < 0 || od >= g.out[0]) continue;
            for (int32_t ih = 0; ih < g.in[1]; ++ih) {
              for (int32_t kh = 0; kh < g.k[1]; ++kh) {
                const int64_t oh = int64_t(ih) * g.s[1] - g.pad[1] + int64_t(kh) * g.d[1];
                if (oh < 0 || oh >= g.out[1]) continue;
                const float* xr = xp + (int64_t(id) * g.in[1] + ih) * g.in[2];
                float* yr = yp + od * out_plane + oh * g.out[2];
                const int64_t wr = w_at + (int64_t(kd) * g.k[1] + kh) * g.k[2];
                for (int32_t iw = 0; iw < g.in[2]; ++iw) {
                  const float xv = xr[iw];
                  for (int32_t kw = 0; kw < g.k[2]; ++kw) {
                    const int64_t ow = int64_t(iw) * g.s[2] - g.pad[2] + int64_t(kw) * g.d[2];
                    if (ow < 0 || ow >= g.out[2]) continue;
                    yr[ow] += xv * (w8 ? float(wq[wr + kw]) : w[wr + kw]);
                  }
                }
              }
            }
          }
        }
      }
    }
    if (w8) {  // the sums scaled per output channel, then the bias
      for (int32_t m = 0; m < g.m; ++m) {
        float* yp = y + (int64_t(n) * g.m + m) * out_vol;
        const float b = bias ? bias[m] : 0.0f;
        for (int64_t i = 0; i < out_vol; ++i) yp[i] = yp[i] * wscale[m] + b;
      }
    }
    if (p.act.kind != MOTE_ACT_NONE) {
      float* yn = y + int64_t(n) * g.m * out_vol;
      for (int64_t i = 0; i < int64_t(g.m) * out_vol; ++i) yn[i] = apply_act(p.act, yn[i]);
    }
  }
  return Status::kOk;
}

}  // namespace mote
