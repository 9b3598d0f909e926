#include "lib/bulk/import.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>

#include "lib/store/ids.hpp"
#include "lib/ticket/ticket.hpp"
#include "lib/ticket/workflow.hpp"
#include "lib/util/csv.hpp"
#include "lib/util/error.hpp"
#include "lib/util/text.hpp"
#include "lib/util/xlsx.hpp"

namespace sdesk {

namespace fs = std::filesystem;

namespace {

// The ticket fields a row may give (CONTRACT §4 names), and the state a row may be in.
const std::set<std::string> kFields = {
    "title",    "customer",    "contact",     "channel",    "priority", "category",
    "need",     "required_by", "created_at",  "created_by", "major",    "environment",
    "assignee", "status",      "resolved_at", "closed_at",  "solution", "vendor"};
// Fields of the ticket JSON (and `export`) that follow from events: read and left alone.
const std::set<std::string> kDerived = {"id",
                                        "tier",
                                        "parent",
                                        "responded_at",
                                        "reopen_count",
                                        "escalations",
                                        "sla",
                                        "kb",
                                        "events",
                                        "response_due",
                                        "resolve_due",
                                        "response_breached",
                                        "resolve_breached",
                                        "paused_minutes",
                                        "minutes_to_response",
                                        "minutes_to_resolve"};
const std::vector<std::string> kActions = {"new",
                                           "take",
                                           "start",
                                           "assign",
                                           "pending:customer",
                                           "pending:vendor",
                                           "pending:third-party",
                                           "resume",
                                           "escalate:l2",
                                           "escalate:vendor",
                                           "de-escalate:l1",
                                           "resolve",
                                           "close",
                                           "cancel",
                                           "reopen",
                                           "ignore"};
const std::vector<std::string> kStatuses = {"new",      "assigned", "in_progress", "pending",
                                            "resolved", "closed",   "cancelled"};
const std::vector<std::string> kChannels = {"hotline", "email", "web", "walk-in", "monitoring"};

bool known_field(const std::string& f) {
  return kFields.count(f) || f.rfind("environment.", 0) == 0;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A file read as rows of text cells.
struct Sheet {
  std::string file;                  // its name, for messages
  std::string encoding;              // UTF-8, GBK or XLSX
  std::vector<std::string> headers;  // the first row, trimmed
  std::vector<CsvRecord> rows;       // the rows below it; `line` is the row number
};

Sheet read_sheet(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) not_found("cannot read {}", path.string());
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Sheet s;
  s.file = path.filename().string();
  std::vector<CsvRecord> records;
  if (looks_like_zip(bytes)) {
    records = read_xlsx(path);
    s.encoding = "XLSX";
  } else {
    Decoded d = decode_text(bytes, s.file);
    s.encoding = d.encoding;
    records = parse_csv(d.text, s.file);
  }
  if (records.empty()) refuse("{}: the file is empty (no header row)", s.file);
  for (const auto& h : records.front().fields) s.headers.push_back(trim_space(h));
  s.rows.assign(records.begin() + 1, records.end());
  if (s.rows.empty()) refuse("{}: no rows below the header", s.file);
  return s;
}

// Where a row's value came from, for messages naming row, column and field.
struct Cell {
  std::string value;   // trimmed, mapped through `values:`
  std::string column;  // the file's column, or "" for a map default
};

// One row as fields, with what names them in messages.
struct Row {
  const Sheet* sheet = nullptr;
  int line = 0;
  std::map<std::string, Cell> fields;

  // Throws exit 4 naming file, row, column and field.
  [[noreturn]] void fail(const std::string& field, const std::string& why) const {
    auto it = fields.find(field);
    if (it == fields.end() || it->second.column.empty())
      refuse("{}: row {}: {} {}", sheet->file, line, field, why);
    refuse("{}: row {}, column '{}' ({}): {}", sheet->file, line, it->second.column, field, why);
  }
  // The value of a field, or "".
  std::string get(const std::string& field) const {
    auto it = fields.find(field);
    return it == fields.end() ? std::string() : it->second.value;
  }
};

// Which column feeds which field.
struct Binding {
  size_t index;        // the column's position
  std::string column;  // its header
  std::string field;   // the ticket field
};

std::vector<Binding> bind_columns(const Sheet& s, const ImportMap* map) {
  std::vector<Binding> out;
  std::set<std::string> bound;
  auto bind = [&](size_t i, const std::string& field) {
    if (!bound.insert(field).second)
      refuse("{}: row 1: two columns give the field {} (the second is '{}')", s.file, field,
             s.headers[i]);
    out.push_back({i, s.headers[i], field});
  };
  if (map) {
    for (const auto& [column, field] : map->columns) {
      auto it = std::find(s.headers.begin(), s.headers.end(), column);
      if (it == s.headers.end())
        refuse("{}: columns: '{}' is not a column of {} (its columns: {})", map->file, column,
               s.file, fmt::join(s.headers, ", "));
      bind(static_cast<size_t>(it - s.headers.begin()), field);
    }
    return out;
  }
  for (size_t i = 0; i < s.headers.size(); ++i) {
    std::string h = lower(s.headers[i]);
    if (h.rfind("env.", 0) == 0) h = "environment." + h.substr(4);
    if (known_field(h))
      bind(i, h);
    else if (!kDerived.count(h))
      refuse(
          "{}: row 1, column {} '{}' is not a ticket field (name columns by the ticket JSON "
          "fields: title, customer, contact, channel, priority, …, or give a --map)",
          s.file, i + 1, s.headers[i]);
  }
  return out;
}

Row read_row(const Sheet& s, const CsvRecord& r, const std::vector<Binding>& bindings,
             const ImportMap* map) {
  Row row{&s, r.line, {}};
  if (r.fields.size() > s.headers.size()) {
    bool extra = false;
    for (size_t i = s.headers.size(); i < r.fields.size(); ++i)
      extra = extra || !trim_space(r.fields[i]).empty();
    if (extra)
      refuse("{}: row {}: {} fields, but the header has {}", s.file, r.line, r.fields.size(),
             s.headers.size());
  }
  for (const auto& b : bindings) {
    std::string v = b.index < r.fields.size() ? trim_space(r.fields[b.index]) : std::string();
    if (map)
      if (auto f = map->values.find(b.field); f != map->values.end())
        if (auto m = f->second.find(v); m != f->second.end()) v = m->second;
    row.fields[b.field] = {v, b.column};
    std::string why = text_problem(v, b.field != "need" && b.field != "solution");
    if (!why.empty()) row.fail(b.field, why);
  }
  if (map)
    for (const auto& [field, v] : map->defaults)
      if (row.get(field).empty()) row.fields[field] = {v, ""};
  return row;
}

std::optional<Time> parse_time_parts(const std::string& text, Zone zone, bool* has_clock) {
  static const std::regex re(
      R"(^(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*(?:-|/|\.|月)\s*(\d{1,2})\s*(?:日|号)?)"
      R"((?:(?:\s+|T|\s*)(\d{1,2})\s*(?::|：|时|點|点)\s*(\d{1,2})?\s*(?:分)?)"
      R"((?:\s*(?::|：)?\s*(\d{1,2})\s*(?:秒)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$)");
  static const std::regex serial(R"(^\d{5}(\.\d+)?$)");
  std::smatch m;
  std::string t = trim_space(text);
  if (has_clock) *has_clock = true;
  if (std::regex_match(t, serial)) {
    // An Excel day number: days since 1899-12-30 on the sheet's wall clock.
    double days = std::stod(t);
    auto secs = static_cast<std::int64_t>(days * 86400 + 0.5);
    auto local = date::local_days(date::year{1899} / 12 / 30) + std::chrono::seconds(secs);
    if (has_clock) *has_clock = secs % 86400 != 0;
    return std::chrono::floor<std::chrono::seconds>(
        date::make_zoned(zone, local, date::choose::earliest).get_sys_time());
  }
  if (!std::regex_match(t, m, re)) return std::nullopt;
  if (has_clock) *has_clock = m[4].matched;
  std::string off = m[7].matched ? m[7].str() : "";
  if (off.size() == 5) off = off.substr(0, 3) + ":" + off.substr(3);
  std::string iso =
      fmt::format("{}-{:0>2}-{:0>2}T{:0>2}:{:0>2}:{:0>2}{}", m[1].str(), m[2].str(), m[3].str(),
                  m[4].matched ? m[4].str() : "0", m[5].matched ? m[5].str() : "0",
                  m[6].matched ? m[6].str() : "0", off);
  try {
    return parse_time(iso, zone, "time");
  } catch (const Error&) {
    return std::nullopt;
  }
}

// What a row says a ticket is: its `new` event and the state it was in.
struct Spec {
  int line = 0;                                // the row it came from
  std::string key;                             // the case (import events), for ordering
  Json intake;                                 // the `new` event's own fields
  Time created{};                              // when it was recorded
  std::string created_by;                      // who recorded it
  std::string status;                          // the state to bring it to (import tickets)
  std::string assignee;                        // who works it
  std::string solution;                        // for a resolved ticket
  std::optional<Time> resolved_at, closed_at;  // when, for resolved and closed tickets
};

// Reads and checks a row's ticket fields.
class SpecReader {
 public:
  SpecReader(const Desk& desk, Zone zone) : desk_(desk), zone_(zone) {}

  Time time(const Row& row, const std::string& field, bool* has_clock = nullptr) const {
    auto t = parse_time_parts(row.get(field), zone_, has_clock);
    if (!t)
      row.fail(field, fmt::format("'{}' is not a time (use 2026-03-05 14:00, 2026/3/5 14:00 or "
                                  "2026年3月5日)",
                                  row.get(field)));
    return *t;
  }

  const Staff& staff(const Row& row, const std::string& field) const {
    std::string id = row.get(field);
    auto it = desk_.staff().find(id);
    if (it == desk_.staff().end()) row.fail(field, fmt::format("'{}' is not a staff member", id));
    if (!it->second.active) row.fail(field, fmt::format("'{}' is deactivated", id));
    return it->second;
  }

  // The spec of a row; `norm`: the desk's intake norm applies (as to `sdesk new`).
  Spec read(const Row& row, bool norm, const std::string& by_default, Time created) const {
    Spec s;
    s.line = row.line;
    Json& e = s.intake;
    std::vector<std::string> missing;
    for (const char* f : {"title", "channel", "priority"})
      if (row.get(f).empty()) missing.push_back(f);
    if (norm)
      for (const auto& f : intake_fields()) {
        bool present = f == "environment" ? has_environment(row) : !row.get(f).empty();
        if (!present && !desk_.settings().optional_intake.count(f)) missing.push_back(f);
      }
    if (!missing.empty())
      refuse("{}: row {}: missing required field{}: {}", row.sheet->file, row.line,
             missing.size() > 1 ? "s" : "", fmt::join(missing, ", "));
    e["title"] = row.get("title");
    std::string p = upper_ascii(row.get("priority"));
    if (p != "P1" && p != "P2" && p != "P3" && p != "P4")
      row.fail("priority", fmt::format("'{}' is not one of P1, P2, P3, P4", row.get("priority")));
    e["priority"] = p;
    if (!row.get("category").empty()) e["category"] = row.get("category");
    std::string ch = lower(row.get("channel"));
    if (std::find(kChannels.begin(), kChannels.end(), ch) == kChannels.end())
      row.fail("channel", fmt::format("'{}' is not one of {}", row.get("channel"),
                                      fmt::join(kChannels, ", ")));
    e["channel"] = ch;
    std::string major = lower(row.get("major"));
    if (major.empty() || major == "false" || major == "no" || major == "0" || major == "否")
      e["major"] = false;
    else if (major == "true" || major == "yes" || major == "1" || major == "是")
      e["major"] = true;
    else
      row.fail("major", fmt::format("'{}' is not true or false (是/否)", row.get("major")));
    for (const char* f : {"customer", "contact", "need"})
      if (!row.get(f).empty()) e[f] = row.get(f);
    if (!row.get("required_by").empty()) {
      bool clock = true;
      Time by = time(row, "required_by", &clock);
      // "By the 5th" is by the end of that day, not its first second.
      if (!clock) by += std::chrono::hours(24) - std::chrono::seconds(1);
      e["required_by"] = desk_.stamp(by);
    }
    Json env = Json::object();
    if (!row.get("environment").empty()) {
      for (const auto& part : split_on(row.get("environment"))) {
        auto eq = part.find('=');
        if (eq == std::string::npos || trim_space(part.substr(0, eq)).empty())
          row.fail("environment", fmt::format("'{}' is not key=value", part));
        env[trim_space(part.substr(0, eq))] = trim_space(part.substr(eq + 1));
      }
    }
    for (const auto& [field, cell] : row.fields)
      if (field.rfind("environment.", 0) == 0 && !cell.value.empty())
        env[field.substr(12)] = cell.value;
    if (!env.empty()) e["environment"] = env;
    s.created = row.get("created_at").empty() ? created : time(row, "created_at");
    s.created_by = row.get("created_by").empty() ? by_default : staff(row, "created_by").id;
    if (!row.get("created_by").empty()) {
      Json probe = e;
      probe["action"] = "new";
      std::string why = why_forbidden(desk_.settings(), staff(row, "created_by"), Ticket{}, probe);
      if (!why.empty()) row.fail("created_by", why);
    }
    s.status = lower(row.get("status"));
    if (s.status.empty()) s.status = "new";
    if (std::find(kStatuses.begin(), kStatuses.end(), s.status) == kStatuses.end())
      row.fail("status",
               fmt::format("'{}' is not one of {}", row.get("status"), fmt::join(kStatuses, ", ")));
    s.assignee = row.get("assignee").empty() ? "" : staff(row, "assignee").id;
    s.solution = row.get("solution");
    if (!row.get("resolved_at").empty()) s.resolved_at = time(row, "resolved_at");
    if (!row.get("closed_at").empty()) s.closed_at = time(row, "closed_at");
    if (s.resolved_at && *s.resolved_at < s.created)
      row.fail("resolved_at", "is before the ticket was created");
    if (s.closed_at && *s.closed_at < s.resolved_at.value_or(s.created))
      row.fail("closed_at", "is before the ticket was resolved");
    return s;
  }

 private:
  static bool has_environment(const Row& row) {
    if (!row.get("environment").empty()) return true;
    for (const auto& [field, cell] : row.fields)
      if (field.rfind("environment.", 0) == 0 && !cell.value.empty()) return true;
    return false;
  }
  static std::vector<std::string> split_on(const std::string& text) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : text + ";") {
      if (c == ';' || c == '\n') {
        if (!trim_space(cur).empty()) out.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    return out;
  }
  const Desk& desk_;
  Zone zone_;
};

// Ticket and event IDs: the clone's own (unique, time-ordered) or, on a dry run, stand-ins
// that touch nothing. Event IDs continue the clone's hybrid logical clock in memory (one clock
// file write at the start and one at the end, not one per event): each is the clone's identity
// after a millisecond count that is at least the event's time and above the last one handed out.
class IdSource {
 public:
  IdSource(Desk& desk, bool dry) : desk_(desk), dry_(dry), head_(desk.repo().head_tree()) {
    if (dry_) return;
    std::string first = desk_.ids().event_id(Time{});
    identity_ = first.substr(9);
    for (size_t i = 0; i < 9; ++i) last_ms_ = last_ms_ * 32 + digit(first[i]);
  }
  ~IdSource() { settle(); }
  IdSource(const IdSource&) = delete;
  IdSource& operator=(const IdSource&) = delete;
  // A ticket ID for a ticket created at `created`: the clone's clock gives the first of each
  // month; later ones of that month continue from it in memory (seconds into the month, above
  // the last one given), and settle() moves the clock past them.
  std::string ticket(Time created) {
    std::string prefix = "T", id;
    auto local = date::make_zoned(desk_.zone(), created).get_local_time();
    date::year_month_day ymd{std::chrono::floor<date::days>(local)};
    auto into = (local - date::local_days(ymd.year() / ymd.month() / 1)).count();
    std::string month = fmt::format("{:02}{:02}", int(ymd.year()) % 100, unsigned(ymd.month()));
    do {
      auto last = months_.find(month);
      if (dry_) {
        id = fmt::format("T-0000-{}00", base32(static_cast<std::uint64_t>(++n_), 5));
      } else if (last == months_.end()) {
        id = desk_.ids().object_id(prefix, created, desk_.zone());
        node_ = id.substr(id.size() - 2);
        std::int64_t got = 0;
        for (size_t i = id.size() - 7; i < id.size() - 2; ++i) got = got * 32 + digit(id[i]);
        months_[month] = {got, created};
      } else {
        last->second.first = std::max<std::int64_t>(into, last->second.first + 1);
        last->second.second = std::max(last->second.second, created);
        id = fmt::format("{}-{}-{}{}", prefix, month,
                         base32(static_cast<std::uint64_t>(last->second.first), 5), node_);
      }
    } while (!taken_.insert(id).second || desk_.repo().blob_at(head_.get(), ticket_path(id)));
    return id;
  }
  std::string event(Time at) {
    last_ms_ = std::max<std::int64_t>(at.time_since_epoch().count() * 1000, last_ms_ + 1);
    return base32(static_cast<std::uint64_t>(last_ms_), 9) +
           (dry_ ? std::string(13, '0') : identity_);
  }
  // Moves the clone's clock past every event ID handed out.
  void settle() {
    if (dry_ || settled_) return;
    settled_ = true;
    desk_.ids().event_id(Time{}, base32(static_cast<std::uint64_t>(last_ms_), 9));
    // The clock's month takes the largest of its own and the time asked for, so asking at the
    // last second used (rebuilt from the month's start) moves it past every ID given here.
    for (const auto& [month, used] : months_) {
      auto [seconds, created] = used;
      auto local = date::make_zoned(desk_.zone(), created).get_local_time();
      date::year_month_day ymd{std::chrono::floor<date::days>(local)};
      auto start = date::local_days(ymd.year() / ymd.month() / 1);
      auto at = date::make_zoned(desk_.zone(), start + std::chrono::seconds(seconds),
                                 date::choose::latest)
                    .get_sys_time();
      desk_.ids().object_id("T", std::chrono::floor<std::chrono::seconds>(at), desk_.zone());
    }
  }

 private:
  static int digit(char c) {
    static const std::string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    auto p = alphabet.find(c);
    return p == std::string::npos ? 0 : static_cast<int>(p);
  }
  Desk& desk_;
  bool dry_;
  TreePtr head_;
  std::set<std::string> taken_;
  std::int64_t n_ = 0;
  std::int64_t last_ms_ = 0;
  std::string identity_;
  std::string node_;  // the clone's two characters of object IDs
  std::map<std::string, std::pair<std::int64_t, Time>>
      months_;  // YYMM -> last second, a time in it
  bool settled_ = false;
};

// One ticket's events made as the CLI would make them, each checked with the workflow table
// (why_illegal) and the role rules (why_forbidden) before it is applied.
class Replay {
 public:
  Replay(const Desk& desk, IdSource& ids, const Staff& op) : desk_(desk), ids_(ids), op_(op) {}

  // Starts a ticket with its `new` event.
  void begin(const std::string& id, const Spec& s) {
    t_ = Ticket{};
    t_.id = id;
    events_.clear();
    Json e = event(s.created, s.created_by, "new");
    for (auto it = s.intake.begin(); it != s.intake.end(); ++it) e[it.key()] = it.value();
    // Someone the desk does not let record tickets is replaced by the importing PM.
    if (!push(e).empty()) {
      e["by"] = op_.id;
      push(e);
    }
  }

  // Applies a map action (kActions) by a person at a time; "" or why it was skipped.
  std::string act(const std::string& action, const std::string& person, Time at,
                  const std::string& text, const std::string& vendor = {}) {
    const std::string& st = t_.status;
    auto worker = [&] { return t_.assignee.empty() ? person : t_.assignee; };
    // Work begins with a take and a start, as a consultant does it at the desk.
    auto get_going = [&](bool resume) -> std::string {
      if (st == "new" && t_.assignee.empty())
        if (auto why = push(event(at, person, "take")); !why.empty()) return why;
      if (st == "assigned")
        if (auto why = push(event(at, worker(), "start")); !why.empty()) return why;
      if (resume && st == "pending")
        if (auto why = push(event(at, worker(), "resume")); !why.empty()) return why;
      return "";
    };
    Json e;
    if (action == "new") return skip(action, "the ticket already exists");
    if (action == "take") {
      e = event(at, person, "take");
    } else if (action == "assign") {
      e = event(at, op_.id, "assign");
      e["assignee"] = person;
    } else if (action == "start") {
      if (st == "in_progress") return skip(action, "");
      if (!is_open_status(st)) return skip(action, "");
      return get_going(true);
    } else if (action.rfind("pending:", 0) == 0) {
      if (st == "new" || st == "assigned")
        if (auto why = get_going(false); !why.empty()) return why;
      e = event(at, worker(), "pending");
      e["reason"] = action.substr(8);
      e["text"] = text;
    } else if (action == "resume") {
      e = event(at, worker(), "resume");
    } else if (action == "escalate:l2" || action == "escalate:vendor") {
      e = event(at, worker(), "escalate");
      e["to"] = action == "escalate:l2" ? "l2" : "vendor";
      if (action == "escalate:vendor") {
        if (vendor.empty()) return skip(action, "no vendor (give a vendor column or default)");
        e["vendor"] = vendor;
      }
      e["reason"] = text;
      e["done"] = text;
    } else if (action == "de-escalate:l1") {
      e = event(at, worker(), "de-escalate");
      e["to"] = "l1";
      e["reason"] = text;
    } else if (action == "resolve") {
      if (st == "new" || st == "assigned")
        if (auto why = get_going(false); !why.empty()) return why;
      e = event(at, worker(), "resolve");
      e["solution"] = text;
    } else if (action == "close") {
      e = event(at, t_.owner, "close");
      e["confirmed_by"] = t_.customer.empty() ? std::string("customer") : t_.customer;
    } else if (action == "cancel") {
      e = event(at, t_.owner, "cancel");
      e["reason"] = text;
    } else if (action == "reopen") {
      if (st == "closed" && !t_.closed_at.empty()) {
        Time closed = desk_.parse(t_.closed_at, "closed_at");
        if (at > closed + std::chrono::minutes(wall_minutes(desk_.settings().reopen_window)))
          return skip(action, "past the reopen window");
      }
      e = event(at, t_.owner, "reopen");
      e["reason"] = text;
    } else {
      return skip(action, "not an action");
    }
    return push(e, action);
  }

  // The ticket as folded from its events; its path and file text.
  FileChange file() const {
    Ticket t = fold_ticket(t_.id, events_);
    if (!t.illegal.empty())
      internal_error("{}: the import made an event that does not fold", t_.id);
    return {ticket_path(t_.id), ticket_yaml(t)};
  }
  // How many events the ticket has.
  size_t events() const { return events_.size(); }
  // The state so far.
  const Ticket& state() const { return t_; }

 private:
  Json event(Time at, const std::string& by, const std::string& action) {
    Json e = Json::object();
    e["id"] = ids_.event(at);
    e["at"] = desk_.stamp(at);
    e["by"] = by;
    e["action"] = action;
    return e;
  }
  std::string skip(const std::string& action, const std::string& why) const {
    if (!why.empty()) return fmt::format("{}: {}", action, why);
    return fmt::format("{} while {}", action, t_.status);
  }
  // Applies e when legal and permitted; "" or why not (in words that do not name the ticket).
  std::string push(const Json& e, const std::string& as = {}) {
    std::string action = as.empty() ? e.value("action", "") : as;
    if (!why_illegal(t_, e).empty()) {
      std::string a = e.value("action", "");
      if ((a == "escalate" || a == "de-escalate") && is_open_status(t_.status))
        return fmt::format("{} on a ticket at tier {}", action, t_.tier);
      if (a == "take" && !t_.assignee.empty()) return action + " of an assigned ticket";
      return skip(action, "");
    }
    auto actor = desk_.staff().find(e.value("by", ""));
    const Staff& who = actor == desk_.staff().end() ? op_ : actor->second;
    if (!why_forbidden(desk_.settings(), who, t_, e).empty())
      return fmt::format("{}: not permitted to {} on a tier {} ticket", action, who.role, t_.tier);
    apply_event(t_, e);
    events_.push_back(e);
    return "";
  }
  const Desk& desk_;
  IdSource& ids_;
  const Staff& op_;
  Ticket t_;
  std::vector<Json> events_;
};

const Staff& importer(Desk& desk) {
  const Staff& op = desk.op();
  if (op.role != "pm") refuse("only the PM imports ({} is {})", op.id, op.role);
  return op;
}

// What an import of a sheet starts from.
ImportResult started(const Sheet& sheet, bool dry_run) {
  ImportResult r;
  r.file = sheet.file;
  r.encoding = sheet.encoding;
  r.rows = sheet.rows.size();
  r.dry_run = dry_run;
  return r;
}

// Adds a replayed ticket to the import.
void keep(ImportResult& r, std::vector<FileChange>& changes, const Replay& replay) {
  r.events += replay.events();
  r.ids.push_back(replay.state().id);
  changes.push_back(replay.file());
}

// Writes the tickets of an import as one commit (or nothing on a dry run).
void finish(Desk& desk, IdSource& ids, ImportResult& r, std::vector<FileChange>& changes,
            const std::string& what) {
  r.tickets = r.ids.size();
  if (r.dry_run) r.ids.clear();
  if (r.dry_run || changes.empty()) return;
  ids.settle();  // the clock is past the new IDs before they are committed
  std::vector<std::string> related(r.ids.begin() + 1, r.ids.end());
  git_oid id = desk.commit(changes, r.ids.front(), "import",
                           fmt::format("{} {} from {}", r.tickets, what, r.file), related);
  r.commit = oid_hex(id);
}

}  // namespace

std::optional<Time> parse_sheet_time(const std::string& text, Zone zone) {
  return parse_time_parts(text, zone, nullptr);
}

ImportMap parse_import_map(const std::string& text, const std::string& file) {
  Parsed p = parse_yaml(text, file);
  ImportMap m;
  m.file = file;
  if (!p.doc.is_object()) refuse("{}: a map is a YAML mapping (columns:, values:, …)", file);
  auto text_of = [&](const Json& v, const std::string& ptr) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number() || v.is_boolean()) return v.dump();
    refuse_field(p, ptr, "must be text");
  };
  auto pairs = [&](const std::string& key) {
    std::map<std::string, std::string> out;
    const Json& v = p.doc[key];
    if (!v.is_object()) refuse_field(p, "/" + key, key + ": must be a mapping");
    for (auto it = v.begin(); it != v.end(); ++it)
      out[it.key()] = text_of(it.value(), "/" + key + "/" + it.key());
    return out;
  };
  for (auto it = p.doc.begin(); it != p.doc.end(); ++it) {
    const std::string& k = it.key();
    if (k == "columns") {
      m.columns = pairs(k);
      for (const auto& [column, field] : m.columns)
        if (!known_field(field))
          refuse_field(p, "/columns/" + column,
                       fmt::format("columns: '{}' is not a ticket field (title, customer, contact, "
                                   "channel, priority, category, need, required_by, created_at, "
                                   "created_by, major, environment, environment.KEY, assignee, "
                                   "status, resolved_at, closed_at, solution, vendor)",
                                   field));
    } else if (k == "defaults") {
      m.defaults = pairs(k);
      for (const auto& [field, v] : m.defaults)
        if (!known_field(field))
          refuse_field(p, "/defaults/" + field,
                       fmt::format("defaults: '{}' is not a ticket field", field));
    } else if (k == "statuses") {
      m.statuses = pairs(k);
      for (const auto& [status, action] : m.statuses)
        if (std::find(kActions.begin(), kActions.end(), action) == kActions.end())
          refuse_field(
              p, "/statuses/" + status,
              fmt::format("statuses: '{}' is not one of {}", action, fmt::join(kActions, ", ")));
    } else if (k == "values") {
      if (!it.value().is_object()) refuse_field(p, "/values", "values: must be a mapping");
      for (auto f = it.value().begin(); f != it.value().end(); ++f) {
        if (!known_field(f.key()) && f.key() != "owner" && f.key() != "status")
          refuse_field(p, "/values/" + f.key(),
                       fmt::format("values: '{}' is not a ticket field", f.key()));
        if (!f.value().is_object())
          refuse_field(p, "/values/" + f.key(), "values: each field maps file values to values");
        for (auto v = f.value().begin(); v != f.value().end(); ++v)
          m.values[f.key()][v.key()] = text_of(v.value(), "/values/" + f.key() + "/" + v.key());
      }
    } else if (k == "case" || k == "status" || k == "owner" || k == "time") {
      std::string v = text_of(it.value(), "/" + k);
      (k == "case"     ? m.case_column
       : k == "status" ? m.status_column
       : k == "owner"  ? m.owner_column
                       : m.time_column) = v;
    } else if (k == "timezone") {
      m.timezone = text_of(it.value(), "/timezone");
      try {
        find_zone(m.timezone);
      } catch (const Error& e) {
        refuse_field(p, "/timezone", e.what());
      }
    } else {
      refuse_field(p, "/" + k,
                   fmt::format("'{}' is not a map key (columns, values, defaults, statuses, case, "
                               "status, owner, time, timezone)",
                               k));
    }
  }
  return m;
}

ImportResult import_tickets(Desk& desk, const fs::path& path, const std::optional<ImportMap>& map,
                            bool dry_run) {
  const Staff& op = importer(desk);
  Sheet sheet = read_sheet(path);
  const ImportMap* m = map ? &*map : nullptr;
  Zone zone = m && !m->timezone.empty() ? find_zone(m->timezone) : desk.zone();
  auto bindings = bind_columns(sheet, m);
  SpecReader reader(desk, zone);
  std::vector<Spec> specs;
  // Every row is read and checked before anything is written.
  for (const auto& rec : sheet.rows)
    specs.push_back(reader.read(read_row(sheet, rec, bindings, m), true, op.id, desk.now()));
  std::stable_sort(specs.begin(), specs.end(),
                   [](const Spec& a, const Spec& b) { return a.created < b.created; });
  ImportResult r = started(sheet, dry_run);
  return desk.write([&] {
    r.ids.clear();
    r.events = 0;
    IdSource ids(desk, dry_run);
    Replay replay(desk, ids, op);
    std::vector<FileChange> changes;
    for (const auto& s : specs) {
      std::string id = ids.ticket(s.created);
      replay.begin(id, s);
      std::string worker = s.assignee.empty() ? s.created_by : s.assignee;
      std::string text = s.solution.empty() ? "imported" : s.solution;
      const std::string& st = s.status;
      if (st != "new" && st != "cancelled") replay.act("assign", worker, s.created, text);
      if (st == "in_progress") replay.act("start", worker, s.created, text);
      if (st == "pending") replay.act("pending:third-party", worker, s.created, "imported");
      if (st == "resolved" || st == "closed")
        replay.act("resolve", worker, s.resolved_at.value_or(s.created), text);
      if (st == "closed")
        replay.act("close", worker, s.closed_at.value_or(s.resolved_at.value_or(s.created)), text);
      if (st == "cancelled") replay.act("cancel", worker, s.created, "imported");
      if (replay.state().status != st)
        refuse("{}: row {}: status {} cannot be reached ({} is not permitted to work it)",
               sheet.file, s.line, st, worker);
      keep(r, changes, replay);
    }
    finish(desk, ids, r, changes, "tickets");
    return r;
  });
}

ImportResult import_events(Desk& desk, const fs::path& path, const ImportMap& map, bool dry_run) {
  const Staff& op = importer(desk);
  for (const auto& [key, column] : std::map<std::string, std::string>{
           {"case", map.case_column}, {"status", map.status_column}, {"time", map.time_column}})
    if (column.empty()) refuse("{}: {}: the map must name the {} column", map.file, key, key);
  if (map.statuses.empty())
    refuse("{}: statuses: the map must turn statuses into actions", map.file);
  Sheet sheet = read_sheet(path);
  Zone zone = map.timezone.empty() ? desk.zone() : find_zone(map.timezone);
  auto column = [&](const std::string& key, const std::string& name) -> long {
    if (name.empty()) return -1;
    auto it = std::find(sheet.headers.begin(), sheet.headers.end(), name);
    if (it == sheet.headers.end())
      refuse("{}: {}: '{}' is not a column of {} (its columns: {})", map.file, key, name,
             sheet.file, fmt::join(sheet.headers, ", "));
    return it - sheet.headers.begin();
  };
  long c_case = column("case", map.case_column), c_status = column("status", map.status_column),
       c_owner = column("owner", map.owner_column), c_time = column("time", map.time_column);
  auto bindings = bind_columns(sheet, &map);
  struct Step {
    int line;
    std::string action, status, person;
    Time at;
  };
  struct Case {
    std::string key;
    Spec spec;
    std::vector<Step> steps;
  };
  std::vector<Case> cases;
  std::map<std::string, size_t> by_key;
  SpecReader reader(desk, zone);
  const auto& staff = desk.staff();
  const auto* owners = map.values.count("owner") ? &map.values.at("owner") : nullptr;
  const auto* status_values = map.values.count("status") ? &map.values.at("status") : nullptr;
  for (const auto& rec : sheet.rows) {
    auto cell = [&](long i) {
      return i >= 0 && static_cast<size_t>(i) < rec.fields.size() ? trim_space(rec.fields[i])
                                                                  : std::string();
    };
    auto fail = [&](long i, const std::string& why) {
      refuse("{}: row {}, column '{}': {}", sheet.file, rec.line, sheet.headers[i], why);
    };
    Step step{rec.line, "", cell(c_status), cell(c_owner), {}};
    std::string key = cell(c_case);
    if (key.empty()) fail(c_case, "no case");
    std::string status = step.status;
    if (status_values && status_values->count(status)) status = status_values->at(status);
    auto a = map.statuses.find(status);
    if (a == map.statuses.end())
      fail(c_status, fmt::format("'{}' is not in the map's statuses", step.status));
    step.action = a->second;
    auto at = parse_time_parts(cell(c_time), zone, nullptr);
    if (!at) fail(c_time, fmt::format("'{}' is not a time", cell(c_time)));
    step.at = *at;
    if (owners && owners->count(step.person)) step.person = owners->at(step.person);
    auto s = staff.find(step.person);
    step.person = s != staff.end() && s->second.active ? s->first : op.id;
    for (const auto& b : bindings)
      if (std::string why = text_problem(cell(static_cast<long>(b.index)), true); !why.empty())
        fail(static_cast<long>(b.index), why);
    auto [it, fresh] = by_key.try_emplace(key, cases.size());
    if (fresh) {
      Row row = read_row(sheet, rec, bindings, &map);
      if (row.get("title").empty()) row.fields["title"] = {key, map.case_column};
      cases.push_back({key, reader.read(row, false, step.person, step.at), {}});
      cases.back().spec.created = step.at;
      cases.back().spec.intake["title"] = row.get("title");
    }
    cases[it->second].steps.push_back(std::move(step));
  }
  for (auto& c : cases) {
    std::stable_sort(c.steps.begin(), c.steps.end(),
                     [](const Step& a, const Step& b) { return a.at < b.at; });
    c.spec.created = c.steps.front().at;
  }
  std::stable_sort(cases.begin(), cases.end(),
                   [](const Case& a, const Case& b) { return a.spec.created < b.spec.created; });
  ImportResult r = started(sheet, dry_run);
  std::string vendor = map.defaults.count("vendor") ? map.defaults.at("vendor") : "";
  return desk.write([&] {
    r.ids.clear();
    r.skipped.clear();
    r.events = r.ignored = 0;
    IdSource ids(desk, dry_run);
    Replay replay(desk, ids, op);
    std::vector<FileChange> changes;
    for (const auto& c : cases) {
      std::string id = ids.ticket(c.spec.created);
      replay.begin(id, c.spec);
      for (size_t i = 0; i < c.steps.size(); ++i) {
        const Step& s = c.steps[i];
        if (s.action == "ignore") {
          ++r.ignored;
          continue;
        }
        if (i == 0 && s.action == "new") continue;  // the ticket's own `new`
        std::string why = replay.act(s.action, s.person, s.at, s.status, vendor);
        if (!why.empty()) ++r.skipped[why];
      }
      keep(r, changes, replay);
    }
    finish(desk, ids, r, changes, "tickets replayed");
    return r;
  });
}

}  // namespace sdesk
