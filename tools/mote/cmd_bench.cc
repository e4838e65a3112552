// mote bench: inference latency (median and minimum), optionally per op.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>

#include "cli.h"
#include "mote/platform.h"

namespace mote_cli {

namespace {

const char* kBenchHelp =
    "usage: mote bench OUT.mote [--iters N] [--warmup N] [--input NAME=FILE ...] [--profile [--top N]]\n"
    "\n"
    "Times inference on one thread: prints the median and minimum latency in milliseconds.\n"
    "Inputs default to a fixed pseudo-random pattern.\n"
    "\n"
    "options:\n"
    "  --iters N      timed runs (default 20)\n"
    "  --warmup N     untimed runs first (default 2)\n"
    "  --input ...    as for 'mote run'\n"
    "  --profile      also print the time per op type and the slowest ops (each op's median over the runs)\n"
    "  --top N        with --profile: how many of the slowest ops to list (default 15, 0 = all)\n"
    "  --json         print the figures as JSON\n";

}  // namespace

int cmd_bench(const std::vector<std::string>& raw) {
  if (wants_help(raw)) {
    std::fputs(kBenchHelp, stdout);
    return 0;
  }
  Args a(raw, {"--iters", "--warmup", "--input", "--top"}, {"--profile", "--json"});
  if (a.positional.size() != 1) usage("expects exactly one blob");
  const int iters = int(parse_int_in(a.get("--iters", "20"), "--iters", 1, 1000000));
  const int warmup = int(parse_int_in(a.get("--warmup", "2"), "--warmup", 0, 1000000));
  const int top = int(parse_int_in(a.get("--top", "15"), "--top", 0, 100000));
  LoadedBlob b;
  b.load_file(a.positional[0]);
  const mote::Model& m = b.model;
  Arena arena(m.arena_bytes());
  mote::Session s;
  if (s.init(&m, arena.data, arena.size) != mote::Status::kOk) fail(s.error());
  if (!a.all("--input").empty()) {
    set_inputs(m, s, a.all("--input"));
  } else {
    uint32_t state = 12345u;
    for (uint32_t k = 0; k < m.num_inputs(); ++k) {
      mote::TensorInfo info;
      (void)m.input_info(k, &info);
      uint8_t* p = static_cast<uint8_t*>(s.input_data(k));
      for (uint32_t i = 0; i < info.bytes; ++i) {
        state = state * 1664525u + 1013904223u;
        p[i] = uint8_t(state >> 24);
      }
      if (info.dtype == MOTE_F32) {
        float* f = reinterpret_cast<float*>(p);
        for (uint32_t i = 0; i < info.bytes / 4; ++i) {
          state = state * 1664525u + 1013904223u;
          f[i] = float(state >> 8) / 16777216.0f - 0.5f;
        }
      } else if (info.dtype == MOTE_I64 || info.dtype == MOTE_I32 || info.dtype == MOTE_BOOL) {
        std::memset(p, 0, info.bytes);
      }
    }
  }
  // --profile: each op's time in each run; its median is the figure (a run descheduled on a
  // shared machine would swamp a mean).
  std::vector<std::vector<double>> op_samples(m.num_ops());
  std::vector<double> op_us(m.num_ops(), 0.0);
  std::vector<double> times;
  for (int it = 0; it < warmup + iters; ++it) {
    const uint64_t t0 = mote_platform_now_us();
    if (a.flag("--profile") && it >= warmup) {
      for (uint32_t k = 0; k < m.num_ops(); ++k) {
        const uint64_t o0 = mote_platform_now_us();
        if (s.run_ops(k, k + 1) != mote::Status::kOk) fail(std::string("run failed: ") + s.error());
        op_samples[k].push_back(double(mote_platform_now_us() - o0));
      }
    } else if (s.run() != mote::Status::kOk) {
      fail(std::string("run failed: ") + s.error());
    }
    const uint64_t t1 = mote_platform_now_us();
    if (it >= warmup) times.push_back(double(t1 - t0) / 1000.0);
  }
  std::sort(times.begin(), times.end());
  for (uint32_t k = 0; k < m.num_ops() && !op_samples[k].empty(); ++k) {
    std::sort(op_samples[k].begin(), op_samples[k].end());
    op_us[k] = op_samples[k][op_samples[k].size() / 2];
  }
  const double median = times[times.size() / 2], best = times[0];
  // A blob planned for other boards' kernels (mote convert --target) runs on the reference set.
  const std::string kernels =
      m.optimized_kernels() ? std::string(mote::kernel_set_name()) : std::string("reference (the blob was not planned for ") + mote::kernel_set_name() + ")";
  if (a.flag("--json")) {
    std::printf("{\"median_ms\": %.4f, \"min_ms\": %.4f, \"iters\": %d, \"arena_bytes\": %u, \"kernels\": \"%s\"}\n", median,
                best, iters, m.arena_bytes(), kernels.c_str());
  } else {
    std::printf("%s: median %.3f ms, min %.3f ms over %d runs (arena %u bytes, kernels: %s)\n", a.positional[0].c_str(), median,
                best, iters, m.arena_bytes(), kernels.c_str());
  }
  if (a.flag("--profile")) {
    std::map<std::string, double> by_type;
    double total = 0;
    for (uint32_t k = 0; k < m.num_ops(); ++k) {
      by_type[mote::op_name(m.op(k).code)] += op_us[k];
      total += op_us[k];
    }
    std::vector<std::pair<double, std::string>> rows;
    for (const auto& kv : by_type) rows.push_back({kv.second, kv.first});
    std::sort(rows.rbegin(), rows.rend());
    std::printf("\n%-24s %10s %7s\n", "op type", "ms/run", "share");
    for (const auto& r : rows) std::printf("%-24s %10.3f %6.1f%%\n", r.second.c_str(), r.first / 1000.0, total ? 100.0 * r.first / total : 0.0);
    // The slowest single ops, with their output shape and source node: where to look first.
    std::vector<uint32_t> order(m.num_ops());
    for (uint32_t k = 0; k < m.num_ops(); ++k) order[k] = k;
    std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) { return op_us[x] > op_us[y]; });
    const uint32_t shown = top == 0 ? m.num_ops() : std::min<uint32_t>(uint32_t(top), m.num_ops());
    std::printf("\n%-5s %-12s %-22s %10s %7s  %s\n", "op", "type", "output", "ms/run", "share", "node");
    for (uint32_t r = 0; r < shown; ++r) {
      const uint32_t k = order[r];
      const mote_op_record& op = m.op(k);
      std::string shape = "-";
      if (op.num_outputs > 0) {
        const mote::TensorView v = m.view(m.operand(op.operands + op.num_inputs), nullptr);
        shape.clear();
        for (int32_t d = 0; d < v.rank; ++d) shape += (d ? "x" : "") + std::to_string(v.dims[d]);
      }
      const double us = op_us[k];
      std::printf("%-5u %-12s %-22s %10.3f %6.1f%%  %s\n", k, mote::op_name(op.code), shape.c_str(), us / 1000.0,
                  total ? 100.0 * us / total : 0.0, m.string(op.name));
    }
  }
  return 0;
}

}  // namespace mote_cli
