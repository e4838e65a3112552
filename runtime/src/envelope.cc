// The outer checks a model blob and a vocabulary table share (mote/blob_format.h).
#include "mote/blob_format.h"
#include "mote/kernel.h"

namespace mote {

Status verify_envelope(const uint8_t* data, size_t size, const Envelope& e, Diag* diag) {
  if (!data) return Fail(diag, Status::kInvalidArgument).s(e.what).s(" pointer is null");
  if (reinterpret_cast<uintptr_t>(data) % e.align != 0) {
    return Fail(diag, Status::kAlignment).s(e.what).s(" must be ").i(e.align).s("-byte aligned");
  }
  if (size < e.header_bytes) {
    return Fail(diag, Status::kTruncated).s(e.what).s(" is ").i(int64_t(size)).s(" bytes, shorter than its header");
  }
  const mote_envelope_prefix* h = reinterpret_cast<const mote_envelope_prefix*>(data);
  if (h->magic != e.magic) return Fail(diag, Status::kBadMagic).s("bad magic: not a Mote ").s(e.what);
  if (h->version_major != e.major) {
    return Fail(diag, Status::kVersion)
        .s(e.what)
        .s(" format version ")
        .i(h->version_major)
        .s(".")
        .i(h->version_minor)
        .s(", this runtime reads version ")
        .i(e.major);
  }
  if (h->total_size > size) {
    return Fail(diag, Status::kTruncated)
        .s(e.what)
        .s(" header says ")
        .i(h->total_size)
        .s(" bytes but only ")
        .i(int64_t(size))
        .s(" were given");
  }
  if (h->total_size < e.header_bytes) {
    return Fail(diag, Status::kMalformed).s(e.what).s(" header says ").i(h->total_size).s(" bytes, shorter than its header");
  }
  // The checksum first: any damage to the checksummed bytes [16, total_size) reads as kChecksum.
  if (crc32(data + 16, h->total_size - 16) != h->crc32) {
    return Fail(diag, Status::kChecksum).s("CRC32 mismatch: the ").s(e.what).s(" is corrupted");
  }
  return Status::kOk;
}

}  // namespace mote
