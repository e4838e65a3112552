// The picture of a blob's arena plan that 'mote info --svg' writes.
#include <algorithm>
#include <map>
#include <sstream>

#include "cli.h"

namespace mote_cli {
namespace {

std::string xml_escape(const std::string& s) {
  std::string r;
  for (char c : s) {
    if (c == '<') r += "&lt;";
    else if (c == '>') r += "&gt;";
    else if (c == '&') r += "&amp;";
    else if (c == '"') r += "&quot;";
    else r += c;
  }
  return r;
}

struct Box {
  std::string name;
  uint32_t offset, bytes, first, last;
};

std::vector<Box> plan_boxes(const mote::Model& m) {
  std::vector<Box> boxes;
  std::map<std::pair<uint32_t, uint32_t>, size_t> seen;  // aliases share one box
  for (uint32_t t = 0; t < m.num_tensors(); ++t) {
    const auto& r = m.tensor(t);
    if (r.storage != MOTE_STORAGE_ARENA) continue;
    auto key = std::make_pair(r.offset, r.first_step);
    auto it = seen.find(key);
    if (it != seen.end() && boxes[it->second].bytes == r.bytes) {
      boxes[it->second].last = std::max(boxes[it->second].last, r.last_step);
      continue;
    }
    seen[key] = boxes.size();
    boxes.push_back({m.string(r.name), r.offset, r.bytes, r.first_step, r.last_step});
  }
  for (uint32_t k = 0; k < m.num_ops(); ++k) {
    const auto& op = m.op(k);
    if (op.scratch_bytes) boxes.push_back({std::string(mote::op_name(op.code)) + " scratch", op.scratch_offset, op.scratch_bytes, k, k});
  }
  return boxes;
}

}  // namespace

void write_svg(const mote::Model& m, const std::string& path) {
  const auto boxes = plan_boxes(m);
  const double W = 960, H = 540, left = 70, top = 40, right = 20, bottom = 50;
  const uint32_t steps = std::max<uint32_t>(m.num_ops(), 1);
  const double arena = std::max<double>(m.arena_bytes(), 1);
  const double sx = (W - left - right) / steps, sy = (H - top - bottom) / arena;
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H << "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  o << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o << "<text x=\"" << left << "\" y=\"20\" font-size=\"14\">Mote arena plan: " << m.arena_bytes() << " bytes (lower bound "
    << m.lower_bound() << "), " << m.num_ops() << " ops</text>\n";
  o << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << (W - left - right) << "\" height=\"" << (H - top - bottom)
    << "\" fill=\"none\" stroke=\"#888\"/>\n";
  size_t i = 0;
  for (const auto& b : boxes) {
    const double hue = double((i++ * 47) % 360);
    o << "<rect x=\"" << left + b.first * sx << "\" y=\"" << top + b.offset * sy << "\" width=\""
      << std::max(1.0, (b.last - b.first + 1) * sx - 1) << "\" height=\"" << std::max(1.0, b.bytes * sy) << "\" fill=\"hsl(" << hue
      << ",60%,65%)\" stroke=\"#333\" stroke-width=\"0.5\"><title>" << xml_escape(b.name) << ": " << b.bytes << " bytes at offset "
      << b.offset << ", ops " << b.first << ".." << b.last << "</title></rect>\n";
  }
  o << "<text x=\"" << left << "\" y=\"" << H - 20 << "\">op step 0 .. " << (steps - 1) << " &#8594;</text>\n";
  o << "<text x=\"10\" y=\"" << top + 10 << "\">offset 0</text>\n";
  o << "<text x=\"10\" y=\"" << H - bottom << "\">" << m.arena_bytes() << "</text>\n";
  o << "</svg>\n";
  const std::string s = o.str();
  write_file(path, s.data(), s.size());
}

}  // namespace mote_cli
