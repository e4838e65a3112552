// The outer checks a model blob and a vocabulary table share (mote/blob_format.h).
#include "mote/blob_format.h"
#include "mote/kernel.h"

namespace mote {

Status verify_envelope(const uint8_t* data, size_t size, const Envelope& e, Diag* diag) {
  if (!data) return Fail(diag, Status::kInvalidArgument).fmt("%s pointer is null", e.what);
  if (reinterpret_cast<uintptr_t>(data) % e.align != 0) {
    return Fail(diag, Status::kAlignment).fmt("%s must be %u-byte aligned", e.what, e.align);
  }
  if (size < e.header_bytes) {
    return Fail(diag, Status::kTruncated).fmt("%s is %l bytes, shorter than its header", e.what, int64_t(size));
  }
  const mote_envelope_prefix* h = reinterpret_cast<const mote_envelope_prefix*>(data);
  if (h->magic != e.magic) return Fail(diag, Status::kBadMagic).fmt("bad magic: not a Mote %s", e.what);
  if (h->version_major != e.major) {
    return Fail(diag, Status::kVersion)
        .fmt("%s format version %d.%d, this runtime reads version %u", e.what, h->version_major, h->version_minor, e.major);
  }
  if (h->total_size > size) {
    return Fail(diag, Status::kTruncated)
        .fmt("%s header says %u bytes but only %l were given", e.what, h->total_size, int64_t(size));
  }
  if (h->total_size < e.header_bytes) {
    return Fail(diag, Status::kMalformed).fmt("%s header says %u bytes, shorter than its header", e.what, h->total_size);
  }
  // The checksum first: any damage to the checksummed bytes [16, total_size) reads as kChecksum.
  if (crc32(data + 16, h->total_size - 16) != h->crc32) {
    return Fail(diag, Status::kChecksum).fmt("CRC32 mismatch: the %s is corrupted", e.what);
  }
  return Status::kOk;
}

}  // namespace mote
