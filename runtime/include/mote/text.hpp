// Mote text C++ API: a BERT WordPiece tokenizer with no heap, no exceptions (docs/text.md).
//
//   mote::Vocab vocab;
//   if (model.vocab(&vocab) != mote::Status::kOk) log(vocab.error());
//   int32_t ids[64], mask[64], types[64];
//   uint32_t count = 0;
//   MOTE_TRY(vocab.tokenize(text, strlen(text), 64, 0, ids, mask, types, 64, &count));
#ifndef MOTE_TEXT_HPP
#define MOTE_TEXT_HPP

#include <stddef.h>
#include <stdint.h>

#include "mote/mote.hpp"
#include "mote/status.hpp"

struct mote_vocab_header;

namespace mote {

enum class SpecialToken : int32_t { kUnk = 0, kCls = 1, kSep = 2, kPad = 3, kMask = 4 };

constexpr uint32_t kTokenizeNoPadding = 1;        // MOTE_TOKENIZE_NO_PADDING
constexpr uint32_t kTokenizeNoSpecialTokens = 2;  // MOTE_TOKENIZE_NO_SPECIAL_TOKENS

// A verified, read-only view of a vocabulary (.motevocab bytes or a model's VOCAB section). The
// bytes must stay alive and unchanged while the Vocab is used; they may sit in flash.
class Vocab {
 public:
  // Verifies the table: header, checksum, offsets, the sorted index, special ids, limits.
  // `data` must be 4-byte aligned.
  Status open(const void* data, size_t size);
  bool ready() const { return ready_; }
  const char* error() const { return error_; }

  uint32_t size() const;
  uint32_t max_length() const;
  bool lower_case() const;
  bool strip_accents() const;
  int32_t special(SpecialToken which) const;  // -1 when absent
  // The token's bytes (not NUL-terminated) and their count; null for an id out of range.
  const char* token(uint32_t id, uint32_t* bytes) const;
  int32_t find(const char* token, size_t bytes) const;  // -1 when absent
  // See mote_vocab_tokenize (mote/text.h).
  Status tokenize(const char* text, size_t text_bytes, uint32_t max_length, uint32_t flags, int32_t* ids,
                  int32_t* attention_mask, int32_t* token_type_ids, uint32_t capacity, uint32_t* count,
                  uint32_t* needed = nullptr) const;

  // Internal: the id of "##"[prefix] + bytes, or -1.
  int32_t lookup(bool continuation, const uint8_t* bytes, uint32_t n) const;

 private:
  friend class Model;  // Model::vocab
  const mote_vocab_header* header_ = nullptr;
  const uint32_t* offsets_ = nullptr;  // token_count + 1
  const uint32_t* sorted_ = nullptr;   // sorted_count ids, by token bytes
  const uint8_t* strings_ = nullptr;
  bool ready_ = false;
  mutable char error_[kErrorTextBytes] = {0};  // tokenize() reports into it
};

}  // namespace mote

#endif  // MOTE_TEXT_HPP
