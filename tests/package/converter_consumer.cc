// A host program outside Mote that links the installed converter (Mote::converter): converts an
// ONNX file in memory and loads the blob with the runtime. Prints the blob's size and arena.
#include <cstdio>

#include "mote/converter.h"
#include "mote/mote.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  try {
    const mote::ConvertResult r = mote::convert_file(argv[1], mote::ConvertOptions{});
    alignas(64) static unsigned char blob[1 << 20];
    if (r.blob.size() > sizeof blob) return 1;
    for (size_t k = 0; k < r.blob.size(); ++k) blob[k] = r.blob[k];
    mote::Model model;
    if (model.load(blob, r.blob.size()) != mote::Status::kOk) {
      std::fprintf(stderr, "load: %s\n", model.error());
      return 1;
    }
    std::printf("blob %zu bytes, arena %u bytes\n", r.blob.size(), model.arena_bytes());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "convert: %s\n", e.what());
    return 1;
  }
  return 0;
}
