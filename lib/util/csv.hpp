// Tabular files read and written generically: RFC 4180 CSV, the encodings Chinese offices save
// it in (UTF-8 with or without a BOM, GBK), and the rows of a sheet as plain text cells.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace sdesk {

// One CSV record with the line it starts on.
struct CsvRecord {
  int line = 0;                     // 1-based line of the file where the record starts
  std::vector<std::string> fields;  // the fields, unquoted
};

// Parses RFC 4180 CSV (quoted fields may hold commas, quotes and line breaks; CRLF or LF; a
// leading BOM is dropped); blank lines are skipped. Exit 4 naming file and line when the text
// is not UTF-8 or a quoted field is not closed.
std::vector<CsvRecord> parse_csv(std::string_view text, const std::string& file);

// Text in UTF-8 and the encoding it was found in.
struct Decoded {
  std::string text;      // the text as UTF-8 (a BOM removed)
  std::string encoding;  // "UTF-8" or "GBK"
};
// Detects UTF-8 (with or without a BOM) or GBK (read as GB18030, its superset) and returns the
// text as UTF-8; exit 4 naming file and line when the bytes are neither.
Decoded decode_text(const std::string& bytes, const std::string& file);

}  // namespace sdesk
