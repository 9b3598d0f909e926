#include "lib/text.hpp"

#include <utf8proc.h>

namespace sdesk {

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

}  // namespace sdesk
