// BERT WordPiece tokenization with no heap (docs/text.md): the text is read once, code point by
// code point, through the BERT normaliser (cleaning, CJK splitting, lower-casing, accent
// stripping) into words of at most MOTE_VOCAB_MAX_WORD_CHARS code points on the stack, and each
// word is split greedily, longest match first, against the verified vocabulary.
#include "mote/blob_format.h"
#include "mote/kernel.h"
#include "mote/text.hpp"
#include "mote/vocab_format.h"

namespace mote {
namespace {

#include "text_tables.inc"

// 1 + the index of the range of table[0, n) that holds cp, or 0. One body for every table.
uint32_t range_of(const uint32_t* table, uint32_t n, uint32_t cp) {
  uint32_t lo = 0, hi = n;  // the first entry starting after cp
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if ((table[mid] >> 11) <= cp) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo > 0 && cp - (table[lo - 1] >> 11) <= (table[lo - 1] & 2047u) ? lo : 0;
}

template <uint32_t N>
uint32_t range_of(const uint32_t (&table)[N], uint32_t cp) {
  return range_of(table, N, cp);
}

template <uint32_t N>
bool in_ranges(const uint32_t (&table)[N], uint32_t cp) {
  return range_of(table, N, cp) != 0;
}

constexpr uint32_t kReplacement = 0xFFFD;
constexpr uint32_t kEnd = 0xFFFFFFFFu;

// Whitespace as JavaScript's \s (and Python's str.isspace on these): becomes a word break.
bool is_space(uint32_t cp) {
  if (cp <= 0x20) return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D);
  if (cp < 0xA0) return false;
  return cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

// Dropped by cleaning: NUL, U+FFFD (and so every invalid UTF-8 sequence) and Cc/Cf/Co/Cs except
// tab, newline and carriage return (which are whitespace).
bool is_dropped(uint32_t cp) {
  if (cp == 0x09 || cp == 0x0A || cp == 0x0D) return false;
  if (cp >= 0xF0000) return (cp & 0xFFFF) <= 0xFFFD;  // planes 15 and 16: private use
  return cp == 0 || cp == kReplacement || in_ranges(kControl, cp);
}

// Case-ignorable (for final sigma): every Mn, and the few others of kCaseIgnorable.
bool is_case_ignorable(uint32_t cp) { return in_ranges(kMn, cp) || in_ranges(kCaseIgnorable, cp); }

// BERT's CJK ideograph ranges: each such character is a word of its own.
bool is_cjk(uint32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF) ||
         (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

bool is_punct(uint32_t cp) {
  if (cp < 0x80) return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126);
  return in_ranges(kPunct, cp);
}

// The simple lower-case mapping (U+0130 and final sigma are handled by the caller).
uint32_t lower(uint32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
  constexpr uint32_t n = sizeof kLower / sizeof kLower[0];
  uint32_t lo = 0, hi = n;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if ((kLower[mid][0] >> 11) <= cp) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo == 0) return cp;
  const uint32_t start = kLower[lo - 1][0] >> 11, len = (kLower[lo - 1][0] & 2047u) + 1;
  const uint32_t stride = (kLower[lo - 1][1] & 1u) ? 2 : 1;
  const int32_t delta = int32_t(kLower[lo - 1][1]) >> 1;
  const uint32_t off = cp - start;
  if (off % stride != 0 || off / stride >= len) return cp;
  return uint32_t(int32_t(cp) + delta);
}

// UTF-8 decoding as the WHATWG decoder does it: each maximal invalid subpart is one U+FFFD.
struct Utf8 {
  const uint8_t* p;
  size_t n;
  size_t i;

  uint32_t next() {
    if (i >= n) return kEnd;
    const uint32_t b0 = p[i++];
    if (b0 < 0x80) return b0;
    uint32_t need = 0, cp = 0, lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      need = 1;
      cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      need = 2;
      cp = b0 & 0x0F;
      if (b0 == 0xE0) lo = 0xA0;
      if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      need = 3;
      cp = b0 & 0x07;
      if (b0 == 0xF0) lo = 0x90;
      if (b0 == 0xF4) hi = 0x8F;
    } else {
      return kReplacement;
    }
    for (uint32_t k = 0; k < need; ++k) {
      if (i >= n) return kReplacement;
      const uint32_t b = p[i];
      if (b < lo || b > hi) return kReplacement;  // the offending byte starts the next read
      lo = 0x80;
      hi = 0xBF;
      cp = (cp << 6) | (b & 0x3F);
      ++i;
    }
    return cp;
  }
};

// Word pieces into the caller's ids, counted past the capacity.
struct Pieces {
  const Vocab* vocab;
  int32_t* ids;   // where piece 0 goes
  uint32_t limit; // pieces kept
  uint32_t count; // pieces so far, kept or not
  uint32_t max_chars;
  int32_t unk;
  uint32_t chars;  // of the current word
  uint32_t bytes;
  uint8_t word[MOTE_VOCAB_MAX_WORD_CHARS * 4];

  void emit(int32_t id) {
    if (count < limit) ids[count] = id;
    ++count;
  }

  void push(uint32_t cp) {
    if (chars++ >= max_chars) return;  // too long: [UNK] at the end, the rest not kept
    uint8_t* w = word + bytes;
    if (cp < 0x80) {
      w[0] = uint8_t(cp);
      bytes += 1;
    } else if (cp < 0x800) {
      w[0] = uint8_t(0xC0 | (cp >> 6));
      w[1] = uint8_t(0x80 | (cp & 0x3F));
      bytes += 2;
    } else if (cp < 0x10000) {
      w[0] = uint8_t(0xE0 | (cp >> 12));
      w[1] = uint8_t(0x80 | ((cp >> 6) & 0x3F));
      w[2] = uint8_t(0x80 | (cp & 0x3F));
      bytes += 3;
    } else {
      w[0] = uint8_t(0xF0 | (cp >> 18));
      w[1] = uint8_t(0x80 | ((cp >> 12) & 0x3F));
      w[2] = uint8_t(0x80 | ((cp >> 6) & 0x3F));
      w[3] = uint8_t(0x80 | (cp & 0x3F));
      bytes += 4;
    }
  }

  // Greedy longest-match-first WordPiece; a word with an unmatched rest is one [UNK]. Not inlined:
  // the caller's frame holds the word, this one only the search's state.
  __attribute__((noinline)) void end_word() {
    if (chars == 0) return;
    const uint32_t first = count;
    if (chars > max_chars) {
      emit(unk);
    } else {
      uint32_t start = 0;
      while (start < bytes) {
        uint32_t end = bytes;
        int32_t id = -1;
        while (end > start) {
          id = vocab->lookup(start > 0, word + start, end - start);
          if (id >= 0) break;
          do {
            --end;
          } while (end > start && (word[end] & 0xC0) == 0x80);
        }
        if (id < 0) {
          count = first;
          emit(unk);
          break;
        }
        emit(id);
        start = end;
      }
    }
    chars = 0;
    bytes = 0;
  }

  // A normalised code point: whitespace ends the word, punctuation is a word of its own.
  void feed(uint32_t cp) {
    if (is_space(cp)) {
      end_word();
    } else if (is_punct(cp)) {
      end_word();
      push(cp);
      end_word();
    } else {
      push(cp);
    }
  }
};

// Accent stripping of one code point: its canonical decomposition without non-spacing marks.
__attribute__((noinline)) void strip_into(Pieces* out, uint32_t cp) {
  if (cp >= 0xAC00 && cp <= 0xD7A3) {  // Hangul syllable: L V (T) jamo
    const uint32_t s = cp - 0xAC00;
    out->feed(0x1100 + s / 588);
    out->feed(0x1161 + (s % 588) / 28);
    if (s % 28) out->feed(0x11A7 + s % 28);
    return;
  }
  if (cp < 0xC0) {  // nothing below decomposes or is a mark
    out->feed(cp);
    return;
  }
  if (in_ranges(kMn, cp)) return;
  if (const uint32_t r = range_of(kDecompRun, cp)) {  // one code point, in 16 bits
    const uint32_t at = kDecompRunAt[r - 1];
    out->feed((at >> 14) << 16 | kDecompValue[(at & 0x3FFFu) + cp - (kDecompRun[r - 1] >> 11)]);
    return;
  }
  for (const uint32_t* w : kDecompWide) {  // several code points (a few dozen, sorted)
    if (w[0] > cp) break;
    if (w[0] != cp) continue;
    const uint32_t at = (w[1] >> 4) & 0x7FFFFFF, len = w[1] & 15;
    for (uint32_t k = 0; k < len; ++k) out->feed(kDecompPool[at + k]);
    return;
  }
  out->feed(cp);
}

// Whether a cased letter follows (across dropped and case-ignorable characters): final sigma.
__attribute__((noinline)) bool cased_follows(Utf8 it, bool cjk) {
  for (;;) {
    const uint32_t cp = it.next();
    if (cp == kEnd) return false;
    if (is_dropped(cp)) continue;  // before the space test: \v and \f are dropped, not spaces
    if (is_space(cp) || (cjk && is_cjk(cp))) return false;
    if (in_ranges(kCased, cp)) return true;
    if (!is_case_ignorable(cp)) return false;
  }
}

// The BERT normaliser over the whole text, into the word pieces (not inlined: the caller's frame
// holds the word buffer, this one the reading state).
__attribute__((noinline)) void normalize_into(Pieces* out, Utf8 in, uint32_t flags, bool count_all) {
  const bool lower_case = flags & MOTE_VOCAB_LOWER_CASE, strip = flags & MOTE_VOCAB_STRIP_ACCENTS;
  const bool cjk = flags & MOTE_VOCAB_CJK_CHARS;
  bool after_cased = false;  // a cased letter, then only case-ignorable characters (final sigma)
  for (;;) {
    uint32_t cp = in.next();
    if (cp == kEnd) break;
    if (is_dropped(cp)) continue;
    if (is_space(cp)) cp = ' ';
    const bool alone = cjk && is_cjk(cp);
    if (alone) out->end_word();
    uint32_t seq[2] = {cp, kEnd};
    if (lower_case) {
      if (cp == 0x3A3) {
        seq[0] = after_cased && !cased_follows(in, cjk) ? 0x3C2 : 0x3C3;
      } else if (cp == 0x130) {
        seq[0] = 'i';
        seq[1] = 0x307;
      } else {
        seq[0] = lower(cp);
      }
    }
    if (cp == ' ' || alone) {
      after_cased = false;
    } else if (in_ranges(kCased, cp)) {
      after_cased = true;
    } else if (!is_case_ignorable(cp)) {
      after_cased = false;
    }
    for (uint32_t k = 0; k < 2 && seq[k] != kEnd; ++k) {
      if (strip) {
        strip_into(out, seq[k]);
      } else {
        out->feed(seq[k]);
      }
    }
    if (alone) out->end_word();
    if (!count_all && out->chars == 0 && out->count >= out->limit) break;  // nothing more is kept
  }
}

}  // namespace

Status Vocab::tokenize(const char* text, size_t text_bytes, uint32_t max_length, uint32_t flags, int32_t* ids,
                       int32_t* attention_mask, int32_t* token_type_ids, uint32_t capacity, uint32_t* count,
                       uint32_t* needed) const {
  Diag diag(error_, kErrorTextBytes);
  if (count) *count = 0;
  if (needed) *needed = 0;
  if (!ready_) return Fail(&diag, Status::kNotReady).s("the vocabulary is not open");
  if (!ids || !count || (!text && text_bytes)) return Fail(&diag, Status::kInvalidArgument).s("null text, ids or count");
  if (flags & ~(kTokenizeNoPadding | kTokenizeNoSpecialTokens)) {
    return Fail(&diag, Status::kInvalidArgument).s("unknown tokenize flags ").i(flags);
  }
  const uint32_t length = max_length ? max_length : header_->max_length;
  const bool special = !(flags & kTokenizeNoSpecialTokens);
  const uint32_t reserve = special ? 2 : 0;
  if (length < reserve || length == 0) return Fail(&diag, Status::kInvalidArgument).s("max length ").i(length).s(" is too short");
  if (capacity < length) {
    return Fail(&diag, Status::kInvalidArgument).s("capacity ").i(capacity).s(" is less than the max length ").i(length);
  }
  const uint32_t hflags = header_->flags;
  Pieces out;
  out.vocab = this;
  out.ids = ids + (special ? 1 : 0);
  out.limit = length - reserve;
  out.count = 0;
  out.max_chars = header_->max_word_chars;
  out.unk = int32_t(header_->unk_id);
  out.chars = 0;
  out.bytes = 0;
  normalize_into(&out, Utf8{reinterpret_cast<const uint8_t*>(text), text_bytes, 0}, hflags, needed != nullptr);
  out.end_word();
  const uint32_t kept = out.count < out.limit ? out.count : out.limit;
  uint32_t n = kept;
  if (special) {
    ids[0] = int32_t(header_->cls_id);
    ids[kept + 1] = int32_t(header_->sep_id);
    n += 2;
  }
  const uint32_t total = (flags & kTokenizeNoPadding) ? n : length;
  for (uint32_t k = n; k < total; ++k) ids[k] = int32_t(header_->pad_id);
  for (uint32_t k = 0; k < total; ++k) {
    if (attention_mask) attention_mask[k] = k < n ? 1 : 0;
    if (token_type_ids) token_type_ids[k] = 0;
  }
  *count = n;
  if (needed) *needed = out.count + reserve;
  return Status::kOk;
}

}  // namespace mote
