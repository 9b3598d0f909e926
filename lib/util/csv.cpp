#include "lib/util/csv.hpp"

#include <iconv.h>

#include <algorithm>
#include <cerrno>

#include "lib/util/error.hpp"
#include "lib/util/text.hpp"

namespace sdesk {

std::vector<CsvRecord> parse_csv(std::string_view text, const std::string& file) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (size_t bad = invalid_utf8_at(text); bad != std::string_view::npos)
    refuse("{}:{}: not UTF-8 text (save the file as UTF-8)", file,
           std::count(text.begin(), text.begin() + bad, '\n') + 1);
  std::vector<CsvRecord> out;
  CsvRecord rec;
  std::string field;
  bool quoted = false, any = false;
  int line = 1;
  rec.line = 1;
  auto end_record = [&] {
    rec.fields.push_back(field);
    field.clear();
    bool blank = rec.fields.size() == 1 && trim_space(rec.fields[0]).empty();
    if (!blank) out.push_back(rec);
    rec = CsvRecord{};
    any = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
        field += '"', ++i;
      else if (c == '"')
        quoted = false;
      else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (!any) rec.line = line;
    any = true;
    if (c == '"' && trim_space(field).empty()) {
      field.clear();
      quoted = true;
    } else if (c == ',') {
      rec.fields.push_back(field);
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    } else if (c == '\n') {
      end_record();
      ++line;
    } else {
      field += c;
    }
  }
  if (quoted) refuse("{}:{}: a quoted field is not closed", file, rec.line);
  if (any) end_record();
  return out;
}

namespace {
// An iconv conversion descriptor, closed when it goes out of scope.
struct Iconv {
  iconv_t cd;
  Iconv(const char* to, const char* from) : cd(iconv_open(to, from)) {
    if (cd == reinterpret_cast<iconv_t>(-1)) internal_error("iconv cannot convert {}", from);
  }
  ~Iconv() { iconv_close(cd); }
  Iconv(const Iconv&) = delete;
  Iconv& operator=(const Iconv&) = delete;
};
}  // namespace

Decoded decode_text(const std::string& bytes, const std::string& file) {
  std::string_view v(bytes);
  if (v.substr(0, 3) == "\xEF\xBB\xBF") v.remove_prefix(3);
  if (valid_utf8(v)) return {std::string(v), "UTF-8"};
  Iconv conv("UTF-8", "GB18030");
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* dst = out.data();
  size_t out_left = out.size();
  if (iconv(conv.cd, &in, &in_left, &dst, &out_left) == static_cast<size_t>(-1)) {
    size_t at = bytes.size() - in_left;
    refuse("{}:{}: neither UTF-8 nor GBK text (save the file as UTF-8)", file,
           std::count(bytes.begin(), bytes.begin() + static_cast<long>(at), '\n') + 1);
  }
  out.resize(out.size() - out_left);
  return {std::move(out), "GBK"};
}

}  // namespace sdesk
