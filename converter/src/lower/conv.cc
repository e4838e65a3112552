// Lowering of convolution and pooling: Conv, ConvTranspose, MaxPool, AveragePool, the global
// pools and MaxUnpool (runtime/kernels/reference/conv.cc, pool.cc, max_unpool.cc). fill_spatial()
// also serves ConvInteger and QLinearConv (lower/quant.cc).

#include <algorithm>

#include "lower/common.h"

namespace mote {
namespace lowering {

void fill_spatial(Lowerer& L, const Node& n, int32_t r, const std::vector<int64_t>& in_spatial, int32_t* kernel, int32_t* stride,
                  int32_t* dilation, int32_t* pad_begin, int32_t* pad_end, bool transpose) {
  auto ks = attr_ints(n, "kernel_shape");
  auto st = attr_ints(n, "strides");
  auto di = attr_ints(n, "dilations");
  auto pads = attr_ints(n, "pads");
  auto check_length = [&](const std::vector<int64_t>& v, const char* name, size_t per_axis) {
    if (!v.empty() && v.size() != per_axis * size_t(r)) {
      L.error(std::string("attribute '") + name + "' has " + std::to_string(v.size()) + " entries for " + std::to_string(r) +
              " spatial axes");
    }
  };
  check_length(ks, "kernel_shape", 1);
  check_length(st, "strides", 1);
  check_length(di, "dilations", 1);
  check_length(pads, "pads", 2);
  for (int32_t d = 0; d < r; ++d) {
    stride[d] = st.empty() ? 1 : L.narrow(st.at(size_t(d)), "attribute 'strides'");
    dilation[d] = di.empty() ? 1 : L.narrow(di.at(size_t(d)), "attribute 'dilations'");
    if (!ks.empty()) kernel[d] = L.narrow(ks.at(size_t(d)), "attribute 'kernel_shape'");
    pad_begin[d] = pads.empty() ? 0 : L.narrow(pads.at(size_t(d)), "attribute 'pads'");
    pad_end[d] = pads.empty() ? 0 : L.narrow(pads.at(size_t(d + r)), "attribute 'pads'");
  }
  const std::string auto_pad = attr_str(n, "auto_pad", "NOTSET");
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    for (int32_t d = 0; d < r; ++d) {
      int64_t in = in_spatial[size_t(d)];
      int64_t span = int64_t(kernel[d] - 1) * dilation[d] + 1;
      int64_t total;
      if (transpose) {
        total = std::max<int64_t>(0, int64_t(stride[d]) * (in - 1) + span - in * stride[d]);
      } else {
        int64_t out = (in + stride[d] - 1) / stride[d];
        total = std::max<int64_t>(0, (out - 1) * stride[d] + span - in);
      }
      int64_t small = total / 2, big = total - small;
      pad_begin[d] = L.narrow(auto_pad == "SAME_UPPER" ? small : big, "auto_pad padding");
      pad_end[d] = L.narrow(auto_pad == "SAME_UPPER" ? big : small, "auto_pad padding");
    }
  } else if (auto_pad == "VALID") {
    for (int32_t d = 0; d < r; ++d) pad_begin[d] = pad_end[d] = 0;
  } else if (auto_pad != "NOTSET") {
    L.error("unknown auto_pad " + auto_pad);
  }
}

namespace {

void lower_conv(Lowerer& L, const Node& n, bool transpose) {
  auto in = inputs_of(L, n);
  const auto& x = L.t(in.at(0)).shape;
  const auto& w = L.t(in.at(1)).shape;
  if (x.size() < 3 || w.size() != x.size()) L.error("Conv input/weight ranks " + std::to_string(x.size()) + "/" + std::to_string(w.size()));
  const int32_t r = int32_t(x.size()) - 2;
  if (r > MOTE_MAX_SPATIAL) L.error(std::to_string(r) + "-D convolution is not supported (1-D to 3-D are)");
  mote_conv_params p{};
  p.spatial_rank = r;
  p.group = attr_i32(L, n, "group", 1);
  p.act = no_act();
  for (int32_t d = 0; d < r; ++d) p.kernel[d] = L.narrow(w[size_t(2 + d)], "weight dimension");
  std::vector<int64_t> spatial(x.begin() + 2, x.end());
  fill_spatial(L, n, r, spatial, p.kernel, p.stride, p.dilation, p.pad_begin, p.pad_end, transpose);
  if (transpose) {
    auto op = attr_ints(n, "output_padding");
    for (int32_t d = 0; d < r; ++d) p.output_padding[d] = op.empty() ? 0 : L.narrow(op.at(size_t(d)), "attribute 'output_padding'");
    auto os = attr_ints(n, "output_shape");
    if (!os.empty()) {
      if (os.size() < size_t(r)) L.error("attribute 'output_shape' has fewer entries than the spatial rank");
      // Explicit output shape: derive the padding that yields it.
      const std::string auto_pad = attr_str(n, "auto_pad", "NOTSET");
      for (int32_t d = 0; d < r; ++d) {
        int64_t want = os[os.size() - size_t(r) + size_t(d)];
        int64_t total = int64_t(p.stride[d]) * (x[size_t(2 + d)] - 1) + p.output_padding[d] +
                        int64_t(p.kernel[d] - 1) * p.dilation[d] + 1 - want;
        if (total < 0) {
          p.output_padding[d] = L.narrow(p.output_padding[d] - total, "output padding for attribute 'output_shape'");
          total = 0;
        }
        int64_t small = total / 2, big = total - small;
        p.pad_begin[d] = L.narrow(auto_pad == "SAME_UPPER" ? small : big, "padding for attribute 'output_shape'");
        p.pad_end[d] = L.narrow(auto_pad == "SAME_UPPER" ? big : small, "padding for attribute 'output_shape'");
      }
    }
  }
  std::vector<int> ops_in = {in[0], in[1]};
  if (in_at(in, 2) >= 0) ops_in.push_back(in[2]);
  L.emit(transpose ? MOTE_OP_CONV_TRANSPOSE : MOTE_OP_CONV, p, ops_in, out0(n));
}

void lower_pool(Lowerer& L, const Node& n, int32_t code) {
  auto in = inputs_of(L, n);
  const auto& x = L.t(in.at(0)).shape;
  const bool with_indices = n.output_size() > 1 && !n.output(1).empty();
  if (x.size() < 3) L.error("pooling needs rank >= 3");
  const int32_t r = int32_t(x.size()) - 2;
  if (r > MOTE_MAX_SPATIAL) L.error(std::to_string(r) + "-D pooling is not supported (1-D to 3-D are)");
  mote_pool_params p{};
  p.spatial_rank = r;
  std::vector<int64_t> spatial(x.begin() + 2, x.end());
  fill_spatial(L, n, r, spatial, p.kernel, p.stride, p.dilation, p.pad_begin, p.pad_end, false);
  p.ceil_mode = attr_i32(L, n, "ceil_mode", 0);
  p.count_include_pad = attr_i32(L, n, "count_include_pad", 0);
  const int64_t order = attr_int(n, "storage_order", 0);
  if (with_indices) {
    // A separate op, which only the reference kernel runs: Y and the int64 Indices.
    if (order != 0 && order != 1) L.error("MaxPool storage_order must be 0 or 1");
    mote_max_pool_indices_params q{p, int32_t(order)};
    L.emit(MOTE_OP_MAX_POOL_INDICES, q, {in[0]}, {n.output(0), n.output(1)});
    return;
  }
  // Without Indices, storage_order changes nothing.
  L.emit(code, p, {in[0]}, out0(n));
}

// MaxUnpool: the indices refer to the unpooled shape, each spatial dim (in - 1) * stride -
// pad_begin - pad_end + kernel; the output is output_shape (a constant input) when given, which
// pads the unpooled shape at the end of each axis.
void lower_max_unpool(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const auto& x = L.t(in.at(0)).shape;
  if (x.size() < 3) L.error("MaxUnpool needs rank >= 3");
  mote_max_unpool_params p{};
  p.rank = int32_t(x.size());
  const size_t r = x.size() - 2;
  const auto kernel = attr_ints(n, "kernel_shape");
  auto strides = attr_ints(n, "strides");
  auto pads = attr_ints(n, "pads");
  if (kernel.size() != r) L.error("MaxUnpool kernel_shape must have one entry per spatial axis");
  if (strides.empty()) strides.assign(r, 1);
  if (pads.empty()) pads.assign(2 * r, 0);
  if (strides.size() != r || pads.size() != 2 * r) L.error("MaxUnpool strides or pads have the wrong length");
  std::vector<int64_t> unpooled = {x[0], x[1]};
  for (size_t d = 0; d < r; ++d) unpooled.push_back((x[2 + d] - 1) * strides[d] - pads[d] - pads[r + d] + kernel[d]);
  std::vector<int64_t> shape = unpooled;
  if (in_at(in, 2) >= 0) {
    shape = L.const_ints(in[2], "MaxUnpool output_shape");
    if (shape.size() != x.size()) L.error("MaxUnpool output_shape has the wrong length");
  }
  for (size_t d = 0; d < shape.size(); ++d) {
    if (unpooled[d] < 0 || shape[d] < unpooled[d] || shape[d] > INT32_MAX) {
      L.error("MaxUnpool output_shape must not be smaller than the unpooled shape");
    }
    p.dims[d] = int32_t(shape[d]);
    p.index_dims[d] = int32_t(unpooled[d]);
  }
  L.emit(MOTE_OP_MAX_UNPOOL, p, {in[0], in[1]}, out0(n));
}

}  // namespace

void add_conv_ops(LowerTable& t) {
  t["Conv"] = [](Lowerer& L, const Node& n) { lower_conv(L, n, false); };
  t["ConvTranspose"] = [](Lowerer& L, const Node& n) { lower_conv(L, n, true); };
  t["MaxPool"] = [](Lowerer& L, const Node& n) { lower_pool(L, n, MOTE_OP_MAX_POOL); };
  t["AveragePool"] = [](Lowerer& L, const Node& n) { lower_pool(L, n, MOTE_OP_AVERAGE_POOL); };
  t["MaxUnpool"] = lower_max_unpool;
  t["GlobalAveragePool"] = [](Lowerer& L, const Node& n) {
    L.emit(MOTE_OP_GLOBAL_AVERAGE_POOL, std::vector<uint8_t>(), inputs_of(L, n), out0(n));
  };
  t["GlobalMaxPool"] = [](Lowerer& L, const Node& n) {
    L.emit(MOTE_OP_GLOBAL_MAX_POOL, std::vector<uint8_t>(), inputs_of(L, n), out0(n));
  };
}

}  // namespace lowering
}  // namespace mote
