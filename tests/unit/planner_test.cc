// The arena plan, checked independently of the planner: from the blob alone, no two tensors
// that are live at the same step may share bytes unless one is an allowed alias of the other
// (a Reshape output, an element-wise output written in place over an input that dies there, or
// a Concat input planned at its block of the output), op scratch must not overlap anything live
// at its step, and the arena is at least the lower bound.
#include <gtest/gtest.h>

#include <cstddef>
#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <set>

#include "mote/converter.h"
#include "mote/model_records.hpp"  // internal: blob records, kernel ABI
#include "graph_builder.h"
#include "onnx/onnx_pb.h"

namespace {

struct Loaded {
  std::vector<uint8_t> storage;
  mote::Model model;
  explicit Loaded(const std::vector<uint8_t>& blob) : storage(blob.size() + 64) {
    uint8_t* base = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) % 64;
    std::memcpy(base, blob.data(), blob.size());
    EXPECT_EQ(model.load(base, blob.size()), mote::Status::kOk) << model.error();
  }
};

bool elementwise(int code) {
  return (code >= MOTE_OP_RELU && code <= MOTE_OP_COS) || (code >= MOTE_OP_ADD && code <= MOTE_OP_PRELU) ||
         code == MOTE_OP_GELU || code == MOTE_OP_MISH || code == MOTE_OP_SILU || code == MOTE_OP_QADD || code == MOTE_OP_QMUL || code == MOTE_OP_LUT ||
         code == MOTE_OP_REQUANTIZE;
}

// Runs a one-input float model once in its planned arena; output 0's first n values, or none
// (with a failure recorded) if it did not run.
std::vector<float> run_float(const mote::Model& m, const std::vector<float>& x, size_t n) {
  std::vector<uint8_t> arena(m.arena_bytes() + 64);
  uint8_t* base = arena.data() + (64 - reinterpret_cast<uintptr_t>(arena.data()) % 64) % 64;
  mote::Session session;
  mote::Status st = session.init(&m, base, m.arena_bytes());
  if (st == mote::Status::kOk) st = session.set_input(0, x.data(), x.size() * 4);
  if (st == mote::Status::kOk) st = session.run();
  if (st != mote::Status::kOk) {
    ADD_FAILURE() << session.error();
    return {};
  }
  const float* y = static_cast<const float*>(session.output_data(0));
  return std::vector<float>(y, y + n);
}

// Returns a description of the first violation, or "".
std::string check_plan(const mote::Model& m) {
  const uint32_t nt = m.num_tensors();
  // Union tensors that may legally share bytes.
  std::vector<uint32_t> parent(nt);
  for (uint32_t t = 0; t < nt; ++t) parent[t] = t;
  auto find = [&](uint32_t t) {
    while (parent[t] != t) t = parent[t] = parent[parent[t]];
    return t;
  };
  for (uint32_t k = 0; k < m.num_ops(); ++k) {
    const auto& op = m.op(k);
    const uint32_t out = m.operand(op.operands + op.num_inputs);
    for (uint32_t i = 0; i < op.num_inputs; ++i) {
      const uint32_t in = m.operand(op.operands + i);
      if (in == MOTE_NONE || m.tensor(in).storage != MOTE_STORAGE_ARENA) continue;
      const bool same_place = m.tensor(in).offset == m.tensor(out).offset;
      const bool reshape = op.code == MOTE_OP_RESHAPE;
      const bool in_place = elementwise(op.code) && m.tensor(in).last_step == k && m.tensor(in).bytes == m.tensor(out).bytes;
      if (same_place && (reshape || in_place)) parent[find(out)] = find(in);
    }
    // A Concat over a leading axis of 1s: each input is one block of the output, in order.
    const auto& o = m.tensor(out);
    if (op.code != MOTE_OP_CONCAT || o.storage != MOTE_STORAGE_ARENA) continue;
    int32_t axis = 0;
    std::memcpy(&axis, m.params(op), sizeof axis);
    if (axis < 0) axis += o.rank;
    bool contiguous = true;
    for (int32_t d = 0; d < axis; ++d) contiguous = contiguous && o.dims[d] == 1;
    uint64_t at = o.offset;
    for (uint32_t i = 0; i < op.num_inputs && contiguous; ++i) {
      const uint32_t in = m.operand(op.operands + i);
      const auto& r = m.tensor(in);
      if (r.storage == MOTE_STORAGE_ARENA && r.offset == at) parent[find(in)] = find(out);
      at += r.bytes;
    }
  }
  struct Region {
    uint32_t lo, hi, first, last;
    std::string what;
  };
  std::map<uint32_t, Region> groups;
  for (uint32_t t = 0; t < nt; ++t) {
    const auto& r = m.tensor(t);
    if (r.storage != MOTE_STORAGE_ARENA) continue;
    if (r.offset + r.bytes > m.arena_bytes()) return "tensor outside the arena: " + std::string(m.string(r.name));
    auto it = groups.find(find(t));
    if (it == groups.end()) {
      groups[find(t)] = {r.offset, r.offset + r.bytes, r.first_step, r.last_step, m.string(r.name)};
    } else {
      it->second.lo = std::min(it->second.lo, r.offset);
      it->second.hi = std::max(it->second.hi, r.offset + r.bytes);
      it->second.first = std::min(it->second.first, r.first_step);
      it->second.last = std::max(it->second.last, r.last_step);
    }
  }
  std::vector<Region> regions;
  for (auto& g : groups) regions.push_back(g.second);
  for (uint32_t k = 0; k < m.num_ops(); ++k) {
    const auto& op = m.op(k);
    if (op.scratch_bytes) regions.push_back({op.scratch_offset, op.scratch_offset + op.scratch_bytes, k, k, "scratch"});
  }
  uint64_t live_max = 0;
  for (uint32_t s = 0; s < std::max<uint32_t>(m.num_ops(), 1); ++s) {
    uint64_t live = 0;
    for (const auto& r : regions) live += (r.first <= s && s <= r.last) ? r.hi - r.lo : 0;
    live_max = std::max(live_max, live);
  }
  for (size_t a = 0; a < regions.size(); ++a) {
    for (size_t b = a + 1; b < regions.size(); ++b) {
      const Region &x = regions[a], &y = regions[b];
      const bool time = x.first <= y.last && y.first <= x.last;
      const bool space = x.lo < y.hi && y.lo < x.hi;
      if (time && space && x.hi > x.lo && y.hi > y.lo) return "'" + x.what + "' and '" + y.what + "' overlap while both live";
    }
  }
  if (m.arena_bytes() < m.lower_bound()) return "arena below the lower bound";
  if (live_max > m.arena_bytes()) return "live bytes exceed the arena";
  return "";
}

// A random DAG of element-wise ops, reshapes, concats and matmuls over one input.
std::string random_model(uint32_t seed) {
  std::mt19937 rng(seed);
  onnx::ModelProto model;
  model.set_ir_version(7);
  model.add_opset_import()->set_version(13);
  auto* g = model.mutable_graph();
  g->set_name("random");
  const int64_t rows = 1 + rng() % 8, cols = 2 * (1 + rng() % 8);
  auto* in = g->add_input();
  in->set_name("x");
  auto* tt = in->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  tt->mutable_shape()->add_dim()->set_dim_value(rows);
  tt->mutable_shape()->add_dim()->set_dim_value(cols);
  std::vector<std::string> values = {"x"};
  std::map<std::string, std::pair<int64_t, int64_t>> shapes = {{"x", {rows, cols}}};
  const int nodes = 4 + int(rng() % 20);
  for (int k = 0; k < nodes; ++k) {
    const std::string out = "v" + std::to_string(k);
    const std::string a = values[rng() % values.size()];
    auto* n = g->add_node();
    n->set_name("n" + std::to_string(k));
    n->add_input(a);
    n->add_output(out);
    switch (rng() % 5) {
      case 0: n->set_op_type("Relu"); shapes[out] = shapes[a]; break;
      case 1: n->set_op_type("Sigmoid"); shapes[out] = shapes[a]; break;
      case 2: {  // binary with another value of the same shape, else with itself
        std::string b = a;
        for (const auto& v : values) {
          if (shapes[v] == shapes[a] && rng() % 2) b = v;
        }
        n->set_op_type(rng() % 2 ? "Add" : "Mul");
        n->add_input(b);
        shapes[out] = shapes[a];
        break;
      }
      case 3: {  // transpose-like reshape
        const std::string shape_name = out + "_shape";
        auto* s = g->add_initializer();
        s->set_name(shape_name);
        s->set_data_type(onnx::TensorProto::INT64);
        s->add_dims(2);
        s->add_int64_data(shapes[a].second);
        s->add_int64_data(shapes[a].first);
        n->set_op_type("Reshape");
        n->add_input(shape_name);
        shapes[out] = {shapes[a].second, shapes[a].first};
        break;
      }
      default: {  // with itself or another value of the same shape, along rows or columns
        std::string b = a;
        for (const auto& v : values) {
          if (shapes[v] == shapes[a] && rng() % 2) b = v;
        }
        n->set_op_type("Concat");
        n->add_input(b);
        auto* attr = n->add_attribute();
        attr->set_name("axis");
        attr->set_type(onnx::AttributeProto::INT);
        const bool rows_axis = rng() % 2;
        attr->set_i(rows_axis ? 0 : 1);
        shapes[out] = rows_axis ? std::make_pair(shapes[a].first * 2, shapes[a].second)
                                : std::make_pair(shapes[a].first, shapes[a].second * 2);
        break;
      }
    }
    values.push_back(out);
  }
  // Two outputs: the last value and one from the middle, so lifetimes cross.
  for (const std::string& name : {values.back(), values[values.size() / 2]}) {
    if (name == "x") continue;
    auto* o = g->add_output();
    o->set_name(name);
    auto* ot = o->mutable_type()->mutable_tensor_type();
    ot->set_elem_type(onnx::TensorProto::FLOAT);
    ot->mutable_shape()->add_dim()->set_dim_value(shapes[name].first);
    ot->mutable_shape()->add_dim()->set_dim_value(shapes[name].second);
    if (g->output_size() == 2 && g->output(0).name() == name) g->mutable_output()->RemoveLast();
  }
  return model.SerializeAsString();
}

}  // namespace

// How many of a model's Concat inputs sit at their block of the output (planned in place).
int concat_blocks_in_place(const mote::Model& m) {
  int n = 0;
  for (uint32_t k = 0; k < m.num_ops(); ++k) {
    const auto& op = m.op(k);
    if (op.code != MOTE_OP_CONCAT) continue;
    uint64_t at = m.tensor(m.operand(op.operands + op.num_inputs)).offset;
    for (uint32_t i = 0; i < op.num_inputs; ++i) {
      const auto& r = m.tensor(m.operand(op.operands + i));
      n += r.storage == MOTE_STORAGE_ARENA && r.offset == at;
      at += r.bytes;
    }
  }
  return n;
}

TEST(Planner, RandomGraphsHaveNoOverlappingLiveTensors) {
  int checked = 0;
  int in_place = 0;
  for (uint32_t seed = 1; seed <= 200; ++seed) {
    const std::string bytes = random_model(seed);
    mote::ConvertResult r = mote::convert_bytes(bytes, "random.onnx", mote::ConvertOptions{});
    Loaded l(r.blob);
    ASSERT_TRUE(l.model.ready());
    EXPECT_EQ(check_plan(l.model), "") << "seed " << seed;
    EXPECT_GE(r.arena_bytes, r.lower_bound);
    in_place += concat_blocks_in_place(l.model);
    ++checked;
  }
  EXPECT_EQ(checked, 200);
  EXPECT_GT(in_place, 0) << "no Concat was planned in place: the rule above went untested";
}

// A Concat whose inputs' producers write straight into their blocks of the output: the plan puts
// them there, the verifier accepts it, and the output is what the ops compute.
TEST(Planner, ConcatInputsPlannedInPlace) {
  mote_test::GraphBuilder b("concat");
  b.input("x", {1, 4, 2, 3});
  b.output("y", {1, 12, 2, 3});
  b.node("Relu", {"x"}, "a");
  b.node("Sigmoid", {"x"}, "b");
  b.node("Neg", {"x"}, "c");
  auto* cat = b.node("Concat", {"a", "b", "c"}, "y");
  auto* axis = cat->add_attribute();
  axis->set_name("axis");
  axis->set_type(onnx::AttributeProto::INT);
  axis->set_i(1);
  mote::ConvertResult r = mote::convert_bytes(b.bytes(), "concat.onnx", mote::ConvertOptions{});
  Loaded l(r.blob);
  ASSERT_TRUE(l.model.ready());
  EXPECT_EQ(check_plan(l.model), "");
  EXPECT_EQ(concat_blocks_in_place(l.model), 3);
  // Inputs and output in one buffer: the arena holds x and y, not x, a, b, c and y.
  EXPECT_LE(r.arena_bytes, 16 * 4 * 6 + 16 * 12 * 6);
  std::vector<float> x(24);
  for (size_t k = 0; k < x.size(); ++k) x[k] = float(k) * 0.25f - 3.0f;
  const std::vector<float> y = run_float(l.model, x, 72);
  ASSERT_EQ(y.size(), size_t(72));
  for (size_t k = 0; k < 24; ++k) {
    EXPECT_EQ(y[k], std::max(x[k], 0.0f)) << k;
    EXPECT_NEAR(y[24 + k], 1.0f / (1.0f + std::exp(-x[k])), 1e-6f) << k;
    EXPECT_EQ(y[48 + k], -x[k]) << k;
  }
}

// A chain of element-wise ops much longer than the alias links the verifier follows (32; an
// unrolled Scan's state makes one): the planner starts a new buffer before the chain gets that
// long, so the blob loads, and the ops still compute the chain.
TEST(Planner, LongInPlaceChainsStayWithinTheVerifiersAliasDepth) {
  constexpr int kOps = 100;
  mote_test::GraphBuilder b("chain");
  b.input("x", {1, 8});
  b.output("y", {1, 8});
  std::vector<std::string> names{"x"};
  for (int k = 0; k + 1 < kOps; ++k) names.push_back("t" + std::to_string(k));
  names.push_back("y");
  for (int k = 0; k < kOps; ++k) b.node(k % 2 ? "Abs" : "Neg", {names[size_t(k)].c_str()}, names[size_t(k) + 1].c_str());
  mote::ConvertResult r = mote::convert_bytes(b.bytes(), "chain.onnx", mote::ConvertOptions{});
  Loaded l(r.blob);
  ASSERT_TRUE(l.model.ready());
  EXPECT_EQ(check_plan(l.model), "");
  std::vector<float> x(8);
  for (size_t k = 0; k < x.size(); ++k) x[k] = float(k) - 3.5f;
  const std::vector<float> y = run_float(l.model, x, 8);
  ASSERT_EQ(y.size(), size_t(8));
  // Neg then Abs, 50 times: |x|.
  for (size_t k = 0; k < x.size(); ++k) EXPECT_EQ(y[k], std::fabs(x[k])) << k;
}

TEST(Planner, DigitsModelPlanIsSoundAndTight) {
  mote::ConvertResult r = mote::convert_file(MOTE_SOURCE_DIR "/models/digits.onnx", mote::ConvertOptions{});
  Loaded l(r.blob);
  EXPECT_EQ(check_plan(l.model), "");
  EXPECT_LE(double(r.arena_bytes), 1.05 * double(r.lower_bound));
}

TEST(Planner, CheckerCatchesAnOverlap) {
  // Corrupt a valid plan on purpose: the checker must notice two live tensors sharing bytes.
  mote::ConvertResult r = mote::convert_file(MOTE_SOURCE_DIR "/models/digits.onnx", mote::ConvertOptions{});
  std::vector<uint8_t> blob = r.blob;
  Loaded ok(blob);
  const auto& m = ok.model;
  // Find two arena tensors live at the same step at different offsets and move one onto the other.
  for (uint32_t a = 0; a < m.num_tensors(); ++a) {
    for (uint32_t b = 0; b < m.num_tensors(); ++b) {
      const auto &x = m.tensor(a), &y = m.tensor(b);
      if (a == b || x.storage != MOTE_STORAGE_ARENA || y.storage != MOTE_STORAGE_ARENA) continue;
      if (x.offset == y.offset || x.first_step > y.last_step || y.first_step > x.last_step) continue;
      if (y.bytes + x.offset > m.arena_bytes()) continue;
      const size_t rec = size_t(reinterpret_cast<const uint8_t*>(&y) - reinterpret_cast<const uint8_t*>(&m.tensor(0)));
      const size_t tensors_at = size_t(reinterpret_cast<const uint8_t*>(&m.tensor(0)) - ok.storage.data()) -
                                (64 - reinterpret_cast<uintptr_t>(ok.storage.data()) % 64) % 64;
      const size_t field = tensors_at + rec + offsetof(mote_tensor_record, offset);
      std::memcpy(blob.data() + field, &x.offset, 4);
      const uint32_t total = uint32_t(blob.size());
      const uint32_t crc = mote::crc32(blob.data() + 16, total - 16);
      std::memcpy(blob.data() + 12, &crc, 4);
      // The runtime's verifier proves the plan at load (runtime/src/plan_check.cc) and refuses
      // the overlap naming both tensors; were it to load, check_plan must catch it.
      std::vector<uint8_t> storage(blob.size() + 64);
      uint8_t* base = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) % 64;
      std::memcpy(base, blob.data(), blob.size());
      mote::Model bad;
      const mote::Status st = bad.load(base, blob.size());
      if (st == mote::Status::kOk) {
        EXPECT_NE(check_plan(bad), "");
      } else {
        EXPECT_EQ(st, mote::Status::kMalformed) << bad.error();
        EXPECT_NE(std::string(bad.error()).find("share bytes while both are live"), std::string::npos) << bad.error();
      }
      return;
    }
  }
  FAIL() << "no pair of simultaneously live tensors found";
}
