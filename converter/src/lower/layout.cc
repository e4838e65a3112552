// Lowering of the ops that reshape or move data: Reshape, Flatten, Squeeze, Unsqueeze,
// Transpose, Concat, Split, Slice, Gather, Compress, Pad, Tile, Expand, Resize, GridSample,
// DepthToSpace and Trilu (runtime/kernels/reference/layout.cc, resize.cc, grid_sample.cc, trilu.cc).

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

#include "lower/common.h"

namespace mote {
namespace lowering {

namespace {

void lower_reshape(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  std::vector<int64_t> shape = L.opset() < 5 ? attr_ints(n, "shape") : L.const_ints(in.at(1), "Reshape shape");
  const auto& x = L.t(in[0]).shape;
  const bool allowzero = attr_int(n, "allowzero", 0) != 0;
  int64_t known = 1, infer_at = -1;
  for (size_t k = 0; k < shape.size(); ++k) {
    if (shape[k] == 0 && !allowzero) {
      if (k >= x.size()) L.error("Reshape copies dimension " + std::to_string(k) + " that the input lacks");
      shape[k] = x[k];
    }
    if (shape[k] == -1) {
      if (infer_at >= 0) L.error("Reshape shape has two -1 entries");
      infer_at = int64_t(k);
    } else if (shape[k] < 0) {
      L.error("bad reshape dimension " + std::to_string(shape[k]));
    } else if (!checked_mul(known, shape[k], &known)) {
      L.error("Reshape shape is too large: more than 2^31 elements");
    }
  }
  if (infer_at >= 0) shape[size_t(infer_at)] = known ? L.t(in[0]).numel() / known : 0;
  emit_reshape(L, in[0], shape, n.output(0));
}

void lower_flatten(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const auto& x = L.t(in[0]).shape;
  int64_t axis = attr_int(n, "axis", 1);
  if (axis < 0) axis += int64_t(x.size());
  if (axis < 0 || axis > int64_t(x.size())) L.error("Flatten axis out of range");
  int64_t a = 0, b = 0;
  if (!checked_product(x.data(), 0, int32_t(axis), &a) || !checked_product(x.data(), int32_t(axis), int32_t(x.size()), &b)) {
    L.error("Flatten input is too large");
  }
  emit_reshape(L, in[0], {a, b}, n.output(0));
}

std::vector<int64_t> axes_input_or_attr(Lowerer& L, const Node& n, const std::vector<int>& in, uint32_t input_from_opset) {
  if (L.opset() >= input_from_opset) return in_at(in, 1) >= 0 ? L.const_ints(in[1], "axes") : std::vector<int64_t>();
  return attr_ints(n, "axes");
}

void lower_squeeze(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const auto& x = L.t(in[0]).shape;
  auto axes = axes_input_or_attr(L, n, in, 13);
  std::vector<bool> drop(x.size(), false);
  if (axes.empty()) {
    for (size_t k = 0; k < x.size(); ++k) drop[k] = x[k] == 1;
  }
  for (int64_t a : axes) {
    int64_t k = norm_axis(L, a, int64_t(x.size()));
    if (x[size_t(k)] != 1) L.error("Squeeze of axis " + std::to_string(a) + " whose size is not 1");
    drop[size_t(k)] = true;
  }
  std::vector<int64_t> shape;
  for (size_t k = 0; k < x.size(); ++k) {
    if (!drop[k]) shape.push_back(x[k]);
  }
  emit_reshape(L, in[0], shape, n.output(0));
}

void lower_unsqueeze(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const auto& x = L.t(in[0]).shape;
  auto axes = axes_input_or_attr(L, n, in, 13);
  const int64_t rank = int64_t(x.size() + axes.size());
  std::vector<bool> ins(size_t(rank), false);
  for (int64_t a : axes) {
    int64_t k = norm_axis(L, a, rank);
    if (ins[size_t(k)]) L.error("Unsqueeze repeats an axis");
    ins[size_t(k)] = true;
  }
  std::vector<int64_t> shape;
  size_t src = 0;
  for (int64_t k = 0; k < rank; ++k) shape.push_back(ins[size_t(k)] ? 1 : x.at(src++));
  emit_reshape(L, in[0], shape, n.output(0));
}

void lower_transpose(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const size_t rank = L.t(in[0]).shape.size();
  auto perm = attr_ints(n, "perm");
  if (perm.empty()) {
    for (size_t k = 0; k < rank; ++k) perm.push_back(int64_t(rank - 1 - k));
  }
  mote_transpose_params p{};
  if (perm.size() != rank) L.error("perm length does not match the rank");
  for (size_t k = 0; k < perm.size(); ++k) p.perm[k] = L.narrow(perm[k] < 0 ? perm[k] + int64_t(rank) : perm[k], "attribute 'perm'");
  L.emit(MOTE_OP_TRANSPOSE, p, in, out0(n));
}

void lower_concat(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  mote_concat_params p{attr_i32(L, n, "axis", 0)};
  // Inputs beyond the per-op limit are concatenated in stages.
  while (in.size() > MOTE_MAX_OP_INPUTS) {
    std::vector<int> head(in.begin(), in.begin() + MOTE_MAX_OP_INPUTS);
    int part = L.emit(MOTE_OP_CONCAT, p, head, {L.fresh_name(n.output(0))})[0];
    in.erase(in.begin(), in.begin() + MOTE_MAX_OP_INPUTS);
    in.insert(in.begin(), part);
  }
  L.emit(MOTE_OP_CONCAT, p, in, out0(n));
}

void lower_split(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const auto& x = L.t(in.at(0)).shape;
  int64_t axis = norm_axis(L, attr_int(n, "axis", 0), int64_t(x.size()));
  std::vector<int64_t> sizes = L.opset() >= 13 ? (in_at(in, 1) >= 0 ? L.const_ints(in[1], "split") : std::vector<int64_t>())
                                               : attr_ints(n, "split");
  const int64_t count = n.output_size();
  if (count > MOTE_MAX_OP_OUTPUTS) L.error("Split into more than 16 outputs is not supported");
  if (sizes.empty()) {
    const int64_t dim = x[size_t(axis)];
    const int64_t chunk = (dim + count - 1) / count;
    for (int64_t k = 0; k < count; ++k) sizes.push_back(std::max<int64_t>(0, std::min(chunk, dim - k * chunk)));
  }
  if (int64_t(sizes.size()) != count) L.error("split sizes do not match the output count");
  mote_split_params p{};
  p.axis = int32_t(axis);
  for (size_t k = 0; k < sizes.size(); ++k) p.sizes[k] = L.narrow(sizes[k], "split");
  L.emit(MOTE_OP_SPLIT, p, {in[0]}, outs(n));
}

void lower_slice(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const auto& x = L.t(in.at(0)).shape;
  const int64_t rank = int64_t(x.size());
  std::vector<int64_t> starts, ends, axes, steps;
  if (L.opset() < 10) {
    starts = attr_ints(n, "starts");
    ends = attr_ints(n, "ends");
    axes = attr_ints(n, "axes");
  } else {
    starts = L.const_ints(in.at(1), "Slice starts");
    ends = L.const_ints(in.at(2), "Slice ends");
    if (in_at(in, 3) >= 0) axes = L.const_ints(in[3], "Slice axes");
    if (in_at(in, 4) >= 0) steps = L.const_ints(in[4], "Slice steps");
  }
  if (axes.empty()) {
    for (size_t k = 0; k < starts.size(); ++k) axes.push_back(int64_t(k));
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size()) {
    L.error("Slice starts/ends/axes/steps lengths differ");
  }
  mote_slice_params p{};
  for (int64_t k = 0; k < rank; ++k) {
    p.start[k] = 0;
    p.step[k] = 1;
    p.size[k] = int32_t(x[size_t(k)]);
  }
  for (size_t k = 0; k < starts.size(); ++k) {
    const int64_t ax = norm_axis(L, axes[k], rank);
    const int64_t dim = x[size_t(ax)];
    // Narrowed first: -step below must not overflow.
    const int64_t step = L.narrow(steps[k], "Slice steps");
    if (step == 0) L.error("Slice step 0");
    int64_t s = starts[k] < 0 ? starts[k] + dim : starts[k];
    int64_t e = ends[k] < 0 ? ends[k] + dim : ends[k];
    int64_t size;
    if (step > 0) {
      s = clamp64(s, 0, dim);
      e = clamp64(e, 0, dim);
      size = e > s ? (e - s + step - 1) / step : 0;
    } else {
      s = clamp64(s, 0, dim - 1);
      e = clamp64(e, -1, dim - 1);
      size = s > e ? (s - e + (-step) - 1) / (-step) : 0;
    }
    p.start[ax] = int32_t(size ? s : 0);
    p.step[ax] = int32_t(step);
    p.size[ax] = int32_t(size);
  }
  L.emit(MOTE_OP_SLICE, p, {in[0]}, out0(n));
}

void lower_gather(Lowerer& L, const Node& n, int32_t code) {
  auto in = inputs_of(L, n);
  L.emit(code, mote_gather_params{attr_i32(L, n, "axis", 0)}, in, out0(n));
}

// Compress with its condition known at conversion (`mote convert --set` fixes one that is a
// graph input): a Gather of the positions where the condition holds, along `axis`, or of the
// flattened input without one. Positions past the condition's length are dropped, as in ONNX.
void lower_compress(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  if (in.size() != 2 || in[0] < 0 || in[1] < 0) L.error("Compress takes an input and a condition");
  const std::vector<int64_t> cond = L.const_ints(in[1], "Compress condition");
  const Tensor& x = L.t(in[0]);
  int source = in[0];
  int64_t axis = 0, length = x.numel();
  if (find_attr(n, "axis")) {
    axis = norm_axis(L, attr_int(n, "axis", 0), int64_t(x.shape.size()));
    length = x.shape[size_t(axis)];
  } else {
    const std::string flat = L.fresh_name(n.output(0));
    emit_reshape(L, in[0], {length}, flat);
    source = L.lookup(flat);
  }
  if (int64_t(cond.size()) > length) L.error("Compress condition is longer than the input along the axis");
  std::vector<int64_t> picked;
  for (size_t k = 0; k < cond.size(); ++k) {
    if (cond[k]) picked.push_back(int64_t(k));
  }
  Tensor idx;
  idx.dtype = MOTE_I64;
  idx.shape = {int64_t(picked.size())};
  idx.data.resize(picked.size() * sizeof(int64_t));
  if (!picked.empty()) std::memcpy(idx.data.data(), picked.data(), idx.data.size());
  const int indices = L.constant(std::move(idx));
  L.emit(MOTE_OP_GATHER, mote_gather_params{int32_t(axis)}, {source, indices}, out0(n));
}

void lower_pad(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const auto& x = L.t(in.at(0)).shape;
  const int64_t rank = int64_t(x.size());
  mote_pad_params p{};
  const std::string mode = attr_str(n, "mode", "constant");
  if (mode == "constant") {
    p.mode = MOTE_PAD_CONSTANT;
  } else if (mode == "reflect") {
    p.mode = MOTE_PAD_REFLECT;
  } else if (mode == "edge") {
    p.mode = MOTE_PAD_EDGE;
  } else if (mode == "wrap") {
    p.mode = MOTE_PAD_WRAP;
  } else {
    L.error("Pad mode " + mode);
  }
  std::vector<int64_t> pads;
  int value = -1;
  if (L.opset() < 11) {
    pads = attr_ints(n, "pads");
    p.value = attr_float(n, "value", 0.0f);
  } else {
    pads = L.const_ints(in.at(1), "Pad pads");
    if (in_at(in, 2) >= 0 && L.t(in[2]).is_const) {
      const Tensor& v = L.t(in[2]);
      p.value = v.dtype == MOTE_F32 ? L.const_floats(in[2], "Pad value").at(0) : float(L.const_ints(in[2], "Pad value").at(0));
    } else if (in_at(in, 2) >= 0 && p.mode == MOTE_PAD_CONSTANT) {
      value = in[2];  // computed at run time: the op's second input
    }
  }
  std::vector<int64_t> axes;
  if (in_at(in, 3) >= 0) {
    axes = L.const_ints(in[3], "Pad axes");
  } else {
    for (int64_t k = 0; k < rank; ++k) axes.push_back(k);
  }
  if (pads.size() != 2 * axes.size()) L.error("Pad pads length does not match the axes");
  for (size_t k = 0; k < axes.size(); ++k) {
    int64_t ax = norm_axis(L, axes[k], rank);
    p.begin[ax] = L.narrow(pads[k], "Pad pads");
    p.end[ax] = L.narrow(pads[k + axes.size()], "Pad pads");
  }
  L.emit(MOTE_OP_PAD, p, value >= 0 ? std::vector<int>{in[0], value} : std::vector<int>{in[0]}, out0(n));
}

void lower_tile(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  auto reps = L.const_ints(in.at(1), "Tile repeats");
  mote_tile_params p{};
  if (reps.size() != L.t(in[0]).shape.size()) L.error("Tile repeats length does not match the rank");
  for (size_t k = 0; k < reps.size(); ++k) p.repeats[k] = L.narrow(reps[k], "Tile repeats");
  L.emit(MOTE_OP_TILE, p, {in[0]}, out0(n));
}

void lower_expand(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  auto shape = L.const_ints(in.at(1), "Expand shape");
  const auto& x = L.t(in[0]).shape;
  const size_t rank = std::max(shape.size(), x.size());
  if (rank > MOTE_MAX_RANK) L.error("rank above 8");
  mote_expand_params p{};
  p.rank = int32_t(rank);
  for (size_t d = 0; d < rank; ++d) {
    int64_t a = d + x.size() >= rank ? x[d + x.size() - rank] : 1;
    int64_t b = d + shape.size() >= rank ? shape[d + shape.size() - rank] : 1;
    if (a != b && a != 1 && b != 1) L.error("Expand shape does not broadcast");
    p.dims[d] = L.narrow(a == 1 ? b : a, "Expand shape");
  }
  L.emit(MOTE_OP_EXPAND, p, {in[0]}, out0(n));
}

void lower_resize(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const auto& x = L.t(in.at(0)).shape;
  const size_t rank = x.size();
  mote_resize_params p{};
  const std::string mode = attr_str(n, "mode", "nearest");
  p.mode = mode == "nearest" ? MOTE_RESIZE_NEAREST : mode == "linear" ? MOTE_RESIZE_LINEAR : mode == "cubic" ? MOTE_RESIZE_CUBIC : -1;
  if (p.mode < 0) L.error("Resize mode " + mode);
  const bool upsample = n.op_type() == "Upsample";
  const std::string ct = attr_str(n, "coordinate_transformation_mode", (L.opset() < 11 || upsample) ? "asymmetric" : "half_pixel");
  static const std::map<std::string, int32_t> coords = {{"half_pixel", MOTE_COORD_HALF_PIXEL},
                                                        {"asymmetric", MOTE_COORD_ASYMMETRIC},
                                                        {"pytorch_half_pixel", MOTE_COORD_PYTORCH_HALF_PIXEL},
                                                        {"align_corners", MOTE_COORD_ALIGN_CORNERS},
                                                        {"tf_crop_and_resize", MOTE_COORD_TF_CROP_AND_RESIZE},
                                                        {"half_pixel_symmetric", MOTE_COORD_HALF_PIXEL_SYMMETRIC},
                                                        {"tf_half_pixel_for_nn", MOTE_COORD_TF_HALF_PIXEL_FOR_NN}};
  if (!coords.count(ct)) L.error("Resize coordinate_transformation_mode " + ct);
  p.coord = coords.at(ct);
  const std::string nm = attr_str(n, "nearest_mode", (L.opset() < 11 || upsample) ? "floor" : "round_prefer_floor");
  static const std::map<std::string, int32_t> nearest = {{"round_prefer_floor", MOTE_NEAREST_ROUND_PREFER_FLOOR},
                                                         {"round_prefer_ceil", MOTE_NEAREST_ROUND_PREFER_CEIL},
                                                         {"floor", MOTE_NEAREST_FLOOR},
                                                         {"ceil", MOTE_NEAREST_CEIL}};
  if (!nearest.count(nm)) L.error("Resize nearest_mode " + nm);
  p.nearest = nearest.at(nm);
  p.cubic_coeff = attr_float(n, "cubic_coeff_a", -0.75f);
  p.exclude_outside = attr_i32(L, n, "exclude_outside", 0);
  p.extrapolation_value = attr_float(n, "extrapolation_value", 0.0f);
  std::vector<float> scales, roi;
  std::vector<int64_t> sizes;
  if (upsample || L.opset() < 11) {
    scales = in_at(in, 1) >= 0 ? L.const_floats(in[1], "scales") : attr_floats(n, "scales");
  } else {
    if (in_at(in, 1) >= 0 && L.t(in[1]).numel() > 0) roi = L.const_floats(in[1], "roi");
    if (in_at(in, 2) >= 0 && L.t(in[2]).numel() > 0) scales = L.const_floats(in[2], "scales");
    if (in_at(in, 3) >= 0 && L.t(in[3]).numel() > 0) sizes = L.const_ints(in[3], "sizes");
  }
  if (find_attr(n, "axes")) L.error("Resize with axes is not supported");
  if (attr_str(n, "keep_aspect_ratio_policy", "stretch") != "stretch") L.error("Resize keep_aspect_ratio_policy is not supported");
  for (size_t d = 0; d < rank; ++d) {
    p.roi_start[d] = roi.size() == 2 * rank ? roi[d] : 0.0f;
    p.roi_end[d] = roi.size() == 2 * rank ? roi[d + rank] : 1.0f;
  }
  if (!sizes.empty()) {
    if (sizes.size() != rank) L.error("Resize sizes length does not match the rank");
    for (size_t d = 0; d < rank; ++d) {
      p.out_dims[d] = L.narrow(sizes[d], "Resize sizes");
      p.scale[d] = x[d] ? float(sizes[d]) / float(x[d]) : 1.0f;
    }
  } else {
    if (scales.size() != rank) L.error("Resize needs scales or sizes for every axis");
    for (size_t d = 0; d < rank; ++d) {
      if (!std::isfinite(scales[d]) || !(scales[d] > 0.0f)) {
        L.error("Resize scale [" + std::to_string(d) + "] = " + std::to_string(scales[d]) + " is not a positive finite number");
      }
      p.scale[d] = scales[d];
      double len = double(x[d]) * scales[d];
      if (p.coord == MOTE_COORD_TF_CROP_AND_RESIZE) len *= double(p.roi_end[d] - p.roi_start[d]);
      // Compared before the conversion: NaN or a huge length does not fit int32.
      if (!(len >= 0.0 && len <= double(INT32_MAX))) {
        L.error("Resize output dimension " + std::to_string(d) + " (" + std::to_string(len) + ", from scale " + std::to_string(scales[d]) +
                ") is out of range");
      }
      p.out_dims[d] = int32_t(std::floor(len));
    }
  }
  L.emit(MOTE_OP_RESIZE, p, {in[0]}, out0(n));
}

void lower_depth_space(Lowerer& L, const Node& n, int32_t code) {
  const std::string mode = attr_str(n, "mode", "DCR");
  mote_depth_space_params p{attr_i32(L, n, "blocksize", 0), mode == "CRD" ? 1 : 0};
  L.emit(code, p, inputs_of(L, n), out0(n));
}

// Trilu: k (optional, default 0) must be a constant; beyond +-2^31 it keeps or zeroes everything,
// as +-(2^31 - 1) does for any matrix Mote can hold.
void lower_trilu(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  int64_t k = 0;
  if (in_at(in, 1) >= 0) {
    const std::vector<int64_t> v = L.const_ints(in[1], "Trilu k");
    if (v.size() != 1) L.error("Trilu k must be a scalar, has " + std::to_string(v.size()) + " elements");
    k = clamp64(v[0], -int64_t(INT32_MAX), INT32_MAX);
  }
  mote_trilu_params p{attr_int(n, "upper", 1) != 0 ? 1 : 0, int32_t(k)};
  L.emit(MOTE_OP_TRILU, p, {in.at(0)}, out0(n));
}

// GridSample, 2-D: the opset 16 mode names (bilinear, bicubic) and the opset 20 ones (linear,
// cubic) alike.
void lower_grid_sample(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  if (in.size() != 2) L.error("GridSample takes X and grid");
  if (L.t(in[0]).shape.size() != 4) L.error("GridSample is supported on 4-D input (N, C, H, W) only");
  const std::string mode = attr_str(n, "mode", L.opset() >= 20 ? "linear" : "bilinear");
  const std::string padding = attr_str(n, "padding_mode", "zeros");
  mote_grid_sample_params p{};
  if (mode == "bilinear" || mode == "linear") {
    p.mode = MOTE_GRID_LINEAR;
  } else if (mode == "nearest") {
    p.mode = MOTE_GRID_NEAREST;
  } else if (mode == "bicubic" || mode == "cubic") {
    p.mode = MOTE_GRID_CUBIC;
  } else {
    L.error("GridSample mode '" + mode + "' is not supported");
  }
  if (padding == "zeros") {
    p.padding = MOTE_GRID_ZEROS;
  } else if (padding == "border") {
    p.padding = MOTE_GRID_BORDER;
  } else if (padding == "reflection") {
    p.padding = MOTE_GRID_REFLECTION;
  } else {
    L.error("GridSample padding_mode '" + padding + "' is not supported");
  }
  p.align_corners = attr_int(n, "align_corners", 0) != 0;
  L.emit(MOTE_OP_GRID_SAMPLE, p, in, out0(n));
}

}  // namespace

void add_layout_ops(LowerTable& t) {
  t["Reshape"] = lower_reshape;
  t["Flatten"] = lower_flatten;
  t["Squeeze"] = lower_squeeze;
  t["Unsqueeze"] = lower_unsqueeze;
  t["Transpose"] = lower_transpose;
  t["Concat"] = lower_concat;
  t["Split"] = lower_split;
  t["Slice"] = lower_slice;
  t["Gather"] = [](Lowerer& L, const Node& n) { lower_gather(L, n, MOTE_OP_GATHER); };
  t["GatherElements"] = [](Lowerer& L, const Node& n) { lower_gather(L, n, MOTE_OP_GATHER_ELEMENTS); };
  t["Pad"] = lower_pad;
  t["Compress"] = lower_compress;
  t["Tile"] = lower_tile;
  t["Expand"] = lower_expand;
  t["Resize"] = lower_resize;
  t["Upsample"] = lower_resize;
  t["DepthToSpace"] = [](Lowerer& L, const Node& n) { lower_depth_space(L, n, MOTE_OP_DEPTH_TO_SPACE); };
  t["SpaceToDepth"] = [](Lowerer& L, const Node& n) { lower_depth_space(L, n, MOTE_OP_SPACE_TO_DEPTH); };
  t["Trilu"] = lower_trilu;
  t["GridSample"] = lower_grid_sample;
}

}  // namespace lowering
}  // namespace mote
