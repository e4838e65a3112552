// fuzz_text: the vocabulary verifier (Vocab::open, also the VOCAB section of a blob) and the
// WordPiece tokenizer that trusts it afterwards (docs/text.md).
//
// Input: one mode byte, then:
//   mode 0: a .motevocab as is (the checksum test included), then the text;
//   mode 1: a .motevocab whose CRC32 is recomputed first, so that mutations reach the checks
//           after it, then the text;
//   mode 2: a vocab.txt, compiled by mote::build_vocab (what `mote vocab` writes must verify),
//           then the text;
//   mode 3: text only, with a built-in vocabulary; the next bytes choose the max length, the
//           flags and the normaliser settings.
// The vocabulary is the bytes up to its header's total_size (the whole rest when out of range);
// mode 2 splits at the first 0xFF byte. Every table and text is copied to a heap block of
// exactly its size, so ASan flags any read outside it. Tokenizing checks its own results: ids
// in range, [CLS]/[SEP]/[PAD] where they belong, the mask 1 then 0, type ids 0, count <= needed.
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memory>
#include <string>
#include <vector>

#include "mote/blob_format.h"
#include "mote/converter.h"
#include "mote/text.hpp"
#include "mote/vocab_format.h"

namespace {

[[noreturn]] void die(const char* what) {
  fprintf(stderr, "mote fuzz: %s\n", what);
  abort();
}

void check_tokenize(const mote::Vocab& v, const uint8_t* text, size_t n, uint32_t max_len, uint32_t flags) {
  std::unique_ptr<char[]> t(new char[n ? n : 1]);
  if (n) memcpy(t.get(), text, n);
  const uint32_t length = max_len ? max_len : v.max_length();
  std::vector<int32_t> ids(length), mask(length), types(length);
  uint32_t count = 0, needed = 0;
  if (v.tokenize(t.get(), n, max_len, flags, ids.data(), mask.data(), types.data(), length, &count, &needed) !=
      mote::Status::kOk) {
    if (length >= 2) die("tokenize failed on a verified vocabulary with enough capacity");
    return;
  }
  const bool special = !(flags & mote::kTokenizeNoSpecialTokens);
  const uint32_t written = (flags & mote::kTokenizeNoPadding) ? count : length;
  if (count > length || count > needed) die("count out of range");
  if (special && (count < 2 || ids[0] != v.special(mote::SpecialToken::kCls) ||
                  ids[count - 1] != v.special(mote::SpecialToken::kSep))) {
    die("[CLS]/[SEP] misplaced");
  }
  for (uint32_t k = 0; k < written; ++k) {
    if (ids[k] < 0 || uint32_t(ids[k]) >= v.size()) die("id out of range");
    if (mask[k] != (k < count ? 1 : 0) || types[k] != 0) die("mask or type ids wrong");
    if (k >= count && ids[k] != v.special(mote::SpecialToken::kPad)) die("padding is not [PAD]");
  }
  uint32_t count2 = 0;  // no `needed`: the early stop keeps the same tokens
  std::vector<int32_t> ids2(length);
  if (v.tokenize(t.get(), n, max_len, flags, ids2.data(), nullptr, nullptr, length, &count2) != mote::Status::kOk ||
      count2 != count || memcmp(ids.data(), ids2.data(), written * 4) != 0) {
    die("tokenize without `needed` differs");
  }
}

void exercise(const mote::Vocab& v, const uint8_t* text, size_t n, uint32_t max_len, uint32_t flags) {
  uint32_t bytes = 0;
  for (uint32_t id : {0u, v.size() - 1, v.size(), 0xFFFFFFFFu}) {
    const char* tok = v.token(id, &bytes);
    if (id < v.size()) {
      if (!tok) die("token(id) null for an id in range");
      std::string copy(tok, bytes);
      const int32_t found = v.find(copy.data(), copy.size());
      if (found >= 0 && (uint32_t(found) >= v.size())) die("find out of range");
    } else if (tok) {
      die("token(id) for an id out of range");
    }
  }
  check_tokenize(v, text, n, max_len, flags);
  check_tokenize(v, text, n, 0, 0);
}

std::vector<uint32_t> aligned(const uint8_t* data, size_t n) {
  std::vector<uint32_t> words((n + 3) / 4 + 1, 0);
  memcpy(words.data(), data, n);
  return words;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0] % 4;
  data += 1;
  size -= 1;
  if (mode == 0 || mode == 1) {
    size_t vsize = size;
    if (size >= sizeof(mote_vocab_header)) {
      uint32_t total;
      memcpy(&total, data + offsetof(mote_vocab_header, total_size), 4);
      if (total >= sizeof(mote_vocab_header) && total <= size) vsize = total;
    }
    // Exactly vsize bytes, 4-byte aligned (new[] of uint32_t is), so ASan sees any over-read.
    std::unique_ptr<uint32_t[]> table(new uint32_t[(vsize + 3) / 4 + 1]);
    memcpy(table.get(), data, vsize);
    uint8_t* bytes = reinterpret_cast<uint8_t*>(table.get());
    if (mode == 1 && vsize >= sizeof(mote_vocab_header)) {
      uint32_t total;
      memcpy(&total, bytes + offsetof(mote_vocab_header, total_size), 4);
      if (total >= 16 && total <= vsize) {
        const uint32_t crc = mote::crc32(bytes + 16, total - 16);
        memcpy(bytes + offsetof(mote_vocab_header, crc32), &crc, 4);
      }
    }
    mote::Vocab v;
    if (v.open(bytes, vsize) == mote::Status::kOk) {
      if (!v.ready() || v.size() == 0) die("open said yes but the vocabulary is not ready");
      const uint8_t* text = data + vsize;
      const size_t n = size - vsize;
      exercise(v, text, n, n ? 2 + data[vsize] % 40 : 8, n > 1 ? data[vsize + 1] % 4 : 0);
    } else if (v.ready()) {
      die("open failed but the vocabulary is ready");
    }
    return 0;
  }
  if (mode == 2) {
    const uint8_t* cut = static_cast<const uint8_t*>(memchr(data, 0xFF, size));
    const size_t vsize = cut ? size_t(cut - data) : size;
    std::string txt(reinterpret_cast<const char*>(data), vsize);
    txt = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n" + txt;
    mote::VocabOptions o;
    o.max_length = 16;
    std::vector<uint8_t> table;
    try {
      table = mote::build_vocab(txt, o);
    } catch (const mote::ConvertError&) {
      return 0;
    }
    std::vector<uint32_t> words = aligned(table.data(), table.size());
    mote::Vocab v;
    if (v.open(words.data(), table.size()) != mote::Status::kOk) die("a table mote::build_vocab wrote does not verify");
    const uint8_t* text = cut ? cut + 1 : data + size;
    exercise(v, text, size_t(data + size - text), 16, 0);
    return 0;
  }
  // mode 3: a fixed vocabulary in each normaliser setting
  static std::vector<uint8_t> tables[4];
  static std::vector<uint32_t> words[4];
  if (tables[0].empty()) {
    std::string txt = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n";
    const char* pieces[] = {"the", "a", "an", "un", "##aff", "##able", "##s", "##ing", "##ed", "run", "hello", "world",
                            "ς", "σ", "##ς", "##σ", "οδος", "cafe", "café", "##é", "中", "国", "i", "##i", "##̇",
                            "ᄒ", "##ᅡ", "##ᆫ", ".", ",", "!", "?", "'", "¿", "«", "»", "—", "$", "1", "##2", "😀"};
    for (const char* p : pieces) txt += std::string(p) + "\n";
    for (char c = 'a'; c <= 'z'; ++c) txt += std::string(1, c) + "\n##" + std::string(1, c) + "\n";
    for (int k = 0; k < 4; ++k) {
      mote::VocabOptions o;
      o.lower_case = k & 1;
      o.strip_accents = (k & 2) ? 1 : 0;
      o.cjk_chars = k != 3;
      o.max_length = 32;
      o.max_word_chars = k == 2 ? 5 : 100;
      tables[k] = mote::build_vocab(txt, o);
      words[k] = aligned(tables[k].data(), tables[k].size());
    }
  }
  if (size < 2) return 0;
  const int k = data[0] % 4;
  mote::Vocab v;
  if (v.open(words[k].data(), tables[k].size()) != mote::Status::kOk) die("the built-in vocabulary does not verify");
  exercise(v, data + 2, size - 2, data[1] % 64, (data[0] >> 2) % 4);
  return 0;
}
