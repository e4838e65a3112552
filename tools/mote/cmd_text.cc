// mote vocab: a vocab.txt to a .motevocab table; mote tokenize: text to WordPiece ids with a
// .motevocab or a model blob's vocabulary (docs/text.md).
#include <cstdio>
#include <cstring>

#include "cli.h"
#include "mote/text.hpp"
#include "mote/vocab_format.h"

namespace mote_cli {
namespace {

const char* kVocabHelp =
    "usage: mote vocab vocab.txt -o OUT.motevocab [options]\n"
    "\n"
    "Compiles a BERT WordPiece vocabulary (one token a line, the line number its id) into a\n"
    "verified table the runtime tokenizes with (docs/text.md).\n"
    "\n"
    "options:\n"
    "  -o, --output OUT          table to write (required)\n"
    "  --no-lower-case           keep case (a cased model); accents are then kept too\n"
    "  --strip-accents           strip accents even with --no-lower-case\n"
    "  --no-strip-accents        lower-case but keep accents\n"
    "  --no-cjk-chars            do not split CJK ideographs into single characters\n"
    "  --max-len N               default sequence length (default 512)\n"
    "  --max-word-chars N        longer words become [UNK] (default 100, at most 100)\n"
    "  -h, --help                show this help\n";

const char* kTokenizeHelp =
    "usage: mote tokenize BLOB_OR_MOTEVOCAB \"text\" [options]\n"
    "\n"
    "Tokenizes text with the vocabulary of a .motevocab or of a model blob (mote convert\n"
    "--vocab): prints the tokens, ids, attention mask and token type ids.\n"
    "\n"
    "options:\n"
    "  --file PATH               read the text's bytes from a file instead\n"
    "  --max-len N               sequence length (default: the vocabulary's)\n"
    "  --no-padding              print only the real tokens, no [PAD]\n"
    "  --json                    one JSON object: tokens, ids, attention_mask, token_type_ids\n"
    "  -h, --help                show this help\n";

}  // namespace

// The options of a vocabulary table (shared by mote vocab and mote convert --vocab).
void vocab_options(const Args& a, mote::VocabOptions* o) {
  o->lower_case = !a.flag("--no-lower-case");
  if (a.flag("--strip-accents") && a.flag("--no-strip-accents")) usage("--strip-accents or --no-strip-accents, not both");
  o->strip_accents = a.flag("--strip-accents") ? 1 : a.flag("--no-strip-accents") ? 0 : -1;
  o->cjk_chars = !a.flag("--no-cjk-chars");
  const std::string len = a.get("--max-len");
  if (!len.empty()) o->max_length = uint32_t(parse_int_in(len, "--max-len", 2, MOTE_VOCAB_MAX_LENGTH));
  o->max_word_chars = uint32_t(parse_int_in(a.get("--max-word-chars", "100"), "--max-word-chars", 1, MOTE_VOCAB_MAX_WORD_CHARS));
}

int cmd_vocab(const std::vector<std::string>& raw) {
  if (wants_help(raw)) {
    std::fputs(kVocabHelp, stdout);
    return 0;
  }
  Args a(raw, {"-o", "--output", "--max-len", "--max-word-chars"},
         {"--no-lower-case", "--strip-accents", "--no-strip-accents", "--no-cjk-chars"});
  if (a.positional.size() != 1) usage("expects exactly one vocab.txt");
  const std::string out = a.get("-o", a.get("--output"));
  if (out.empty()) usage("missing -o OUT.motevocab");
  mote::VocabOptions o;
  vocab_options(a, &o);
  if (o.max_length == 0) o.max_length = 512;
  const std::vector<uint8_t> text = read_file(a.positional[0]);
  const std::vector<uint8_t> table = mote::build_vocab(std::string(text.begin(), text.end()), o);
  write_file(out, table.data(), table.size());
  std::printf("wrote %s: %zu bytes, %u tokens, max length %u\n", out.c_str(), table.size(), mote::vocab_token_count(table),
              o.max_length);
  return 0;
}

int cmd_tokenize(const std::vector<std::string>& raw) {
  if (wants_help(raw)) {
    std::fputs(kTokenizeHelp, stdout);
    return 0;
  }
  Args a(raw, {"--file", "--max-len"}, {"--no-padding", "--json"});
  const std::string file = a.get("--file");
  if (a.positional.size() != (file.empty() ? 2u : 1u)) usage("expects BLOB_OR_MOTEVOCAB and the text (or --file PATH)");
  const std::string path = a.positional[0];
  std::vector<uint8_t> text;
  if (!file.empty()) {
    text = read_file(file);
  } else {
    text.assign(a.positional[1].begin(), a.positional[1].end());
  }
  const std::vector<uint8_t> bytes = read_file(path);
  LoadedBlob blob;
  mote::Vocab vocab;
  mote::Status st;
  if (bytes.size() >= 4 && std::memcmp(bytes.data(), "MOTV", 4) == 0) {
    blob.storage.assign(bytes.size() + 64, 0);
    uint8_t* base = blob.storage.data() + (64 - reinterpret_cast<uintptr_t>(blob.storage.data()) % 64) % 64;
    std::memcpy(base, bytes.data(), bytes.size());
    st = vocab.open(base, bytes.size());
  } else {
    blob.load_bytes(bytes, path);
    st = blob.model.vocab(&vocab);
  }
  if (st != mote::Status::kOk) fail(path + ": " + mote_status_str(static_cast<mote_status>(st)) + ": " + vocab.error());
  uint32_t length = vocab.max_length();
  const std::string len = a.get("--max-len");
  if (!len.empty()) length = uint32_t(parse_int_in(len, "--max-len", 2, MOTE_VOCAB_MAX_LENGTH));
  std::vector<int32_t> ids(length), mask(length), types(length);
  uint32_t count = 0, needed = 0;
  const uint32_t flags = a.flag("--no-padding") ? mote::kTokenizeNoPadding : 0;
  st = vocab.tokenize(reinterpret_cast<const char*>(text.data()), text.size(), length, flags, ids.data(), mask.data(),
                      types.data(), length, &count, &needed);
  if (st != mote::Status::kOk) fail(std::string("tokenize: ") + vocab.error());
  const uint32_t n = a.flag("--no-padding") ? count : length;
  auto token = [&](int32_t id) {
    uint32_t nb = 0;
    const char* t = vocab.token(uint32_t(id), &nb);
    return std::string(t, nb);
  };
  if (a.flag("--json")) {
    std::string tokens, id_list, mask_list, type_list;
    for (uint32_t k = 0; k < n; ++k) {
      const char* sep = k ? ", " : "";
      tokens += sep + ("\"" + json_escape(token(ids[k])) + "\"");
      id_list += sep + std::to_string(ids[k]);
      mask_list += sep + std::to_string(mask[k]);
      type_list += sep + std::to_string(types[k]);
    }
    std::printf("{\"tokens\": [%s], \"ids\": [%s], \"attention_mask\": [%s], \"token_type_ids\": [%s], \"count\": %u, "
                "\"needed\": %u}\n",
                tokens.c_str(), id_list.c_str(), mask_list.c_str(), type_list.c_str(), count, needed);
    return 0;
  }
  std::printf("%u tokens (%u real%s), vocabulary of %u\n", n, count,
              needed > count ? (", truncated from " + std::to_string(needed)).c_str() : "", vocab.size());
  for (uint32_t k = 0; k < n; ++k) std::printf("%5u  %-7d %d %d  %s\n", k, ids[k], mask[k], types[k], token(ids[k]).c_str());
  return 0;
}

}  // namespace mote_cli
