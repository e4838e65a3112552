// The mote command-line tool: helpers its commands share (cli.h).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "cli.h"

namespace mote_cli {

[[noreturn]] void usage(const std::string& text) { throw UsageError{text}; }
[[noreturn]] void fail(const std::string& text, int code) { throw Failure{text, code}; }

bool wants_help(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

Args::Args(const std::vector<std::string>& args, const std::vector<std::string>& with_value, const std::vector<std::string>& bare) {
  for (size_t k = 0; k < args.size(); ++k) {
    std::string a = args[k];
    if (a.size() > 1 && a[0] == '-') {
      std::string value;
      bool has_value = false;
      size_t eq = a.find('=');
      if (a.compare(0, 2, "--") == 0 && eq != std::string::npos) {
        value = a.substr(eq + 1);
        a = a.substr(0, eq);
        has_value = true;
      }
      if (std::find(bare.begin(), bare.end(), a) != bare.end()) {
        if (has_value) usage(a + " takes no value");
        flags[a] = true;
      } else if (std::find(with_value.begin(), with_value.end(), a) != with_value.end()) {
        if (!has_value) {
          if (k + 1 >= args.size()) usage(a + " needs a value");
          value = args[++k];
        }
        opts.emplace(a, value);
      } else {
        usage("unknown option " + a);
      }
    } else {
      positional.push_back(a);
    }
  }
}
std::string Args::get(const std::string& key, const std::string& def) const {
  auto it = opts.find(key);
  return it == opts.end() ? def : it->second;
}
std::vector<std::string> Args::all(const std::string& key) const {
  std::vector<std::string> v;
  for (auto it = opts.lower_bound(key); it != opts.upper_bound(key); ++it) v.push_back(it->second);
  return v;
}
bool Args::flag(const std::string& key) const { return flags.count(key) != 0; }

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) fail(path + ": cannot open");
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

void write_file(const std::string& path, const void* data, size_t size) {
  std::ofstream f(path, std::ios::binary);
  f.write(static_cast<const char*>(data), std::streamsize(size));
  if (!f) fail(path + ": cannot write");
}

std::string human_bytes(uint64_t b) {
  char buf[32];
  if (b >= 10 * 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", double(b) / (1024.0 * 1024.0));
  } else if (b >= 10 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", double(b) / 1024.0);
  } else {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(b));
  }
  return buf;
}

void LoadedBlob::load_bytes(const std::vector<uint8_t>& bytes, const std::string& what) {
  storage.assign(bytes.size() + 64, 0);
  uint8_t* base = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) % 64;
  if (!bytes.empty()) std::memcpy(base, bytes.data(), bytes.size());
  data = base;
  size = bytes.size();
  mote::Status st = model.load(data, size);
  if (st == mote::Status::kBadMagic) {
    // Not a blob at all: say what it looks like instead of the status twice.
    const bool onnx = what.size() > 5 && what.compare(what.size() - 5, 5, ".onnx") == 0;
    fail(what + ": not a Mote blob" + (onnx ? " (an ONNX model? convert it first: mote convert " + what + " -o OUT.mote)" : ""));
  }
  if (st != mote::Status::kOk) {
    const std::string status = mote_status_str(static_cast<mote_status>(st));
    const std::string detail = model.error();
    fail(what + ": " + status + (detail.empty() || detail == status ? "" : ": " + detail));
  }
}

void LoadedBlob::load_file(const std::string& path) { load_bytes(read_file(path), path); }

Arena::Arena(size_t bytes) {
  storage.assign(bytes + 64, 0);
  data = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) % 64;
  size = bytes;
}

std::vector<int64_t> parse_dims(const std::string& text) {
  std::vector<int64_t> dims;
  if (text.empty() || text == "scalar") return dims;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, 'x')) {
    if (item.empty() || item.find_first_not_of("0123456789") != std::string::npos) {
      usage("bad dimensions '" + text + "' (expected e.g. 1x3x224x224)");
    }
    dims.push_back(std::stoll(item));
  }
  return dims;
}

int64_t parse_int(const std::string& text, const std::string& what) {
  size_t used = 0;
  int64_t v = 0;
  try {
    v = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size()) usage(what + " takes a whole number, not '" + text + "'");
  return v;
}

int64_t parse_int_in(const std::string& text, const std::string& what, int64_t lo, int64_t hi) {
  const int64_t v = parse_int(text, what);
  if (v < lo || v > hi) {
    usage(what + " takes a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) + ", not '" + text + "'");
  }
  return v;
}

double parse_number(const std::string& text, const std::string& what, double lo, double hi) {
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size() || !(v >= lo && v <= hi)) {
    std::ostringstream range;
    range << lo << " to " << hi;
    usage(what + " takes a number from " + range.str() + ", not '" + text + "'");
  }
  return v;
}

std::string dims_text(const int32_t* dims, int32_t rank) {
  std::string r = "[";
  for (int32_t k = 0; k < rank; ++k) r += (k ? "," : "") + std::to_string(dims[k]);
  return r + "]";
}

namespace {

bool ends_with(const std::string& s, const char* tail) {
  const size_t n = std::strlen(tail);
  return s.size() >= n && s.compare(s.size() - n, n, tail) == 0;
}

uint32_t le32(const uint8_t* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24; }
uint16_t le16(const uint8_t* p) { return uint16_t(p[0] | p[1] << 8); }

}  // namespace

mote::HostTensor read_wav(const std::string& path, uint32_t* rate) {
  const std::vector<uint8_t> b = read_file(path);
  if (b.size() < 12 || std::memcmp(b.data(), "RIFF", 4) != 0 || std::memcmp(b.data() + 8, "WAVE", 4) != 0) {
    fail(path + ": not a RIFF/WAVE file");
  }
  bool have_fmt = false;
  uint16_t format = 0, channels = 0, bits = 0;
  uint32_t hz = 0;
  size_t pos = 12;
  while (pos + 8 <= b.size()) {
    const uint32_t size = le32(b.data() + pos + 4);
    const size_t body = pos + 8;
    if (size > b.size() - body) fail(path + ": truncated WAVE chunk at byte " + std::to_string(pos));
    if (std::memcmp(b.data() + pos, "fmt ", 4) == 0) {
      if (size < 16) fail(path + ": WAVE 'fmt ' chunk of " + std::to_string(size) + " bytes");
      format = le16(b.data() + body);
      channels = le16(b.data() + body + 2);
      hz = le32(b.data() + body + 4);
      bits = le16(b.data() + body + 14);
      if (format == 0xFFFE && size >= 26) format = le16(b.data() + body + 24);  // WAVE_FORMAT_EXTENSIBLE: the subformat
      have_fmt = true;
    } else if (std::memcmp(b.data() + pos, "data", 4) == 0) {
      if (!have_fmt) fail(path + ": WAVE 'data' before 'fmt '");
      if (format != 1 || bits != 16) {
        fail(path + ": WAVE format " + std::to_string(format) + ", " + std::to_string(bits) + "-bit: mote run reads 16-bit PCM");
      }
      if (channels != 1) fail(path + ": " + std::to_string(channels) + " channels: mote run reads mono");
      if (hz == 0) fail(path + ": sample rate 0");
      mote::HostTensor t;
      t.dtype = MOTE_F32;
      const size_t n = size / 2;
      t.shape = {1, int64_t(n)};
      t.data.resize(n * sizeof(float));
      for (size_t k = 0; k < n; ++k) {
        const float v = float(int16_t(le16(b.data() + body + 2 * k))) / 32768.0f;
        std::memcpy(t.data.data() + k * sizeof(float), &v, sizeof v);
      }
      if (rate) *rate = hz;
      return t;
    }
    pos = body + size + (size & 1);  // chunks are padded to even sizes
  }
  fail(path + ": WAVE file without a 'data' chunk");
}

mote::HostTensor read_tensor_file(const std::string& path, uint32_t* wav_rate) {
  if (wav_rate) *wav_rate = 0;
  if (ends_with(path, ".pb")) return mote::read_tensor_proto_file(path);
  if (ends_with(path, ".wav") || ends_with(path, ".WAV")) return read_wav(path, wav_rate);
  return mote::read_npy(path);
}

std::string json_escape(const std::string& s) {
  std::string r;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      r += '\\';
      r += c;
    } else if (uint8_t(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      r += buf;
    } else {
      r += c;
    }
  }
  return r;
}

}  // namespace mote_cli
