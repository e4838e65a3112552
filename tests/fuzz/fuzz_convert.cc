// fuzz_convert: ONNX bytes -> mote::convert_bytes (parse, ONNX checker and shape inference,
// lowering, constant folding, passes, planner, blob writer) -> Model::load -> a run with zero
// inputs and one with a small pattern, on every kernel set this binary has.
//
// ConvertError (and its NeedsConstantInput) is the converter's normal way to refuse a model;
// any other exception is a finding (aborts with its type and text), and so is a blob written by
// the converter that the runtime's verifier refuses.
//
// Built twice: fuzz_convert mutates bytes; fuzz_convert_structured (MOTE_FUZZ_STRUCTURED) adds
// the ONNX-aware mutator of onnx_mutator.cc.
#include <cxxabi.h>
#include <stdio.h>
#include <stdlib.h>

#include <exception>
#include <string>
#include <typeinfo>

#include "mote/converter.h"
#include "run_blob.h"

namespace {

// Aborts unless MOTE_FUZZ_IGNORE lists it (then the input counts as refused).
void escaped(const char* type, const char* what) {
  int status = 0;
  char* name = abi::__cxa_demangle(type, nullptr, nullptr, &status);
  std::string text = std::string("convert_bytes threw ") + (name ? name : type) + " (not mote::ConvertError): " + what;
  free(name);
  if (mote_fuzz::ignored(text.c_str())) return;
  fprintf(stderr, "mote fuzz: %s\n", text.c_str());
  abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  mote::ConvertOptions options;
  mote::ConvertResult result;
  try {
    result = mote::convert_bytes(bytes, "fuzz.onnx", options);
  } catch (const mote::ConvertError&) {
    return 0;
  } catch (const std::exception& e) {
    escaped(typeid(e).name(), e.what());
    return 0;
  } catch (...) {
    const std::type_info* t = abi::__cxa_current_exception_type();
    escaped(t ? t->name() : "?", "(not a std::exception)");
    return 0;
  }
  const std::vector<uint8_t>& blob = result.blob;
  mote_fuzz::load_and_run(blob.data(), blob.size(), nullptr, 0, mote_fuzz::InputFill::kBytes, /*must_load=*/true);
  mote_fuzz::load_and_run(blob.data(), blob.size(), nullptr, 0, mote_fuzz::InputFill::kPattern, /*must_load=*/true);
  return 0;
}
