// mote convert --arena min: the smallest arena, and within it the fastest kernels that fit.
//
// The arena is the one planned with every op's scratch at the reference kernel's need. Then, in
// op order, each op whose optimised kernels need more is planned with their need instead, and
// keeps it when the arena does not grow (the scratch fits in bytes no tensor uses at its step).
// The blob records only each op's scratch: the runtime runs the optimised kernel where its need
// fits it (Session::run_ops), so the plan alone decides which kernel runs.
#include <vector>

#include "graph.h"

namespace mote {

Plan plan_arena_min(const Graph& g, uint32_t kernel_sets) {
  const uint32_t sets = kernel_sets | MOTE_SET_LEAN;
  Plan best = plan_arena(g, sets);
  const Plan fast = plan_arena(g, sets & ~MOTE_SET_LEAN);
  std::vector<bool> fast_ops(g.ops.size(), false);
  for (size_t s = 0; s < g.ops.size(); ++s) {
    if (fast.scratch_bytes[s] <= best.scratch_bytes[s]) continue;  // no more than the reference's
    fast_ops[s] = true;
    Plan trial = plan_arena(g, sets, &fast_ops);
    if (trial.arena_bytes <= best.arena_bytes) {
      best = std::move(trial);
    } else {
      fast_ops[s] = false;
    }
  }
  return best;
}

}  // namespace mote
