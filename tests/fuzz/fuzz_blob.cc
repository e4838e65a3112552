// fuzz_blob: the blob verifier (Model::load) and everything that trusts it afterwards: the
// read-only API, Session, and every kernel set this binary has (reference + each x86 level the
// CPU supports), compared op by op.
//
// Input: a blob followed by input data. The blob ends where its header's total_size says (the
// whole input if that is out of range); the bytes after it are repeated to fill every model
// input (zeros when there are none). Unless built with MOTE_FUZZ_KEEP_CRC, the header's CRC32 is
// recomputed first, so that mutations reach the verifier instead of the checksum test.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <vector>

#include "mote/blob_format.h"
#include "run_blob.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  size_t blob_size = size;
  if (size >= sizeof(mote_blob_header)) {
    uint32_t total;
    memcpy(&total, data + offsetof(mote_blob_header, total_size), 4);
    if (total >= sizeof(mote_blob_header) && total <= size) blob_size = total;
  }
  std::vector<uint8_t> blob(data, data + blob_size);
#ifndef MOTE_FUZZ_KEEP_CRC
  mote_fuzz::fix_crc(blob.data(), blob.size());
#endif
  mote_fuzz::load_and_run(blob.data(), blob.size(), data + blob_size, size - blob_size, mote_fuzz::InputFill::kBytes);
  return 0;
}
