// Writes a WordPiece vocabulary table (.motevocab, docs/text.md) from a vocab.txt.
#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "graph.h"
#include "mote/blob_format.h"
#include "mote/converter.h"
#include "mote/vocab_format.h"

namespace mote {

std::vector<uint8_t> build_vocab(const std::string& text, const VocabOptions& o) {
  std::vector<std::string> tokens;
  size_t at = 0;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    if (nl == std::string::npos) nl = text.size();
    std::string t = text.substr(at, nl - at);
    if (!t.empty() && t.back() == '\r') t.pop_back();  // a vocab.txt written on Windows
    tokens.push_back(t);
    at = nl + 1;
  }
  if (tokens.empty()) throw ConvertError("vocabulary: no tokens");
  if (tokens.size() >= 0x7FFFFFFFu) throw ConvertError("vocabulary: too many tokens");
  if (o.max_length < 2 || o.max_length > MOTE_VOCAB_MAX_LENGTH) {
    throw ConvertError("vocabulary: max length " + std::to_string(o.max_length) + " outside [2, " +
                       std::to_string(MOTE_VOCAB_MAX_LENGTH) + "]");
  }
  if (o.max_word_chars < 1 || o.max_word_chars > MOTE_VOCAB_MAX_WORD_CHARS) {
    throw ConvertError("vocabulary: max word length outside [1, " + std::to_string(MOTE_VOCAB_MAX_WORD_CHARS) + "]");
  }
  // The last line holding a token gives its id (BERT's load_vocab fills a dict line by line).
  std::map<std::string, uint32_t> ids;
  for (size_t k = 0; k < tokens.size(); ++k) {
    if (!tokens[k].empty()) ids[tokens[k]] = uint32_t(k);
  }
  auto special = [&](const std::string& name, bool required) -> uint32_t {
    auto it = ids.find(name);
    if (it != ids.end()) return it->second;
    if (required) throw ConvertError("vocabulary: no special token " + name);
    return MOTE_NONE;
  };
  mote_vocab_header h{};
  h.magic = MOTE_VOCAB_MAGIC;
  h.version_major = MOTE_VOCAB_VERSION_MAJOR;
  h.version_minor = MOTE_VOCAB_VERSION_MINOR;
  h.header_size = sizeof(mote_vocab_header);
  const bool strip = o.strip_accents < 0 ? o.lower_case : o.strip_accents > 0;
  h.flags = (o.lower_case ? MOTE_VOCAB_LOWER_CASE : 0) | (strip ? MOTE_VOCAB_STRIP_ACCENTS : 0) |
            (o.cjk_chars ? MOTE_VOCAB_CJK_CHARS : 0);
  h.token_count = uint32_t(tokens.size());
  h.sorted_count = uint32_t(ids.size());
  h.max_length = o.max_length;
  h.max_word_chars = o.max_word_chars;
  h.unk_id = special(o.unk, true);
  h.cls_id = special(o.cls, true);
  h.sep_id = special(o.sep, true);
  h.pad_id = special(o.pad, true);
  h.mask_id = special(o.mask, false);
  std::vector<uint32_t> offsets{0};
  std::string strings;
  for (const std::string& t : tokens) {
    strings += t;
    if (strings.size() >= 0xFFFFFFFFu) throw ConvertError("vocabulary: token text over 4 GiB");
    offsets.push_back(uint32_t(strings.size()));
  }
  h.strings_size = uint32_t(strings.size());
  std::vector<uint32_t> sorted;  // std::map orders std::string as unsigned bytes
  for (const auto& e : ids) sorted.push_back(e.second);
  std::vector<uint8_t> out(sizeof h);
  auto put = [&](const void* p, size_t n) {
    const uint8_t* b = static_cast<const uint8_t*>(p);
    out.insert(out.end(), b, b + n);
  };
  put(offsets.data(), offsets.size() * 4);
  put(sorted.data(), sorted.size() * 4);
  put(strings.data(), strings.size());
  while (out.size() % 4) out.push_back(0);
  if (out.size() > 0xFFFFFFFFu) throw ConvertError("vocabulary: table over 4 GiB");
  h.total_size = uint32_t(out.size());
  std::memcpy(out.data(), &h, sizeof h);
  h.crc32 = crc32(out.data() + 16, out.size() - 16);
  std::memcpy(out.data(), &h, sizeof h);
  return out;
}

uint32_t vocab_token_count(const std::vector<uint8_t>& table) {
  mote_vocab_header h;
  if (table.size() < sizeof h) return 0;
  std::memcpy(&h, table.data(), sizeof h);
  return h.token_count;
}

}  // namespace mote
