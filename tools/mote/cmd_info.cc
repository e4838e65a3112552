// mote info: a blob's inputs, outputs, ops with their MACs, arena plan and hash.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "cli.h"
#include "mote/text.hpp"
#include "mote/op_traits.h"
#include "mote/stack_budget.h"

namespace mote_cli {

uint64_t op_macs(const mote::Model& m, uint32_t k) {
  const mote_op_record& op = m.op(k);
  auto dims = [&](uint32_t operand) { return m.tensor(m.operand(op.operands + operand)); };
  auto numel = [](const mote_tensor_record& t) {
    uint64_t n = 1;
    for (int d = 0; d < t.rank; ++d) n *= uint64_t(t.dims[d]);
    return n;
  };
  switch (mote::op_traits(op.code).macs) {  // the op's record, mote/ops.h
    case mote::MOTE_MACS_CONV: {
      const auto& w = dims(1);
      uint64_t per = 1;
      for (int d = 1; d < w.rank; ++d) per *= uint64_t(w.dims[d]);
      return numel(dims(op.num_inputs)) * per;
    }
    case mote::MOTE_MACS_CONV_TRANSPOSE: {
      const auto& w = dims(1);
      uint64_t per = 1;
      for (int d = 1; d < w.rank; ++d) per *= uint64_t(w.dims[d]);
      return numel(dims(0)) * per;
    }
    case mote::MOTE_MACS_GEMM: {
      const auto& a = dims(0);
      const auto* p = static_cast<const mote_gemm_params*>(m.params(op));
      const uint64_t kdim = uint64_t(p->trans_a ? a.dims[0] : a.dims[1]);
      return numel(dims(op.num_inputs)) * kdim;
    }
    case mote::MOTE_MACS_MATMUL: {
      const auto& a = dims(0);
      return numel(dims(op.num_inputs)) * uint64_t(a.dims[a.rank - 1]);
    }
    case mote::MOTE_MACS_CONV_WINOGRAD: {  // W [16 or 36, M, C]: the 3x3 Conv's count, not the transformed one
      const auto& w = dims(1);
      return numel(dims(op.num_inputs)) * 9 * uint64_t(w.rank == 3 ? w.dims[2] : 0);
    }
    case mote::MOTE_MACS_EXPAND_DW: {  // X [N, C, H, W], W1 [E, C, 1, 1], W2 [E, 1, kH, kW], Y [N, E, OH, OW]
      const auto& x = dims(0);
      const auto& w2 = dims(3);
      const uint64_t pixels = x.rank == 4 ? uint64_t(x.dims[0]) * uint64_t(x.dims[2]) * uint64_t(x.dims[3]) : 0;
      return pixels * numel(dims(1)) + numel(dims(op.num_inputs)) * (w2.rank == 4 ? uint64_t(w2.dims[2]) * uint64_t(w2.dims[3]) : 0);
    }
    default: return 0;
  }
}

namespace {

const char* kInfoHelp =
    "usage: mote info OUT.mote [--json] [--svg PLAN.svg]\n"
    "\n"
    "Lists a blob's inputs and outputs, its ops with their MACs, the arena size and lower bound,\n"
    "and the blob hash: FNV-1a 64 of the whole file, so blobs converted on different machines can\n"
    "be compared (the converter's output does not depend on the host CPU).\n"
    "\n"
    "options:\n"
    "  --json        print the same as JSON\n"
    "  --svg FILE    draw the arena plan: op step across, arena offset down, one box per tensor\n"
    "  -h, --help    show this help\n";


// Graph input/output k was float64 in the source model (mote convert --narrow-double).
bool narrowed_io(const mote::Model& m, uint32_t k, bool input) {
  return (m.tensor(input ? m.input_tensor(k) : m.output_tensor(k)).flags & MOTE_TENSOR_FLAG_NARROWED) != 0;
}

// FNV-1a 64 of every byte of the blob (header and checksum included).
uint64_t blob_fnv1a64(const uint8_t* data, size_t size) {
  uint64_t h = 1469598103934665603ull;
  for (size_t k = 0; k < size; ++k) {
    h ^= data[k];
    h *= 1099511628211ull;
  }
  return h;
}

// The int8-weight ops (mote convert --quantize int8-weights): how many, their int8 weights and
// scales, and the bytes saved against the same weights in float32.
struct Int8Weights {
  uint32_t ops = 0;
  uint64_t int8_bytes = 0, scale_bytes = 0;
  int64_t saved() const { return int64_t(3 * int8_bytes) - int64_t(scale_bytes); }
};

Int8Weights int8_weights(const mote::Model& m) {
  Int8Weights w;
  std::vector<bool> counted(m.num_tensors(), false);
  for (uint32_t k = 0; k < m.num_ops(); ++k) {
    const mote_op_record& op = m.op(k);
    const bool recurrent = op.code == MOTE_OP_RNN_W8 || op.code == MOTE_OP_GRU_W8 || op.code == MOTE_OP_LSTM_W8;
    if (!(recurrent || op.code == MOTE_OP_CONV_W8 || op.code == MOTE_OP_CONV_TRANSPOSE_W8 || op.code == MOTE_OP_GEMM_W8 ||
          op.code == MOTE_OP_MATMUL_W8)) {
      continue;
    }
    ++w.ops;
    // The weights (W, and R of the recurrent ops) and their scales: the last input(s).
    const uint32_t weights[2] = {1, recurrent ? 2u : 1u};
    const uint32_t scales[2] = {uint32_t(op.num_inputs) - (recurrent ? 2u : 1u), uint32_t(op.num_inputs) - 1u};
    for (int j = 0; j < 2; ++j) {
      const uint32_t wid = m.operand(op.operands + weights[j]), sid = m.operand(op.operands + scales[j]);
      if (wid < counted.size() && !counted[wid] && m.tensor(wid).storage == MOTE_STORAGE_CONST) {
        counted[wid] = true;
        w.int8_bytes += m.tensor(wid).bytes;
      }
      if (sid < counted.size() && !counted[sid] && m.tensor(sid).storage == MOTE_STORAGE_CONST) {
        counted[sid] = true;
        w.scale_bytes += m.tensor(sid).bytes;
      }
    }
  }
  return w;
}

}  // namespace

int cmd_info(const std::vector<std::string>& raw) {
  if (wants_help(raw)) {
    std::fputs(kInfoHelp, stdout);
    return 0;
  }
  Args a(raw, {"--svg"}, {"--json"});
  if (a.positional.size() != 1) usage("expects exactly one blob");
  LoadedBlob b;
  b.load_file(a.positional[0]);
  const mote::Model& m = b.model;
  uint64_t total_macs = 0;
  for (uint32_t k = 0; k < m.num_ops(); ++k) total_macs += op_macs(m, k);
  const auto& meta = m.meta();
  const uint64_t hash = (uint64_t(meta.source_hash_hi) << 32) | meta.source_hash_lo;
  char blob_hash[17];
  std::snprintf(blob_hash, sizeof blob_hash, "%016llx", static_cast<unsigned long long>(blob_fnv1a64(b.data, b.size)));
  if (a.flag("--json")) {
    std::ostringstream o;
    o << "{\n  \"blob_bytes\": " << b.size << ",\n  \"blob_fnv1a64\": \"" << blob_hash << "\",\n  \"producer\": \"" << json_escape(m.string(meta.producer)) << "\",\n  \"source\": \""
      << json_escape(m.string(meta.source_name)) << "\",\n  \"opset\": " << meta.opset << ",\n  \"kernel_sets\": \"" << mote::kernel_set_names(meta.kernel_sets) << "\"" << ",\n  \"stack_bytes_cortex_m4\": " << MOTE_CORTEX_M4_STACK_BYTES << ",\n  \"arena_bytes\": " << m.arena_bytes()
      << ",\n  \"narrowed_float64\": " << meta.narrowed << ",\n  \"lower_bound\": " << m.lower_bound() << ",\n  \"weight_bytes\": " << m.plan().weight_bytes << ",\n  \"macs\": " << total_macs;
    const Int8Weights w8 = int8_weights(m);
    if (w8.ops) {
      o << ",\n  \"int8_weight_ops\": " << w8.ops << ",\n  \"int8_weight_bytes\": " << w8.int8_bytes
        << ",\n  \"int8_weight_scale_bytes\": " << w8.scale_bytes << ",\n  \"int8_weight_bytes_saved\": " << w8.saved();
    }
    auto io = [&](const char* key, uint32_t count, bool inputs) {
      o << ",\n  \"" << key << "\": [";
      for (uint32_t k = 0; k < count; ++k) {
        mote::TensorInfo info;
        (void)(inputs ? m.input_info(k, &info) : m.output_info(k, &info));
        o << (k ? ", " : "") << "{\"name\": \"" << json_escape(info.name) << "\", \"dtype\": \"" << mote::dtype_name(info.dtype)
          << "\", \"shape\": " << dims_text(info.dims, info.rank) << ", \"bytes\": " << info.bytes;
        if (info.scale > 0) o << ", \"scale\": " << info.scale << ", \"zero_point\": " << info.zero_point;
        if (info.state) o << ", \"state\": true";
        if (narrowed_io(m, k, inputs)) o << ", \"narrowed_from\": \"float64\"";
        o << "}";
      }
      o << "]";
    };
    io("inputs", m.num_inputs(), true);
    io("outputs", m.num_outputs(), false);
    o << ",\n  \"ops\": [";
    for (uint32_t k = 0; k < m.num_ops(); ++k) {
      const auto& op = m.op(k);
      const auto& out = m.tensor(m.operand(op.operands + op.num_inputs));
      o << (k ? "," : "") << "\n    {\"op\": \"" << mote::op_name(op.code) << "\", \"node\": \"" << json_escape(m.string(op.name))
        << "\", \"output\": " << dims_text(out.dims, out.rank) << ", \"dtype\": \"" << mote::dtype_name(out.dtype)
        << "\", \"macs\": " << op_macs(m, k) << ", \"scratch\": " << op.scratch_bytes << ", \"note\": \""
        << json_escape(m.string(op.note)) << "\"}";
    }
    o << "\n  ]";
    // The plan: every arena buffer (tensors, aliases sharing one, op scratch) with its bytes and
    // the ops it lives across, the bytes live at each op and the peak.
    const PlanPicture p = plan_picture(m);
    o << ",\n  \"buffers\": [";
    for (size_t i = 0; i < p.boxes.size(); ++i) {
      const PlanBox& b = p.boxes[i];
      o << (i ? "," : "") << "\n    {\"name\": \"" << json_escape(b.name) << "\", \"kind\": \"" << (b.scratch ? "scratch" : "tensor")
        << "\", \"offset\": " << b.offset << ", \"bytes\": " << b.bytes << ", \"first_op\": " << b.first
        << ", \"last_op\": " << b.last << "}";
    }
    o << "\n  ],\n  \"live_bytes\": [";
    for (size_t k = 0; k < p.live.size(); ++k) o << (k ? ", " : "") << p.live[k];
    o << "],\n  \"peak_op\": " << p.peak_step << ",\n  \"peak_bytes\": " << p.peak_bytes << ",\n  \"at_peak\": [";
    for (size_t i = 0; i < p.at_peak.size(); ++i) o << (i ? ", " : "") << p.at_peak[i];
    o << "]\n}\n";
    std::fputs(o.str().c_str(), stdout);
  } else {
    std::printf("%s: %zu bytes, produced by %s from %s (opset %u, source hash %016llx)\n", a.positional[0].c_str(), b.size,
                m.string(meta.producer), m.string(meta.source_name), meta.opset, static_cast<unsigned long long>(hash));
    std::printf("blob hash: %s (FNV-1a 64 of all %zu bytes)\n", blob_hash, b.size);
    uint64_t scratch = 0;
    for (uint32_t k = 0; k < m.num_ops(); ++k) scratch = std::max<uint64_t>(scratch, m.op(k).scratch_bytes);
    std::printf("planned for kernel sets: %s (largest op scratch %llu bytes, in the arena)\n",
                mote::kernel_set_names(meta.kernel_sets).c_str(), static_cast<unsigned long long>(scratch));
    std::printf("stack: Mote's calls need at most %d bytes on a Cortex-M4 beyond the caller's (kernel frames at most %d;"
                " working memory is in the arena)\n", MOTE_CORTEX_M4_STACK_BYTES, MOTE_KERNEL_FRAME_LIMIT_BYTES);
    mote::Vocab vocab;
    if (m.has_vocab() && m.vocab(&vocab) == mote::Status::kOk) {
      std::printf("vocabulary: %u WordPiece tokens, max length %u, %s%s (mote tokenize)\n", vocab.size(), vocab.max_length(),
                  vocab.lower_case() ? "lower-cased" : "cased", vocab.strip_accents() ? ", accents stripped" : "");
    }
    if (meta.narrowed) {
      std::printf("float64: %u tensor%s of the source model narrowed to float32 (mote convert --narrow-double)\n", meta.narrowed,
                  meta.narrowed == 1 ? "" : "s");
    }
    for (uint32_t k = 0; k < m.num_inputs(); ++k) {
      mote::TensorInfo info;
      (void)m.input_info(k, &info);
      std::printf("input  %u: %-24s %-7s %s", k, info.name, mote::dtype_name(info.dtype), dims_text(info.dims, info.rank).c_str());
      if (info.scale > 0) std::printf("  scale %.9g zero point %d", double(info.scale), info.zero_point);
      if (info.state) std::printf("  state: carried from run to run, zero in a new session");
      if (narrowed_io(m, k, true)) std::printf("  narrowed from float64");
      std::printf("\n");
    }
    for (uint32_t k = 0; k < m.num_outputs(); ++k) {
      mote::TensorInfo info;
      (void)m.output_info(k, &info);
      std::printf("output %u: %-24s %-7s %s", k, info.name, mote::dtype_name(info.dtype), dims_text(info.dims, info.rank).c_str());
      if (info.scale > 0) std::printf("  scale %.9g zero point %d", double(info.scale), info.zero_point);
      if (narrowed_io(m, k, false)) std::printf("  narrowed from float64");
      std::printf("\n");
    }
    std::printf("\n%4s  %-20s %-28s %-20s %-8s %14s\n", "#", "op", "node", "output", "dtype", "MACs");
    for (uint32_t k = 0; k < m.num_ops(); ++k) {
      const auto& op = m.op(k);
      const auto& out = m.tensor(m.operand(op.operands + op.num_inputs));
      std::string node = m.string(op.name);
      if (node.size() > 28) node = node.substr(0, 25) + "...";
      std::printf("%4u  %-20s %-28s %-20s %-8s %14llu%s%s\n", k, mote::op_name(op.code), node.c_str(),
                  dims_text(out.dims, out.rank).c_str(), mote::dtype_name(out.dtype), static_cast<unsigned long long>(op_macs(m, k)),
                  *m.string(op.note) ? "  " : "", m.string(op.note));
    }
    std::printf("\nops: %u, MACs: %llu\n", m.num_ops(), static_cast<unsigned long long>(total_macs));
    std::printf("weights: %u bytes (%s)\n", m.plan().weight_bytes, human_bytes(m.plan().weight_bytes).c_str());
    const Int8Weights w8 = int8_weights(m);
    if (w8.ops) {
      std::printf("int8 weights: %u ops, %llu bytes int8 + %llu bytes of scales; %lld bytes (%s) saved against float32\n", w8.ops,
                  static_cast<unsigned long long>(w8.int8_bytes), static_cast<unsigned long long>(w8.scale_bytes),
                  static_cast<long long>(w8.saved()), human_bytes(uint64_t(w8.saved() > 0 ? w8.saved() : 0)).c_str());
    }
    std::printf("arena: %u bytes (%s), lower bound %u bytes, ratio %.3f\n", m.arena_bytes(), human_bytes(m.arena_bytes()).c_str(),
                m.lower_bound(), m.lower_bound() ? double(m.arena_bytes()) / m.lower_bound() : 1.0);
    const PlanPicture p = plan_picture(m);
    if (m.num_ops()) {
      const auto& op = m.op(p.peak_step);
      std::printf("peak: %llu bytes live at op %u (%s '%s'), in %zu buffers:\n", static_cast<unsigned long long>(p.peak_bytes),
                  p.peak_step, mote::op_name(op.code), m.string(op.name), p.at_peak.size());
      for (size_t i = 0; i < p.at_peak.size() && i < 8; ++i) {
        const PlanBox& b = p.boxes[p.at_peak[i]];
        std::printf("  %10u bytes at %10u  ops %u..%u  %s\n", b.bytes, b.offset, b.first, b.last, b.name.c_str());
      }
      if (p.at_peak.size() > 8) std::printf("  ... and %zu smaller (mote info --json lists every buffer)\n", p.at_peak.size() - 8);
    }
  }
  const std::string svg = a.get("--svg");
  if (!svg.empty()) {
    write_svg(m, svg);
    if (!a.flag("--json")) std::printf("wrote %s\n", svg.c_str());
  }
  return 0;
}

}  // namespace mote_cli
