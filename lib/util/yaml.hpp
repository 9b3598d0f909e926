// The YAML codec of desk files: YAML text <-> ordered JSON documents, with the line of every
// value kept for error messages, and an emitter that writes Chinese as UTF-8 text.
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace sdesk {

using Json = nlohmann::ordered_json;

// A parsed desk file: its document and the 1-based line of each value by JSON pointer.
struct Parsed {
  Json doc;                          // the file's content as JSON
  std::map<std::string, int> lines;  // "/events/0/at" -> line
  std::string file;                  // the file's path inside the desk, for messages
  // The line of the value at a JSON pointer (or of its nearest parent), 0 if unknown.
  int line_of(const std::string& pointer) const;
};

// Parses YAML text; throws exit 4 "FILE:LINE: ..." when it does not parse, is too large or too
// deeply nested, expands into too many values (alias bombs), or holds text that is not UTF-8.
Parsed parse_yaml(std::string_view text, const std::string& file);
// The string at key of an object, or "" when it is absent or not a string.
std::string str(const Json& j, const char* key);
// A string, or null when it is empty (the optional fields of the contract's JSON).
Json opt(const std::string& s);
// Writes a document as block YAML, strings as UTF-8 text, with a leading comment if given;
// exit 4 naming the field for text that is not UTF-8 or a control character in a one-line field.
std::string emit_yaml(const Json& doc, std::string_view header_comment = {});
// Throws exit 4 naming FILE:LINE and field for a value in a parsed file.
[[noreturn]] void refuse_field(const Parsed& p, const std::string& pointer,
                               const std::string& message);
// Validates a parsed file against the embedded schema `name` (e.g. "ticket") and the text rule
// of lib/text.hpp; throws exit 4 naming file, line and field at the first finding.
void validate_schema(const Parsed& p, const std::string& name);
// The embedded schema files, by file name (ticket.schema.json -> text).
const std::map<std::string, std::string>& embedded_schemas();

}  // namespace sdesk
