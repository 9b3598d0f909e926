// Pure rendering: data in, text out. Tables align by display width (CJK = 2 columns).
#pragma once
#include <string>
#include <vector>

#include "lib/yaml.hpp"

namespace sdesk::cli {

// Rows of text under headers; `right` marks right-aligned (numeric) columns.
struct Table {
  std::vector<std::string> headers;            // column titles
  std::vector<std::vector<std::string>> rows;  // cells
  std::vector<bool> right;                     // per column, right-aligned
};

// A plain-text table, columns aligned by display width, headers bold when colour is on.
std::string render_table(const Table& t, bool color);
// RFC 4180 CSV with a header row.
std::string render_csv(const Table& t);
// A Markdown pipe table.
std::string render_markdown(const Table& t);
// "key: value" lines aligned by display width, for one object.
std::string render_fields(const std::vector<std::pair<std::string, std::string>>& fields);
// A JSON value as a table cell ("" for null, joined arrays, compact objects).
std::string cell(const Json& v);

}  // namespace sdesk::cli
