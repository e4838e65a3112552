// Lowering of the audio front-end ops (opset 17): DFT and STFT (runtime/kernels/reference/
// spectral.cc), and MelWeightMatrix, whose inputs are sizes and so always known at conversion:
// it becomes a constant, computed here as ONNX's reference defines it.
#include <cmath>

#include "lower/common.h"

namespace mote {
namespace lowering {

namespace {

int64_t scalar_int(Lowerer& L, int id, const char* what) {
  const std::vector<int64_t> v = L.const_ints(id, what);
  if (v.size() != 1) L.error(std::string(what) + " must be a scalar, has " + std::to_string(v.size()) + " elements");
  return v[0];
}

void lower_dft(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const Tensor& x = L.t(in.at(0));
  const int64_t rank = int64_t(x.shape.size());
  int64_t axis = attr_int(n, "axis", 1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis > rank - 2) L.error("DFT axis " + std::to_string(attr_int(n, "axis", 1)) + " is not a signal axis");
  mote_spectral_params p{};
  p.axis = int32_t(axis);
  p.inverse = attr_int(n, "inverse", 0) != 0;
  p.onesided = attr_int(n, "onesided", 0) != 0;
  const int64_t length = in_at(in, 1) >= 0 ? scalar_int(L, in[1], "DFT dft_length") : x.shape[size_t(axis)];
  p.length = L.narrow(length, "dft_length");
  L.emit(MOTE_OP_DFT, p, {in[0]}, out0(n));
}

void lower_stft(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  mote_spectral_params p{};
  p.onesided = attr_int(n, "onesided", 1) != 0;
  p.step = L.narrow(scalar_int(L, in.at(1), "STFT frame_step"), "frame_step");
  const int window = in_at(in, 2);
  int64_t length = -1;
  if (in_at(in, 3) >= 0) length = scalar_int(L, in[3], "STFT frame_length");
  if (length < 0 && window >= 0 && L.t(window).shape.size() == 1) length = L.t(window).shape[0];
  if (length < 0) L.error("STFT needs a frame_length or a window");
  p.length = L.narrow(length, "frame_length");
  std::vector<int> ops = {in[0]};
  if (window >= 0) ops.push_back(window);
  L.emit(MOTE_OP_STFT, p, ops, out0(n));
}

// Triangular filters between mel-spaced edges, as ONNX's reference computes them (the edges
// spaced over num_mel_bins + 2 steps, then floored to spectrogram bins).
void lower_mel_weight_matrix(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  if (in.size() != 5) L.error("MelWeightMatrix takes 5 inputs");
  const int64_t mels = scalar_int(L, in[0], "MelWeightMatrix num_mel_bins");
  const int64_t dft_length = scalar_int(L, in[1], "MelWeightMatrix dft_length");
  const int64_t rate = scalar_int(L, in[2], "MelWeightMatrix sample_rate");
  const std::vector<float> lo = L.const_floats(in[3], "MelWeightMatrix lower_edge_hertz");
  const std::vector<float> hi = L.const_floats(in[4], "MelWeightMatrix upper_edge_hertz");
  if (mels < 1 || dft_length < 1 || rate < 1 || lo.size() != 1 || hi.size() != 1 || mels > (1 << 20) || dft_length > (1 << 24)) {
    L.error("MelWeightMatrix sizes out of range");
  }
  if (mote_dtype_from_onnx(attr_i32(L, n, "output_datatype", onnx::TensorProto::FLOAT)) != MOTE_F32) {
    L.error("MelWeightMatrix output_datatype other than float is not supported");
  }
  const int64_t bins = dft_length / 2 + 1;
  const double low = 2595.0 * std::log10(1.0 + double(lo[0]) / 700.0);
  const double high = 2595.0 * std::log10(1.0 + double(hi[0]) / 700.0);
  const double step = (high - low) / double(mels + 2);
  std::vector<int64_t> edge(size_t(mels + 2));
  for (int64_t k = 0; k < mels + 2; ++k) {
    const double hz = 700.0 * (std::pow(10.0, (double(k) * step + low) / 2595.0) - 1.0);
    edge[size_t(k)] = int64_t(std::floor(double(dft_length + 1) * hz / double(rate)));
  }
  Tensor t;
  t.name = n.output(0);
  t.dtype = MOTE_F32;
  t.shape = {bins, mels};
  t.data.assign(size_t(bins * mels) * sizeof(float), 0);
  float* w = reinterpret_cast<float*>(t.data.data());
  auto put = [&](int64_t row, int64_t col, double v) {
    if (row < 0 || row >= bins) L.error("MelWeightMatrix: an edge falls outside the spectrogram's bins");
    w[row * mels + col] = float(v);
  };
  for (int64_t i = 0; i < mels; ++i) {
    const int64_t left = edge[size_t(i)], center = edge[size_t(i + 1)], right = edge[size_t(i + 2)];
    if (center == left) {
      put(center, i, 1.0);
    } else {
      for (int64_t j = left; j <= center; ++j) put(j, i, double(j - left) / double(center - left));
    }
    for (int64_t j = center; j < right; ++j) put(j, i, double(right - j) / double(right - center));
  }
  L.bind(n.output(0), L.constant(std::move(t)));
}

}  // namespace

void add_spectral_ops(LowerTable& t) {
  t["DFT"] = lower_dft;
  t["STFT"] = lower_stft;
  t["MelWeightMatrix"] = lower_mel_weight_matrix;
}

}  // namespace lowering
}  // namespace mote
