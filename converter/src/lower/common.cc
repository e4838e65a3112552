// The helpers every lowering family uses: attributes, outputs, inputs, axes (see common.h).
#include <algorithm>

#include "lower/common.h"

namespace mote {
namespace lowering {

const onnx::AttributeProto* find_attr(const Node& n, const char* name) {
  for (const auto& a : n.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}
int64_t attr_int(const Node& n, const char* name, int64_t def) {
  const auto* a = find_attr(n, name);
  return a ? a->i() : def;
}
int32_t attr_i32(Lowerer& L, const Node& n, const char* name, int64_t def) {
  return L.narrow(attr_int(n, name, def), std::string("attribute '") + name + "'");
}
float attr_float(const Node& n, const char* name, float def) {
  const auto* a = find_attr(n, name);
  return a ? a->f() : def;
}
std::string attr_str(const Node& n, const char* name, const std::string& def) {
  const auto* a = find_attr(n, name);
  return a ? a->s() : def;
}
std::vector<int64_t> attr_ints(const Node& n, const char* name) {
  const auto* a = find_attr(n, name);
  return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : std::vector<int64_t>();
}
std::vector<float> attr_floats(const Node& n, const char* name) {
  const auto* a = find_attr(n, name);
  return a ? std::vector<float>(a->floats().begin(), a->floats().end()) : std::vector<float>();
}

std::vector<std::string> outs(const Node& n) { return {n.output().begin(), n.output().end()}; }
std::vector<std::string> out0(const Node& n) { return {n.output(0)}; }

std::vector<int> inputs_of(Lowerer& L, const Node& n) {
  std::vector<int> in;
  for (const auto& name : n.input()) {
    const int id = name.empty() ? -1 : L.lookup(name);
    if (id >= 0 && L.t(id).shape.size() > MOTE_MAX_RANK) {
      L.error("input '" + name + "' has rank " + std::to_string(L.t(id).shape.size()) + ", above " + std::to_string(MOTE_MAX_RANK));
    }
    in.push_back(id);
  }
  return in;
}
int in_at(const std::vector<int>& in, size_t k) { return k < in.size() ? in[k] : -1; }

int64_t norm_axis(Lowerer& L, int64_t axis, int64_t rank) {
  int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) L.error("axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
  return a;
}

mote_act no_act() { return mote_act{MOTE_ACT_NONE, 0.0f, 0.0f}; }

int64_t clamp64(int64_t v, int64_t lo, int64_t hi) { return std::min(std::max(v, lo), hi); }

void emit_reshape(Lowerer& L, int in, const std::vector<int64_t>& shape, const std::string& out) {
  mote_reshape_params p{};
  if (shape.size() > MOTE_MAX_RANK) L.error("rank above 8 is not supported");
  p.rank = int32_t(shape.size());
  for (size_t k = 0; k < shape.size(); ++k) {
    if (shape[k] < 0 || shape[k] > INT32_MAX) L.error("bad reshape dimension");
    p.dims[k] = int32_t(shape[k]);
  }
  L.emit(MOTE_OP_RESHAPE, p, {in}, {out});
}

}  // namespace lowering
}  // namespace mote
