// The arena planner.
//
// Every arena tensor lives from the op that writes it (graph inputs: step 0) to the last op that
// reads it (graph outputs: the last step). Tensors are grouped into buffers first:
//   - a view's output (alias VIEW in the op's record, mote/ops.h: Reshape) aliases its input
//     (same bytes, new shape), so they share one buffer;
//   - a carried state (--carry) is written by the run's last ops into its input's buffer, which
//     lives to the end of the run;
//   - an op whose record says IN_PLACE (element-wise ones) writes over a same-shaped input that
//     dies at that op (never over a graph input, which the caller may want to keep);
//   - a Concat whose axis has only 1s before it (each input is one contiguous block of the
//     output) gets one buffer for its output, live from its first input's producer on, and the
//     inputs its producers can write in place are planned at their blocks, so the Concat copies
//     nothing for them: a tensor sits in its buffer at a byte offset (sub-offset), 0 for all
//     others. The verifier accepts these blocks as views (runtime/src/plan_check.cc).
// Each op's scratch is one more buffer, live at that op only, sized by the kernel's own infer
// function. Buffers are then placed greedily, best fit: each goes into the smallest gap between
// already placed buffers whose lifetimes overlap its own, or above them all. The greedy pass
// runs under a few orderings (largest first, longest-lived first, largest bytes x lifetime
// first, earliest first) and keeps the smallest arena, since no one order wins on every graph.
// The lower bound is the largest total of live buffer bytes at any step; no
// placement can beat it, and the report shows how close this one came.
#include <algorithm>
#include <functional>
#include <map>

#include "graph.h"
#include "mote/op_traits.h"

namespace mote {
namespace {

uint32_t align_up(uint64_t v) {
  uint64_t r = (v + MOTE_ARENA_ALIGN - 1) / MOTE_ARENA_ALIGN * MOTE_ARENA_ALIGN;
  if (r > 0x7FFFFFFFu) throw ConvertError("arena plan exceeds 2 GiB");
  return uint32_t(r);
}

struct Buffer {
  uint32_t bytes = 0, first = 0, last = 0, offset = 0;
  bool has_input = false;
  std::string name;
  bool scratch = false;
};

}  // namespace

Plan plan_arena(const Graph& g, uint32_t kernel_sets, const std::vector<bool>* fast_ops) {
  const size_t nt = g.tensors.size();
  const uint32_t steps = uint32_t(g.ops.size());
  const uint32_t last_step = steps ? steps - 1 : 0;
  std::vector<int> buffer_of(nt, -1);
  std::vector<uint32_t> sub_offset(nt, 0);  // bytes into the buffer
  // Links from a tensor up to the tensor whose bytes it views or overwrites: the verifier follows
  // at most 32 of them (runtime/src/plan_check.cc), so a chain of in-place ops and views (an
  // unrolled Scan's state) starts a new buffer once it is kMaxAliasLinks long.
  constexpr uint32_t kMaxAliasLinks = 24;
  std::vector<uint32_t> alias_links(nt, 0);
  std::vector<Buffer> buffers;
  Plan plan;
  plan.offset.assign(nt, 0);
  plan.first.assign(nt, 0);
  plan.last.assign(nt, 0);
  plan.scratch_offset.assign(g.ops.size(), 0);
  plan.scratch_bytes.assign(g.ops.size(), 0);

  // Tensor lifetimes.
  std::vector<int64_t> first(nt, -1), last(nt, -1);
  for (int id : g.inputs) first[size_t(id)] = last[size_t(id)] = 0;
  for (uint32_t s = 0; s < steps; ++s) {
    for (int id : g.ops[s].inputs) {
      if (id >= 0 && !g.tensors[size_t(id)].is_const) last[size_t(id)] = s;
    }
    for (int id : g.ops[s].outputs) {
      first[size_t(id)] = s;
      last[size_t(id)] = std::max<int64_t>(last[size_t(id)], s);
    }
  }
  for (int id : g.outputs) last[size_t(id)] = last_step;

  auto new_buffer = [&](int id) {
    Buffer b;
    b.bytes = align_up(g.tensors[size_t(id)].bytes());
    b.first = uint32_t(first[size_t(id)]);
    b.last = uint32_t(last[size_t(id)]);
    b.has_input = g.tensors[size_t(id)].graph_input;
    b.name = g.tensors[size_t(id)].name;
    buffers.push_back(b);
    buffer_of[size_t(id)] = int(buffers.size()) - 1;
  };
  // `id` takes the bytes of `like` (same buffer, same sub-offset).
  auto join = [&](int id, int like) {
    const int buf = buffer_of[size_t(like)];
    Buffer& b = buffers[size_t(buf)];
    b.bytes = std::max(b.bytes, align_up(uint64_t(sub_offset[size_t(like)]) + g.tensors[size_t(id)].bytes()));
    b.last = std::max(b.last, uint32_t(last[size_t(id)]));
    buffer_of[size_t(id)] = buf;
    sub_offset[size_t(id)] = sub_offset[size_t(like)];
  };

  for (int id : g.inputs) new_buffer(id);
  // A carried state's input keeps its bytes to the end of the run, where the last ops write the
  // next run's state into them (--carry).
  std::map<int, int> carried_into;
  for (const auto& c : g.carries) {
    carried_into[c.second] = c.first;
    buffers[size_t(buffer_of[size_t(c.first)])].last = last_step;
  }
  // Concats in place: the output's buffer first, its in-place inputs at their blocks.
  std::vector<int> producer(nt, -1);
  for (uint32_t s = 0; s < steps; ++s) {
    for (int id : g.ops[s].outputs) producer[size_t(id)] = int(s);
  }
  for (uint32_t s = 0; s < steps; ++s) {
    const Op& op = g.ops[s];
    if (op.code != MOTE_OP_CONCAT || op.outputs.size() != 1 || op.params.size() < sizeof(mote_concat_params)) continue;
    const int out = op.outputs[0];
    const Tensor& ot = g.tensors[size_t(out)];
    if (carried_into.count(out) || buffer_of[size_t(out)] >= 0) continue;
    int32_t axis = op.p<mote_concat_params>().axis;
    if (axis < 0) axis += int32_t(ot.shape.size());
    bool contiguous = axis >= 0 && size_t(axis) < ot.shape.size();
    for (int32_t d = 0; contiguous && d < axis; ++d) contiguous = ot.shape[size_t(d)] == 1;
    if (!contiguous) continue;
    std::vector<std::pair<int, uint32_t>> inside;  // input, its block's byte offset
    uint64_t at = 0;
    for (size_t k = 0; k < op.inputs.size(); ++k) {
      const int x = op.inputs[k];
      if (x < 0) break;
      const Tensor& xt = g.tensors[size_t(x)];
      const int from = producer[size_t(x)];
      const bool once = std::count(op.inputs.begin(), op.inputs.end(), x) == 1;
      if (!xt.is_const && !xt.graph_input && once && from >= 0 && buffer_of[size_t(x)] < 0 && !carried_into.count(x) &&
          !op_planned_view(g.ops[size_t(from)].code) && at % MOTE_ARENA_ALIGN == 0) {
        inside.push_back({x, uint32_t(at)});
      }
      at += xt.bytes();
    }
    if (inside.empty()) continue;
    new_buffer(out);
    alias_links[size_t(out)] = 1;  // the output views its inputs' blocks
    Buffer& b = buffers.back();
    for (const auto& [x, where] : inside) {
      buffer_of[size_t(x)] = buffer_of[size_t(out)];
      sub_offset[size_t(x)] = where;
      b.first = std::min(b.first, uint32_t(first[size_t(x)]));
      b.last = std::max(b.last, uint32_t(last[size_t(x)]));
    }
  }
  for (uint32_t s = 0; s < steps; ++s) {
    const Op& op = g.ops[s];
    for (size_t k = 0; k < op.outputs.size(); ++k) {
      const int out = op.outputs[k];
      if (buffer_of[size_t(out)] >= 0) continue;  // a block of a Concat in place
      const Tensor& ot = g.tensors[size_t(out)];
      int like = -1;
      if (carried_into.count(out)) {
        like = carried_into[out];
      } else if (k == 0 && op_planned_view(op.code)) {
        const int in = op.inputs[0];
        if (!g.tensors[size_t(in)].is_const && buffer_of[size_t(in)] >= 0 && alias_links[size_t(in)] < kMaxAliasLinks) {
          like = in;
          alias_links[size_t(out)] = alias_links[size_t(in)] + 1;
        }
      } else if (k == 0 && op_planned_in_place(op.code)) {
        for (int cand : op.inputs) {
          if (cand < 0 || g.tensors[size_t(cand)].is_const || buffer_of[size_t(cand)] < 0) continue;
          if (alias_links[size_t(cand)] >= kMaxAliasLinks) continue;
          const Tensor& ct = g.tensors[size_t(cand)];
          const Buffer& b = buffers[size_t(buffer_of[size_t(cand)])];
          if (!b.has_input && b.last == s && ct.shape == ot.shape && ct.dtype == ot.dtype) {
            like = cand;
            alias_links[size_t(out)] = alias_links[size_t(cand)] + 1;
            break;
          }
        }
      }
      if (like >= 0) {
        join(out, like);
      } else {
        new_buffer(out);
      }
    }
  }
  // Tensors nobody reads or writes (constants aside) still get a place: e.g. an unused input.
  for (size_t id = 0; id < nt; ++id) {
    if (buffer_of[id] < 0 && !g.tensors[id].is_const && first[id] >= 0) new_buffer(int(id));
  }
  for (uint32_t s = 0; s < steps; ++s) {
    const Op& op = g.ops[s];
    std::vector<TensorView> in;
    for (int id : op.inputs) in.push_back(id < 0 ? TensorView{nullptr, MOTE_DTYPE_UNDEFINED, 0, {0}} : view_of(g.tensors[size_t(id)], false));
    std::vector<TensorView> inferred(op.outputs.size());
    char text[192];
    Diag diag(text, sizeof text);
    OpArgs args{op.code, op.params.data(), uint32_t(op.params.size()), in.data(), int32_t(in.size()),
                nullptr, int32_t(op.outputs.size()), nullptr, 0, &diag};
    uint32_t scratch = 0;
    if (op_infer(args, inferred.data(), &scratch) != Status::kOk) {
      throw ConvertError("planning op '" + op.name + "' (" + op_name(op.code) + "): " + diag.text());
    }
    args.out = inferred.data();
    // --arena min (MOTE_SET_LEAN): the reference kernel's need alone, but for the ops in
    // `fast_ops`; an optimised kernel that needs more than its op's scratch gives way to the
    // reference kernel at run time (Session::run_ops).
    const bool lean = (kernel_sets & MOTE_SET_LEAN) && !(fast_ops && (*fast_ops)[s]);
    for (uint32_t set = 1; set <= MOTE_SET_ALL && !lean; set <<= 1) {
      if (kernel_sets & set) scratch = std::max(scratch, kernel_scratch_bytes(set, args));
    }
    if (scratch) {
      Buffer b;
      b.bytes = align_up(scratch);
      b.first = b.last = s;
      b.scratch = true;
      b.name = op.name + " scratch";
      buffers.push_back(b);
      plan.scratch_bytes[s] = scratch;
      plan.scratch_offset[s] = uint32_t(buffers.size() - 1);  // buffer index until placed
    }
  }

  // Lower bound: the most bytes live at any one step.
  uint64_t bound = 0;
  for (uint32_t s = 0; s <= last_step; ++s) {
    uint64_t live = 0;
    for (const Buffer& b : buffers) {
      if (b.first <= s && s <= b.last) live += b.bytes;
    }
    bound = std::max(bound, live);
  }

  // Greedy placement under each ordering, best fit (smallest gap) and then lowest offset (first
  // gap); the smallest arena wins.
  auto place = [&](const std::vector<size_t>& order, bool lowest, std::vector<uint32_t>* offsets) {
    std::vector<size_t> placed;
    uint64_t top = 0;
    for (size_t idx : order) {
      const Buffer& b = buffers[idx];
      std::vector<std::pair<uint32_t, uint32_t>> busy;  // [offset, end) of overlapping buffers
      for (size_t p : placed) {
        const Buffer& o = buffers[p];
        if (o.first <= b.last && b.first <= o.last) busy.push_back({(*offsets)[p], (*offsets)[p] + o.bytes});
      }
      std::sort(busy.begin(), busy.end());
      uint64_t best = UINT64_MAX, best_gap = UINT64_MAX, cursor = 0;
      for (const auto& r : busy) {
        if (r.first > cursor) {
          const uint64_t gap = r.first - cursor;
          if (gap >= b.bytes && gap < best_gap && !(lowest && best != UINT64_MAX)) {
            best_gap = gap;
            best = cursor;
          }
        }
        cursor = std::max<uint64_t>(cursor, r.second);
      }
      if (best == UINT64_MAX) best = cursor;
      if (best + b.bytes > 0x7FFFFFFFu) throw ConvertError("arena plan exceeds 2 GiB");
      (*offsets)[idx] = uint32_t(best);
      top = std::max<uint64_t>(top, best + b.bytes);
      placed.push_back(idx);
    }
    return top;
  };
  auto span = [&](const Buffer& b) { return uint64_t(b.last - b.first + 1); };
  const std::vector<std::function<bool(const Buffer&, const Buffer&)>> orders = {
      [](const Buffer& x, const Buffer& y) { return x.bytes != y.bytes ? x.bytes > y.bytes : x.first < y.first; },
      [&](const Buffer& x, const Buffer& y) { return span(x) != span(y) ? span(x) > span(y) : x.bytes > y.bytes; },
      [&](const Buffer& x, const Buffer& y) {
        return x.bytes * span(x) != y.bytes * span(y) ? x.bytes * span(x) > y.bytes * span(y) : x.first < y.first;
      },
      [](const Buffer& x, const Buffer& y) { return x.first != y.first ? x.first < y.first : x.bytes > y.bytes; },
  };
  uint64_t arena = UINT64_MAX;
  std::vector<uint32_t> best_offsets(buffers.size(), 0);
  for (int lowest = 0; lowest < 2 && arena > bound; ++lowest) {
    for (const auto& less : orders) {
      std::vector<size_t> order(buffers.size());
      for (size_t k = 0; k < order.size(); ++k) order[k] = k;
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return less(buffers[a], buffers[b]); });
      std::vector<uint32_t> offsets(buffers.size(), 0);
      const uint64_t top = place(order, lowest != 0, &offsets);
      if (top < arena) {
        arena = top;
        best_offsets = offsets;
      }
      if (arena <= bound) break;  // cannot do better than the lower bound
    }
  }
  // Still above the bound: a bounded, seeded search over perturbed orders (deterministic, so the
  // same model always gets the same plan).
  std::vector<size_t> base(buffers.size());
  for (size_t k = 0; k < base.size(); ++k) base[k] = k;
  std::stable_sort(base.begin(), base.end(), [&](size_t a, size_t b) { return orders[3](buffers[a], buffers[b]); });
  uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&]() {
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;
    return state;
  };
  for (int trial = 0; trial < 256 && arena > bound && buffers.size() > 1; ++trial) {
    std::vector<size_t> order = base;
    // Swap a few neighbours in the earliest-first order: keeps the chain structure mostly intact.
    const size_t swaps = 1 + next() % (1 + order.size() / 4);
    for (size_t k = 0; k < swaps; ++k) {
      const size_t i = next() % (order.size() - 1);
      std::swap(order[i], order[i + 1]);
    }
    std::vector<uint32_t> offsets(buffers.size(), 0);
    const uint64_t top = place(order, (trial & 1) != 0, &offsets);
    if (top < arena) {
      arena = top;
      best_offsets = offsets;
      base = order;  // climb from the improvement
    }
  }
  if (buffers.empty()) arena = 0;
  for (size_t k = 0; k < buffers.size(); ++k) buffers[k].offset = best_offsets[k];

  plan.arena_bytes = align_up(arena);
  plan.lower_bound = uint32_t(bound);
  for (size_t id = 0; id < nt; ++id) {
    if (buffer_of[id] < 0) continue;
    const Buffer& b = buffers[size_t(buffer_of[id])];
    plan.offset[id] = b.offset + sub_offset[id];
    plan.first[id] = uint32_t(std::max<int64_t>(first[id], 0));
    plan.last[id] = uint32_t(std::max<int64_t>(last[id], first[id]));
  }
  for (uint32_t s = 0; s < steps; ++s) {
    if (plan.scratch_bytes[s]) plan.scratch_offset[s] = buffers[plan.scratch_offset[s]].offset;
  }
  for (const Buffer& b : buffers) plan.buffers.push_back(PlanTensor{b.name, b.offset, b.bytes, b.first, b.last, b.scratch});
  return plan;
}

}  // namespace mote
