// Lowering of Loop and Scan by unrolling: the body is lowered once per iteration, in place, with
// the iteration number a constant and the loop-carried values passed from one copy to the next,
// so the planner sees straight-line ops (each iteration's temporaries die before the next's
// begin). A Loop's trip count must be known at conversion time (it is the static maximum); its
// condition may be computed at run time, and then iterations after the condition turns false
// leave the carried values as they were (Where on the running condition). Scan outputs stack
// the iterations' values, so they need the number of iterations at conversion time.
#include <algorithm>
#include <cstring>

#include "lower/common.h"

namespace mote {
namespace lowering {

namespace {

// Unrolled iterations at most: each is a copy of the body in the blob.
constexpr int64_t kMaxIterations = 4096;

int scalar_constant(Lowerer& L, int32_t dtype, int64_t value) {
  Tensor t;
  t.dtype = dtype;
  t.data.assign(dtype_size(dtype), 0);
  if (dtype == MOTE_I64) {
    std::memcpy(t.data.data(), &value, 8);
  } else if (dtype == MOTE_I32) {
    const int32_t v = int32_t(value);
    std::memcpy(t.data.data(), &v, 4);
  } else {
    t.data[0] = value != 0;
  }
  return L.constant(std::move(t));
}

bool known_false(Lowerer& L, int id) { return id >= 0 && L.t(id).is_const && !L.t(id).data.empty() && L.t(id).data[0] == 0; }
bool known_true(Lowerer& L, int id) { return id < 0 || (L.t(id).is_const && !L.t(id).data.empty() && L.t(id).data[0] != 0); }

// Stacks per-iteration values along a new axis `axis` of the result (Scan's and Loop's scan
// outputs), reversed when `reverse`.
void stack(Lowerer& L, std::vector<int> parts, int64_t axis, bool reverse, const std::string& out) {
  if (parts.empty()) L.error("a scan output of no iterations has no static shape");
  if (reverse) std::reverse(parts.begin(), parts.end());
  const std::vector<int64_t> shape = L.t(parts[0]).shape;
  const int64_t rank = int64_t(shape.size()) + 1;
  axis = norm_axis(L, axis, rank);
  std::vector<int> lifted;
  for (int id : parts) {
    std::vector<int64_t> s = L.t(id).shape;
    s.insert(s.begin() + axis, 1);
    const std::string name = L.fresh_name(out);
    emit_reshape(L, id, s, name);
    lifted.push_back(L.lookup(name));
  }
  const mote_concat_params p{int32_t(axis)};
  while (lifted.size() > MOTE_MAX_OP_INPUTS) {
    std::vector<int> head(lifted.begin(), lifted.begin() + MOTE_MAX_OP_INPUTS);
    const int part = L.emit(MOTE_OP_CONCAT, p, head, {L.fresh_name(out)})[0];
    lifted.erase(lifted.begin(), lifted.begin() + MOTE_MAX_OP_INPUTS);
    lifted.insert(lifted.begin(), part);
  }
  L.emit(MOTE_OP_CONCAT, p, lifted, {out});
}

void lower_loop(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const auto* body_attr = find_attr(n, "body");
  if (!body_attr) L.error("Loop without a body");
  const onnx::GraphProto& body = body_attr->g();
  if (in_at(in, 0) < 0) L.error("Loop without a trip count: a static plan needs the most iterations it may run");
  const std::vector<int64_t> trips = L.const_ints(in[0], "Loop trip count");
  if (trips.size() != 1) L.error("Loop trip count must be a scalar");
  const int64_t max_trips = trips[0] < 0 ? 0 : trips[0];
  if (max_trips > kMaxIterations) L.error("Loop of " + std::to_string(max_trips) + " iterations: at most " + std::to_string(kMaxIterations) + " are unrolled");
  const int carried = int(in.size()) - 2 < 0 ? 0 : int(in.size()) - 2;
  if (body.input_size() != 2 + carried || body.output_size() < 1 + carried) L.error("Loop body does not match its carried values");
  const int scans = body.output_size() - 1 - carried;
  std::vector<int> cur(in.begin() + 2, in.end());
  int running = in_at(in, 1);  // -1: true
  if (scans > 0 && !known_true(L, running) && !known_false(L, running)) {
    L.const_ints(running, "Loop condition with scan outputs");  // names the input to fix, or refuses
  }
  std::vector<std::vector<int>> scan_parts(static_cast<size_t>(scans));
  const int32_t iter_dtype = body.input(0).type().tensor_type().elem_type() == onnx::TensorProto::INT32 ? MOTE_I32 : MOTE_I64;
  for (int64_t i = 0; i < max_trips && !known_false(L, running); ++i) {
    L.bind(body.input(0).name(), scalar_constant(L, iter_dtype, i));
    L.bind(body.input(1).name(), running < 0 ? scalar_constant(L, MOTE_BOOL, 1) : running);
    for (int k = 0; k < carried; ++k) L.bind(body.input(2 + k).name(), cur[size_t(k)]);
    L.lower_graph(body);
    const int cond_out = L.lookup(body.output(0).name());
    for (int k = 0; k < carried; ++k) {
      const int next = L.lookup(body.output(1 + k).name());
      cur[size_t(k)] = known_true(L, running)
                           ? next
                           : L.emit(MOTE_OP_WHERE, std::vector<uint8_t>{}, {running, next, cur[size_t(k)]}, {L.fresh_name(n.output(k))})[0];
    }
    for (int k = 0; k < scans; ++k) scan_parts[size_t(k)].push_back(L.lookup(body.output(1 + carried + k).name()));
    if (known_true(L, running)) {
      running = cond_out;
    } else {
      running = L.emit(MOTE_OP_AND, mote_binary_params{no_act(), 0}, {running, cond_out}, {L.fresh_name("loop_running")})[0];
    }
    if (scans > 0 && !known_true(L, running) && !known_false(L, running)) {
      L.error("Loop whose condition the body computes at run time cannot have scan outputs: their length would not be static");
    }
  }
  for (int k = 0; k < carried && k < n.output_size(); ++k) {
    if (!n.output(k).empty()) emit_reshape(L, cur[size_t(k)], L.t(cur[size_t(k)]).shape, n.output(k));
  }
  for (int k = 0; k < scans && carried + k < n.output_size(); ++k) {
    if (!n.output(carried + k).empty()) stack(L, scan_parts[size_t(k)], 0, false, n.output(carried + k));
  }
}

void lower_scan(Lowerer& L, const Node& n) {
  if (L.opset() < 9) L.error("Scan before opset 9 (with sequence_lens) is not supported");
  auto in = inputs_of(L, n);
  const auto* body_attr = find_attr(n, "body");
  if (!body_attr) L.error("Scan without a body");
  const onnx::GraphProto& body = body_attr->g();
  const int64_t num_scan_in = attr_int(n, "num_scan_inputs", 0);
  if (num_scan_in < 1 || num_scan_in > int64_t(in.size())) {
    L.error("Scan num_scan_inputs " + std::to_string(num_scan_in) + " for " + std::to_string(in.size()) + " inputs");
  }
  const int states = int(in.size()) - int(num_scan_in);
  if (states < 0 || body.input_size() != int(in.size()) || body.output_size() < states) {
    L.error("Scan body does not match its inputs");
  }
  const int scan_out = body.output_size() - states;
  const std::vector<int64_t> in_axes = attr_ints(n, "scan_input_axes"), in_dirs = attr_ints(n, "scan_input_directions");
  const std::vector<int64_t> out_axes = attr_ints(n, "scan_output_axes"), out_dirs = attr_ints(n, "scan_output_directions");
  int64_t iterations = -1;
  std::vector<int64_t> axes(static_cast<size_t>(num_scan_in));
  for (int64_t k = 0; k < num_scan_in; ++k) {
    const Tensor& x = L.t(in[size_t(states + k)]);
    const int64_t axis = norm_axis(L, size_t(k) < in_axes.size() ? in_axes[size_t(k)] : 0, int64_t(x.shape.size()));
    axes[size_t(k)] = axis;
    if (iterations >= 0 && x.shape[size_t(axis)] != iterations) L.error("Scan inputs differ in length along their scan axes");
    iterations = x.shape[size_t(axis)];
  }
  if (iterations > kMaxIterations) L.error("Scan of " + std::to_string(iterations) + " iterations: at most " + std::to_string(kMaxIterations) + " are unrolled");
  std::vector<int> cur(in.begin(), in.begin() + states);
  std::vector<std::vector<int>> parts(static_cast<size_t>(scan_out));
  for (int64_t i = 0; i < iterations; ++i) {
    for (int k = 0; k < states; ++k) L.bind(body.input(k).name(), cur[size_t(k)]);
    for (int64_t k = 0; k < num_scan_in; ++k) {
      const bool reverse = size_t(k) < in_dirs.size() && in_dirs[size_t(k)] != 0;
      const int index = scalar_constant(L, MOTE_I64, reverse ? iterations - 1 - i : i);
      const int slice = L.emit(MOTE_OP_GATHER, mote_gather_params{int32_t(axes[size_t(k)])}, {in[size_t(states + k)], index},
                               {L.fresh_name(body.input(states + int(k)).name())})[0];
      L.bind(body.input(states + int(k)).name(), slice);
    }
    L.lower_graph(body);
    for (int k = 0; k < states; ++k) cur[size_t(k)] = L.lookup(body.output(k).name());
    for (int k = 0; k < scan_out; ++k) parts[size_t(k)].push_back(L.lookup(body.output(states + k).name()));
  }
  for (int k = 0; k < states && k < n.output_size(); ++k) {
    if (!n.output(k).empty()) emit_reshape(L, cur[size_t(k)], L.t(cur[size_t(k)]).shape, n.output(k));
  }
  for (int k = 0; k < scan_out && states + k < n.output_size(); ++k) {
    if (n.output(states + k).empty()) continue;
    const bool reverse = size_t(k) < out_dirs.size() && out_dirs[size_t(k)] != 0;
    stack(L, parts[size_t(k)], size_t(k) < out_axes.size() ? out_axes[size_t(k)] : 0, reverse, n.output(states + k));
  }
}

}  // namespace

void add_control_ops(LowerTable& t) {
  t["Loop"] = lower_loop;
  t["Scan"] = lower_scan;
}

}  // namespace lowering
}  // namespace mote
