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

// The messages MOTE_T names by their index rather than by their address: those a runtime linked
// for models/digits.onnx holds (tools/text_phrases.py --image), each once, here as written; the
// image holds them coded, in one list (diag.cc). An error site then passes a small number (on
// the Cortex-M4 one 2-byte instruction, rather than a load and a 4-byte literal per message).
// Any other message is an array of its own, as before; -DMOTE_MESSAGE_TABLE=0 makes them all so.
#ifndef MOTE_MESSAGE_TABLE
#define MOTE_MESSAGE_TABLE 1
#endif
inline constexpr char kMessages[] =
    "X %v and W %v must have rank %d\0" "channels: X has %d, W %v, group %d\0" "bias must be [%d]\0"
    "kernel_shape does not match W\0" "3-D Conv was left out of this runtime build (MOTE_OP_CONFIG)\0"
    "A %v and B %v do not multiply\0" "C %v does not broadcast to [M, N] %v\0" "X must have rank %d\0"
    "this %d-D %t pool was left out of this runtime build (MOTE_OP_CONFIG: float 2-D MaxPool only)\0"
    "op left out of this runtime build (MOTE_OP_CONFIG; `mote info` names it)\0" "tensor %u '%s'\0"
    "negative reshape dimension\0" "reshape target too large\0" "cannot reshape %v to %v\0"
    "bad reshape rank %d\0" "%s must be %u-byte aligned\0" "%s is %z bytes, shorter than its header\0"
    "bad magic: not a Mote %s\0" "%s format version %d.%d, this runtime reads version %u\0"
    "%s header says %u bytes but only %z were given\0" "%s header says %u bytes, shorter than its header\0"
    "CRC32 mismatch: the %s is corrupted\0" "%s pointer is null\0" "axis out of range\0"
    "input %d has rank %d, expected %d..%d\0" "kernel larger than padded input on axis %d\0"
    "padded input too large on axis %d\0" "kernel/stride/dilation/pad out of range on spatial axis %d\0"
    "makes %d outputs, has %d\0" "input %d is required\0" "takes %d..%d inputs, has %d\0"
    "input %d is %t, expected %t\0" "group must be >= 1\0"
    "only 1-D, 2-D and 3-D convolutions are supported, got %d-D\0"
    "Clip (or a fused Clip) was left out of this runtime build (MOTE_OP_CONFIG)\0"
    "parameter record is %u bytes, expected %u\0" "unknown fused activation %d\0" "bad operand list\0"
    "output %u is %t%v, the op makes %t%v\0" "needs %u scratch bytes, the plan gives %u\0"
    "params out of bounds\0" "scratch out of arena\0" "operand %u is not a valid tensor\0"
    "is written by an op outside its lifetime\0" "is a graph input, written by an op\0"
    "is read by an op outside its lifetime\0" "is read before any op writes it\0" " %m (op %u '%s')\0"
    "op %u '%s': op code %d is not in this runtime\0" "graph %s '%s': lifetime [%u,%u] does not span the %s\0"
    "arena plan: tensors '%s' (%u) and '%s' (%u) share bytes while both are live\0"
    "arena plan: scratch of op %u '%s' overlaps live tensor '%s' (%u)\0"
    ": lifetime [%u,%u] outside the %u ops\0" ": unknown dtype %d\0" ": rank %d > 8\0"
    ": shape %v is negative or larger than 2 GiB\0" ": byte size %u does not match shape %v\0"
    ": bad quantisation parameters\0" ": constant data out of bounds\0"
    ": arena range [%u,+%u) outside the %u-byte arena\0" "tensor %u: unknown storage %d\0"
    "graph input/output %u is not an arena tensor\0" "tensor %u is marked as state but is not a graph input\0"
    "tensor %u: name out of bounds\0" "section %u (id %u) out of bounds\0" "IO section too short\0"
    "IO section: counts do not match its size\0" "IO entry %u: tensor index %u out of range\0"
    "duplicate section id %u\0" "missing section %s\0" "section %s: size does not match record count\0"
    "META and PLAN must hold one record each\0" "CONSTANTS section is not 64-byte aligned\0"
    "STRINGS section is empty or not NUL-terminated\0" "META: producer string out of bounds\0"
    "META: source name string out of bounds\0" "PLAN: arena alignment must be 16\0"
    "section table out of bounds\0" "bad header size %u\0" "model is not loaded\0" "arena pointer is null\0"
    "arena must be 16-byte aligned\0" "arena is %z bytes; this model needs %u\0" "model pointer is null\0"
    "op range out of bounds\0" "session is not initialised\0" "input index %u out of range\0"
    "input '%s' is %t%v = %u bytes; got %z\0" "input data pointer is null\0" "op %u (op code %d '%s'): \0"
    "op %u (%s '%s'): \0" "input %d is float16, which only Cast takes\0" "only Cast gives float16\0"
    "unknown op code %d\0";

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

constexpr bool same_text(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

// 1 + the message's place in kMessages, 0 if it has none.
constexpr uint32_t message_index(const char* s) {
  if (!MOTE_MESSAGE_TABLE) return 0;
  uint32_t k = 1;
  for (const char* p = kMessages; *p; ++k) {
    if (same_text(p, s)) return k;
    while (*p) ++p;
    ++p;
  }
  return 0;
}

constexpr uint32_t message_count() {
  if (!MOTE_MESSAGE_TABLE) return 0;
  uint32_t n = 0;
  for (uint32_t k = 0; k + 1 < sizeof(kMessages); ++k) n += kMessages[k] == '\0';
  return n;
}
// A message index, unlike a message's address, is below this (the Cortex-M's vector table, the
// zero page of a host or the reserved low bytes of a WebAssembly memory hold no message).
static_assert(message_count() < 128, "a message index is one byte");

// kMessages coded, as MOTE_T codes each: first its size, then the list.
constexpr uint32_t coded_messages_size() {
  uint32_t n = 0;
  for (const char* p = kMessages; *p;) {
    n += encode(p).n + 1;
    while (*p) ++p;
    ++p;
  }
  return n + 1;
}

template <uint32_t N>
constexpr Message<N> coded_messages() {
  Message<N> m{};
  uint32_t w = 0;
  for (const char* p = kMessages; *p;) {
    const Coded b = encode(p);
    for (uint32_t k = 0; k < b.n; ++k) m.text[w++] = static_cast<char>(b.c[k]);
    m.text[w++] = '\0';
    while (*p) ++p;
    ++p;
  }
  return m;
}

}  // namespace text
}  // namespace mote

#ifndef MOTE_STRIP_ERROR_STRINGS
#define MOTE_T(literal)                                                                           \
  ([]() -> const char* {                                                                          \
    constexpr uint32_t mote_index_ = ::mote::text::message_index(literal);                        \
    if constexpr (mote_index_ != 0) {                                                             \
      return reinterpret_cast<const char*>(uintptr_t{mote_index_});                               \
    } else {                                                                                      \
      constexpr ::mote::text::Coded mote_coded_ = ::mote::text::encode(literal);                  \
      static constexpr auto mote_message_ = ::mote::text::message<mote_coded_.n + 1>(mote_coded_); \
      return mote_message_.text;                                                                  \
    }                                                                                             \
  }())
#else
#define MOTE_T(literal) literal
#endif

#endif  // MOTE_TEXT_CODES_H
