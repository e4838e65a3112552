// Streaming state (mote convert --carry OUT=IN): an accumulator model, state_out = state + x and
// y = state_out * 2, run chunk after chunk in one session, must carry its state from run to run,
// start at zeros in a new session and again after reset_state(); and the converter refuses
// carries it cannot make. Quantized to int8, a state the graph also reads (a float op on the
// carried output) still gives a blob that verifies and carries.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "mote/converter.h"
#include "mote/mote.h"
#include "mote/mote.hpp"
#include "graph_builder.h"
#include "onnx/onnx_pb.h"

namespace {

using mote_test::GraphBuilder;

// state_out = state + x W (int8 in the quantized model), y = float(state_out > 0): the carried
// output is also read by a float op (Greater).
std::string thresholded_accumulator_model() {
  GraphBuilder b("carry");
  b.input("x", 4);
  b.input("state", 4);
  b.output("y", 4);
  b.output("state_out", 4);
  std::vector<float> identity(16, 0.0f);
  for (int i = 0; i < 4; ++i) identity[size_t(5 * i)] = 1.0f;
  b.floats("w", {4, 4}, identity);
  b.floats("zero", {}, {0.0f});
  b.node("MatMul", {"x", "w"}, "xw");
  b.node("Add", {"state", "xw"}, "state_out");
  b.node("Greater", {"state_out", "zero"}, "positive");
  auto* to = b.node("Cast", {"positive"}, "y")->add_attribute();
  to->set_name("to");
  to->set_type(onnx::AttributeProto::INT);
  to->set_i(onnx::TensorProto::FLOAT);
  return b.model.SerializeAsString();
}

std::string accumulator_model(int64_t state_len) {
  GraphBuilder b("carry");
  b.input("x", 4);
  b.input("state", state_len);
  b.output("y", 4);
  b.output("state_out", 4);
  b.node("Add", {"state", "x"}, "state_out");
  b.floats("two", {}, {2.0f});
  b.node("Mul", {"state_out", "two"}, "y");
  return b.model.SerializeAsString();
}

struct Loaded {
  std::vector<uint8_t> blob_storage, arena_storage;
  mote::Model model;
  mote::Session session;

  explicit Loaded(const std::vector<uint8_t>& blob) : blob_storage(blob.size() + 64) {
    uint8_t* base = blob_storage.data() + (64 - reinterpret_cast<uintptr_t>(blob_storage.data()) % 64) % 64;
    std::memcpy(base, blob.data(), blob.size());
    EXPECT_EQ(model.load(base, blob.size()), mote::Status::kOk) << model.error();
    arena_storage.assign(model.arena_bytes() + 64, 0xAB);  // not zero: the session must zero the state
    uint8_t* arena = arena_storage.data() + (64 - reinterpret_cast<uintptr_t>(arena_storage.data()) % 64) % 64;
    EXPECT_EQ(session.init(&model, arena, model.arena_bytes()), mote::Status::kOk) << session.error();
  }

  std::vector<float> run(const std::vector<float>& x) {
    EXPECT_EQ(session.set_input(0, x.data(), x.size() * sizeof(float)), mote::Status::kOk) << session.error();
    EXPECT_EQ(session.run(), mote::Status::kOk) << session.error();
    std::vector<float> y(4);
    std::memcpy(y.data(), session.output_data(0), sizeof(float) * 4);
    return y;
  }
};

mote::ConvertOptions carrying(const char* out, const char* in) {
  mote::ConvertOptions o;
  o.carry.emplace_back(out, in);
  return o;
}

TEST(Carry, StateCarriesFromRunToRunAndResets) {
  const mote::ConvertResult r = mote::convert_bytes(accumulator_model(4), "acc.onnx", carrying("state_out", "state"));
  Loaded l(r.blob);
  mote::TensorInfo info;
  ASSERT_EQ(l.model.input_info(1, &info), mote::Status::kOk);
  EXPECT_EQ(info.state, 1);
  ASSERT_EQ(l.model.input_info(0, &info), mote::Status::kOk);
  EXPECT_EQ(info.state, 0);
  EXPECT_EQ(l.run({1, 2, 3, 4}), (std::vector<float>{2, 4, 6, 8}));     // state starts at zeros
  EXPECT_EQ(l.run({1, 1, 1, 1}), (std::vector<float>{4, 6, 8, 10}));    // carried
  EXPECT_EQ(l.run({-2, 0, 0, 10}), (std::vector<float>{0, 6, 8, 30}));  // carried again
  ASSERT_EQ(l.session.reset_state(), mote::Status::kOk);
  EXPECT_EQ(l.run({1, 2, 3, 4}), (std::vector<float>{2, 4, 6, 8}));
  // The C API's reset too.
  ASSERT_EQ(mote_session_reset_state(reinterpret_cast<mote_session*>(0)), MOTE_ERR_INVALID_ARGUMENT);
}

TEST(Carry, WithoutCarryTheStateIsAnOrdinaryInput) {
  const mote::ConvertResult r = mote::convert_bytes(accumulator_model(4), "acc.onnx", {});
  Loaded l(r.blob);
  mote::TensorInfo info;
  ASSERT_EQ(l.model.input_info(1, &info), mote::Status::kOk);
  EXPECT_EQ(info.state, 0);
  const std::vector<float> state = {10, 10, 10, 10};
  ASSERT_EQ(l.session.set_input(1, state.data(), 16), mote::Status::kOk);
  EXPECT_EQ(l.run({1, 2, 3, 4}), (std::vector<float>{22, 24, 26, 28}));
  EXPECT_EQ(l.run({1, 2, 3, 4}), (std::vector<float>{22, 24, 26, 28}));  // nothing carried
}

TEST(Carry, Int8StateThatTheGraphAlsoReads) {
  const std::string path = testing::TempDir() + "/carry_int8_calib.npy";
  // Calibration streams the samples through the carried state (it starts at zeros): x steps
  // the state over [-1, 1.5], the values the runs below see.
  mote::HostTensor calib;
  calib.dtype = MOTE_F32;
  calib.shape = {6, 4};
  std::vector<float> v;
  for (float step : {1.0f, 0.5f, -1.0f, -1.0f, -0.5f, 1.0f}) v.insert(v.end(), 4, step);
  calib.data.resize(v.size() * 4);
  std::memcpy(calib.data.data(), v.data(), calib.data.size());
  mote::write_npy(path, calib);  // the one input that is not carried
  mote::ConvertOptions o = carrying("state_out", "state");
  o.quantize_int8 = true;
  o.calib = path;
  const mote::ConvertResult r = mote::convert_bytes(thresholded_accumulator_model(), "acc.onnx", o);
  Loaded l(r.blob);  // loading verifies the blob: every tensor read within its lifetime
  EXPECT_EQ(l.run({0.5f, -0.5f, 0.25f, 1.0f}), (std::vector<float>{1, 0, 1, 1}));
  EXPECT_EQ(l.run({-1.0f, 1.0f, -0.5f, -0.75f}), (std::vector<float>{0, 1, 0, 1}));  // the state carried
  ASSERT_EQ(l.session.reset_state(), mote::Status::kOk);
  EXPECT_EQ(l.run({-1.0f, 1.0f, -0.5f, -0.75f}), (std::vector<float>{0, 1, 0, 0}));
}

TEST(Carry, RefusesWhatItCannotCarry) {
  auto refused = [](const char* out, const char* in, int64_t state_len, const char* says) {
    try {
      mote::convert_bytes(accumulator_model(state_len), "acc.onnx", carrying(out, in));
      ADD_FAILURE() << "--carry " << out << "=" << in << " was accepted";
    } catch (const mote::ConvertError& e) {
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
  };
  refused("nope", "state", 4, "no output 'nope'");
  refused("state_out", "nope", 4, "no runtime input 'nope'");
  refused("state_out", "state", 1, "differ in dtype or shape");  // [1, 4] into [1, 1]
}

}  // namespace
