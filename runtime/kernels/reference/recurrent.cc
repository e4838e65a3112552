// Reference kernels for RNN, GRU and LSTM, as ONNX defines them (every attribute: direction,
// activations with alpha/beta, clip, layout, linear_before_reset, input_forget, peepholes,
// sequence_lens, initial states, any subset of the outputs). Batch entries run one after another;
// each step computes its gates as dot products with the rows of W and R. Working memory (the
// state and one step's gates) is the op's scratch.
#include <math.h>

#include "mote/op_config.h"
#include "walk.h"

namespace mote {

using namespace ref;

namespace {

// RNNW8, GRUW8 and LSTMW8 (int8 W and R, a float scale per gate row) as their float ops' codes.
bool weights_int8(int32_t code) {
  return MOTE_KERNEL_ON(int8_weights) && (code == MOTE_OP_RNN_W8 || code == MOTE_OP_GRU_W8 || code == MOTE_OP_LSTM_W8);
}
int32_t float_code(int32_t code) {
  if (code == MOTE_OP_LSTM_W8) return MOTE_OP_LSTM;
  if (code == MOTE_OP_GRU_W8) return MOTE_OP_GRU;
  return code == MOTE_OP_RNN_W8 ? int32_t(MOTE_OP_RNN) : code;
}
int32_t gates_of(int32_t code) { return float_code(code) == MOTE_OP_LSTM ? 4 : float_code(code) == MOTE_OP_GRU ? 3 : 1; }
int32_t activations_of(int32_t code) { return float_code(code) == MOTE_OP_LSTM ? 3 : float_code(code) == MOTE_OP_GRU ? 2 : 1; }

struct Dims {
  int32_t seq, batch, input, hidden, dirs, gates;
};

Dims dims_of(const OpArgs& a) {
  const mote_recurrent_params& p = a.p<mote_recurrent_params>();
  const TensorView& x = a.in[0];
  Dims d;
  d.seq = p.layout ? x.dims[1] : x.dims[0];
  d.batch = p.layout ? x.dims[0] : x.dims[1];
  d.input = x.dims[2];
  d.hidden = p.hidden_size;
  d.dirs = p.direction == 2 ? 2 : 1;
  d.gates = gates_of(a.code);
  return d;
}

bool has(const OpArgs& a, int32_t k) { return a.num_in > k && a.in[k].present(); }

// Input k must be float32 (int32 for sequence_lens) of exactly these dims.
Status check_shape(const OpArgs& a, int32_t k, int32_t dtype, int32_t rank, const int64_t* want) {
  MOTE_TRY(check_input(a, k));
  MOTE_TRY(check_dtype(a, k, dtype));
  const TensorView& t = a.in[k];
  bool same = t.rank == rank;
  for (int32_t d = 0; same && d < rank; ++d) same = t.dims[d] == want[d];
  if (!same) {
    Fail f(a.diag, Status::kBadParams);
    f.s("input ").i(k).s(" is ").dims(t.dims, t.rank).s(", expected [");
    for (int32_t d = 0; d < rank; ++d) f.s(d ? "," : "").i(want[d]);
    return f.s("]");
  }
  return Status::kOk;
}

float activate(const mote_rnn_act& f, float x) {
  switch (f.kind) {
    case MOTE_RNN_RELU: return x > 0.0f ? x : 0.0f;
    case MOTE_RNN_TANH: return tanhf(x);
    case MOTE_RNN_SIGMOID: return x >= 0.0f ? 1.0f / (1.0f + expf(-x)) : expf(x) / (1.0f + expf(x));
    case MOTE_RNN_AFFINE: return f.alpha * x + f.beta;
    case MOTE_RNN_LEAKY_RELU: return x >= 0.0f ? x : f.alpha * x;
    case MOTE_RNN_THRESHOLDED_RELU: return x > f.alpha ? x : 0.0f;
    case MOTE_RNN_SCALED_TANH: return f.alpha * tanhf(f.beta * x);
    case MOTE_RNN_HARD_SIGMOID: {
      const float v = f.alpha * x + f.beta;
      return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v);
    }
    case MOTE_RNN_ELU: return x >= 0.0f ? x : f.alpha * (expf(x) - 1.0f);
    case MOTE_RNN_SOFTSIGN: return x / (1.0f + fabsf(x));
    default: return x > 30.0f ? x : log1pf(expf(x));  // Softplus
  }
}

float clipped(float v, float clip) {
  if (clip <= 0.0f) return v;
  return v < -clip ? -clip : (v > clip ? clip : v);
}

float dot(const float* a, const float* b, int32_t n) {
  float s = 0.0f;
  for (int32_t k = 0; k < n; ++k) s += a[k] * b[k];
  return s;
}

// Row r of a gate matrix ([G*H, n], one direction's) times v: float rows as they are, int8 rows
// summed as floats and then scaled by the row's scale.
struct GateRows {
  const float* f;
  const int8_t* q;
  const float* scale;
  int32_t n;
  float dot(int32_t r, const float* v) const {
    if (!q) return mote::dot(f + int64_t(r) * n, v, n);
    const int8_t* row = q + int64_t(r) * n;
    float s = 0.0f;
    for (int32_t k = 0; k < n; ++k) s += float(row[k]) * v[k];
    return s * scale[r];
  }
};

GateRows gate_rows(const OpArgs& a, int32_t k, int32_t dir, int64_t rows, int32_t n) {
  const int64_t at = int64_t(dir) * rows * n;
  if (!weights_int8(a.code)) return GateRows{a.in[k].as<float>() + at, nullptr, nullptr, n};
  return GateRows{nullptr, a.in[k].as<int8_t>() + at, a.in[k + 7].as<float>() + int64_t(dir) * rows, n};
}

}  // namespace

Status infer_recurrent(const OpArgs& a, TensorView* out, uint32_t* scratch) {
  const bool lstm = float_code(a.code) == MOTE_OP_LSTM, w8 = weights_int8(a.code);
  const int32_t most_in = w8 ? 10 : lstm ? 8 : 6;
  if (a.num_in < (w8 ? 10 : 3) || a.num_in > most_in) {
    return Fail(a.diag, Status::kBadParams).s("takes ").i(w8 ? 10 : 3).s("..").i(most_in).s(" inputs, has ").i(a.num_in);
  }
  if (w8 && !lstm && (a.in[6].present() || a.in[7].present())) {
    return Fail(a.diag, Status::kBadParams).s("inputs 6 and 7 (initial_c, P) are LSTM's only");
  }
  for (int32_t k = 0; k < 3; ++k) {
    if (!a.in[k].present()) return Fail(a.diag, Status::kBadParams).s("input ").i(k).s(" is required");
  }
  MOTE_TRY(check_params<mote_recurrent_params>(a));
  const mote_recurrent_params& p = a.p<mote_recurrent_params>();
  const int32_t valid_outputs = MOTE_RNN_OUT_Y | MOTE_RNN_OUT_Y_H | (lstm ? MOTE_RNN_OUT_Y_C : 0);
  int32_t num_out = 0;
  for (int32_t bit = 1; bit <= 4; bit <<= 1) num_out += (p.outputs & bit) ? 1 : 0;
  if (p.outputs == 0 || (p.outputs & ~valid_outputs) != 0 || a.num_out != num_out) {
    return Fail(a.diag, Status::kBadParams).s("output set ").i(p.outputs).s(" does not fit ").i(a.num_out).s(" outputs");
  }
  if (p.hidden_size < 1 || p.direction < 0 || p.direction > 2 || (p.layout != 0 && p.layout != 1) ||
      !(p.clip >= 0.0f && p.clip <= 3.4e38f)) {
    return Fail(a.diag, Status::kBadParams)
        .s("hidden_size ").i(p.hidden_size).s(", direction ").i(p.direction).s(", layout ").i(p.layout).s(", clip ")
        .f(p.clip).s(" out of range");
  }
  const int32_t dirs = p.direction == 2 ? 2 : 1;
  for (int32_t d = 0; d < dirs; ++d) {
    for (int32_t k = 0; k < activations_of(a.code); ++k) {
      const mote_rnn_act& f = p.act[3 * d + k];
      if (f.kind < 0 || f.kind >= MOTE_RNN_ACT_COUNT || !(fabsf(f.alpha) <= 3.4e38f) || !(fabsf(f.beta) <= 3.4e38f)) {
        return Fail(a.diag, Status::kBadParams).s("activation ").i(3 * d + k).s(" is not valid");
      }
    }
  }
  MOTE_TRY(check_input(a, 0));
  MOTE_TRY(check_dtype(a, 0, MOTE_F32));
  if (a.in[0].rank != 3) return Fail(a.diag, Status::kBadParams).s("X has rank ").i(a.in[0].rank).s(", expected 3");
  const Dims d = dims_of(a);
  const int64_t gh = int64_t(d.gates) * d.hidden;
  if (gh > 0x7FFFFFF) return Fail(a.diag, Status::kBadParams).s("hidden_size ").i(d.hidden).s(" is too large");
  const int64_t w_dims[3] = {dirs, gh, d.input}, r_dims[3] = {dirs, gh, d.hidden}, b_dims[2] = {dirs, 2 * gh};
  MOTE_TRY(check_shape(a, 1, w8 ? MOTE_I8 : MOTE_F32, 3, w_dims));
  MOTE_TRY(check_shape(a, 2, w8 ? MOTE_I8 : MOTE_F32, 3, r_dims));
  if (w8) {  // one scale per gate row of W and of R
    const int64_t scale_dims[2] = {dirs, gh};
    MOTE_TRY(check_w8_scale(a, 8, 2, scale_dims));
    MOTE_TRY(check_w8_scale(a, 9, 2, scale_dims));
  }
  if (has(a, 3)) MOTE_TRY(check_shape(a, 3, MOTE_F32, 2, b_dims));
  const int64_t len_dims[1] = {d.batch};
  if (has(a, 4)) MOTE_TRY(check_shape(a, 4, MOTE_I32, 1, len_dims));
  const int64_t state_dims[3] = {p.layout ? d.batch : dirs, p.layout ? dirs : d.batch, d.hidden};
  if (has(a, 5)) MOTE_TRY(check_shape(a, 5, MOTE_F32, 3, state_dims));
  if (lstm && has(a, 6)) MOTE_TRY(check_shape(a, 6, MOTE_F32, 3, state_dims));
  const int64_t p_dims[2] = {dirs, 3 * int64_t(d.hidden)};
  if (lstm && has(a, 7)) MOTE_TRY(check_shape(a, 7, MOTE_F32, 2, p_dims));
  int32_t k = 0;
  if (p.outputs & MOTE_RNN_OUT_Y) {
    const int64_t y0[4] = {d.seq, dirs, d.batch, d.hidden}, y1[4] = {d.batch, d.seq, dirs, d.hidden};
    MOTE_TRY(set_checked_shape(a, &out[k++], MOTE_F32, 4, p.layout ? y1 : y0));
  }
  if (p.outputs & MOTE_RNN_OUT_Y_H) MOTE_TRY(set_checked_shape(a, &out[k++], MOTE_F32, 3, state_dims));
  if (p.outputs & MOTE_RNN_OUT_Y_C) MOTE_TRY(set_checked_shape(a, &out[k++], MOTE_F32, 3, state_dims));
  // h, c, one step's gates and the GRU's reset product, for one batch entry at a time.
  *scratch = uint32_t((3 * int64_t(d.hidden) + gh) * int64_t(sizeof(float)));
  return Status::kOk;
}

Status run_recurrent(const OpArgs& a) {
  const mote_recurrent_params& p = a.p<mote_recurrent_params>();
  const Dims d = dims_of(a);
  const int32_t H = d.hidden, G = d.gates, I = d.input;
  const bool lstm = float_code(a.code) == MOTE_OP_LSTM, gru = float_code(a.code) == MOTE_OP_GRU;
  float* h = static_cast<float*>(a.scratch);
  float* c = h + H;
  float* tmp = c + H;
  float* gate = tmp + H;
  const float* X = a.in[0].as<float>();
  const float* bias = has(a, 3) ? a.in[3].as<float>() : nullptr;
  const int32_t* lens = has(a, 4) ? a.in[4].as<int32_t>() : nullptr;
  const float* h0 = has(a, 5) ? a.in[5].as<float>() : nullptr;
  const float* c0 = lstm && has(a, 6) ? a.in[6].as<float>() : nullptr;
  const float* peep = lstm && has(a, 7) ? a.in[7].as<float>() : nullptr;
  int32_t k = 0;
  float* Y = (p.outputs & MOTE_RNN_OUT_Y) ? a.out[k++].as<float>() : nullptr;
  float* Yh = (p.outputs & MOTE_RNN_OUT_Y_H) ? a.out[k++].as<float>() : nullptr;
  float* Yc = (p.outputs & MOTE_RNN_OUT_Y_C) ? a.out[k++].as<float>() : nullptr;
  for (int32_t dir = 0; dir < d.dirs; ++dir) {
    const bool reverse = p.direction == 1 || dir == 1;
    const GateRows W = gate_rows(a, 1, dir, int64_t(G) * H, I);
    const GateRows R = gate_rows(a, 2, dir, int64_t(G) * H, H);
    const float* Wb = bias ? bias + int64_t(dir) * 2 * G * H : nullptr;
    const float* Rb = Wb ? Wb + int64_t(G) * H : nullptr;
    const float* P = peep ? peep + int64_t(dir) * 3 * H : nullptr;
    const mote_rnn_act& f = p.act[3 * dir];
    const mote_rnn_act& g = p.act[3 * dir + 1];
    const mote_rnn_act& hact = p.act[3 * dir + 2];
    for (int32_t b = 0; b < d.batch; ++b) {
      const int64_t state_at = (p.layout ? int64_t(b) * d.dirs + dir : int64_t(dir) * d.batch + b) * H;
      for (int32_t j = 0; j < H; ++j) {
        h[j] = h0 ? h0[state_at + j] : 0.0f;
        c[j] = c0 ? c0[state_at + j] : 0.0f;
      }
      int32_t len = d.seq;
      if (lens) len = lens[b] < 0 ? 0 : (lens[b] > d.seq ? d.seq : lens[b]);
      for (int32_t s = 0; s < d.seq; ++s) {
        const int32_t t = reverse ? len - 1 - s : s;
        float* y = nullptr;
        if (Y) {
          const int32_t at = s < len ? t : s;  // past the length: zeros at the step's own place
          y = Y + (p.layout ? (int64_t(b) * d.seq + at) * d.dirs + dir : (int64_t(at) * d.dirs + dir) * d.batch + b) * H;
        }
        if (s >= len) {
          if (y) {
            for (int32_t j = 0; j < H; ++j) y[j] = 0.0f;
          }
          continue;
        }
        const float* x = X + (p.layout ? int64_t(b) * d.seq + t : int64_t(t) * d.batch + b) * I;
        // The input part of every gate, with its input bias.
        for (int32_t r = 0; r < G * H; ++r) gate[r] = W.dot(r, x) + (Wb ? Wb[r] : 0.0f);
        if (lstm) {  // gates i, o, f, c
          float* gi = gate;
          float* go = gate + H;
          float* gf = gate + 2 * H;
          float* gc = gate + 3 * H;
          for (int32_t r = 0; r < 4 * H; ++r) gate[r] += R.dot(r, h) + (Rb ? Rb[r] : 0.0f);
          for (int32_t j = 0; j < H; ++j) {
            const float i_ = activate(f, clipped(gi[j] + (P ? P[j] * c[j] : 0.0f), p.clip));
            const float f_ = p.input_forget ? 1.0f - i_ : activate(f, clipped(gf[j] + (P ? P[2 * H + j] * c[j] : 0.0f), p.clip));
            const float c_ = activate(g, clipped(gc[j], p.clip));
            c[j] = f_ * c[j] + i_ * c_;
            const float o_ = activate(f, clipped(go[j] + (P ? P[H + j] * c[j] : 0.0f), p.clip));
            tmp[j] = o_ * activate(hact, c[j]);
          }
        } else if (gru) {  // gates z, r, h
          float* gz = gate;
          float* gr = gate + H;
          float* gh = gate + 2 * H;
          for (int32_t r = 0; r < 2 * H; ++r) gate[r] += R.dot(r, h) + (Rb ? Rb[r] : 0.0f);
          for (int32_t j = 0; j < H; ++j) gr[j] = activate(f, clipped(gr[j], p.clip));
          const float* Rbh = Rb ? Rb + 2 * H : nullptr;
          if (p.linear_before_reset) {
            for (int32_t j = 0; j < H; ++j) {
              gh[j] += gr[j] * (R.dot(2 * H + j, h) + (Rbh ? Rbh[j] : 0.0f));
            }
          } else {
            for (int32_t j = 0; j < H; ++j) c[j] = gr[j] * h[j];  // c is free in a GRU
            for (int32_t j = 0; j < H; ++j) gh[j] += R.dot(2 * H + j, c) + (Rbh ? Rbh[j] : 0.0f);
          }
          for (int32_t j = 0; j < H; ++j) {
            const float z = activate(f, clipped(gz[j], p.clip));
            const float n = activate(g, clipped(gh[j], p.clip));
            tmp[j] = (1.0f - z) * n + z * h[j];
          }
        } else {
          for (int32_t j = 0; j < H; ++j) {
            tmp[j] = activate(f, clipped(gate[j] + R.dot(j, h) + (Rb ? Rb[j] : 0.0f), p.clip));
          }
        }
        for (int32_t j = 0; j < H; ++j) h[j] = tmp[j];
        if (y) {
          for (int32_t j = 0; j < H; ++j) y[j] = h[j];
        }
      }
      if (Yh) {
        for (int32_t j = 0; j < H; ++j) Yh[state_at + j] = h[j];
      }
      if (Yc) {
        for (int32_t j = 0; j < H; ++j) Yc[state_at + j] = c[j];
      }
    }
  }
  return Status::kOk;
}

}  // namespace mote
