#include "lib/util/text.hpp"

#include <utf8proc.h>

#include <set>

#include "lib/util/error.hpp"

namespace sdesk {

std::string upper_ascii(std::string text) {
  for (auto& c : text)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return text;
}

std::string trim_space(const std::string& text) {
  size_t b = text.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = text.find_last_not_of(" \t\r\n");
  return text.substr(b, e - b + 1);
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  size_t from = 0;
  while (from <= text.size()) {
    size_t comma = text.find(',', from);
    std::string item = trim_space(text.substr(from, comma - from));
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
  return out;
}

std::vector<char32_t> code_points(std::string_view text) {
  std::vector<char32_t> out;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t c = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &c);
    if (n <= 0) {
      c = 0xFFFD;
      n = 1;
    }
    out.push_back(static_cast<char32_t>(c));
    p += n;
    left -= n;
  }
  return out;
}

size_t invalid_utf8_at(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto b = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char c = b(i);
    size_t n = c < 0x80                 ? 1
               : c >= 0xC2 && c <= 0xDF ? 2
               : c >= 0xE0 && c <= 0xEF ? 3
               : c >= 0xF0 && c <= 0xF4 ? 4
                                        : 0;
    if (n == 0 || i + n > text.size()) return i;
    // The second byte's range excludes overlong forms, surrogates and code points > U+10FFFF.
    unsigned char lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
    unsigned char hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
    if (n > 1 && (b(i + 1) < lo || b(i + 1) > hi)) return i;
    for (size_t k = 2; k < n; ++k)
      if ((b(i + k) & 0xC0) != 0x80) return i;
    i += n;
  }
  return std::string_view::npos;
}

std::string utf8(char32_t c) {
  utf8proc_uint8_t buf[4];
  auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), buf);
  return std::string(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
}

static size_t char_width(char32_t c) {
  int w = utf8proc_charwidth(static_cast<utf8proc_int32_t>(c));
  return w < 0 ? 0 : static_cast<size_t>(w);
}

size_t display_width(std::string_view text) {
  size_t w = 0;
  for (char32_t c : code_points(text)) w += char_width(c);
  return w;
}

std::string truncate_width(std::string_view text, size_t n) {
  if (display_width(text) <= n) return std::string(text);
  std::string out;
  size_t w = 0;
  for (char32_t c : code_points(text)) {
    size_t cw = char_width(c);
    if (w + cw + 1 > n) break;
    out += utf8(c);
    w += cw;
  }
  return out + "…";
}

std::string pad_width(std::string_view text, size_t n, bool right) {
  size_t w = display_width(text);
  std::string fill(w < n ? n - w : 0, ' ');
  return right ? fill + std::string(text) : std::string(text) + fill;
}

std::string fold_case(std::string_view text) {
  utf8proc_uint8_t* out = nullptr;
  auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                        static_cast<utf8proc_ssize_t>(text.size()), &out,
                        static_cast<utf8proc_option_t>(UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE));
  if (n < 0) return std::string(text);
  std::string s(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  free(out);
  return s;
}

namespace {

// The code point at text[i] and its length in bytes, or length 0 when the bytes there are not
// well-formed UTF-8.
std::pair<char32_t, size_t> decode(std::string_view text, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  unsigned char c = b(0);
  if (c < 0x80) return {c, 1};
  size_t n = c >= 0xC2 && c <= 0xDF   ? 2
             : c >= 0xE0 && c <= 0xEF ? 3
             : c >= 0xF0 && c <= 0xF4 ? 4
                                      : 0;
  if (n == 0 || i + n > text.size()) return {0, 0};
  char32_t cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return {0, 0};
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  bool overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, 0};
  return {cp, n};
}

bool is_control(char32_t c) {
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F);
}

}  // namespace

bool valid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    size_t n = decode(text, i).second;
    if (n == 0) return false;
    i += n;
  }
  return true;
}

int invalid_utf8_line(std::string_view text) {
  int line = 1;
  for (size_t i = 0; i < text.size();) {
    size_t n = decode(text, i).second;
    if (n == 0) return line;
    if (text[i] == '\n') ++line;
    i += n;
  }
  return 0;
}

std::string text_problem(std::string_view text, bool one_line) {
  std::string control;
  for (size_t i = 0; i < text.size();) {
    auto [c, n] = decode(text, i);
    if (n == 0) return "is not valid UTF-8";
    if (control.empty() && one_line && is_control(c) && c != '\n' && c != '\t')
      control = fmt::format("contains a control character (U+{:04X})", static_cast<unsigned>(c));
    i += n;
  }
  return control;
}

void check_text(std::string_view text, const std::string& field, bool one_line) {
  std::string why = text_problem(text, one_line);
  if (!why.empty()) refuse("{} {}", field, why);
}

bool one_line_field(const std::string& key) {
  static const std::set<std::string> keys = {
      "id",       "title",    "name",    "customer", "contact",    "category",   "channel",
      "priority", "status",   "tier",    "assignee", "vendor",     "parent",     "by",
      "owner",    "against",  "handler", "author",   "reviewer",   "created_by", "confirmed_by",
      "email",    "phone",    "login",   "role",     "skills",     "tags",       "kb",
      "tickets",  "ticket",   "aliases", "old",      "article",    "shift",      "staff",
      "set_by",   "campaign", "period",  "form",     "hotline",    "timezone",   "to",
      "from",     "hours",    "at",      "action",   "created_at", "due",        "date"};
  return keys.count(key) > 0;
}

namespace {

std::string pointer_part(const std::string& key) {
  std::string out;
  for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

// How strings below a key are judged: by their own key, as one-line text, or as free text.
enum class Lines { by_key, one, free };

// Walks a document for the first text that may not be recorded.
bool find_bad(const nlohmann::ordered_json& v, const std::string& ptr, Lines mode,
              std::pair<std::string, std::string>& out) {
  if (v.is_string()) {
    std::string why = text_problem(v.get_ref<const std::string&>(), mode == Lines::one);
    if (why.empty()) return false;
    out = {ptr, why};
    return true;
  }
  if (v.is_array()) {
    size_t i = 0;
    for (const auto& e : v)
      if (find_bad(e, ptr + "/" + std::to_string(i++), mode, out)) return true;
    return false;
  }
  if (!v.is_object()) return false;
  for (auto it = v.begin(); it != v.end(); ++it) {
    std::string here = ptr + "/" + pointer_part(it.key());
    std::string why = text_problem(it.key(), true);
    if (!why.empty()) {
      out = {here, why};
      return true;
    }
    // The desk's norms (the phone script) are free text; a ticket's environment is key=value
    // pairs (one-line), an article's is free text.
    Lines sub = mode != Lines::by_key       ? mode
                : it.key() == "norms"       ? Lines::free
                : it.key() == "environment" ? (it.value().is_object() ? Lines::one : Lines::free)
                : one_line_field(it.key())  ? Lines::one
                                            : Lines::by_key;
    if (find_bad(it.value(), here, sub, out)) return true;
  }
  return false;
}

}  // namespace

std::pair<std::string, std::string> find_bad_text(const nlohmann::ordered_json& doc) {
  std::pair<std::string, std::string> out;
  find_bad(doc, "", Lines::by_key, out);
  return out;
}

std::string printable(std::string_view text, bool multi_line) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    auto [c, n] = decode(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
      continue;
    }
    if (!is_control(c)) {
      out.append(text.substr(i, n));
    } else if (c == '\n' || c == '\t') {
      out += multi_line ? static_cast<char>(c) : ' ';
    } else if (c == '\r' && multi_line && i + 1 < text.size() && text[i + 1] == '\n') {
      // the CR of a CRLF line end: the newline shows it
    } else if (c == '\r' && !multi_line) {
      out += ' ';
    } else if (c < 0x80) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
    } else {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    }
    i += n;
  }
  return out;
}

std::string canonical_choice(const std::string& value, const std::vector<std::string>& choices) {
  std::string v = upper_ascii(value);
  for (const auto& c : choices)
    if (upper_ascii(c) == v) return c;
  return value;
}

}  // namespace sdesk
