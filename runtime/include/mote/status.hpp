// Mote C++ status: the C status codes (mote/status.h) as a [[nodiscard]] enum class, and
// MOTE_TRY for early returns. Part of the public API (mote/mote.hpp includes it).
#ifndef MOTE_STATUS_HPP
#define MOTE_STATUS_HPP

#include <stdint.h>

#include "mote/status.h"

namespace mote {

enum class [[nodiscard]] Status : int32_t {
  kOk = MOTE_OK,
  kInvalidArgument = MOTE_ERR_INVALID_ARGUMENT,
  kBadMagic = MOTE_ERR_BAD_MAGIC,
  kVersion = MOTE_ERR_VERSION,
  kTruncated = MOTE_ERR_TRUNCATED,
  kChecksum = MOTE_ERR_CHECKSUM,
  kMalformed = MOTE_ERR_MALFORMED,
  kUnsupportedOp = MOTE_ERR_UNSUPPORTED_OP,
  kBadParams = MOTE_ERR_BAD_PARAMS,
  kArenaTooSmall = MOTE_ERR_ARENA_TOO_SMALL,
  kAlignment = MOTE_ERR_ALIGNMENT,
  kShape = MOTE_ERR_SHAPE,
  kNotReady = MOTE_ERR_NOT_READY,
  kRuntime = MOTE_ERR_RUNTIME,
};

#define MOTE_TRY(expr)                                   \
  do {                                                   \
    ::mote::Status mote_try_status_ = (expr);            \
    if (mote_try_status_ != ::mote::Status::kOk) return mote_try_status_; \
  } while (0)

}  // namespace mote

#endif  // MOTE_STATUS_HPP
