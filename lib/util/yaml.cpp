#include "lib/util/yaml.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "lib/util/error.hpp"
#include "lib/util/text.hpp"

namespace sdesk {

namespace {

// The count of ASCII digits at s[i...].
size_t digits_at(std::string_view s, size_t i) {
  size_t n = 0;
  while (i + n < s.size() && std::isdigit(static_cast<unsigned char>(s[i + n]))) ++n;
  return n;
}

// [-+]?(0|[1-9][0-9]*), or with `leading_zeros` [-+]?[0-9]+.
bool is_int(std::string_view s, bool leading_zeros) {
  size_t i = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
  size_t n = digits_at(s, i);
  if (n == 0 || i + n != s.size()) return false;
  return leading_zeros || n == 1 || s[i] != '0';
}

// [-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?
bool is_float(std::string_view s) {
  size_t i = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
  size_t whole = digits_at(s, i);
  i += whole;
  if (i >= s.size() || s[i] != '.') return false;
  size_t frac = digits_at(s, ++i);
  i += frac;
  if (whole + frac == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exp = digits_at(s, i);
    if (exp == 0) return false;
    i += exp;
  }
  return i == s.size();
}
constexpr size_t kMaxBytes = 8u << 20;
constexpr int kMaxDepth = 64;
constexpr size_t kMaxNodes = 200'000;

struct Converter {
  const std::string& file;
  Parsed& out;
  size_t nodes = 0;

  [[noreturn]] void fail(const YAML::Node& n, const std::string& msg) {
    refuse("{}:{}: {}", file, n.Mark().line + 1, msg);
  }

  // The field a JSON pointer names, as messages show it ("events.0.title").
  static std::string field_of(const std::string& ptr) {
    std::string f;
    for (char c : ptr) f += c == '/' ? '.' : c;
    return f.empty() ? "document" : f.substr(f[0] == '.' ? 1 : 0);
  }

  Json scalar(const YAML::Node& n, const std::string& ptr) {
    const std::string& s = n.Scalar();
    if (!valid_utf8(s)) fail(n, field_of(ptr) + ": not valid UTF-8");
    if (n.Tag() != "?") return s;  // quoted or tagged: always a string
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    if (s.size() < 19 && is_int(s, false)) return std::stoll(s);
    if (s.size() < 40 && is_float(s)) {
      try {
        return std::stod(s);
      } catch (const std::out_of_range&) {
        return s;  // beyond a double (1.0e999): kept as the text it is
      }
    }
    return s;
  }

  Json convert(const YAML::Node& n, const std::string& ptr, int depth) {
    if (++nodes > kMaxNodes) fail(n, "too many values (anchors and aliases expanding?)");
    if (depth > kMaxDepth) fail(n, "nested too deeply");
    out.lines[ptr] = n.Mark().line + 1;
    switch (n.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        return nullptr;
      case YAML::NodeType::Scalar:
        return scalar(n, ptr);
      case YAML::NodeType::Sequence: {
        Json a = Json::array();
        size_t i = 0;
        for (const auto& e : n) a.push_back(convert(e, ptr + "/" + std::to_string(i++), depth + 1));
        return a;
      }
      case YAML::NodeType::Map: {
        Json o = Json::object();
        for (const auto& kv : n) {
          if (!kv.first.IsScalar()) fail(kv.first, "a key must be plain text");
          std::string key = kv.first.Scalar();
          if (!valid_utf8(key)) fail(kv.first, field_of(ptr) + ": a key is not valid UTF-8");
          if (key.size() > 1024)  // YAML's limit for the implicit keys that emit_yaml writes
            fail(kv.first, "a key longer than 1024 bytes");
          if (o.contains(key)) fail(kv.first, fmt::format("duplicate key '{}'", key));
          std::string esc = key;
          for (size_t p = 0; (p = esc.find('~', p)) != std::string::npos; p += 2)
            esc.replace(p, 1, "~0");
          for (size_t p = 0; (p = esc.find('/', p)) != std::string::npos; p += 2)
            esc.replace(p, 1, "~1");
          o[key] = convert(kv.second, ptr + "/" + esc, depth + 1);
        }
        return o;
      }
    }
    return nullptr;
  }
};

}  // namespace

int Parsed::line_of(const std::string& pointer) const {
  std::string p = pointer;
  while (true) {
    auto it = lines.find(p);
    if (it != lines.end()) return it->second;
    auto slash = p.rfind('/');
    if (slash == std::string::npos || p.empty()) return 0;
    p = p.substr(0, slash);
  }
}

Parsed parse_yaml(std::string_view text, const std::string& file) {
  Parsed out;
  out.file = file;
  if (text.size() > kMaxBytes) refuse("{}: file too large ({} bytes)", file, text.size());
  auto line_at = [&](size_t at) { return std::count(text.begin(), text.begin() + at, '\n') + 1; };
  if (size_t bad = invalid_utf8_at(text); bad != std::string_view::npos) {
    // Named by the key that starts its line, when there is one ("title: not valid UTF-8").
    size_t start = text.rfind('\n', bad);
    start = start == std::string_view::npos ? 0 : start + 1;
    std::string_view line = text.substr(start, bad - start);
    size_t colon = line.find(':');
    std::string key;
    if (colon != std::string_view::npos) {
      std::string_view k = line.substr(0, colon);
      while (!k.empty() && (k.front() == ' ' || k.front() == '-')) k.remove_prefix(1);
      key = std::string(k) + ": ";
    }
    refuse("{}:{}: {}not valid UTF-8 (byte {} of the file)", file, line_at(bad), key, bad + 1);
  }
  // YAML allows no control characters but tab and line breaks (and NUL bytes would make
  // yaml-cpp read the text as UTF-16 or UTF-32).
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
      refuse("{}:{}: control character 0x{:02x} (write it escaped in a double-quoted string)", file,
             line_at(i), c);
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    refuse("{}:{}: not valid YAML: {}", file, e.mark.line + 1, e.msg);
  }
  Converter c{file, out};
  out.doc = c.convert(root, "", 0);
  // What emit_yaml would not write (a control character in a key or a one-line field, such as
  // a lone CR yaml-cpp keeps in a plain key) is refused here too, so what reads can be written.
  if (auto [pointer, why] = find_bad_text(out.doc); !why.empty()) refuse_field(out, pointer, why);
  return out;
}

namespace {
bool plain_safe(const std::string& s) {
  if (s.empty()) return false;
  // Plain text a YAML 1.1 or 1.2 reader would take for a number, null or boolean.
  static const std::set<std::string_view> words = {
      "~",     "null", "Null", "NULL", "true", "True", "TRUE", "false", "False",
      "FALSE", "yes",  "Yes",  "YES",  "no",   "No",   "NO",   "on",    "On",
      "ON",    "off",  "Off",  "OFF",  "y",    "n",    "Y",    "N"};
  if (words.count(s) || is_int(s, true) || is_float(s)) return false;
  if (s.size() > 1 && s[0] == '0' && std::isdigit(static_cast<unsigned char>(s[1]))) return false;
  if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(s[0]) != std::string_view::npos) return false;
  if (s.front() == ' ' || s.back() == ' ' || s.back() == ':') return false;
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

std::string quoted(const std::string& s) {
  std::string o = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        o += "\\\"";
        break;
      case '\\':
        o += "\\\\";
        break;
      case '\n':
        o += "\\n";
        break;
      case '\t':
        o += "\\t";
        break;
      case '\r':
        o += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f)
          o += fmt::format("\\x{:02x}", c);
        else
          o += static_cast<char>(c);
    }
  }
  return o + "\"";
}

bool literal_ok(const std::string& s) {
  if (s.find('\n') == std::string::npos || s.front() == ' ' || s.front() == '\n') return false;
  // A block literal keeps one final line break: more are written quoted.
  if (s.size() >= 2 && s.compare(s.size() - 2, 2, "\n\n") == 0) return false;
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
  std::istringstream in(s);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && (line.back() == ' ' || line.back() == '\t')) return false;
  return true;
}

std::string scalar_text(const Json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_float()) {
    std::string d = v.dump();  // 1e+300 reads back as text: write 1.0e+300
    if (d.find('.') == std::string::npos && d.find('e') != std::string::npos)
      d.insert(d.find('e'), ".0");
    return d;
  }
  if (v.is_number()) return v.dump();
  const auto& s = v.get_ref<const std::string&>();
  return plain_safe(s) ? s : quoted(s);
}

bool is_scalar(const Json& v) {
  return !v.is_object() && !v.is_array();
}

void emit(std::string& out, const Json& v, int indent);

void emit_string_value(std::string& out, const std::string& s, int indent) {
  if (literal_ok(s)) {
    out += s.back() == '\n' ? " |" : " |-";
    out += '\n';
    std::istringstream in(s);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty()) out += std::string(indent + 2, ' ') + line;
      out += '\n';
    }
    return;
  }
  out += ' ' + scalar_text(s) + '\n';
}

void emit_value_after_key(std::string& out, const Json& v, int indent) {
  if (v.is_string()) return emit_string_value(out, v.get_ref<const std::string&>(), indent);
  if (is_scalar(v)) {
    out += ' ' + scalar_text(v) + '\n';
    return;
  }
  if (v.empty()) {
    out += v.is_object() ? " {}\n" : " []\n";
    return;
  }
  if (v.is_array() && std::all_of(v.begin(), v.end(), [](const Json& e) {
        return is_scalar(e) &&
               !(e.is_string() && e.get_ref<const std::string&>().find('\n') != std::string::npos);
      })) {
    std::string flow = " [";
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) flow += ", ";
      std::string t = scalar_text(v[i]);
      // Flow indicators, and `?`, which yaml-cpp misreads inside a flow sequence.
      if (v[i].is_string() && t.find_first_of(",[]{}?") != std::string::npos && t[0] != '"')
        t = quoted(v[i].get<std::string>());
      flow += t;
    }
    if (flow.size() < 90) {
      out += flow + "]\n";
      return;
    }
  }
  out += '\n';
  emit(out, v, v.is_array() ? indent : indent + 2);
}

void emit(std::string& out, const Json& v, int indent) {
  std::string pad(indent, ' ');
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      out += pad + scalar_text(it.key()) + ':';
      emit_value_after_key(out, it.value(), indent);
    }
  } else if (v.is_array()) {
    for (const auto& e : v) {
      if (e.is_object() && !e.empty()) {
        std::string sub;
        emit(sub, e, indent + 2);
        out += pad + "- " + sub.substr(indent + 2);
      } else if (e.is_array() && !e.empty()) {
        out += pad + "-\n";
        emit(out, e, indent + 2);
      } else if (e.is_string()) {
        out += pad + "-";
        emit_string_value(out, e.get_ref<const std::string&>(), indent);
      } else {
        out += pad + "- " + (e.is_object() ? "{}" : e.is_array() ? "[]" : scalar_text(e)) + '\n';
      }
    }
  } else {
    out += pad + scalar_text(v) + '\n';
  }
}
}  // namespace

std::string emit_yaml(const Json& doc, std::string_view header_comment) {
  // The last gate before a file is written: text no read would accept is refused here.
  auto [pointer, why] = find_bad_text(doc);
  if (!why.empty()) {
    std::string field = pointer.substr(pointer.empty() ? 0 : 1);
    for (auto& c : field)
      if (c == '/') c = '.';
    refuse("{} {}", field.empty() ? "text" : field, why);
  }
  std::string out;
  if (!header_comment.empty()) {
    std::istringstream in{std::string(header_comment)};
    std::string line;
    while (std::getline(in, line)) out += "# " + line + "\n";
  }
  if ((doc.is_object() || doc.is_array()) && doc.empty())
    out += doc.is_object() ? "{}\n" : "[]\n";  // emit() writes nothing for them
  else
    emit(out, doc, 0);
  return out;
}

void refuse_field(const Parsed& p, const std::string& pointer, const std::string& message) {
  std::string field;
  for (char c : pointer) field += c == '/' ? '.' : c;
  if (!field.empty() && field[0] == '.') field.erase(0, 1);
  int line = p.line_of(pointer);
  if (line > 0) refuse("{}:{}: {}: {}", p.file, line, field.empty() ? "document" : field, message);
  refuse("{}: {}: {}", p.file, field.empty() ? "document" : field, message);
}

namespace {
const valijson::Schema& schema_for(const std::string& name) {
  static std::map<std::string, std::unique_ptr<valijson::Schema>> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return *it->second;
  const auto& all = embedded_schemas();
  auto text = all.find(name + ".schema.json");
  if (text == all.end()) internal_error("no schema named {}", name);
  auto doc = nlohmann::json::parse(text->second);
  auto schema = std::make_unique<valijson::Schema>();
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter adapter(doc);
  parser.populateSchema(adapter, *schema);
  return *(cache[name] = std::move(schema));
}
}  // namespace

void validate_schema(const Parsed& p, const std::string& name) {
  const auto& schema = schema_for(name);
  nlohmann::json doc = nlohmann::json::parse(p.doc.dump());
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(doc);
  if (validator.validate(schema, target, &results)) {
    // Schemas say what each field is; one rule for all says what text a desk may hold.
    auto [pointer, why] = find_bad_text(p.doc);
    if (!why.empty()) refuse_field(p, pointer, why);
    return;
  }
  valijson::ValidationResults::Error e, best;
  size_t depth = 0;
  bool first = true;
  while (results.popError(e)) {
    if (first || e.context.size() > depth) {
      best = e;
      depth = e.context.size();
      first = false;
    }
  }
  std::string pointer;
  for (const auto& c : best.context) {
    if (c == "<root>") continue;
    std::string part = c;
    if (part.size() >= 2 && part.front() == '[' && part.back() == ']')
      part = part.substr(1, part.size() - 2);
    if (part.size() >= 2 && part.front() == '"' && part.back() == '"')
      part = part.substr(1, part.size() - 2);
    pointer += "/" + part;
  }
  refuse_field(p, pointer, best.description);
}

std::string str(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

Json opt(const std::string& s) {
  return s.empty() ? Json() : Json(s);
}

}  // namespace sdesk
