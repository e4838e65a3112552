// Tokenizes a batch of strings with Mote's C API, for the reference comparison
// (tokenizer_reference.test.mjs):
//   mote_tokenize_batch V.motevocab STRINGS.bin MAX_LEN FLAGS OUT.bin
// STRINGS.bin: u32 n, then n times {u32 bytes, bytes}. OUT.bin: per string u32 count, u32 needed,
// u32 written, then written ids, written mask values, written type ids (int32). A failed call
// exits 1 naming the string.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "mote/text.h"

static std::vector<unsigned char> read_all(const char* path) {
  std::vector<unsigned char> b;
  FILE* f = std::fopen(path, "rb");
  if (!f) {
    std::fprintf(stderr, "cannot open %s\n", path);
    std::exit(2);
  }
  unsigned char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) b.insert(b.end(), buf, buf + n);
  std::fclose(f);
  return b;
}

static uint32_t u32_at(const std::vector<unsigned char>& b, size_t at) {
  if (at + 4 > b.size()) {
    std::fprintf(stderr, "strings file truncated\n");
    std::exit(2);
  }
  uint32_t v;
  std::memcpy(&v, b.data() + at, 4);
  return v;
}

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s V.motevocab STRINGS.bin MAX_LEN FLAGS OUT.bin\n", argv[0]);
    return 2;
  }
  const std::vector<unsigned char> file = read_all(argv[1]);
  std::vector<uint32_t> table((file.size() + 3) / 4);
  std::memcpy(table.data(), file.data(), file.size());
  mote_vocab vocab;
  if (mote_vocab_open(&vocab, table.data(), file.size()) != MOTE_OK) {
    std::fprintf(stderr, "%s: %s\n", argv[1], mote_vocab_error(&vocab));
    return 1;
  }
  const std::vector<unsigned char> strings = read_all(argv[2]);
  const uint32_t max_len = uint32_t(std::strtoul(argv[3], nullptr, 10));
  const uint32_t flags = uint32_t(std::strtoul(argv[4], nullptr, 10));
  FILE* out = std::fopen(argv[5], "wb");
  if (!out) return 2;
  const uint32_t n = u32_at(strings, 0);
  size_t at = 4;
  std::vector<int32_t> ids(max_len), mask(max_len), types(max_len);
  for (uint32_t s = 0; s < n; ++s) {
    const uint32_t len = u32_at(strings, at);
    at += 4;
    if (at + len > strings.size()) return 2;
    // The text in a buffer of its own size, so that any read past it is an ASan error.
    std::vector<char> text(strings.begin() + long(at), strings.begin() + long(at + len));
    at += len;
    uint32_t count = 0, needed = 0;
    if (mote_vocab_tokenize(&vocab, text.data(), text.size(), max_len, flags, ids.data(), mask.data(), types.data(), max_len,
                            &count, &needed) != MOTE_OK) {
      std::fprintf(stderr, "string %u: %s\n", s, mote_vocab_error(&vocab));
      return 1;
    }
    const uint32_t written = (flags & MOTE_TOKENIZE_NO_PADDING) ? count : max_len;
    const uint32_t head[3] = {count, needed, written};
    std::fwrite(head, 4, 3, out);
    std::fwrite(ids.data(), 4, written, out);
    std::fwrite(mask.data(), 4, written, out);
    std::fwrite(types.data(), 4, written, out);
  }
  return std::fclose(out) == 0 ? 0 : 2;
}
