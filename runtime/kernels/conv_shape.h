// The 2-D view of a Conv or QConv (1-D convolutions have height 1): what every optimised kernel
// set's convolutions start from. Only for planar() ops (3-D ones have no 2-D view).
#ifndef MOTE_KERNELS_CONV_SHAPE_H
#define MOTE_KERNELS_CONV_SHAPE_H

#include <stddef.h>
#include <stdint.h>

#include "mote/kernel.h"

namespace mote {

// A QConv record starts with the Conv record, so either op's geometry reads the same way.
static_assert(offsetof(mote_qconv_params, conv) == 0, "mote_qconv_params must start with its mote_conv_params");

// A QConv's layout: MOTE_LAYOUT_NCHW or MOTE_LAYOUT_NHWC; a record from before blob 1.4 has no
// layout field (4 bytes shorter) and is NCHW.
inline int32_t qconv_layout(const OpArgs& a) {
  return a.params_size >= sizeof(mote_qconv_params) ? static_cast<const mote_qconv_params*>(a.params)->layout
                                                     : int32_t(MOTE_LAYOUT_NCHW);
}

// A QMatMul's B layout: MOTE_B_KN or MOTE_B_NK (none before blob 1.4: MOTE_B_KN).
inline int32_t qmatmul_b_layout(const OpArgs& a) {
  return a.params_size >= sizeof(mote_qmatmul_params) ? static_cast<const mote_qmatmul_params*>(a.params)->b_layout
                                                      : int32_t(MOTE_B_KN);
}

// A QConv/QMatMul with a fused LeakyRelu/PRelu (NEG_MULT/NEG_SHIFT, inputs 6 and 7): the
// optimised int8 kernels' epilogues take one multiplier per channel, so these run on the
// reference kernels.
inline bool has_negative_side(const OpArgs& a) { return a.num_in > 6 && a.in[6].present(); }

// Whether a Conv, QConv or pooling op has the 1-D or 2-D shape the optimised kernels take (its
// params start with spatial_rank); 3-D ones run on the reference kernels.
inline bool planar(const OpArgs& a) {
  const int32_t r = *static_cast<const int32_t*>(a.params);
  return r == 1 || r == 2;
}

struct ConvShape {
  int32_t n, c, ih, iw, m, oh, ow, kh, kw, sh, sw, dh, dw, ph, pw, group;
};

// The fields a convolution and a pooling op share, for spatial rank 1 or 2 (1-D as one row):
// batch, input and output planes, kernel, strides, dilations and leading pads. Channels second
// (NCHW), or last (an NHWC QConv: the spatial axes one place earlier).
template <typename Params>
inline ConvShape window_shape(const Params& p, const TensorView& x, const TensorView& y, bool channels_last = false) {
  const bool two = p.spatial_rank == 2;
  const int32_t last = p.spatial_rank - 1;
  const int32_t first = channels_last ? 1 : 2, end = channels_last ? 2 : 1;  // first spatial axis; axes after the last
  ConvShape g;
  g.n = x.dims[0];
  g.ih = two ? x.dims[first] : 1;
  g.iw = x.dims[x.rank - end];
  g.oh = two ? y.dims[first] : 1;
  g.ow = y.dims[y.rank - end];
  g.kh = two ? p.kernel[0] : 1;
  g.kw = p.kernel[last];
  g.sh = two ? p.stride[0] : 1;
  g.sw = p.stride[last];
  g.dh = two ? p.dilation[0] : 1;
  g.dw = p.dilation[last];
  g.ph = two ? p.pad_begin[0] : 0;
  g.pw = p.pad_begin[last];
  return g;
}

// The 2-D view of an NHWC QConv (X [N, H, W, C] or [N, W, C], W [M, kH, kW, C/group] or
// [M, kW, C/group]).
inline ConvShape conv_shape_nhwc(const OpArgs& a) {
  const mote_conv_params& p = *static_cast<const mote_conv_params*>(a.params);
  const TensorView& w = a.in[1];
  ConvShape g = window_shape(p, a.in[0], a.out[0], true);
  g.c = a.in[0].dims[a.in[0].rank - 1];
  g.m = a.out[0].dims[a.out[0].rank - 1];
  g.kh = p.spatial_rank == 2 ? w.dims[1] : 1;  // the weights' extent
  g.kw = w.dims[w.rank - 2];
  g.group = p.group;
  return g;
}

inline ConvShape conv_shape(const OpArgs& a) {
  const mote_conv_params& p = *static_cast<const mote_conv_params*>(a.params);
  const TensorView& w = a.in[1];
  ConvShape g = window_shape(p, a.in[0], a.out[0]);
  g.c = a.in[0].dims[1];
  g.m = a.out[0].dims[1];
  g.kh = p.spatial_rank == 2 ? w.dims[2] : 1;  // the weights' extent
  g.kw = w.dims[w.rank - 1];
  g.group = p.group;
  return g;
}

// The same 2-D view of a pooling op (mote_pool_params, spatial rank 1 or 2): one channel per
// group, output channels = input channels.
inline ConvShape pool_shape(const OpArgs& a) {
  ConvShape g = window_shape(*static_cast<const mote_pool_params*>(a.params), a.in[0], a.out[0]);
  g.c = g.m = g.group = a.in[0].dims[1];
  return g;
}

}  // namespace mote

#endif  // MOTE_KERNELS_CONV_SHAPE_H
