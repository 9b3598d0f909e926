// XLSX workbooks read and written as plain text cells: the first sheet of a workbook in, one
// sheet of strings out (libxlsxwriter; minizip and pugixml for reading).
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "lib/util/csv.hpp"

namespace sdesk {

// Whether bytes look like a ZIP container (an XLSX workbook) rather than text.
bool looks_like_zip(const std::string& bytes);
// The rows of a workbook's first sheet as text (shared and inline strings resolved, numbers as
// written in the file); each record's `line` is the sheet's row number and empty cells between
// filled ones are empty strings. Exit 4 naming the file when it is not a readable workbook.
std::vector<CsvRecord> read_xlsx(const std::filesystem::path& file);
// Writes one sheet named `sheet` of string cells (a bold header row, then the rows) to file.
void write_xlsx(const std::filesystem::path& file, const std::string& sheet,
                const std::vector<std::string>& headers,
                const std::vector<std::vector<std::string>>& rows);

}  // namespace sdesk
