#include "cli/render.hpp"

#include <algorithm>

#include "lib/util/text.hpp"

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

std::string screen(const std::string& text, bool multi_line) {
  std::string out;
  size_t from = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != kBoldOn[0] && text[i] != kBoldOff[0]) continue;
    out += printable(std::string_view(text).substr(from, i - from), multi_line);
    if (i < text.size()) out += text[i];
    from = i + 1;
  }
  return out;
}

namespace {
// Replaces every `from` in s by `to`.
void replace_all(std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size())
    s.replace(p, from.size(), to);
}
}  // namespace

std::string render_table(const Table& t, bool color) {
  // Each cell on one line, its controls visible, cut to its column's width.
  auto shown = [&](const std::vector<std::string>& cells) {
    std::vector<std::string> out;
    for (size_t i = 0; i < cells.size(); ++i) {
      std::string c = screen(cells[i], false);
      if (i < t.widths.size() && t.widths[i] > 0) c = truncate_width(c, t.widths[i]);
      out.push_back(std::move(c));
    }
    return out;
  };
  std::vector<std::string> headers = shown(t.headers);
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : t.rows) rows.push_back(shown(r));
  std::vector<size_t> w(headers.size(), 0);
  for (size_t i = 0; i < headers.size(); ++i) w[i] = display_width(headers[i]);
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size() && i < w.size(); ++i)
      w[i] = std::max(w[i], display_width(r[i]));
  auto line = [&](const std::vector<std::string>& cells, bool head) {
    std::string s;
    for (size_t i = 0; i < w.size(); ++i) {
      std::string c = i < cells.size() ? cells[i] : "";
      bool right = i < t.right.size() && t.right[i];
      bool last = i + 1 == w.size();
      std::string padded = last && !right ? c : pad_width(c, w[i], right);
      if (head && color) padded = kBoldOn + padded + kBoldOff;
      if (!head && color) {
        replace_all(padded, t.mark_open, kBoldOn);
        replace_all(padded, t.mark_close, kBoldOff);
      }
      s += padded;
      if (!last) s += "  ";
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s + "\n";
  };
  std::string out = line(headers, true);
  for (const auto& r : rows) out += line(r, false);
  return out;
}

static std::string csv_field(const std::string& v) {
  // A spreadsheet runs a cell that starts like a formula; a leading ' keeps it text.
  std::string s =
      !v.empty() && std::string_view("=+-@\t\r").find(v[0]) != std::string_view::npos ? "'" + v : v;
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
  auto esc = [](const std::string& text) {
    std::string s = screen(text, true), o;
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
  for (const auto& [k, v] : fields) w = std::max(w, display_width(screen(k, false)));
  std::string out;
  for (const auto& [key, v] : fields) {
    std::string k = screen(key, false);
    std::string val = screen(v, true);
    std::string indent(w + 2, ' ');
    for (size_t p = 0; (p = val.find('\n', p)) != std::string::npos; p += indent.size() + 1)
      val.insert(p + 1, indent);
    out += pad_width(k + ":", w + 2) + val + "\n";
  }
  return out;
}

}  // namespace sdesk::cli
