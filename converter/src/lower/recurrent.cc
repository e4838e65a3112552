// Lowering of the recurrent layers: RNN, GRU and LSTM (runtime/kernels/reference/recurrent.cc),
// every ONNX attribute resolved here: the direction, the activation list with its alpha/beta
// values (taken in order by the activations that use them, ONNX's defaults otherwise), clip,
// layout, linear_before_reset, input_forget, and which of the optional outputs the graph names.
#include <cctype>

#include "lower/common.h"

namespace mote {
namespace lowering {

namespace {

struct ActivationName {
  const char* name;  // lower case
  int32_t kind;
  int32_t alphas, betas;  // how many of activation_alpha / activation_beta it takes
  float alpha, beta;      // their defaults
};

constexpr ActivationName kActivations[] = {
    {"relu", MOTE_RNN_RELU, 0, 0, 0.0f, 0.0f},
    {"tanh", MOTE_RNN_TANH, 0, 0, 0.0f, 0.0f},
    {"sigmoid", MOTE_RNN_SIGMOID, 0, 0, 0.0f, 0.0f},
    {"affine", MOTE_RNN_AFFINE, 1, 1, 1.0f, 0.0f},
    {"leakyrelu", MOTE_RNN_LEAKY_RELU, 1, 0, 0.01f, 0.0f},
    {"thresholdedrelu", MOTE_RNN_THRESHOLDED_RELU, 1, 0, 1.0f, 0.0f},
    {"scaledtanh", MOTE_RNN_SCALED_TANH, 1, 1, 1.0f, 1.0f},
    {"hardsigmoid", MOTE_RNN_HARD_SIGMOID, 1, 1, 0.2f, 0.5f},
    {"elu", MOTE_RNN_ELU, 1, 0, 1.0f, 0.0f},
    {"softsign", MOTE_RNN_SOFTSIGN, 0, 0, 0.0f, 0.0f},
    {"softplus", MOTE_RNN_SOFTPLUS, 0, 0, 0.0f, 0.0f},
};

void lower_recurrent(Lowerer& L, const Node& n) {
  const std::string& type = n.op_type();
  const int32_t code = type == "LSTM" ? MOTE_OP_LSTM : type == "GRU" ? MOTE_OP_GRU : MOTE_OP_RNN;
  const int32_t per_dir = code == MOTE_OP_LSTM ? 3 : code == MOTE_OP_GRU ? 2 : 1;
  auto in = inputs_of(L, n);
  if (in.size() < 3 || in_at(in, 0) < 0 || in_at(in, 1) < 0 || in_at(in, 2) < 0) L.error(type + " needs X, W and R");
  mote_recurrent_params p{};
  const std::string direction = attr_str(n, "direction", "forward");
  if (direction == "forward") {
    p.direction = 0;
  } else if (direction == "reverse") {
    p.direction = 1;
  } else if (direction == "bidirectional") {
    p.direction = 2;
  } else {
    L.error(type + " direction '" + direction + "' is not forward, reverse or bidirectional");
  }
  const int32_t dirs = p.direction == 2 ? 2 : 1;
  const Tensor& r = L.t(in[2]);
  const int64_t hidden = find_attr(n, "hidden_size") ? attr_int(n, "hidden_size", 0) : (r.shape.size() == 3 ? r.shape[2] : 0);
  p.hidden_size = L.narrow(hidden, "hidden_size");
  p.layout = attr_i32(L, n, "layout", 0);
  p.linear_before_reset = attr_int(n, "linear_before_reset", 0) != 0 ? 1 : 0;
  p.input_forget = attr_int(n, "input_forget", 0) != 0 ? 1 : 0;
  const float clip = attr_float(n, "clip", 0.0f);
  if (find_attr(n, "clip") && !(clip > 0.0f)) L.error(type + " clip must be positive, is " + std::to_string(clip));
  p.clip = clip;

  // Activations: f (and g, h) per direction; a list naming them for one direction serves both.
  std::vector<std::string> names;
  if (const onnx::AttributeProto* a = find_attr(n, "activations")) {
    for (const std::string& s : a->strings()) names.push_back(s);
  }
  if (names.empty()) {
    const char* defaults[3] = {code == MOTE_OP_RNN ? "Tanh" : "Sigmoid", "Tanh", "Tanh"};
    for (int32_t d = 0; d < dirs; ++d) names.insert(names.end(), defaults, defaults + per_dir);
  } else if (int32_t(names.size()) == per_dir && dirs == 2) {
    names.insert(names.end(), names.begin(), names.end());
  }
  if (int32_t(names.size()) != per_dir * dirs) {
    L.error(type + " takes " + std::to_string(per_dir * dirs) + " activations here, has " + std::to_string(names.size()));
  }
  const std::vector<float> alphas = attr_floats(n, "activation_alpha"), betas = attr_floats(n, "activation_beta");
  size_t next_alpha = 0, next_beta = 0;
  for (int32_t d = 0; d < dirs; ++d) {
    for (int32_t k = 0; k < per_dir; ++k) {
      std::string lower;
      for (char c : names[size_t(d * per_dir + k)]) lower += char(std::tolower(static_cast<unsigned char>(c)));
      const ActivationName* found = nullptr;
      for (const ActivationName& a : kActivations) {
        if (lower == a.name) found = &a;
      }
      if (!found) L.error(type + " activation '" + names[size_t(d * per_dir + k)] + "' is not one ONNX defines");
      mote_rnn_act& act = p.act[3 * d + k];
      act.kind = found->kind;
      act.alpha = found->alphas && next_alpha < alphas.size() ? alphas[next_alpha++] : found->alpha;
      act.beta = found->betas && next_beta < betas.size() ? betas[next_beta++] : found->beta;
    }
  }

  // The outputs the graph names: Y, Y_h and (LSTM) Y_c, in that order.
  std::vector<std::string> out_names;
  const int32_t bits[3] = {MOTE_RNN_OUT_Y, MOTE_RNN_OUT_Y_H, MOTE_RNN_OUT_Y_C};
  for (int k = 0; k < n.output_size() && k < 3; ++k) {
    if (n.output(k).empty()) continue;
    p.outputs |= bits[k];
    out_names.push_back(n.output(k));
  }
  if (out_names.empty()) {  // nothing reads it: still lowered (dead-op removal drops it)
    p.outputs = MOTE_RNN_OUT_Y_H;
    out_names.push_back(L.fresh_name(n.name().empty() ? type : n.name()));
  }
  std::vector<int> operands(in.begin(), in.end());
  operands.resize(code == MOTE_OP_LSTM ? 8 : 6, -1);
  while (!operands.empty() && operands.back() < 0) operands.pop_back();
  L.emit(code, p, operands, out_names);
}

}  // namespace

void add_recurrent_ops(LowerTable& t) {
  t["RNN"] = lower_recurrent;
  t["GRU"] = lower_recurrent;
  t["LSTM"] = lower_recurrent;
}

}  // namespace lowering
}  // namespace mote
