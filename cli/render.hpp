// Pure rendering: data in, text out. Tables align by display width (CJK = 2 columns). Text
// from desk files and arguments is shown with its control characters made visible
// (lib/text.hpp printable), so nothing reaches a terminal as an escape sequence.
#pragma once
#include <string>
#include <vector>

#include "lib/util/yaml.hpp"

namespace sdesk::cli {

// Rows of text under headers; `right` marks right-aligned (numeric) columns.
struct Table {
  // A table of headers, rows, right-aligned columns and column widths.
  Table(std::vector<std::string> h = {}, std::vector<std::vector<std::string>> r = {},
        std::vector<bool> ra = {}, std::vector<size_t> w = {})
      : headers(std::move(h)), rows(std::move(r)), right(std::move(ra)), widths(std::move(w)) {}
  std::vector<std::string> headers;            // column titles
  std::vector<std::vector<std::string>> rows;  // cells
  std::vector<bool> right;                     // per column, right-aligned
  std::vector<size_t> widths;                  // per column, most columns a table shows (0: all)
  std::string mark_open, mark_close;           // markers in cells a colour table shows as bold
};

// Bold on and off as rendered text carries them; emit turns them into the terminal's codes
// (or drops them). They are bytes that UTF-8 text never holds, so no desk text can make them.
inline constexpr const char* kBoldOn = "\xFE";
// See kBoldOn.
inline constexpr const char* kBoldOff = "\xFF";

// Text for a terminal: printable(), keeping kBoldOn/kBoldOff.
std::string screen(const std::string& text, bool multi_line);

// A plain-text table, columns aligned by display width and cut to `widths`, headers bold when
// colour is on.
std::string render_table(const Table& t, bool color);
// RFC 4180 CSV with a header row: values whole, and a value that a spreadsheet would take for
// a formula (starting with =, +, -, @, tab or CR) prefixed with '.
std::string render_csv(const Table& t);
// A Markdown pipe table.
std::string render_markdown(const Table& t);
// "key: value" lines aligned by display width, for one object.
std::string render_fields(const std::vector<std::pair<std::string, std::string>>& fields);
// A JSON value as a table cell ("" for null, joined arrays, compact objects).
std::string cell(const Json& v);

}  // namespace sdesk::cli
