#include "lib/util/xlsx.hpp"

#include <minizip/unzip.h>
#include <xlsxwriter.h>

#include <map>
#include <memory>
#include <pugixml.hpp>

#include "lib/util/error.hpp"
#include "lib/util/text.hpp"

namespace sdesk {

namespace {

// An open ZIP archive, closed when it goes out of scope.
struct ZipDeleter {
  void operator()(void* z) const { unzClose(z); }
};
using ZipPtr = std::unique_ptr<void, ZipDeleter>;

// A workbook being written, closed (and its file written) by close() or when it goes away.
struct WorkbookDeleter {
  void operator()(lxw_workbook* w) const { workbook_close(w); }
};
using WorkbookPtr = std::unique_ptr<lxw_workbook, WorkbookDeleter>;

// The bytes of one member of the archive, or nullopt when it has none by that name.
std::optional<std::string> member(unzFile zip, const std::string& name, const std::string& file) {
  if (unzLocateFile(zip, name.c_str(), 0) != UNZ_OK) return std::nullopt;
  unz_file_info info;
  if (unzGetCurrentFileInfo(zip, &info, nullptr, 0, nullptr, 0, nullptr, 0) != UNZ_OK ||
      unzOpenCurrentFile(zip) != UNZ_OK)
    refuse("{}: {} cannot be read (a damaged workbook?)", file, name);
  std::string out(info.uncompressed_size, '\0');
  int n = out.empty() ? 0 : unzReadCurrentFile(zip, out.data(), static_cast<unsigned>(out.size()));
  unzCloseCurrentFile(zip);
  if (n < 0 || static_cast<size_t>(n) != out.size())
    refuse("{}: {} cannot be read (a damaged workbook?)", file, name);
  return out;
}

pugi::xml_document xml(const std::string& text, const std::string& what, const std::string& file) {
  pugi::xml_document doc;
  if (!doc.load_buffer(text.data(), text.size()))
    refuse("{}: {} is not well-formed XML (a damaged workbook?)", file, what);
  return doc;
}

// The text of a string item (<si> or <is>): its <t>, or its runs' <t> joined.
std::string item_text(const pugi::xml_node& si) {
  std::string s;
  for (auto n : si.children()) {
    std::string name = n.name();
    if (name == "t") s += n.text().get();
    if (name == "r") s += n.child("t").text().get();
  }
  return s;
}

// The 0-based column of a cell reference such as "BC12".
int column_of(const char* ref) {
  int col = 0;
  for (; *ref >= 'A' && *ref <= 'Z'; ++ref) col = col * 26 + (*ref - 'A' + 1);
  return col - 1;
}

// Where the first sheet lives in the archive (workbook.xml and its relationships).
std::string first_sheet(unzFile zip, const std::string& file) {
  auto wb = member(zip, "xl/workbook.xml", file);
  auto rels = member(zip, "xl/_rels/workbook.xml.rels", file);
  if (wb && rels) {
    auto wdoc = xml(*wb, "xl/workbook.xml", file);
    auto sheet = wdoc.child("workbook").child("sheets").child("sheet");
    std::string rid = sheet.attribute("r:id").value();
    auto rdoc = xml(*rels, "xl/_rels/workbook.xml.rels", file);
    for (auto r : rdoc.child("Relationships").children("Relationship"))
      if (rid == r.attribute("Id").value()) {
        std::string target = r.attribute("Target").value();
        return target.rfind("/", 0) == 0 ? target.substr(1) : "xl/" + target;
      }
  }
  return "xl/worksheets/sheet1.xml";
}

}  // namespace

bool looks_like_zip(const std::string& bytes) {
  return bytes.size() >= 4 && bytes.compare(0, 4, "PK\x03\x04") == 0;
}

std::vector<CsvRecord> read_xlsx(const std::filesystem::path& path) {
  std::string file = path.filename().string();
  ZipPtr zip(unzOpen64(path.c_str()));
  if (!zip) refuse("{}: not an XLSX workbook (not a ZIP archive)", file);
  std::vector<std::string> shared;
  if (auto ss = member(zip.get(), "xl/sharedStrings.xml", file)) {
    auto doc = xml(*ss, "xl/sharedStrings.xml", file);
    for (auto si : doc.child("sst").children("si")) shared.push_back(item_text(si));
  }
  std::string sheet_name = first_sheet(zip.get(), file);
  auto sheet = member(zip.get(), sheet_name, file);
  if (!sheet) refuse("{}: the workbook has no sheet ({} is missing)", file, sheet_name);
  auto doc = xml(*sheet, sheet_name, file);
  std::vector<CsvRecord> out;
  int next_row = 1;
  for (auto row : doc.child("worksheet").child("sheetData").children("row")) {
    CsvRecord rec;
    rec.line = row.attribute("r").as_int(next_row);
    next_row = rec.line + 1;
    int next_col = 0;
    for (auto c : row.children("c")) {
      const char* ref = c.attribute("r").value();
      int col = *ref ? column_of(ref) : next_col;
      if (col < 0 || col > 16383)
        refuse("{}: row {}: bad cell reference '{}'", file, rec.line, ref);
      next_col = col + 1;
      std::string type = c.attribute("t").value();
      std::string v = c.child("v").text().get();
      std::string text;
      if (type == "s") {
        size_t i = static_cast<size_t>(std::atol(v.c_str()));
        if (v.empty() || i >= shared.size())
          refuse("{}: row {}: cell {} names a shared string the workbook lacks", file, rec.line,
                 ref);
        text = shared[i];
      } else if (type == "inlineStr") {
        text = item_text(c.child("is"));
      } else {
        text = v;
      }
      if (static_cast<int>(rec.fields.size()) <= col) rec.fields.resize(col + 1);
      rec.fields[col] = std::move(text);
    }
    bool blank = true;
    for (const auto& f : rec.fields) blank = blank && trim_space(f).empty();
    if (!blank) out.push_back(std::move(rec));
  }
  return out;
}

void write_xlsx(const std::filesystem::path& file, const std::string& sheet,
                const std::vector<std::string>& headers,
                const std::vector<std::vector<std::string>>& rows) {
  WorkbookPtr wb(workbook_new(file.c_str()));
  if (!wb) internal_error("cannot create {}", file.string());
  lxw_worksheet* ws = workbook_add_worksheet(wb.get(), sheet.c_str());
  lxw_format* bold = workbook_add_format(wb.get());
  format_set_bold(bold);
  for (size_t c = 0; c < headers.size(); ++c)
    worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), headers[c].c_str(), bold);
  for (size_t r = 0; r < rows.size(); ++r)
    for (size_t c = 0; c < rows[r].size(); ++c)
      if (!rows[r][c].empty())
        worksheet_write_string(ws, static_cast<lxw_row_t>(r + 1), static_cast<lxw_col_t>(c),
                               rows[r][c].c_str(), nullptr);
  lxw_error rc = workbook_close(wb.release());
  if (rc != LXW_NO_ERROR) internal_error("cannot write {}: {}", file.string(), lxw_strerror(rc));
}

}  // namespace sdesk
