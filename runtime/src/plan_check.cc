// The arena plan, proved at load: no two arena tensors that are live at the same step share a
// byte, unless one is an alias the format allows; no op's scratch overlaps a live tensor.
//
// The blob records each arena tensor's lifetime [first_step, last_step]: the op that writes it
// (graph inputs: 0) to the last op that reads it (graph outputs: the last op). The verifier
// does not trust these numbers, it checks them against the ops: every op output is written at
// its first step, by one op only; every arena input is read within its lifetime, after it was
// written; graph outputs live to the end. An understated lifetime is therefore refused, and an
// overstated one only makes the overlap test stricter.
//
// Allowed sharing comes from aliases: output 0 of an op that may alias (op_may_alias) starting
// at the same offset as one of its arena inputs of the same size. A Reshape or Copy alias is a
// view (the bytes keep their value), any other alias modifies the bytes in place. The output of
// a Concat whose axis has only 1s before it (each input one contiguous block of the output) is
// also a view of every arena input planned exactly at its block: the producers wrote those
// bytes in place and the Concat copies only the other inputs. Such an output has one parent per
// block, so parents are asked for the byte range in question: the range the two tensors being
// checked share, which lies inside one block or none. Per byte range aliases form a forest (at
// most one parent, written at an earlier step). Two overlapping live tensors are accepted only
// when they are related in that forest and no in-place write on the path to one of them happens
// while the other is still live: that is, each tensor is dead by the first modifying step on the
// path from their common ancestor to the other.
//
// Cost: one pass over the operands, then every pair of arena tensors (two compares each; the
// alias walk runs only for pairs that do overlap), and every op's scratch against the live
// tensors. No memory beyond a small stack frame.
#include <string.h>

#include "mote/model_records.hpp"
#include "mote/op_config.h"

namespace mote {
namespace {

constexpr uint32_t kMaxAliasDepth = 32;  // deeper chains are refused: no planner makes them

// Arena ranges only: verify_tensors and verify_ops hold them inside the arena, so no end wraps.
bool bytes_overlap(const mote_tensor_record& a, const mote_tensor_record& b) {
  return a.bytes && b.bytes && a.offset < b.offset + b.bytes && b.offset < a.offset + a.bytes;
}

bool steps_overlap(const mote_tensor_record& a, const mote_tensor_record& b) {
  return a.first_step <= b.last_step && b.first_step <= a.last_step;
}

// The alias column of the op records (mote/ops.h): output 0 is input 0's bytes unchanged
// (Reshape, Copy) rather than written in place. The terms of other ops fold away.
constexpr bool views(mote_op_alias alias) { return alias == MOTE_ALIAS_VIEW || alias == MOTE_ALIAS_VIEW_ALLOWED; }
bool is_view(int32_t code) {
#define MOTE_X_VIEW(e, name, family, alias, ...) || (views(MOTE_ALIAS_##alias) && code == MOTE_OP_##e)
  return false MOTE_OP_RECORDS(MOTE_X_VIEW);
#undef MOTE_X_VIEW
}

constexpr bool aliases(bool family_on, mote_op_alias alias) { return family_on && alias != MOTE_ALIAS_NONE; }

}  // namespace

// The alias column of the op records (mote/ops.h): anything but NONE may share bytes with an
// input. A family left out of this build (MOTE_OP_CONFIG) aliases nothing. The terms of the
// other ops fold away, and the rest compile to a few range checks.
bool op_may_alias(int32_t code) {
#define MOTE_X_ALIAS(e, name, family, alias, ...) \
  || (aliases(MOTE_FAMILY_ON(family), MOTE_ALIAS_##alias) && code == MOTE_OP_##e)
  return false MOTE_OP_RECORDS(MOTE_X_ALIAS);
#undef MOTE_X_ALIAS
}

bool Model::is_graph_input(uint32_t t) const {
  for (uint32_t k = 0; k < num_inputs_; ++k) {
    if (io_[k] == t) return true;
  }
  return false;
}

bool Model::written_by(uint32_t t, uint32_t step) const {
  if (step >= num_ops_) return false;
  const mote_op_record& op = ops_[step];
  for (uint32_t k = 0; k < op.num_outputs; ++k) {
    if (operands_[op.operands + op.num_inputs + k] == t) return true;
  }
  return false;
}

// Whether tensor t holds a value: a graph input, or written by the op at its first step.
// Tensors no op writes and no one feeds (left in the table, unused) hold nothing.
bool Model::holds_value(uint32_t t) const { return is_graph_input(t) || written_by(t, tensors_[t].first_step); }

// The first arena tensor from index `from` on that holds a value and shares both bytes and steps
// with `x` (a tensor or an op's scratch), or MOTE_NONE.
uint32_t Model::live_overlap(const mote_tensor_record& x, uint32_t from) const {
  for (uint32_t t = from; t < num_tensors_; ++t) {
    const mote_tensor_record& r = tensors_[t];
    if (r.storage == MOTE_STORAGE_ARENA && steps_overlap(x, r) && bytes_overlap(x, r) && holds_value(t)) return t;
  }
  return MOTE_NONE;
}

// The tensor `t` aliases in the arena bytes [lo, hi) (its op's arena input at the same offset
// and size, or the Concat input planned at its block holding [lo, hi)), or MOTE_NONE. *modifies
// says whether the op changes the bytes (in place) or only views them.
uint32_t Model::alias_parent(uint32_t t, bool* modifies, uint32_t lo, uint32_t hi) const {
  const mote_tensor_record& r = tensors_[t];
  if (is_graph_input(t) || !written_by(t, r.first_step)) return MOTE_NONE;
  const mote_op_record& op = ops_[r.first_step];
  if (operands_[op.operands + op.num_inputs] != t) return MOTE_NONE;
  if (MOTE_FAMILY_ON(concat) && op.code == MOTE_OP_CONCAT) {
    // Checked by infer at load: the params hold the axis, the inputs' blocks fill the output.
    // (A build without the Concat family refuses the op at load: no such alias to follow.)
    int32_t axis = 0;
    memcpy(&axis, params_ + op.params, sizeof axis);
    if (axis < 0) axis += r.rank;
    for (int32_t d = 0; d < axis && d < r.rank; ++d) {
      if (r.dims[d] != 1) return MOTE_NONE;
    }
    uint64_t at = r.offset;
    for (uint32_t k = 0; k < op.num_inputs; ++k) {
      const uint32_t x = operands_[op.operands + k];
      if (x == MOTE_NONE) return MOTE_NONE;
      const mote_tensor_record& rx = tensors_[x];
      if (x != t && rx.storage == MOTE_STORAGE_ARENA && rx.offset == at && at <= lo && hi <= at + rx.bytes) {
        *modifies = false;
        return x;
      }
      at += rx.bytes;
    }
    return MOTE_NONE;
  }
  if (!op_may_alias(op.code)) return MOTE_NONE;
  for (uint32_t k = 0; k < op.num_inputs; ++k) {
    const uint32_t x = operands_[op.operands + k];
    if (x == MOTE_NONE || x == t || tensors_[x].storage != MOTE_STORAGE_ARENA) continue;
    if (tensors_[x].offset == r.offset && tensors_[x].bytes == r.bytes) {
      *modifies = !is_view(op.code);
      return x;
    }
  }
  return MOTE_NONE;
}

// True when tensors a and b may share bytes while both are live (see the comment at the top).
bool Model::may_share(uint32_t a, uint32_t b) const {
  // The bytes both hold: every parent on either path must cover them.
  const mote_tensor_record& ra = tensors_[a];
  const mote_tensor_record& rb = tensors_[b];
  const uint32_t lo = ra.offset > rb.offset ? ra.offset : rb.offset;
  const uint32_t ea = ra.offset + ra.bytes, eb = rb.offset + rb.bytes;  // arena ranges: no wrap
  const uint32_t hi = ea < eb ? ea : eb;
  // a's ancestors, with the first step of a modifying link below each (toward a).
  uint32_t chain[kMaxAliasDepth];
  uint32_t mod_below[kMaxAliasDepth];
  uint32_t depth = 0;
  uint32_t mod = MOTE_NONE;  // earliest modifying step on the path walked so far
  for (uint32_t t = a; t != MOTE_NONE;) {
    if (depth == kMaxAliasDepth) return false;
    chain[depth] = t;
    mod_below[depth] = mod;
    ++depth;
    bool modifies = false;
    const uint32_t parent = alias_parent(t, &modifies, lo, hi);
    if (parent != MOTE_NONE && modifies) mod = tensors_[t].first_step;  // steps decrease going up
    t = parent;
  }
  mod = MOTE_NONE;
  uint32_t steps = 0;
  for (uint32_t t = b; t != MOTE_NONE && steps < kMaxAliasDepth; ++steps) {
    for (uint32_t k = 0; k < depth; ++k) {
      if (chain[k] != t) continue;
      // t is the common ancestor: each side must be dead by the other side's first change.
      return tensors_[a].last_step <= mod && tensors_[b].last_step <= mod_below[k];
    }
    bool modifies = false;
    const uint32_t parent = alias_parent(t, &modifies, lo, hi);
    if (parent != MOTE_NONE && modifies) mod = tensors_[t].first_step;
    t = parent;
  }
  return false;
}

Status Model::verify_plan() {
  Diag diag(error_, kErrorTextBytes);
  const uint32_t end = num_ops_ ? num_ops_ - 1 : 0;
  for (uint32_t t = 0; t < num_tensors_; ++t) {
    const mote_tensor_record& r = tensors_[t];
    if (r.storage != MOTE_STORAGE_ARENA) continue;
    if (r.first_step > r.last_step || r.last_step > end) {
      return tensor_error(&diag, *this, t, MOTE_T(": lifetime [%u,%u] outside the %u ops"), r.first_step, r.last_step,
                          num_ops_);
    }
  }
  for (uint32_t k = 0; k < num_inputs_ + num_outputs_; ++k) {
    const uint32_t t = io_[k];
    const mote_tensor_record& r = tensors_[t];
    const bool input = k < num_inputs_;
    if (input ? r.first_step != 0 : (r.last_step != end || !holds_value(t))) {
      return fail(&diag, Status::kMalformed, MOTE_T("graph %s '%s': lifetime [%u,%u] does not span the %s"),
                  input ? "input" : "output", string(r.name), r.first_step, r.last_step, input ? "start" : "end");
    }
  }
  // Each op's arena operands are read and written within their lifetimes: verify_ops checked it.
  for (uint32_t a = 0; a < num_tensors_; ++a) {
    const mote_tensor_record& ra = tensors_[a];
    if (ra.storage != MOTE_STORAGE_ARENA || !holds_value(a)) continue;
    for (uint32_t b = live_overlap(ra, a + 1); b != MOTE_NONE; b = live_overlap(ra, b + 1)) {
      if (may_share(a, b) || may_share(b, a)) continue;
      return fail(&diag, Status::kMalformed,
                  MOTE_T("arena plan: tensors '%s' (%u) and '%s' (%u) share bytes while both are live"), string(ra.name), a,
                  string(tensors_[b].name), b);
    }
  }
  for (uint32_t n = 0; n < num_ops_; ++n) {
    const mote_op_record& op = ops_[n];
    mote_tensor_record scratch{};  // live at its op's step only
    scratch.offset = op.scratch_offset;
    scratch.bytes = op.scratch_bytes;
    scratch.first_step = scratch.last_step = n;
    const uint32_t t = live_overlap(scratch, 0);
    if (t != MOTE_NONE) {
      return fail(&diag, Status::kMalformed, MOTE_T("arena plan: scratch of op %u '%s' overlaps live tensor '%s' (%u)"), n,
                  string(op.name), string(tensors_[t].name), t);
    }
  }
  return Status::kOk;
}

}  // namespace mote
