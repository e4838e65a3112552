// Lowering of Gemm and MatMul (runtime/kernels/reference/gemm.cc), and the other ops on
// matrices: Det (runtime/kernels/reference/det.cc) and Einsum (runtime/kernels/reference/einsum.cc).

#include <algorithm>

#include "lower/common.h"

namespace mote {
namespace lowering {

namespace {

void lower_gemm(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  mote_gemm_params p{attr_float(n, "alpha", 1.0f), attr_float(n, "beta", 1.0f), attr_i32(L, n, "transA", 0),
                     attr_i32(L, n, "transB", 0), no_act()};
  std::vector<int> ops_in = {in.at(0), in.at(1)};
  if (in_at(in, 2) >= 0) ops_in.push_back(in[2]);
  L.emit(MOTE_OP_GEMM, p, ops_in, out0(n));
}

// One term of an Einsum equation: its letters in order, '.' standing for the ellipsis.
std::string einsum_term(Lowerer& L, const std::string& term) {
  std::string out;
  for (size_t i = 0; i < term.size(); ++i) {
    const char c = term[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      out += c;
    } else if (c == '.' && term.compare(i, 3, "...") == 0 && out.find('.') == std::string::npos) {
      out += '.';
      i += 2;
    } else {
      L.error("Einsum term '" + term + "' is not letters and at most one '...'");
    }
  }
  return out;
}

// The equation resolved into loop indices (mote_einsum_params): the output's labels first, in
// its order, then the summed ones. The ellipsis stands for the same trailing-aligned batch axes
// in every term; the implicit output is the ellipsis then the letters used once, sorted.
void lower_einsum(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  std::string eq;
  for (char c : attr_str(n, "equation", "")) {
    if (c != ' ') eq += c;
  }
  const size_t arrow = eq.find("->");
  const std::string lhs = eq.substr(0, arrow);
  std::vector<std::string> terms;
  for (size_t start = 0;;) {
    const size_t comma = lhs.find(',', start);
    terms.push_back(einsum_term(L, lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (terms.size() != in.size() || in.size() > MOTE_MAX_OP_INPUTS) {
    L.error("Einsum equation '" + eq + "' has " + std::to_string(terms.size()) + " terms for " + std::to_string(in.size()) + " inputs");
  }
  // Ellipsis axes per input, and the most of them (the broadcast batch rank).
  std::vector<int64_t> ell(in.size(), 0);
  int64_t batch = 0;
  bool any_ellipsis = false;
  std::map<char, int> uses;
  for (size_t k = 0; k < in.size(); ++k) {
    const int64_t rank = int64_t(L.t(in[k]).shape.size());
    const bool has = terms[k].find('.') != std::string::npos;
    const int64_t letters = int64_t(terms[k].size()) - (has ? 1 : 0);
    if (has ? rank < letters : rank != letters) {
      L.error("Einsum term '" + terms[k] + "' does not fit input " + std::to_string(k) + " of rank " + std::to_string(rank));
    }
    ell[k] = rank - letters;
    batch = std::max(batch, ell[k]);
    any_ellipsis = any_ellipsis || has;
    for (char c : terms[k]) {
      if (c != '.') ++uses[c];
    }
  }
  std::string out;
  if (arrow != std::string::npos) {
    out = einsum_term(L, eq.substr(arrow + 2));
  } else {
    if (any_ellipsis) out += '.';
    for (const auto& [c, count] : uses) {
      if (count == 1) out += c;
    }
  }
  // Labels: letters keep theirs in `label_of`, ellipsis axis e (of `batch`) is `ellipsis_label[e]`.
  std::map<char, int> label_of;
  std::vector<int> ellipsis_label(size_t(batch), -1);
  int next = 0;
  for (char c : out) {
    if (c == '.') {
      for (auto& e : ellipsis_label) e = next++;
    } else {
      if (!uses.count(c) || label_of.count(c)) L.error("Einsum output letter '" + std::string(1, c) + "' is not on an input, or repeated");
      label_of[c] = next++;
    }
  }
  const int out_rank = next;
  for (auto& e : ellipsis_label) {
    if (e < 0) e = next++;
  }
  for (const auto& [c, count] : uses) {
    if (!label_of.count(c)) label_of[c] = next++;
  }
  if (out_rank > MOTE_MAX_RANK || next > MOTE_EINSUM_MAX_LABELS) {
    L.error("Einsum equation '" + eq + "' needs " + std::to_string(next) + " loop indices, the limit is " +
            std::to_string(MOTE_EINSUM_MAX_LABELS));
  }
  mote_einsum_params p{};
  p.num_labels = next;
  p.out_rank = out_rank;
  for (size_t k = 0; k < in.size(); ++k) {
    int d = 0;
    for (char c : terms[k]) {
      if (c == '.') {
        for (int64_t e = batch - ell[k]; e < batch; ++e) p.label[k][d++] = ellipsis_label[size_t(e)];
      } else {
        p.label[k][d++] = label_of[c];
      }
    }
  }
  L.emit(MOTE_OP_EINSUM, p, in, out0(n));
}

}  // namespace

void add_gemm_ops(LowerTable& t) {
  t["Gemm"] = lower_gemm;
  t["MatMul"] = [](Lowerer& L, const Node& n) {
    L.emit(MOTE_OP_MATMUL, mote_matmul_params{no_act()}, inputs_of(L, n), out0(n));
  };
  t["Einsum"] = lower_einsum;
  t["Det"] = [](Lowerer& L, const Node& n) { L.emit(MOTE_OP_DET, std::vector<uint8_t>(), inputs_of(L, n), out0(n)); };
}

}  // namespace lowering
}  // namespace mote
