// The vocabulary table (.motevocab or a model's VOCAB section): verified once, so that lookups
// and tokenization can trust every offset and id in it (docs/text.md).
#include <string.h>

#include "mote/blob_format.h"
#include "mote/kernel.h"
#include "mote/text.hpp"
#include "mote/vocab_format.h"

namespace mote {
namespace {

// <0, 0, >0 as a < b, both byte strings compared as unsigned bytes, a shorter prefix first.
int compare_bytes(const uint8_t* a, uint32_t na, const uint8_t* b, uint32_t nb) {
  const uint32_t n = na < nb ? na : nb;
  for (uint32_t k = 0; k < n; ++k) {
    if (a[k] != b[k]) return a[k] < b[k] ? -1 : 1;
  }
  return na == nb ? 0 : (na < nb ? -1 : 1);
}

}  // namespace

Status Vocab::open(const void* data, size_t size) {
  ready_ = false;
  header_ = nullptr;
  Diag diag(error_, kErrorTextBytes);
  const uint8_t* base = static_cast<const uint8_t*>(data);
  // A named constant, not a temporary (see Model::verify).
  static const Envelope kVocab = {"vocabulary", MOTE_VOCAB_ALIGN, sizeof(mote_vocab_header), MOTE_VOCAB_MAGIC,
                                  MOTE_VOCAB_VERSION_MAJOR};
  MOTE_TRY(verify_envelope(base, size, kVocab, &diag));
  const mote_vocab_header* h = reinterpret_cast<const mote_vocab_header*>(base);
  if (h->total_size % 4 != 0) return Fail(&diag, Status::kMalformed).s("bad vocabulary size ").i(h->total_size);
  if (h->header_size != sizeof(mote_vocab_header)) {
    return Fail(&diag, Status::kMalformed).s("bad vocabulary header size ").i(h->header_size);
  }
  if (h->flags & ~MOTE_VOCAB_KNOWN_FLAGS) return Fail(&diag, Status::kMalformed).s("unknown vocabulary flags ").i(h->flags);
  const uint64_t n = h->token_count, m = h->sorted_count;
  if (n == 0 || m > n) return Fail(&diag, Status::kMalformed).s("bad token counts ").i(int64_t(n)).s(", ").i(int64_t(m));
  const uint64_t need = sizeof(mote_vocab_header) + 4 * (n + 1) + 4 * m + uint64_t(h->strings_size);
  if (((need + 3) & ~uint64_t(3)) != h->total_size) {
    return Fail(&diag, Status::kMalformed).s("vocabulary tables need ").i(int64_t(need)).s(" bytes, the header says ").i(h->total_size);
  }
  if (h->max_length < 2 || h->max_length > MOTE_VOCAB_MAX_LENGTH) {
    return Fail(&diag, Status::kMalformed).s("max length ").i(h->max_length).s(" outside [2, ").i(MOTE_VOCAB_MAX_LENGTH).s("]");
  }
  if (h->max_word_chars < 1 || h->max_word_chars > MOTE_VOCAB_MAX_WORD_CHARS) {
    return Fail(&diag, Status::kMalformed)
        .s("max word length ")
        .i(h->max_word_chars)
        .s(" outside [1, ")
        .i(MOTE_VOCAB_MAX_WORD_CHARS)
        .s("]");
  }
  const uint32_t ids[4] = {h->unk_id, h->cls_id, h->sep_id, h->pad_id};
  static const char* const kNames[4] = {"[UNK]", "[CLS]", "[SEP]", "[PAD]"};
  for (int k = 0; k < 4; ++k) {
    if (ids[k] >= n) return Fail(&diag, Status::kMalformed).s(kNames[k]).s(" id ").i(ids[k]).s(" out of range");
  }
  if (h->mask_id != MOTE_NONE && h->mask_id >= n) return Fail(&diag, Status::kMalformed).s("[MASK] id out of range");
  const uint32_t* offsets = reinterpret_cast<const uint32_t*>(base + sizeof(mote_vocab_header));
  const uint32_t* sorted = offsets + n + 1;
  const uint8_t* strings = reinterpret_cast<const uint8_t*>(sorted + m);
  if (offsets[0] != 0 || offsets[n] != h->strings_size) {
    return Fail(&diag, Status::kMalformed).s("token offsets do not span the token text");
  }
  for (uint64_t k = 0; k < n; ++k) {
    if (offsets[k + 1] < offsets[k]) return Fail(&diag, Status::kMalformed).s("token ").i(int64_t(k)).s(": offsets decrease");
  }
  for (uint64_t k = 0; k < m; ++k) {
    if (sorted[k] >= n) return Fail(&diag, Status::kMalformed).s("sorted index ").i(int64_t(k)).s(": id out of range");
    if (k == 0) continue;
    const uint32_t a = sorted[k - 1], b = sorted[k];
    if (compare_bytes(strings + offsets[a], offsets[a + 1] - offsets[a], strings + offsets[b], offsets[b + 1] - offsets[b]) >= 0) {
      return Fail(&diag, Status::kMalformed).s("sorted index ").i(int64_t(k)).s(": tokens out of order or repeated");
    }
  }
  for (uint64_t k = need; k < h->total_size; ++k) {
    if (base[k] != 0) return Fail(&diag, Status::kMalformed).s("nonzero padding");
  }
  header_ = h;
  offsets_ = offsets;
  sorted_ = sorted;
  strings_ = strings;
  ready_ = true;
  return Status::kOk;
}

uint32_t Vocab::size() const { return ready_ ? header_->token_count : 0; }
uint32_t Vocab::max_length() const { return ready_ ? header_->max_length : 0; }
bool Vocab::lower_case() const { return ready_ && (header_->flags & MOTE_VOCAB_LOWER_CASE); }
bool Vocab::strip_accents() const { return ready_ && (header_->flags & MOTE_VOCAB_STRIP_ACCENTS); }

int32_t Vocab::special(SpecialToken which) const {
  if (!ready_) return -1;
  switch (which) {
    case SpecialToken::kUnk: return int32_t(header_->unk_id);
    case SpecialToken::kCls: return int32_t(header_->cls_id);
    case SpecialToken::kSep: return int32_t(header_->sep_id);
    case SpecialToken::kPad: return int32_t(header_->pad_id);
    case SpecialToken::kMask: return header_->mask_id == MOTE_NONE ? -1 : int32_t(header_->mask_id);
  }
  return -1;
}

const char* Vocab::token(uint32_t id, uint32_t* bytes) const {
  if (!ready_ || id >= header_->token_count) {
    if (bytes) *bytes = 0;
    return nullptr;
  }
  if (bytes) *bytes = offsets_[id + 1] - offsets_[id];
  return reinterpret_cast<const char*>(strings_ + offsets_[id]);
}

int32_t Vocab::find(const char* token, size_t bytes) const {
  if (!ready_ || (!token && bytes) || bytes > 0xFFFFFFFFu) return -1;
  return lookup(false, reinterpret_cast<const uint8_t*>(token), uint32_t(bytes));
}

// Binary search of the sorted index for "##"[continuation] + bytes.
int32_t Vocab::lookup(bool continuation, const uint8_t* bytes, uint32_t n) const {
  static const uint8_t kPrefix[2] = {'#', '#'};
  uint32_t lo = 0, hi = header_->sorted_count;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    const uint32_t id = sorted_[mid];
    const uint8_t* t = strings_ + offsets_[id];
    uint32_t tn = offsets_[id + 1] - offsets_[id];
    int c = 0;
    if (continuation) {
      c = compare_bytes(t, tn < 2 ? tn : 2, kPrefix, 2);
      if (c == 0) {
        t += 2;
        tn -= 2;
      }
    }
    if (c == 0) c = compare_bytes(t, tn, bytes, n);
    if (c == 0) return int32_t(id);
    if (c < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return -1;
}

}  // namespace mote
