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
// 107 messages: 3912 bytes, 2051 with the table (128 phrases)
inline constexpr char kPhrases[] =
    " out of \0" " left\200this runtime build (MOTE_OP_CONFIG\0" "s \0" "e \0" "t \0" "section\0" " i\202\0"
    "inpu\0" "%u\0" "\200bounds\0" "an\0" "tensor\0" "tride/dilation/pad\200r\212g\203on spatial axi\202%d\0"
    "no\204\0" "er\0" "arena\0" "d \0" "%d\0" " point\216\206null\0" "mus\204b\203\0" "'%s'\0" " th\0"
    " bytes\0" "k\216nel\0" ": \0" ", expecte\220\0" "by \212 op outsid\203it\202lifetime\0" "shap\203\0"
    "atch\0" " larg\216\225\212 padde\220\207\204on axi\202\221\0" "-byt\203aligned\0" "unknown \0" "op \0"
    "on\0" "head\216\0" "\210 scr\234\226,\225\203pl\212 give\202\210\0" "\241ly 1-D, 2-D \212\2203-D \0"
    "sessi\241\206\215initialised\0" "or\0" "%s\0" "\225i\202runtim\0" "r\212k \221\0" "doe\202\215\0"
    " --targe\204\0" "supp\246ted, go\204\221-D\0" "graph \0" "\230lifetim\203[\210,\210] \0"
    "\226, sh\246t\216\225\212 it\202\242\0" "in\0" " %v\0" "th\0" "re\0" "model\0" "at\0" "ar\0"
    "\260dex \210\200r\212ge\0" "\240cod\203\221\0" "\210 \0" "ou\0" "i\202\0" " mus\204h\0" "\207\204\0"
    "e\202\0" " ha\202\0" "\224 (\210)\0" "si\0" "ba\220\0" " was\201\0" "\247 \242 say\202\0"
    "\241ly Cas\204\0" "written \0" "st\0" "o \0" "li\0" "c\241v\216\204wi\262\0" "%t\0"
    "\272t\301d\203\262\203\0" "\272tpu\204\210\206\0" "\252m\234 \0" "\212\220\0" "tak\0" "p\266amet\216\0"
    "pool\0" "neg\265iv\203\0" "flo\265\0" "byt\0" "buil\0" "META\0" "\262\203\247 \227\202\0"
    "\217 pl\212\230\0" "\213 \0" "\205 \0" "to\310l\266g\0" "a \0" ", \0" "%v\0" "\307r\260g\211\0"
    "\301z\203\0" "\275\221\206\0" "\274av\203\251\0" "\263c\246\0" "\255\207t\0" "\241 \0" "\240\271\224\0"
    "y \0" "ts,\277\221\0" "r\212g\0" "op\0" "need\202\0" "nam\0" "gr\272p \0" "fuse\220\0" "en\0"
    "d\310\215\0" "IO \0" "\307\246ag\0" "\273\263a\220\0" "\263\233\0" "\261 \0" "\247 \0" "\246 \0"
    "\227/s\214\0" "\225\203\0" "\221..\221\0" "\217 \0" "\206\215\0" "v\216\301\346\0" "ti\0";
inline constexpr uint32_t kMaxMessage = 320;

constexpr uint32_t phrase_count() {
  uint32_t n = 0;
  for (uint32_t k = 0; k + 1 < sizeof(kPhrases); ++k) n += kPhrases[k] == '\0';
  return n;
}
static_assert(phrase_count() <= 128, "one byte per phrase code");

// Never defined: a constant expression cannot call them.
void non_ascii_message();
void not_a_directive();  // after a '%': s m d u l t v (mote/kernel.h) or '%'

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
      if (d != 's' && d != 'm' && d != 'd' && d != 'u' && d != 'l' && d != 't' && d != 'v' && d != '%') not_a_directive();
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
