// Error messages in a compact form: a message's common phrases are one byte each in the image
// and whole again in the text the user reads. MOTE_T("section %u (id %u) out of bounds") is the
// message with every phrase of kPhrases replaced by its code (0x80 + its index), at compile time;
// fail(), tensor_error() and op_error() (runtime/src/diag.cc) write the phrase for a code, so
// mote_model_error() and every other error text hold the message as it is written in the source.
// Only the format of those calls is decoded: names from the blob (%s) are written as they are.
//
// Any list of phrases is correct (the encoding is applied in the list's order, one pass per
// phrase, never at a directive's letter); this one was chosen for size by tools/text_phrases.py:
// the phrases that save the most bytes of the messages a runtime linked for models/digits.onnx
// holds, one at a time. A message must be ASCII (the codes are the bytes from 0x80), at most
// kMaxMessage bytes long and every '%' in it a directive: another is a compile error.
#ifndef MOTE_TEXT_CODES_H
#define MOTE_TEXT_CODES_H

#include <stdint.h>

namespace mote {
namespace text {

// NUL-separated; code 0x80 + k stands for the k-th, which may hold the codes of those before it.
// 95 messages: 3289 bytes, 1790 with the table (118 phrases)
inline constexpr char kPhrases[] =
    " out of \0" "is \0" " left\200th\201runtime build (MOTE_OP_CONFIG\0" " %u\0" "input\0" "e \0" "not \0"
    "section\0" "tensor\0" " '%s'\0" "tride/dilation/pad\200rang\205on spatial ax\201%d\0"
    " pointer \201null\0" "\200bounds\0" "arena\0" " %d\0" " must \0" "an\0" " bytes\0"
    " larger th\220 padded \204 on ax\201%d\0" " by \220 op outsid\205its lifetime\0"
    "\221, shorter th\220 its header\0" "shap\205\0" ": \0" "does \206match \0" "-byt\205aligned\0"
    "unknown \0" "session \201\206initialised\0" "d \0" "at\0" "\226lifetim\205[%u,%u] \0" "op cod\205%d\0"
    "er\0" ", expecte\0" " \201\0" "graph \0" "on\0" " %v\0" "s \0" "%s head\237 says\203\0" " t\0"
    "r\220k\216\0" "op\0" "k\237nel\0" "re\0" "or\0" "%s\0" " index\203\200r\220ge\0" "\211 (%u)\0" "ut\0"
    "scr\234ch\0" "ar\0" "\243ly \0" "si\0" "\247h\201runtim\0" "o\260\264d\205the\203\0" "model\0" "ba\233\0"
    "as\0" ", \0" "li\0" "%d\0" "\253c\254\233\0" "\247oo l\262g\0" "\217b\205\0" "written\0"
    "p\262amet\237\0" "o\260p\260\0" "neg\234iv\205\0" "give\0" "flo\234\0" "akes\0" "-D \0" "%t%v\0"
    "\241\206\0" "\217hav\205\250\0" "\215 pl\220\226\0" "needs\203\0" "e\245\0" "ad\0" "\264ze\0"
    "\251\203\211\0" "\247h\205\0" "\225%v\0" "\220\233\0" "\204\216\241\0" "\203 (\0" "up\0"
    "s\272h\271\216\0" "st\0" "r\220g\0" "ot\0" "in\0" "fuse\233\0" "do \206m\0" "count\0" "ch\0" "byt\0"
    "a \0" "IO \0" "\263C\271t\0" "\252/s\212\0" "\244 \0" "\220 \0" "\216..\274\0" "\210\203\0"
    "v\237\264\243\0" "ool \0" "it\0" "is\0" "gro\326\0" "ed\0" "d\203\0" "do\315\206\0" "PLAN\0" "META\0"
    "16\0" "%z\0" " d\234a\0";
inline constexpr uint32_t kMaxMessage = 320;

constexpr uint32_t phrase_count() {
  uint32_t n = 0;
  for (uint32_t k = 0; k + 1 < sizeof(kPhrases); ++k) n += kPhrases[k] == '\0';
  return n;
}
static_assert(phrase_count() <= 128, "one byte per phrase code");

// Never defined: a constant expression cannot call them.
void non_ascii_message();
void not_a_directive();  // after a '%': s m d u z t v (mote/kernel.h) or '%'

struct Coded {
  uint16_t c[kMaxMessage];
  uint32_t n;
};

constexpr Coded encode(const char* s) {
  Coded b{};
  for (; s[b.n]; ++b.n) {
    if (static_cast<unsigned char>(s[b.n]) >= 0x80) non_ascii_message();
    b.c[b.n] = static_cast<unsigned char>(s[b.n]);  // past kMaxMessage: not a constant
    if (s[b.n] == '%') {
      const char d = s[b.n + 1];
      if (d != 's' && d != 'm' && d != 'd' && d != 'u' && d != 'z' && d != 't' && d != 'v' && d != '%') not_a_directive();
      b.c[++b.n] = static_cast<unsigned char>(d);
    }
  }
  const char* p = kPhrases;
  for (uint16_t code = 0x80; *p; ++code) {
    uint32_t len = 0;
    while (p[len]) ++len;
    uint32_t w = 0;
    for (uint32_t i = 0; i < b.n;) {
      // Not at a directive's letter (the one after a '%'): b.c[i - 1] is still the token before.
      bool match = i + len <= b.n && !(i > 0 && b.c[i - 1] == '%');
      for (uint32_t j = 0; match && j < len; ++j) match = b.c[i + j] == static_cast<unsigned char>(p[j]);
      if (match) {
        b.c[w++] = code;
        i += len;
      } else {
        b.c[w++] = b.c[i++];
      }
    }
    b.n = w;
    p += len + 1;
  }
  return b;
}

template <uint32_t N>
struct Message {
  char text[N];
};

template <uint32_t N>
constexpr Message<N> message(const Coded& b) {
  Message<N> m{};
  for (uint32_t k = 0; k + 1 < N; ++k) m.text[k] = static_cast<char>(b.c[k]);
  return m;
}

}  // namespace text
}  // namespace mote

#ifndef MOTE_STRIP_ERROR_STRINGS
#define MOTE_T(literal)                                                                       \
  ([]() -> const char* {                                                                      \
    constexpr ::mote::text::Coded mote_coded_ = ::mote::text::encode(literal);                \
    static constexpr auto mote_message_ = ::mote::text::message<mote_coded_.n + 1>(mote_coded_); \
    return mote_message_.text;                                                                \
  }())
#else
#define MOTE_T(literal) literal
#endif

#endif  // MOTE_TEXT_CODES_H
