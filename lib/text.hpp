// UTF-8 text measured as a terminal shows it: CJK characters take two columns.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sdesk {

// The display width of UTF-8 text in terminal columns.
size_t display_width(std::string_view text);
// Text cut to at most n columns, ending in "…" when cut.
std::string truncate_width(std::string_view text, size_t n);
// Text padded with spaces to n columns (left-aligned), or right-aligned when right is set.
std::string pad_width(std::string_view text, size_t n, bool right = false);
// The Unicode code points of UTF-8 text (invalid bytes become U+FFFD).
std::vector<char32_t> code_points(std::string_view text);
// The byte offset of the first byte that is not well-formed UTF-8 (RFC 3629: no overlong
// forms, surrogates or code points past U+10FFFF), or npos when all of text is.
size_t invalid_utf8_at(std::string_view text);
// UTF-8 of one code point.
std::string utf8(char32_t c);
// Lower-cases ASCII and folds Unicode case.
std::string fold_case(std::string_view text);

}  // namespace sdesk
