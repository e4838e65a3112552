// Decomposed patterns fused back into single ops: what exporters write for LayerNormalization
// (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add), GELU (the Erf form and the Tanh
// approximation), SiLU (x * Sigmoid(x)) and HardSwish (x * HardSigmoid(x) with 1/6 and 1/2), and
// Div by a float constant, which becomes Mul by its reciprocal. Each match rewrites the pattern's
// last op into the fused op in place; the ops it no longer needs are left for remove_dead_ops.
#include <cmath>

#include "graph.h"

namespace mote {
namespace {

struct Matcher {
  Graph& g;
  std::vector<int> producer;  // tensor id -> op index, -1
  std::vector<int> uses;      // tensor id -> readers (graph outputs count)

  explicit Matcher(Graph& graph) : g(graph) {
    producer.assign(g.tensors.size(), -1);
    uses.assign(g.tensors.size(), 0);
    for (size_t k = 0; k < g.ops.size(); ++k) {
      for (int out : g.ops[k].outputs) producer[size_t(out)] = int(k);
      for (int in : g.ops[k].inputs) {
        if (in >= 0) ++uses[size_t(in)];
      }
    }
    for (int out : g.outputs) ++uses[size_t(out)];
  }

  // The op writing `id` when it has `code`, else null.
  const Op* op(int id, int32_t code) const {
    if (id < 0 || producer[size_t(id)] < 0) return nullptr;
    const Op& o = g.ops[size_t(producer[size_t(id)])];
    return o.code == code ? &o : nullptr;
  }
  // As op(), and only `id`'s readers within the pattern (`readers` of them) may read it.
  const Op* inner(int id, int32_t code, int readers = 1) const { return uses[size_t(id)] == readers ? op(id, code) : nullptr; }

  // A float constant whose elements all equal one value.
  bool scalar(int id, float* v) const {
    if (id < 0 || !g.tensors[size_t(id)].is_const || g.tensors[size_t(id)].dtype != MOTE_F32) return false;
    const Tensor& t = g.tensors[size_t(id)];
    const int64_t n = t.numel();
    if (n < 1) return false;
    const float* p = t.as<float>();
    for (int64_t k = 1; k < n; ++k) {
      if (p[k] != p[0]) return false;
    }
    *v = p[0];
    return true;
  }
  bool is(int id, float want, float tol = 1e-6f) const {
    float v = 0.0f;
    return scalar(id, &v) && std::fabs(v - want) <= tol * std::fabs(want) + 1e-12f;
  }
  // The other input of a two-input op, given one.
  static int other(const Op& o, int one) { return o.inputs[0] == one ? o.inputs[1] : o.inputs[0]; }
  bool has_input(const Op& o, int id) const { return o.inputs.size() == 2 && (o.inputs[0] == id || o.inputs[1] == id); }
};

void become(Op& last, int32_t code, std::vector<uint8_t> params, std::vector<int> inputs) {
  last.code = code;
  last.params = std::move(params);
  last.inputs = std::move(inputs);
}

// 0.5 * x * (1 + f(x)) with f's output `f_out`: returns x and the op writing the result, or -1.
// Accepts Mul(Mul(x, a), 0.5), Mul(0.5, Mul(a, x)) and Mul(Mul(x, 0.5), a), a = Add(f, 1).
int half_x_times_one_plus(const Matcher& m, int f_out, int* last_op) {
  int a = -1;
  for (size_t k = 0; k < m.g.ops.size() && a < 0; ++k) {
    const Op& o = m.g.ops[k];
    if (o.code == MOTE_OP_ADD && m.has_input(o, f_out) && m.is(Matcher::other(o, f_out), 1.0f)) a = o.outputs[0];
  }
  if (a < 0 || m.uses[size_t(f_out)] != 1 || m.uses[size_t(a)] != 1) return -1;
  for (size_t k = 0; k < m.g.ops.size(); ++k) {
    const Op& o = m.g.ops[k];
    if (o.code != MOTE_OP_MUL || !m.has_input(o, a)) continue;
    const int b = Matcher::other(o, a);
    // Mul(x, a) then Mul(., 0.5)
    if (m.uses[size_t(o.outputs[0])] == 1) {
      for (size_t j = 0; j < m.g.ops.size(); ++j) {
        const Op& h = m.g.ops[j];
        if (h.code == MOTE_OP_MUL && m.has_input(h, o.outputs[0]) && m.is(Matcher::other(h, o.outputs[0]), 0.5f)) {
          *last_op = int(j);
          return b;
        }
      }
    }
    // Mul(Mul(x, 0.5), a)
    if (const Op* h = m.inner(b, MOTE_OP_MUL)) {
      if (m.is(h->inputs[1], 0.5f)) {
        *last_op = int(k);
        return h->inputs[0];
      }
      if (m.is(h->inputs[0], 0.5f)) {
        *last_op = int(k);
        return h->inputs[1];
      }
    }
  }
  return -1;
}

int fuse_gelu(Graph& g) {
  int fused = 0;
  for (size_t k = 0; k < g.ops.size(); ++k) {
    Matcher m(g);
    const Op& f = g.ops[k];
    int x = -1;
    bool tanh_form = false;
    if (f.code == MOTE_OP_ERF) {
      // erf(x / sqrt(2)) or erf(x * (1 / sqrt(2)))
      if (const Op* d = m.inner(f.inputs[0], MOTE_OP_DIV)) {
        if (m.is(d->inputs[1], 1.4142135f, 1e-5f)) x = d->inputs[0];
      } else if (const Op* d2 = m.inner(f.inputs[0], MOTE_OP_MUL)) {
        if (m.is(d2->inputs[1], 0.70710677f, 1e-5f)) x = d2->inputs[0];
        if (m.is(d2->inputs[0], 0.70710677f, 1e-5f)) x = d2->inputs[1];
      }
    } else if (f.code == MOTE_OP_TANH) {
      // tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)), x^3 as x * x * x or Pow(x, 3)
      const Op* u = m.inner(f.inputs[0], MOTE_OP_MUL);
      if (!u) continue;
      const int s_id = m.is(u->inputs[1], 0.7978846f, 1e-5f) ? u->inputs[0] : (m.is(u->inputs[0], 0.7978846f, 1e-5f) ? u->inputs[1] : -1);
      const Op* s = s_id >= 0 ? m.inner(s_id, MOTE_OP_ADD) : nullptr;
      if (!s) continue;
      for (int side = 0; side < 2 && x < 0; ++side) {
        const int cand = s->inputs[size_t(side)], t_id = s->inputs[size_t(1 - side)];
        const Op* t = m.inner(t_id, MOTE_OP_MUL);
        if (!t) continue;
        const int cube = m.is(t->inputs[1], 0.044715f, 1e-4f) ? t->inputs[0] : (m.is(t->inputs[0], 0.044715f, 1e-4f) ? t->inputs[1] : -1);
        if (cube < 0) continue;
        if (const Op* p = m.inner(cube, MOTE_OP_POW)) {
          if (p->inputs[0] == cand && m.is(p->inputs[1], 3.0f)) x = cand;
        } else if (const Op* c3 = m.inner(cube, MOTE_OP_MUL)) {
          for (int q = 0; q < 2 && x < 0; ++q) {  // x * (x * x), either order
            const Op* sq = m.inner(c3->inputs[size_t(q)], MOTE_OP_MUL);
            if (sq && c3->inputs[size_t(1 - q)] == cand && sq->inputs[0] == cand && sq->inputs[1] == cand) x = cand;
          }
        }
      }
      tanh_form = true;
    } else {
      continue;
    }
    if (x < 0) continue;
    int last = -1;
    if (half_x_times_one_plus(m, f.outputs[0], &last) != x || last < 0) continue;
    become(g.ops[size_t(last)], MOTE_OP_GELU, pack(mote_unary_params{0.0f, 0.0f, tanh_form ? 1.0f : 0.0f}), {x});
    ++fused;
  }
  return fused;
}

// x * Sigmoid(x) -> SiLU(x); x * HardSigmoid(x; 1/6, 1/2) -> HardSwish(x).
int fuse_swish(Graph& g) {
  int fused = 0;
  Matcher m(g);
  for (Op& o : g.ops) {
    if (o.code != MOTE_OP_MUL || o.inputs.size() != 2) continue;
    for (int side = 0; side < 2; ++side) {
      const int x = o.inputs[size_t(side)], s = o.inputs[size_t(1 - side)];
      if (const Op* sig = m.inner(s, MOTE_OP_SIGMOID)) {
        if (sig->inputs[0] == x) {
          become(o, MOTE_OP_SILU, pack(mote_unary_params{0, 0, 0}), {x});
          ++fused;
          break;
        }
      }
      if (const Op* hs = m.inner(s, MOTE_OP_HARD_SIGMOID)) {
        const mote_unary_params& p = hs->p<mote_unary_params>();
        if (hs->inputs[0] == x && std::fabs(p.alpha - 1.0f / 6.0f) < 1e-6f && p.beta == 0.5f) {
          become(o, MOTE_OP_HARD_SWISH, pack(mote_unary_params{0, 0, 0}), {x});
          ++fused;
          break;
        }
      }
    }
  }
  return fused;
}

// The reduced axes of a ReduceMean over the trailing axes with keepdims: the first one, or -1.
int trailing_mean_axis(const Graph& g, const Op& r) {
  const mote_reduce_params& p = r.p<mote_reduce_params>();
  const int rank = int(g.tensors[size_t(r.inputs[0])].shape.size());
  if (!p.keepdims || p.axes_mask == 0 || rank == 0) return -1;
  int first = -1;
  for (int a = 0; a < rank; ++a) {
    const bool reduced = (p.axes_mask >> a) & 1u;
    if (reduced && first < 0) first = a;
    if (first >= 0 && !reduced) return -1;  // not contiguous to the end
  }
  return first;
}

// (x - mean(x)) / sqrt(mean((x - mean(x))^2) + eps) [* gamma] [+ beta] over trailing axes.
int fuse_layer_norm(Graph& g) {
  int fused = 0;
  for (size_t k = 0; k < g.ops.size(); ++k) {
    Matcher m(g);
    const Op& div = g.ops[k];
    if (div.code != MOTE_OP_DIV || div.inputs.size() != 2) continue;
    const int d = div.inputs[0];
    const Op* sub = m.inner(d, MOTE_OP_SUB, 2);
    const Op* sq = m.inner(div.inputs[1], MOTE_OP_SQRT);
    if (!sub || !sq) continue;
    const Op* mean = m.inner(sub->inputs[1], MOTE_OP_REDUCE_MEAN);
    const Op* add = m.inner(sq->inputs[0], MOTE_OP_ADD);
    if (!mean || !add || mean->inputs[0] != sub->inputs[0]) continue;
    const int x = sub->inputs[0];
    float eps = 0.0f;
    int var_id = -1;
    if (m.scalar(add->inputs[1], &eps)) var_id = add->inputs[0];
    if (m.scalar(add->inputs[0], &eps)) var_id = add->inputs[1];
    const Op* var = var_id >= 0 ? m.inner(var_id, MOTE_OP_REDUCE_MEAN) : nullptr;
    if (!var) continue;
    const Op* pw = m.inner(var->inputs[0], MOTE_OP_POW);
    const Op* mul_sq = m.inner(var->inputs[0], MOTE_OP_MUL);
    const bool squares = (pw && pw->inputs[0] == d && m.is(pw->inputs[1], 2.0f)) ||
                         (mul_sq && mul_sq->inputs[0] == d && mul_sq->inputs[1] == d);
    const int axis = trailing_mean_axis(g, *mean);
    if (!squares || axis < 0 || trailing_mean_axis(g, *var) != axis || !(eps >= 0.0f) ||
        mean->p<mote_reduce_params>().axes_mask != var->p<mote_reduce_params>().axes_mask) {
      continue;
    }
    // The affine tail: Mul by a constant gamma, then Add a constant beta, each optional, each of
    // the normalised shape (or broadcast to it from fewer dims).
    const std::vector<int64_t>& xs = g.tensors[size_t(x)].shape;
    const std::vector<int64_t> norm_shape(xs.begin() + axis, xs.end());
    auto affine = [&](int in, int32_t code, int* param, size_t* op_index) {
      if (m.uses[size_t(in)] != 1) return false;
      for (size_t j = 0; j < g.ops.size(); ++j) {
        const Op& o = g.ops[j];
        if (o.code != code || !m.has_input(o, in)) continue;
        const int c = Matcher::other(o, in);
        if (c < 0 || !g.tensors[size_t(c)].is_const || g.tensors[size_t(c)].dtype != MOTE_F32 || g.tensors[size_t(c)].shape != norm_shape) {
          return false;
        }
        *param = c;
        *op_index = j;
        return true;
      }
      return false;
    };
    int gamma = -1, beta = -1;
    size_t last = k;
    size_t j = 0;
    int tail = div.outputs[0];
    if (affine(tail, MOTE_OP_MUL, &gamma, &j)) {
      last = j;
      tail = g.ops[j].outputs[0];
    }
    if (affine(tail, MOTE_OP_ADD, &beta, &j)) last = j;
    Tensor ones;
    ones.dtype = MOTE_F32;
    ones.shape = norm_shape;
    ones.is_const = true;
    if (gamma < 0) {
      ones.name = "layer_norm_scale";
      ones.data.assign(size_t(ones.numel()) * 4, 0);
      for (int64_t e = 0; e < ones.numel(); ++e) reinterpret_cast<float*>(ones.data.data())[e] = 1.0f;
      gamma = g.add_tensor(ones);
    }
    std::vector<int> inputs = {x, gamma};
    if (beta >= 0) inputs.push_back(beta);
    become(g.ops[last], MOTE_OP_LAYER_NORM, pack(mote_norm_params{eps, axis, 0}), inputs);
    ++fused;
  }
  return fused;
}

// x / c for a float constant c -> x * (1 / c), when 1 / c is finite.
int div_to_mul(Graph& g) {
  int changed = 0;
  for (Op& o : g.ops) {
    if (o.code != MOTE_OP_DIV || o.inputs.size() != 2 || o.inputs[1] < 0) continue;
    const Tensor& c = g.tensors[size_t(o.inputs[1])];
    if (!c.is_const || c.dtype != MOTE_F32 || g.tensors[size_t(o.inputs[0])].dtype != MOTE_F32) continue;
    Tensor r = c;
    r.name += " reciprocal";
    float* p = reinterpret_cast<float*>(r.data.data());
    bool finite = true;
    for (int64_t e = 0; e < r.numel(); ++e) {
      p[e] = 1.0f / p[e];
      finite = finite && std::isfinite(p[e]) && p[e] != 0.0f;
    }
    if (!finite) continue;
    o.inputs[1] = g.add_tensor(std::move(r));
    o.code = MOTE_OP_MUL;
    ++changed;
  }
  return changed;
}

}  // namespace

int fuse_patterns(Graph& g, std::vector<std::string>* notes) {
  const int ln = fuse_layer_norm(g);
  const int gelu = fuse_gelu(g);
  const int swish = fuse_swish(g);
  const int dead = ln + gelu + swish ? remove_dead_ops(g) : 0;
  const int div = div_to_mul(g);
  (void)dead;
  auto note = [&](int count, const char* what) {
    if (count && notes) notes->push_back("fused " + std::to_string(count) + " " + what);
  };
  note(ln, "decomposed LayerNormalization patterns into LayerNormalization");
  note(gelu, "decomposed GELU patterns into Gelu");
  note(swish, "x * Sigmoid(x) / x * HardSigmoid(x) patterns into SiLU / HardSwish");
  if (div && notes) notes->push_back("turned " + std::to_string(div) + " Div by a constant into Mul by its reciprocal");
  return ln + gelu + swish + div;
}

}  // namespace mote
