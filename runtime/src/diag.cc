// Status names, dtype helpers and the bounded error-text builder.
#include <stdarg.h>
#include <string.h>

#include "mote/kernel.h"
#include "mote/model_records.hpp"
#include "mote/text_codes.h"

namespace mote {

void Diag::put(char c) {
#ifndef MOTE_STRIP_ERROR_STRINGS
  if (len_ + 1 < cap_) {
    buf_[len_++] = c;
    buf_[len_] = '\0';
  }
#else
  (void)c;
#endif
}

void Diag::detach() {
#ifndef MOTE_STRIP_ERROR_STRINGS
  if (cap_ == 0) return;
  uint32_t n = 0;
  while (n + 1 < cap_ && buf_[n]) ++n;
  const uint32_t at = cap_ - 1 - n;  // the detail ends at the buffer's last byte
  memmove(buf_ + at, buf_, n);
  buf_[cap_ - 1] = '\0';
  cap_ = at;  // this Diag's text and its NUL stay in front of the detail
  len_ = 0;
#endif
}

void Diag::attach() {
#ifndef MOTE_STRIP_ERROR_STRINGS
  if (!buf_) return;  // a Diag without a buffer: detach() left it as it was
  uint32_t n = 0;
  while (buf_[cap_ + n]) ++n;  // the detail detach() moved, NUL-terminated at the buffer's end
  memmove(buf_ + len_, buf_ + cap_, n + 1);
  cap_ += n + 1;
  len_ += n;
#endif
}

Diag& Diag::s(const char* text) {
  if (text) {
    while (*text) put(*text++);
  }
  return *this;
}

// A 32-bit magnitude (%d, %u, %z on a 32-bit target, a shape's dimensions): 32-bit divisions only.
Diag& Diag::u(uint32_t value, bool negative) {
  char digits[10];
  int n = 0;
  do {
    digits[n++] = char('0' + value % 10);
    value /= 10;
  } while (value);
  if (negative) put('-');
  while (n) put(digits[--n]);
  return *this;
}

// The digits come from dividing the magnitude by 10 in 16-bit steps of 32-bit divisions (each
// remainder below 10 shifted in front of the next 16 bits stays below 2^20): no 64-bit division,
// which on a 32-bit core would link libgcc's __udivmoddi4 (about 700 bytes on a Cortex-M4).
// Only Fail::i and Diag::f write 64-bit values: a build whose errors are all formats (fail())
// links the 32-bit form alone.
Diag& Diag::i(int64_t value) {
  char digits[20];
  int n = 0;
  const uint64_t mag = value < 0 ? uint64_t(0) - uint64_t(value) : uint64_t(value);
  uint32_t hi = uint32_t(mag >> 32), lo = uint32_t(mag);
  do {
    const uint32_t mid = (hi % 10) << 16 | lo >> 16;
    const uint32_t low = (mid % 10) << 16 | (lo & 0xffffu);
    hi /= 10;
    lo = (mid / 10) << 16 | low / 10;
    digits[n++] = char('0' + low % 10);
  } while (hi | lo);
  if (value < 0) put('-');
  while (n) put(digits[--n]);
  return *this;
}

Diag& Diag::f(double value) {
  if (value != value) return s("nan");
  if (value < 0) {
    put('-');
    value = -value;
  }
  if (value > 9.0e18) return s("inf");
  int64_t whole = int64_t(value);
  i(whole);
  put('.');
  double frac = value - double(whole);
  for (int k = 0; k < 6; ++k) {
    frac *= 10;
    int d = int(frac);
    put(char('0' + d));
    frac -= d;
  }
  return *this;
}

Diag& Diag::dims(const int32_t* d, int32_t rank) {
  put('[');
  for (int32_t k = 0; k < rank; ++k) {
    if (k) put(',');
    u(d[k] < 0 ? 0u - uint32_t(d[k]) : uint32_t(d[k]), d[k] < 0);
  }
  put(']');
  return *this;
}

const char* nth_string(const char* list, uint32_t n) {
  for (; n; --n) {
    while (*list++) {
    }
  }
  return list;
}

#ifndef MOTE_STRIP_ERROR_STRINGS
Fail::Fail(Diag* diag, Status status) : diag_(diag), status_(status) {
  if (diag_) diag_->clear();
}
Fail& Fail::s(const char* text) {
  if (diag_) diag_->s(text);
  return *this;
}
Fail& Fail::i(int64_t value) {
  if (diag_) diag_->i(value);
  return *this;
}
Fail& Fail::f(double value) {
  if (diag_) diag_->f(value);
  return *this;
}
Fail& Fail::dims(const int32_t* d, int32_t rank) {
  if (diag_) diag_->dims(d, rank);
  return *this;
}
namespace {

// The messages MOTE_T names by their index (mote/text_codes.h), coded, NUL-separated.
constexpr auto mote_message_table = text::coded_messages<text::coded_messages_size()>();

// fail()'s directives (mote/kernel.h), into `diag`. A phrase code (mote/text_codes.h) is its
// phrase, a format of its own on the same arguments, as is a %m message; a message index is
// its message.
void vformat(Diag* diag, const char* p, va_list* args) {
  constexpr uint32_t kCount = text::message_count();  // a constant (not a loop over the list's text)
  const uintptr_t index = reinterpret_cast<uintptr_t>(p) - 1;
  if (index < kCount) p = nth_string(mote_message_table.text, uint32_t(index));
  for (; *p; ++p) {
    uint32_t c = static_cast<unsigned char>(*p);
    if (c >= 0x80) {
      vformat(diag, nth_string(text::kPhrases, c - 0x80), args);
      continue;
    }
    if (c != '%' || !p[1]) {  // (MOTE_T's formats have a letter after every '%'; a test's may not)
      diag->put(*p);
      continue;
    }
    switch (*++p) {
      case 's': diag->s(va_arg(*args, const char*)); break;
      case 'm': vformat(diag, va_arg(*args, const char*), args); break;
      case 'd':
      case 'u': {
        const int32_t v = va_arg(*args, int32_t);
        const bool negative = *p == 'd' && v < 0;
        diag->u(negative ? 0u - uint32_t(v) : uint32_t(v), negative);
        break;
      }
      case 'z': {  // a size_t: 64-bit only where it is that wide (below 2^63)
        const size_t v = va_arg(*args, size_t);
        if (sizeof(size_t) > 4) {
          diag->i(int64_t(v));
        } else {
          diag->u(uint32_t(v));
        }
        break;
      }
      case 't': diag->s(dtype_name(va_arg(*args, int32_t))); break;
      case 'v': {
        const int32_t* d = va_arg(*args, const int32_t*);
        diag->dims(d, va_arg(*args, int32_t));
        break;
      }
      default: diag->put(*p); break;
    }
  }
}

}  // namespace

Status fail(Diag* diag, Status status, const char* format, ...) {
  if (!diag) return status;
  diag->clear();
  va_list args;
  va_start(args, format);
  vformat(diag, format, &args);
  va_end(args);
  return status;
}

Status tensor_error(Diag* diag, const Model& model, uint32_t t, const char* format, ...) {
  if (!diag) return Status::kMalformed;
  (void)fail(diag, Status::kMalformed, MOTE_T("tensor %u '%s'"), t, model.string(model.tensor(t).name));
  va_list args;
  va_start(args, format);
  vformat(diag, format, &args);
  va_end(args);
  return Status::kMalformed;
}

Status op_error(Diag* diag, Status status, const Model& model, uint32_t n, const char* format, ...) {
  if (!diag) return status;
  const mote_op_record& op = model.op(n);
  const char* name = op_name(op.code);
  // A build for known models names only its own ops (op_table.cc): another has its op code.
  if (*name) {
    (void)fail(diag, status, MOTE_T("op %u (%s '%s'): "), n, name, model.string(op.name));
  } else {
    (void)fail(diag, status, MOTE_T("op %u (op code %d '%s'): "), n, op.code, model.string(op.name));
  }
  va_list args;
  va_start(args, format);
  vformat(diag, format, &args);
  va_end(args);
  return status;
}

Status op_context(Diag* diag, Status status, const Model& model, uint32_t n) {
  diag->detach();
  (void)op_error(diag, status, model, n, "");
  diag->attach();
  return status;
}
#endif

uint32_t dtype_size(int32_t dtype) {
  switch (dtype) {
    case MOTE_F32: return 4;
    case MOTE_U8: return 1;
    case MOTE_I8: return 1;
    case MOTE_I32: return 4;
    case MOTE_I64: return 8;
    case MOTE_BOOL: return 1;
    case MOTE_F16: return 2;
    default: return 0;
  }
}

// By dtype code (mote/ops.h), the codes without a name empty: those and any other are "undefined".
const char* dtype_name(int32_t dtype) {
  static_assert(MOTE_F32 == 1 && MOTE_U8 == 2 && MOTE_I8 == 3 && MOTE_I32 == 6 && MOTE_I64 == 7 && MOTE_BOOL == 9 &&
                    MOTE_F16 == 10,
                "the dtype names' order");
  static const char kNames[] = "undefined\0float32\0uint8\0int8\0\0\0int32\0int64\0\0bool\0float16";
  const char* name = nth_string(kNames, uint32_t(dtype) <= MOTE_F16 ? uint32_t(dtype) : 0);
  return *name ? name : kNames;
}

}  // namespace mote

// By status code (mote/status.h), then the text of any other.
extern "C" const char* mote_status_str(mote_status status) {
  static_assert(MOTE_ERR_INVALID_ARGUMENT == 1 && MOTE_ERR_BAD_MAGIC == 2 && MOTE_ERR_VERSION == 3 &&
                    MOTE_ERR_TRUNCATED == 4 && MOTE_ERR_CHECKSUM == 5 && MOTE_ERR_MALFORMED == 6 &&
                    MOTE_ERR_UNSUPPORTED_OP == 7 && MOTE_ERR_BAD_PARAMS == 8 && MOTE_ERR_ARENA_TOO_SMALL == 9 &&
                    MOTE_ERR_ALIGNMENT == 10 && MOTE_ERR_SHAPE == 11 && MOTE_ERR_NOT_READY == 12 &&
                    MOTE_ERR_RUNTIME == 13,
                "the status texts' order");
  static const char kTexts[] =
      "ok\0invalid argument\0not a Mote blob (bad magic)\0unsupported blob format version\0blob truncated\0"
      "blob checksum mismatch\0malformed blob\0unsupported op\0invalid op parameters\0arena too small\0"
      "misaligned buffer\0wrong tensor size or shape\0not initialised\0kernel error\0unknown status";
  const uint32_t code = uint32_t(status);
  return mote::nth_string(kTexts, code <= MOTE_ERR_RUNTIME ? code : MOTE_ERR_RUNTIME + 1);
}
