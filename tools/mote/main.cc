// mote: convert ONNX models to Mote blobs, inspect them, run them, validate and benchmark.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli.h"
#include "mote/blob_format.h"

namespace {

const char* kUsage =
    "usage: mote <command> [options]\n"
    "\n"
    "commands:\n"
    "  convert   MODEL.onnx -o OUT.mote   convert an ONNX model to a Mote blob with an arena plan\n"
    "  info      OUT.mote                 list inputs, outputs, ops, MACs and the arena plan\n"
    "  run       OUT.mote --input ...     run a blob on .npy / .pb inputs, write NAME.npy outputs\n"
    "  validate  TESTDIR...               convert and run ONNX backend-test directories, compare outputs\n"
    "  bench     OUT.mote                 time inference (median and min latency)\n"
    "  compare   MODEL.onnx OUT.mote ...  per-tensor SQNR and max error of a blob against the float model\n"
    "  vocab     vocab.txt -o V.motevocab a WordPiece vocabulary as a verified table\n"
    "  tokenize  BLOB_OR_MOTEVOCAB TEXT   WordPiece token ids of a text (BERT tokenization)\n"
    "  --version                          the version and the blob format it writes\n"
    "\n"
    "Run 'mote <command> --help' for a command's options.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::printf("mote %s (writes blob format %u.%u)\n", MOTE_CLI_VERSION, MOTE_BLOB_VERSION_MAJOR, MOTE_BLOB_VERSION_MINOR);
    return 0;
  }
  const std::string cmd = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  try {
    if (cmd == "convert") return mote_cli::cmd_convert(args);
    if (cmd == "info") return mote_cli::cmd_info(args);
    if (cmd == "run") return mote_cli::cmd_run(args);
    if (cmd == "validate") return mote_cli::cmd_validate(args);
    if (cmd == "bench") return mote_cli::cmd_bench(args);
    if (cmd == "compare") return mote_cli::cmd_compare(args);
    if (cmd == "vocab") return mote_cli::cmd_vocab(args);
    if (cmd == "tokenize") return mote_cli::cmd_tokenize(args);
    std::fprintf(stderr, "mote: unknown command '%s'\n\n%s", cmd.c_str(), kUsage);
    return 2;
  } catch (const mote_cli::UsageError& e) {
    std::fprintf(stderr, "mote %s: %s\n(see 'mote %s --help')\n", cmd.c_str(), e.text.c_str(), cmd.c_str());
    return 2;
  } catch (const mote_cli::Failure& e) {
    std::fprintf(stderr, "mote %s: %s\n", cmd.c_str(), e.text.c_str());
    return e.code;
  } catch (const mote::ConvertError& e) {
    std::fprintf(stderr, "mote %s: %s\n", cmd.c_str(), e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mote %s: %s\n", cmd.c_str(), e.what());
    return 1;
  } catch (...) {
    // Never an abort: whatever escapes is one clean line and exit 1.
    std::fprintf(stderr, "mote %s: unexpected error\n", cmd.c_str());
    return 1;
  }
}
