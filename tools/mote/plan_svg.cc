// The picture of a blob's arena plan that 'mote info --svg' writes.
#include <algorithm>
#include <map>
#include <sstream>

#include "cli.h"

namespace mote_cli {

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

namespace {

}  // namespace

PlanPicture plan_picture(const mote::Model& m) {
  PlanPicture p;
  std::map<std::pair<uint32_t, uint32_t>, size_t> seen;  // aliases share one box
  for (uint32_t t = 0; t < m.num_tensors(); ++t) {
    const auto& r = m.tensor(t);
    if (r.storage != MOTE_STORAGE_ARENA) continue;
    auto key = std::make_pair(r.offset, r.first_step);
    auto it = seen.find(key);
    if (it != seen.end() && p.boxes[it->second].bytes == r.bytes) {
      p.boxes[it->second].last = std::max(p.boxes[it->second].last, r.last_step);
      continue;
    }
    seen[key] = p.boxes.size();
    p.boxes.push_back({m.string(r.name), r.offset, r.bytes, r.first_step, r.last_step, false});
  }
  for (uint32_t k = 0; k < m.num_ops(); ++k) {
    const auto& op = m.op(k);
    if (op.scratch_bytes) {
      p.boxes.push_back({std::string(mote::op_name(op.code)) + " scratch (op " + std::to_string(k) + ")", op.scratch_offset,
                         op.scratch_bytes, k, k, true});
    }
  }
  // Live bytes per step: the union of the byte ranges in use (an op working in place holds its
  // input and output in the same bytes, counted once).
  const uint32_t steps = std::max<uint32_t>(m.num_ops(), 1);
  p.live.assign(steps, 0);
  for (uint32_t k = 0; k < steps; ++k) {
    std::vector<std::pair<uint64_t, uint64_t>> ranges;
    for (const PlanBox& b : p.boxes) {
      if (b.first <= k && k <= b.last && b.bytes) ranges.emplace_back(b.offset, uint64_t(b.offset) + b.bytes);
    }
    std::sort(ranges.begin(), ranges.end());
    uint64_t live = 0, end = 0;
    for (const auto& r : ranges) {
      const uint64_t from = std::max(r.first, end);
      if (r.second > from) live += r.second - from;
      end = std::max(end, r.second);
    }
    p.live[k] = live;
    if (live > p.peak_bytes) p.peak_bytes = live, p.peak_step = k;
  }
  for (size_t i = 0; i < p.boxes.size(); ++i) {
    const PlanBox& b = p.boxes[i];
    if (b.first <= p.peak_step && p.peak_step <= b.last) p.at_peak.push_back(i);
  }
  std::sort(p.at_peak.begin(), p.at_peak.end(), [&](size_t a, size_t b) { return p.boxes[a].bytes > p.boxes[b].bytes; });
  return p;
}

void write_svg(const mote::Model& m, const std::string& path) {
  const PlanPicture p = plan_picture(m);
  // The plan (offset down, op steps across) above, the live bytes per step below, both on the
  // same step axis; the peak step marked through both.
  const double W = 1100, left = 80, right = 20, top = 40, plan_h = 460, gap = 40, live_h = 140, bottom = 40;
  const double H = top + plan_h + gap + live_h + bottom;
  const uint32_t steps = std::max<uint32_t>(m.num_ops(), 1);
  const double arena = std::max<double>(m.arena_bytes(), 1);
  const double sx = (W - left - right) / steps, sy = plan_h / arena;
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H << "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  o << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o << "<text x=\"" << left << "\" y=\"20\" font-size=\"14\">Mote arena plan: " << m.arena_bytes() << " bytes (lower bound "
    << m.lower_bound() << "), " << m.num_ops() << " ops; peak " << p.peak_bytes << " bytes live at op " << p.peak_step << "</text>\n";
  o << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << (W - left - right) << "\" height=\"" << plan_h
    << "\" fill=\"none\" stroke=\"#888\"/>\n";
  // Labels go on the largest boxes that have room for them.
  std::vector<size_t> order(p.boxes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p.boxes[a].bytes > p.boxes[b].bytes; });
  std::vector<bool> label(p.boxes.size(), false);
  for (size_t r = 0; r < order.size() && r < 12; ++r) label[order[r]] = true;
  for (size_t i = 0; i < p.boxes.size(); ++i) {
    const PlanBox& b = p.boxes[i];
    const double hue = b.scratch ? 0.0 : double((i * 47) % 360);
    const double x = left + b.first * sx, y = top + b.offset * sy;
    const double w = std::max(1.0, (b.last - b.first + 1) * sx - 1), h = std::max(1.0, b.bytes * sy);
    o << "<rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << w << "\" height=\"" << h << "\" fill=\"hsl(" << hue
      << (b.scratch ? ",0%,80%" : ",60%,65%") << ")\" stroke=\"#333\" stroke-width=\"0.5\"><title>" << xml_escape(b.name) << ": "
      << b.bytes << " bytes at offset " << b.offset << ", ops " << b.first << ".." << b.last << "</title></rect>\n";
    if (label[i] && h >= 12 && w >= 40) {
      o << "<text x=\"" << x + 3 << "\" y=\"" << y + std::min(h - 3, 12.0) << "\" font-size=\"10\">" << xml_escape(b.name) << " ("
        << human_bytes(b.bytes) << ")</text>\n";
    }
  }
  // The peak step, through the plan and the curve.
  const double px = left + (p.peak_step + 0.5) * sx, live_top = top + plan_h + gap;
  o << "<line x1=\"" << px << "\" y1=\"" << top << "\" x2=\"" << px << "\" y2=\"" << live_top + live_h
    << "\" stroke=\"#c00\" stroke-dasharray=\"4 3\"/>\n";
  o << "<text x=\"" << px + 4 << "\" y=\"" << top + 12 << "\" fill=\"#c00\">peak: op " << p.peak_step << ", "
    << human_bytes(p.peak_bytes) << "</text>\n";
  // Live bytes per step.
  o << "<rect x=\"" << left << "\" y=\"" << live_top << "\" width=\"" << (W - left - right) << "\" height=\"" << live_h
    << "\" fill=\"none\" stroke=\"#888\"/>\n";
  o << "<polyline fill=\"none\" stroke=\"#06c\" stroke-width=\"1.5\" points=\"";
  for (uint32_t k = 0; k < steps; ++k) {
    const double y = live_top + live_h - live_h * double(p.live[k]) / arena;
    o << left + k * sx << "," << y << " " << left + (k + 1) * sx << "," << y << " ";
  }
  o << "\"/>\n";
  o << "<text x=\"10\" y=\"" << live_top + 12 << "\">live bytes</text>\n";
  o << "<text x=\"10\" y=\"" << live_top + live_h << "\">0</text>\n";
  o << "<text x=\"" << left << "\" y=\"" << H - 12 << "\">op step 0 .. " << (steps - 1) << " &#8594;</text>\n";
  o << "<text x=\"10\" y=\"" << top + 10 << "\">offset 0</text>\n";
  o << "<text x=\"10\" y=\"" << top + plan_h << "\">" << m.arena_bytes() << "</text>\n";
  o << "</svg>\n";
  const std::string s = o.str();
  write_file(path, s.data(), s.size());
}

}  // namespace mote_cli
