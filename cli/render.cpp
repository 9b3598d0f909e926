#include "cli/render.hpp"

#include <algorithm>

#include "lib/text.hpp"

namespace sdesk::cli {

std::string cell(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_array()) {
    std::string s;
    for (const auto& e : v) s += (s.empty() ? "" : ",") + cell(e);
    return s;
  }
  if (v.is_object()) {
    std::string s;
    for (auto it = v.begin(); it != v.end(); ++it)
      s += (s.empty() ? "" : " ") + it.key() + "=" + cell(it.value());
    return s;
  }
  if (v.is_number_float()) return fmt::format("{:.2f}", v.get<double>());
  return v.dump();
}

std::string render_table(const Table& t, bool color) {
  std::vector<size_t> w(t.headers.size(), 0);
  for (size_t i = 0; i < t.headers.size(); ++i) w[i] = display_width(t.headers[i]);
  for (const auto& r : t.rows)
    for (size_t i = 0; i < r.size() && i < w.size(); ++i)
      w[i] = std::max(w[i], display_width(r[i]));
  auto line = [&](const std::vector<std::string>& cells, bool head) {
    std::string s;
    for (size_t i = 0; i < w.size(); ++i) {
      std::string c = i < cells.size() ? cells[i] : "";
      bool right = i < t.right.size() && t.right[i];
      bool last = i + 1 == w.size();
      std::string padded = last && !right ? c : pad_width(c, w[i], right);
      if (head && color) padded = "\x1b[1m" + padded + "\x1b[0m";
      s += padded;
      if (!last) s += "  ";
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s + "\n";
  };
  std::string out = line(t.headers, true);
  for (const auto& r : t.rows) out += line(r, false);
  return out;
}

static std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
  return o + "\"";
}

std::string render_csv(const Table& t) {
  auto line = [](const std::vector<std::string>& cells) {
    std::string s;
    for (size_t i = 0; i < cells.size(); ++i) s += (i ? "," : "") + csv_field(cells[i]);
    return s + "\r\n";
  };
  std::string out = line(t.headers);
  for (const auto& r : t.rows) out += line(r);
  return out;
}

std::string render_markdown(const Table& t) {
  auto esc = [](const std::string& s) {
    std::string o;
    for (char c : s)
      o += c == '|' ? std::string("\\|") : c == '\n' ? std::string("<br>") : std::string(1, c);
    return o;
  };
  std::string out = "|";
  for (const auto& h : t.headers) out += " " + esc(h) + " |";
  out += "\n|";
  for (size_t i = 0; i < t.headers.size(); ++i)
    out += (i < t.right.size() && t.right[i]) ? " ---: |" : " --- |";
  out += "\n";
  for (const auto& r : t.rows) {
    out += "|";
    for (size_t i = 0; i < t.headers.size(); ++i) out += " " + esc(i < r.size() ? r[i] : "") + " |";
    out += "\n";
  }
  return out;
}

std::string render_fields(const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t w = 0;
  for (const auto& [k, v] : fields) w = std::max(w, display_width(k));
  std::string out;
  for (const auto& [k, v] : fields) {
    std::string val = v;
    std::string indent(w + 2, ' ');
    for (size_t p = 0; (p = val.find('\n', p)) != std::string::npos; p += indent.size() + 1)
      val.insert(p + 1, indent);
    out += pad_width(k + ":", w + 2) + val + "\n";
  }
  return out;
}

}  // namespace sdesk::cli
