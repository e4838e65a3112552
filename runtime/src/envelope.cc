// The outer checks a model blob and a vocabulary table share (mote/blob_format.h).
#include "mote/blob_format.h"
#include "mote/kernel.h"

namespace mote {

Status verify_envelope(const uint8_t* data, size_t size, const Envelope& e, Diag* diag) {
  if (!data) return fail(diag, Status::kInvalidArgument, MOTE_T("%s pointer is null"), e.what);
  if (reinterpret_cast<uintptr_t>(data) % e.align != 0) {
    return fail(diag, Status::kAlignment, MOTE_T("%s must be %u-byte aligned"), e.what, e.align);
  }
  if (size < e.header_bytes) {
    return fail(diag, Status::kTruncated, MOTE_T("%s is %z bytes, shorter than its header"), e.what, size);
  }
  const mote_envelope_prefix* h = reinterpret_cast<const mote_envelope_prefix*>(data);
  if (h->magic != e.magic) return fail(diag, Status::kBadMagic, MOTE_T("bad magic: not a Mote %s"), e.what);
  if (h->version_major != e.major) {
    return fail(diag, Status::kVersion, MOTE_T("%s format version %d.%d, this runtime reads version %u"), e.what,
                h->version_major, h->version_minor, e.major);
  }
  if (h->total_size > size) {
    return fail(diag, Status::kTruncated, MOTE_T("%s header says %u bytes but only %z were given"), e.what, h->total_size,
                size);
  }
  if (h->total_size < e.header_bytes) {
    return fail(diag, Status::kMalformed, MOTE_T("%s header says %u bytes, shorter than its header"), e.what, h->total_size);
  }
  // The checksum first: any damage to the checksummed bytes [16, total_size) reads as kChecksum.
  if (crc32(data + 16, h->total_size - 16) != h->crc32) {
    return fail(diag, Status::kChecksum, MOTE_T("CRC32 mismatch: the %s is corrupted"), e.what);
  }
  return Status::kOk;
}

}  // namespace mote
