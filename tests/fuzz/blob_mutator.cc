// The structure-aware mutator of fuzz_blob_structured: reads the blob's section table and
// changes one to three fields of its records -- a parameter word, a tensor record's dtype, rank,
// dims, offset, bytes, storage or quantisation, an op record's code, operand counts, parameter
// or scratch placement, an operand index, the plan's arena size, a constant -- to boundary or
// nearby values, leaving the rest of the blob intact (the harness recomputes the CRC). Inputs
// without a readable section table (and one mutation in four) go to libFuzzer's byte mutator.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <random>

#include "mote/blob_format.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace {

using Rng = std::mt19937;

const int32_t kWords[] = {0, 1, -1, 2, 3, 4, 7, 8, 15, 16, 17, 30, 31, 32, 33, -30, -31, -32, 63, 64, 127, 128, -128,
                          -129, 255, 256, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x3FFFFFFF, 0x40000000, 0x7FFFFFFF,
                          int32_t(0x80000000u), int32_t(0xFFFFFFF0u), int32_t(0x7F800000), int32_t(0xFF800000u),
                          int32_t(0x7FC00000), int32_t(0x00000001), int32_t(0x3F800000), int32_t(0xBF800000u),
                          int32_t(0x7F7FFFFF)};
const uint8_t kDtypes[] = {0, 1, 2, 3, 6, 7, 9, 4, 10, 255};

struct Section {
  uint32_t offset = 0, size = 0, count = 0;
  bool present = false;
};

uint32_t rd(const uint8_t* p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
void wr(uint8_t* p, uint32_t v) { memcpy(p, &v, 4); }

// A new value for a 32-bit field holding `old`.
uint32_t new_word(uint32_t old, Rng& r) {
  switch (r() % 4) {
    case 0: return uint32_t(kWords[r() % (sizeof kWords / sizeof kWords[0])]);
    case 1: return old + uint32_t(int32_t(r() % 9) - 4);
    case 2: return old ^ (1u << (r() % 32));
    default: return uint32_t(r() % 65);
  }
}

// A random 4-byte field inside `s`'s record `index` of `record` bytes, or a random word of s.
uint8_t* field(uint8_t* blob, const Section& s, uint32_t record, Rng& r) {
  const uint32_t n = record ? s.size / record : s.size / 4;
  if (!n) return nullptr;
  const uint32_t i = r() % n;
  return record ? blob + s.offset + i * record : blob + s.offset + i * 4;
}

bool mutate_once(uint8_t* b, size_t size, Rng& r) {
  const uint32_t total = rd(b + offsetof(mote_blob_header, total_size));
  const uint32_t count = rd(b + offsetof(mote_blob_header, section_count));
  if (total > size || count > 16 || sizeof(mote_blob_header) + count * sizeof(mote_section_entry) > total) return false;
  Section sec[10];
  for (uint32_t k = 0; k < count; ++k) {
    const uint8_t* e = b + sizeof(mote_blob_header) + k * sizeof(mote_section_entry);
    const uint32_t id = rd(e), off = rd(e + 4), sz = rd(e + 8);
    if (id < 10 && off <= total && sz <= total - off) sec[id] = {off, sz, rd(e + 12), true};
  }
  switch (r() % 8) {
    case 0: {  // a parameter word
      if (uint8_t* p = field(b, sec[MOTE_SECTION_PARAMS], 0, r)) wr(p, new_word(rd(p), r));
      return true;
    }
    case 1: case 2: {  // a tensor record field
      uint8_t* t = field(b, sec[MOTE_SECTION_TENSORS], sizeof(mote_tensor_record), r);
      if (!t) return false;
      switch (r() % 9) {
        case 0: t[offsetof(mote_tensor_record, dtype)] = kDtypes[r() % sizeof kDtypes]; break;
        case 1: t[offsetof(mote_tensor_record, rank)] = uint8_t(r() % 10); break;
        case 2: t[offsetof(mote_tensor_record, storage)] ^= 1; break;
        case 3: case 4: {
          uint8_t* d = t + offsetof(mote_tensor_record, dims) + 4 * (r() % MOTE_MAX_RANK);
          wr(d, new_word(rd(d), r));
          break;
        }
        case 5: {
          uint8_t* o = t + offsetof(mote_tensor_record, offset);
          wr(o, r() % 2 ? (rd(o) + 16 * (r() % 5)) - 32 : new_word(rd(o), r));
          break;
        }
        case 6: {
          uint8_t* o = t + offsetof(mote_tensor_record, bytes);
          wr(o, new_word(rd(o), r));
          break;
        }
        case 7: wr(t + offsetof(mote_tensor_record, scale_bits), uint32_t(kWords[r() % (sizeof kWords / 4)])); break;
        default: wr(t + offsetof(mote_tensor_record, zero_point), new_word(rd(t + offsetof(mote_tensor_record, zero_point)), r)); break;
      }
      return true;
    }
    case 3: {  // an op record field
      uint8_t* o = field(b, sec[MOTE_SECTION_OPS], sizeof(mote_op_record), r);
      if (!o) return false;
      switch (r() % 6) {
        case 0: { const uint16_t c = uint16_t(r() % (MOTE_OP_COUNT + 2)); memcpy(o, &c, 2); break; }
        case 1: o[offsetof(mote_op_record, num_inputs)] += uint8_t(r() % 2 ? 1 : 255); break;
        case 2: o[offsetof(mote_op_record, num_outputs)] += uint8_t(r() % 2 ? 1 : 255); break;
        case 3: { uint8_t* p = o + offsetof(mote_op_record, params); wr(p, new_word(rd(p), r)); break; }
        case 4: { uint8_t* p = o + offsetof(mote_op_record, params_size); wr(p, new_word(rd(p), r)); break; }
        default: { uint8_t* p = o + (r() % 2 ? offsetof(mote_op_record, scratch_offset) : offsetof(mote_op_record, scratch_bytes)); wr(p, new_word(rd(p), r)); break; }
      }
      return true;
    }
    case 4: {  // an operand: another tensor, or absent
      uint8_t* p = field(b, sec[MOTE_SECTION_OPERANDS], 0, r);
      if (!p) return false;
      const uint32_t tensors = sec[MOTE_SECTION_TENSORS].count;
      wr(p, r() % 4 == 0 ? MOTE_NONE : (tensors ? r() % tensors : 0));
      return true;
    }
    case 5: {  // the plan
      const Section& s = sec[MOTE_SECTION_PLAN];
      if (!s.present || s.size < 16) return false;
      uint8_t* p = b + s.offset + 4 * (r() % 4);
      wr(p, r() % 2 ? rd(p) - 16 : new_word(rd(p), r));
      return true;
    }
    case 6: {  // a constant: a byte (int8 weights) or a word (int32 bias, float, int64 shape)
      const Section& s = sec[MOTE_SECTION_CONSTANTS];
      if (!s.present || s.size < 4) return false;
      const uint32_t at = s.offset + (r() % (s.size / 4)) * 4;
      if (r() % 2) b[at + r() % 4] = uint8_t(kWords[r() % (sizeof kWords / 4)]);
      else wr(b + at, new_word(rd(b + at), r));
      return true;
    }
    default: {  // the IO section
      uint8_t* p = field(b, sec[MOTE_SECTION_IO], 0, r);
      if (!p) return false;
      wr(p, new_word(rd(p), r));
      return true;
    }
  }
}

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  Rng r(seed);
  if (size < sizeof(mote_blob_header) || rd(data) != MOTE_BLOB_MAGIC || r() % 4 == 0) {
    return LLVMFuzzerMutate(data, size, max_size);
  }
  bool changed = false;
  for (int k = 1 + int(r() % 3); k > 0; --k) changed |= mutate_once(data, size, r);
  return changed ? size : LLVMFuzzerMutate(data, size, max_size);
}
