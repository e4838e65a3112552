// The WordPiece tokenizer (docs/text.md): the .motevocab verifier against hostile tables, the
// C and C++ APIs (padding, truncation, flags, capacity), the documented rules for invalid UTF-8,
// final sigma and U+0130, and the VOCAB section of a model blob. The equality with a reference
// tokenizer on 100,000 strings is tests/text/tokenizer_reference.mjs.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "mote/blob_format.h"
#include "mote/converter.h"
#include "mote/mote.h"
#include "mote/text.h"
#include "mote/text.hpp"
#include "mote/vocab_format.h"

namespace {

const char* kVocab =
    "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nun\n##aff\n##able\nhello\nworld\n##s\n!\n,\ncafe\ncafé\n中\n国\nοδος\nοδοσ\n"
    "i\n##̇\nhe\n##llo\n";

struct Table {
  std::vector<uint32_t> words;
  size_t size = 0;
  explicit Table(const std::vector<uint8_t>& bytes) : words(bytes.size() / 4 + 1), size(bytes.size()) {
    std::memcpy(words.data(), bytes.data(), bytes.size());
  }
  uint8_t* bytes() { return reinterpret_cast<uint8_t*>(words.data()); }
  void fix_crc() {
    mote_vocab_header h;
    std::memcpy(&h, bytes(), sizeof h);
    h.crc32 = mote::crc32(bytes() + 16, h.total_size - 16);
    std::memcpy(bytes(), &h, sizeof h);
  }
  mote_vocab_header* header() { return reinterpret_cast<mote_vocab_header*>(bytes()); }
};

std::vector<uint8_t> build(mote::VocabOptions o = {}) {
  if (!o.max_length) o.max_length = 8;
  return mote::build_vocab(kVocab, o);
}

// Tokens of `text` (no padding, specials included) as strings.
std::vector<std::string> tokens(const mote::Vocab& v, const std::string& text, uint32_t max_len = 64) {
  std::vector<int32_t> ids(max_len);
  uint32_t count = 0;
  EXPECT_EQ(v.tokenize(text.data(), text.size(), max_len, mote::kTokenizeNoPadding, ids.data(), nullptr, nullptr, max_len, &count),
            mote::Status::kOk)
      << v.error();
  std::vector<std::string> out;
  for (uint32_t k = 0; k < count; ++k) {
    uint32_t n = 0;
    const char* t = v.token(uint32_t(ids[k]), &n);
    out.emplace_back(t, n);
  }
  return out;
}

using S = std::vector<std::string>;

}  // namespace

TEST(Text, WordPieceGreedyLongestMatchFirst) {
  Table t(build());
  mote::Vocab v;
  ASSERT_EQ(v.open(t.bytes(), t.size), mote::Status::kOk) << v.error();
  EXPECT_EQ(v.size(), 23u);
  EXPECT_EQ(v.max_length(), 8u);
  EXPECT_TRUE(v.lower_case());
  EXPECT_TRUE(v.strip_accents());
  EXPECT_EQ(tokens(v, "UnAffable"), (S{"[CLS]", "un", "##aff", "##able", "[SEP]"}));
  EXPECT_EQ(tokens(v, "hello, worlds!"), (S{"[CLS]", "hello", ",", "world", "##s", "!", "[SEP]"}));
  // "hellox": "hello" matches, "##x" does not: the whole word is one [UNK].
  EXPECT_EQ(tokens(v, "hellox hello"), (S{"[CLS]", "[UNK]", "hello", "[SEP]"}));
  EXPECT_EQ(tokens(v, "Café 中国"), (S{"[CLS]", "cafe", "中", "国", "[SEP]"}));
  EXPECT_EQ(tokens(v, ""), (S{"[CLS]", "[SEP]"}));
  EXPECT_EQ(tokens(v, " \t\n\u3000 "), (S{"[CLS]", "[SEP]"}));
  // A special token's text is ordinary text.
  EXPECT_EQ(tokens(v, "[CLS]"), (S{"[CLS]", "[UNK]", "[UNK]", "[UNK]", "[SEP]"}));
}

TEST(Text, LongWordsAreUnknown) {
  Table t(build());
  mote::Vocab v;
  ASSERT_EQ(v.open(t.bytes(), t.size), mote::Status::kOk);
  std::string a100, a101;
  for (int k = 0; k < 50; ++k) a100 += "he";
  a101 = a100 + "h";
  // Over 100 characters: [UNK] without trying.
  EXPECT_EQ(tokens(v, a101 + " hello"), (S{"[CLS]", "[UNK]", "hello", "[SEP]"}));
  mote::VocabOptions o;
  o.max_word_chars = 5;
  Table t5(build(o));
  ASSERT_EQ(v.open(t5.bytes(), t5.size), mote::Status::kOk);
  EXPECT_EQ(tokens(v, "hello"), (S{"[CLS]", "hello", "[SEP]"}));
  EXPECT_EQ(tokens(v, "hellos"), (S{"[CLS]", "[UNK]", "[SEP]"}));
}

TEST(Text, FinalSigmaAndDottedCapitalI) {
  mote::VocabOptions o;
  o.strip_accents = 0;
  Table t(build(o));
  mote::Vocab v;
  ASSERT_EQ(v.open(t.bytes(), t.size), mote::Status::kOk);
  EXPECT_FALSE(v.strip_accents());
  EXPECT_EQ(tokens(v, "ΟΔΟΣ"), (S{"[CLS]", "οδος", "[SEP]"}));            // final: ς
  EXPECT_EQ(tokens(v, "ΟΔΟΣ.")[1], "οδος");                              // punctuation after it
  EXPECT_EQ(tokens(v, "ΟΔΟΣ\u00ad")[1], "οδος");  // the soft hyphen is dropped: still final
  // \f and the soft hyphen are dropped (the words join), and a cased letter follows: σ.
  mote::VocabOptions o2 = o;
  o2.max_length = 8;
  Table joined(mote::build_vocab("[PAD]\n[UNK]\n[CLS]\n[SEP]\nοδοσοδος\nοδοσ\n##οδος\n", o2));
  mote::Vocab j;
  ASSERT_EQ(j.open(joined.bytes(), joined.size), mote::Status::kOk);
  EXPECT_EQ(tokens(j, "ΟΔΟΣ\fΟΔΟΣ"), (S{"[CLS]", "οδοσοδος", "[SEP]"}));
  EXPECT_EQ(tokens(j, "ΟΔΟΣ\u00adοδος"), (S{"[CLS]", "οδοσοδος", "[SEP]"}));
  EXPECT_EQ(tokens(v, "Σ"), (S{"[CLS]", "[UNK]", "[SEP]"}));  // σ: nothing cased before it
  // U+0130 lower-cases to i + U+0307; kept with accents, stripped without.
  EXPECT_EQ(tokens(v, "\u0130"), (S{"[CLS]", "i", "##\u0307", "[SEP]"}));
  Table s(build());
  ASSERT_EQ(v.open(s.bytes(), s.size), mote::Status::kOk);
  EXPECT_EQ(tokens(v, "\u0130"), (S{"[CLS]", "i", "[SEP]"}));
}

TEST(Text, InvalidUtf8IsDroppedAsReplacementCharacters) {
  Table t(build());
  mote::Vocab v;
  ASSERT_EQ(v.open(t.bytes(), t.size), mote::Status::kOk);
  // Each maximal invalid subpart is U+FFFD, which cleaning drops: the word closes over it.
  EXPECT_EQ(tokens(v, "hel\xFFlo"), (S{"[CLS]", "hello", "[SEP]"}));
  EXPECT_EQ(tokens(v, "hello\xE4\xB8"), (S{"[CLS]", "hello", "[SEP]"}));      // truncated 中
  EXPECT_EQ(tokens(v, "\xC0\x80hello\xED\xA0\x80"), (S{"[CLS]", "hello", "[SEP]"}));  // overlong NUL, surrogate
  EXPECT_EQ(tokens(v, "\xF4\x90\x80\x80\xE4\xB8\xAD"), (S{"[CLS]", "中", "[SEP]"}));  // above U+10FFFF
  EXPECT_EQ(tokens(v, std::string("he\0llo", 6)), (S{"[CLS]", "hello", "[SEP]"}));  // NUL is dropped too
}

TEST(Text, PaddingTruncationFlagsAndCapacity) {
  Table t(build());
  mote_vocab v;
  ASSERT_EQ(mote_vocab_open(&v, t.bytes(), t.size), MOTE_OK);
  EXPECT_EQ(mote_vocab_special(&v, MOTE_TOKEN_CLS), 2);
  EXPECT_EQ(mote_vocab_special(&v, MOTE_TOKEN_MASK), 4);
  EXPECT_EQ(mote_vocab_find(&v, "##aff", 5), 6);
  EXPECT_EQ(mote_vocab_find(&v, "aff", 3), -1);
  int32_t ids[8], mask[8], types[8];
  uint32_t count = 0, needed = 0;
  const char* text = "hello world hello world hello world";
  ASSERT_EQ(mote_vocab_tokenize(&v, text, strlen(text), 0, 0, ids, mask, types, 8, &count, &needed), MOTE_OK);
  EXPECT_EQ(count, 8u);
  EXPECT_EQ(needed, 8u);
  EXPECT_EQ(std::vector<int32_t>(ids, ids + 8), (std::vector<int32_t>{2, 8, 9, 8, 9, 8, 9, 3}));
  ASSERT_EQ(mote_vocab_tokenize(&v, text, strlen(text), 6, 0, ids, mask, types, 8, &count, &needed), MOTE_OK);
  EXPECT_EQ(count, 6u);
  EXPECT_EQ(needed, 8u);  // truncated
  EXPECT_EQ(std::vector<int32_t>(ids, ids + 6), (std::vector<int32_t>{2, 8, 9, 8, 9, 3}));
  ASSERT_EQ(mote_vocab_tokenize(&v, "hello", 5, 0, 0, ids, mask, types, 8, &count, nullptr), MOTE_OK);
  EXPECT_EQ(count, 3u);
  EXPECT_EQ(std::vector<int32_t>(ids, ids + 8), (std::vector<int32_t>{2, 8, 3, 0, 0, 0, 0, 0}));
  EXPECT_EQ(std::vector<int32_t>(mask, mask + 8), (std::vector<int32_t>{1, 1, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(std::vector<int32_t>(types, types + 8), (std::vector<int32_t>(8, 0)));
  ASSERT_EQ(mote_vocab_tokenize(&v, "hello", 5, 0, MOTE_TOKENIZE_NO_SPECIAL_TOKENS | MOTE_TOKENIZE_NO_PADDING, ids, nullptr,
                                nullptr, 8, &count, &needed),
            MOTE_OK);
  EXPECT_EQ(count, 1u);
  EXPECT_EQ(ids[0], 8);
  EXPECT_EQ(mote_vocab_tokenize(&v, "hello", 5, 0, 0, ids, mask, types, 7, &count, nullptr), MOTE_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(mote_vocab_error(&v)).find("capacity 7"), std::string::npos);
  EXPECT_EQ(mote_vocab_tokenize(&v, "hello", 5, 1, 0, ids, mask, types, 8, &count, nullptr), MOTE_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mote_vocab_tokenize(&v, "hello", 5, 0, 8, ids, mask, types, 8, &count, nullptr), MOTE_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mote_vocab_tokenize(&v, nullptr, 5, 0, 0, ids, mask, types, 8, &count, nullptr), MOTE_ERR_INVALID_ARGUMENT);
  uint32_t n = 0;
  EXPECT_EQ(mote_vocab_token(&v, 23, &n), nullptr);
  const char* aff = mote_vocab_token(&v, 6, &n);
  EXPECT_EQ(std::string(aff, n), "##aff");
}

TEST(Text, VerifierRefusesHostileTables) {
  const std::vector<uint8_t> good = build();
  struct Case {
    const char* what;
    void (*mutate)(Table*);
    mote::Status status;
  };
  const Case cases[] = {
      {"magic", [](Table* t) { t->header()->magic ^= 1; }, mote::Status::kBadMagic},
      {"major version", [](Table* t) { t->header()->version_major = 2; }, mote::Status::kVersion},
      {"size over the buffer", [](Table* t) { t->header()->total_size += 4; }, mote::Status::kTruncated},
      {"checksum", [](Table* t) { t->bytes()[t->size - 1] ^= 1; }, mote::Status::kChecksum},
      {"header size", [](Table* t) { t->header()->header_size = 60; t->fix_crc(); }, mote::Status::kMalformed},
      {"flags", [](Table* t) { t->header()->flags |= 8; t->fix_crc(); }, mote::Status::kMalformed},
      {"token count", [](Table* t) { t->header()->token_count += 1; t->fix_crc(); }, mote::Status::kMalformed},
      {"no tokens", [](Table* t) { t->header()->token_count = 0; t->fix_crc(); }, mote::Status::kMalformed},
      {"sorted count", [](Table* t) { t->header()->sorted_count = 0xFFFFFFFF; t->fix_crc(); }, mote::Status::kMalformed},
      {"max length", [](Table* t) { t->header()->max_length = 1; t->fix_crc(); }, mote::Status::kMalformed},
      {"max word chars", [](Table* t) { t->header()->max_word_chars = 101; t->fix_crc(); }, mote::Status::kMalformed},
      {"unk id", [](Table* t) { t->header()->unk_id = 23; t->fix_crc(); }, mote::Status::kMalformed},
      {"mask id", [](Table* t) { t->header()->mask_id = 99; t->fix_crc(); }, mote::Status::kMalformed},
      {"offsets decrease",
       [](Table* t) {
         uint32_t* off = reinterpret_cast<uint32_t*>(t->bytes() + sizeof(mote_vocab_header));
         off[3] = off[4] + 1;
         t->fix_crc();
       },
       mote::Status::kMalformed},
      {"sorted index out of order",
       [](Table* t) {
         uint32_t* sorted = reinterpret_cast<uint32_t*>(t->bytes() + sizeof(mote_vocab_header)) + t->header()->token_count + 1;
         std::swap(sorted[0], sorted[1]);
         t->fix_crc();
       },
       mote::Status::kMalformed},
      {"sorted id out of range",
       [](Table* t) {
         uint32_t* sorted = reinterpret_cast<uint32_t*>(t->bytes() + sizeof(mote_vocab_header)) + t->header()->token_count + 1;
         sorted[2] = 1000;
         t->fix_crc();
       },
       mote::Status::kMalformed},
  };
  for (const Case& c : cases) {
    Table t(good);
    c.mutate(&t);
    mote::Vocab v;
    EXPECT_EQ(v.open(t.bytes(), t.size), c.status) << c.what << ": " << v.error();
    EXPECT_FALSE(v.ready()) << c.what;
    EXPECT_GT(std::strlen(v.error()), 0u) << c.what;
  }
  Table t(good);
  mote::Vocab v;
  EXPECT_EQ(v.open(t.bytes() + 1, t.size - 1), mote::Status::kAlignment);
  EXPECT_EQ(v.open(t.bytes(), 40), mote::Status::kTruncated);
  EXPECT_EQ(v.open(nullptr, 100), mote::Status::kInvalidArgument);
  uint32_t count = 0;
  int32_t ids[8];
  EXPECT_EQ(v.tokenize("a", 1, 0, 0, ids, nullptr, nullptr, 8, &count), mote::Status::kNotReady);
}

// Every byte of a table set to a few values (checksum recomputed): either refused, or every
// tokenization stays in range. ASan (the sanitizer build) watches the reads.
TEST(Text, EveryByteCorruptedStaysSafe) {
  const std::vector<uint8_t> good = build();
  const uint8_t values[] = {0x00, 0x01, 0x7F, 0x80, 0xFF};
  int opened = 0;
  for (size_t at = 16; at < good.size(); ++at) {
    for (uint8_t value : values) {
      Table t(good);
      t.bytes()[at] = value;
      t.fix_crc();
      std::vector<uint32_t> exact((t.size + 3) / 4);
      std::memcpy(exact.data(), t.bytes(), t.size);
      mote::Vocab v;
      if (v.open(exact.data(), t.size) != mote::Status::kOk) continue;
      ++opened;
      int32_t ids[16], mask[16], types[16];
      uint32_t count = 0, needed = 0;
      const char* text = "UnAffable hello, worlds! Café 中国 ΟΔΟΣ";
      ASSERT_EQ(v.tokenize(text, strlen(text), 16, 0, ids, mask, types, 16, &count, &needed), mote::Status::kOk);
      for (int32_t id : ids) ASSERT_LT(uint32_t(id), v.size());
    }
  }
  EXPECT_GT(opened, 0);
}

TEST(Text, ModelBlobCarriesItsVocabulary) {
  mote::ConvertOptions o;
  o.vocab_text = kVocab;
  mote::ConvertResult r = mote::convert_file(MOTE_SOURCE_DIR "/models/digits.onnx", o);
  std::vector<uint8_t> storage(r.blob.size() + 64);
  uint8_t* blob = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) % 64;
  std::memcpy(blob, r.blob.data(), r.blob.size());
  const mote_blob_header* h = reinterpret_cast<const mote_blob_header*>(blob);
  EXPECT_GE(h->version_minor, 3);  // the VOCAB section is 1.3
  mote_model model;
  ASSERT_EQ(mote_model_load(&model, blob, r.blob.size()), MOTE_OK) << mote_model_error(&model);
  mote_vocab v;
  ASSERT_EQ(mote_model_vocab(&model, &v), MOTE_OK) << mote_vocab_error(&v);
  EXPECT_EQ(mote_vocab_size(&v), 23u);
  EXPECT_EQ(mote_vocab_max_length(&v), 512u);  // digits' input is float: not token ids
  int32_t ids[512];
  uint32_t count = 0;
  ASSERT_EQ(mote_vocab_tokenize(&v, "hello", 5, 0, 0, ids, nullptr, nullptr, 512, &count, nullptr), MOTE_OK);
  EXPECT_EQ(count, 3u);

  // A damaged VOCAB section (checksum recomputed) is refused at load, naming the section.
  const mote_section_entry* table = reinterpret_cast<const mote_section_entry*>(blob + sizeof(mote_blob_header));
  for (uint32_t s = 0; s < h->section_count; ++s) {
    if (table[s].id != MOTE_SECTION_VOCAB) continue;
    uint8_t* t = blob + table[s].offset;
    t[offsetof(mote_vocab_header, max_word_chars)] = 200;
    const uint32_t crc = mote::crc32(t + 16, table[s].size - 16);
    std::memcpy(t + offsetof(mote_vocab_header, crc32), &crc, 4);
  }
  reinterpret_cast<mote_blob_header*>(blob)->crc32 = mote::crc32(blob + 16, h->total_size - 16);
  mote::Model m;
  EXPECT_EQ(m.load(blob, r.blob.size()), mote::Status::kMalformed);
  EXPECT_NE(std::string(m.error()).find("VOCAB section"), std::string::npos) << m.error();

  // Without --vocab: a clear refusal.
  mote::ConvertResult plain = mote::convert_file(MOTE_SOURCE_DIR "/models/digits.onnx", mote::ConvertOptions{});
  std::memcpy(blob, plain.blob.data(), plain.blob.size());
  ASSERT_EQ(m.load(blob, plain.blob.size()), mote::Status::kOk);
  mote::Vocab cv;
  EXPECT_EQ(m.vocab(&cv), mote::Status::kInvalidArgument);
  EXPECT_NE(std::string(cv.error()).find("no vocabulary"), std::string::npos);
  EXPECT_FALSE(m.has_vocab());
}

TEST(Text, BuildVocabRefusesWhatItCannotWrite) {
  mote::VocabOptions o;
  o.max_length = 8;
  EXPECT_THROW(mote::build_vocab("hello\nworld\n", o), mote::ConvertError);  // no specials
  EXPECT_THROW(mote::build_vocab("", o), mote::ConvertError);
  o.max_word_chars = 101;
  EXPECT_THROW(mote::build_vocab(kVocab, o), mote::ConvertError);
  // A repeated token keeps its last id, as BERT's loader does.
  o.max_word_chars = 100;
  Table t(mote::build_vocab(std::string(kVocab) + "hello\n", o));
  mote::Vocab v;
  ASSERT_EQ(v.open(t.bytes(), t.size), mote::Status::kOk);
  EXPECT_EQ(v.find("hello", 5), 23);
  EXPECT_EQ(v.size(), 24u);
}
