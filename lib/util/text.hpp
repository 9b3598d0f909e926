// UTF-8 text measured as a terminal shows it (CJK characters take two columns), the rule for
// text a desk may record, and its visible form for a terminal.
#pragma once
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace sdesk {

// ASCII letters in upper case (IDs, enum values); other bytes as they are.
std::string upper_ascii(std::string text);
// The text without leading and trailing spaces, tabs and line ends.
std::string trim_space(const std::string& text);
// The comma-separated items of text, each trimmed, empty ones dropped ("a, b,,c" -> a b c).
std::vector<std::string> split_list(const std::string& text);
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
// The choice that equals value but for ASCII case (`p2` -> `P2`), else value unchanged.
std::string canonical_choice(const std::string& value, const std::vector<std::string>& choices);
// Lower-cases ASCII and folds Unicode case.
std::string fold_case(std::string_view text);

// Whether text is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool valid_utf8(std::string_view text);
// The 1-based line of the first bytes that are not UTF-8, or 0 when all of text is UTF-8.
int invalid_utf8_line(std::string_view text);
// Why text may not be recorded: "" when it may, else "is not valid UTF-8", or in a one-line
// field "contains a control character (U+001B)" for C0 (but newline and tab), DEL and C1.
std::string text_problem(std::string_view text, bool one_line);
// Refuses (exit 4) "FIELD is not valid UTF-8" / "FIELD contains a control character (…)".
void check_text(std::string_view text, const std::string& field, bool one_line);
// Whether a document's field of this name holds one-line text (titles, names, customers, …).
bool one_line_field(const std::string& key);
// The first string or key of a document that text_problem refuses, as {JSON pointer, problem};
// {"", ""} when all may be recorded. Strings under a one-line key, and every key, are one-line.
std::pair<std::string, std::string> find_bad_text(const nlohmann::ordered_json& doc);
// Text with what a terminal would obey made visible: C0 controls as \x1b, DEL as \x7f, C1 as
// \u009b, invalid bytes as U+FFFD. Multi-line keeps newline and tab (and drops the CR of CRLF);
// otherwise newline, CR and tab become spaces.
std::string printable(std::string_view text, bool multi_line);

}  // namespace sdesk
