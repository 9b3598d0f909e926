#include "lib/kb/kb.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

#include "lib/store/ids.hpp"
#include "lib/store/kinds.hpp"
#include "lib/ticket/scan.hpp"
#include "lib/ticket/tickets.hpp"
#include "lib/ticket/workflow.hpp"
#include "lib/util/error.hpp"
#include "lib/util/search.hpp"
#include "lib/util/text.hpp"

namespace sdesk {

namespace {

const char* const content_fields[] = {"title", "symptom", "environment", "cause", "solution"};

std::string* content_of(Article& a, const std::string& field) {
  if (field == "title") return &a.title;
  if (field == "symptom") return &a.symptom;
  if (field == "environment") return &a.environment;
  if (field == "cause") return &a.cause;
  return &a.solution;
}

const std::string& content(const Article& a, const std::string& field) {
  return *content_of(const_cast<Article&>(a), field);
}

const std::optional<std::string>& text_of(const ArticleText& t, const std::string& field) {
  if (field == "title") return t.title;
  if (field == "symptom") return t.symptom;
  if (field == "environment") return t.environment;
  if (field == "cause") return t.cause;
  return t.solution;
}

std::optional<std::string>& text_of(ArticleText& t, const std::string& field) {
  if (field == "title") return t.title;
  if (field == "symptom") return t.symptom;
  if (field == "environment") return t.environment;
  if (field == "cause") return t.cause;
  return t.solution;
}

std::vector<std::string> string_list(const Json& v) {
  std::vector<std::string> out;
  if (!v.is_array()) return out;
  for (const auto& x : v)
    if (x.is_string()) out.push_back(x.get<std::string>());
  return out;
}

// Takes the content fields an event carries into the article.
void take_content(Article& a, const Json& e) {
  for (const char* f : content_fields)
    if (e.contains(f) && (e[f].is_string() || e[f].is_null()))
      *content_of(a, f) = e[f].is_null() ? "" : e[f].get<std::string>();
  if (e.contains("tags")) a.tags = string_list(e["tags"]);
}

std::string why_illegal_article(const Article& a, const Json& e) {
  std::string action = str(e, "action");
  if (action == "alias" || action == "conflict") return "";
  if (action == "new") return a.status.empty() ? "" : "the article already exists";
  if (a.status.empty()) return fmt::format("{} before the article was created", action);
  if (action == "edit")
    return a.status == "retired" ? "the article is retired; it is no longer edited" : "";
  if (action == "review")
    return a.status == "draft" ? ""
                               : fmt::format("review needs a draft (the article is {})", a.status);
  if (action == "publish") {
    if (a.status != "review")
      return fmt::format("publishing needs status review (the article is {}); run kb review first",
                         a.status);
    if (str(e, "by") == a.author)
      return fmt::format("{} wrote the article; publishing needs a review by someone else",
                         a.author);
    return "";
  }
  if (action == "retire") return a.status == "retired" ? "the article is already retired" : "";
  if (action == "link") return "";
  return fmt::format("unknown action '{}'", action);
}

void apply_article_event(Article& a, const Json& e) {
  std::string action = str(e, "action");
  std::string at = str(e, "at");
  if (action == "new") {
    a.status = "draft";
    a.version = 1;
    a.author = str(e, "by");
    a.created_at = at;
    take_content(a, e);
    a.tickets = string_list(e.value("tickets", Json::array()));
  } else if (action == "edit") {
    take_content(a, e);
    if (a.status == "published") {
      a.version++;
      a.published_at = at;
      if (!str(e, "review_due").empty()) a.review_due = str(e, "review_due");
    }
  } else if (action == "review") {
    a.status = "review";
  } else if (action == "publish") {
    a.status = "published";
    a.reviewer = str(e, "by");
    a.published_at = at;
    a.review_due = str(e, "review_due");
  } else if (action == "retire") {
    a.status = "retired";
  } else if (action == "link") {
    std::string t = str(e, "ticket");
    if (!t.empty() && std::find(a.tickets.begin(), a.tickets.end(), t) == a.tickets.end())
      a.tickets.push_back(t);
  }
}

void require_writer(const Staff& op) {
  if (op.role != "l1" && op.role != "l2" && op.role != "pm")
    refuse("{} ({}) may not write articles (allowed: pm, l1, l2)", op.id, op.role);
}

std::string review_due_from(const Desk& desk, Time t) {
  const Duration& d = desk.settings().kb_review_every;
  if (d.unit == Duration::Unit::months)
    return desk.stamp(add_months(t, static_cast<int>(d.amount), desk.zone()));
  return desk.stamp(t + std::chrono::minutes(wall_minutes(d)));
}

std::string environment_text(const Json& env) {
  std::string out;
  if (!env.is_object()) return out;
  for (auto it = env.begin(); it != env.end(); ++it) {
    std::string v = it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
    out += (out.empty() ? "" : ", ") + it.key() + "=" + v;
  }
  return out;
}

Time time_or_epoch(const std::string& text, Zone zone) {
  if (text.empty()) return Time{};
  try {
    return parse_time(text, zone, "time");
  } catch (const Error&) {
    return Time{};
  }
}

}  // namespace

std::string article_path(const std::string& id) {
  return "kb/" + id + ".yaml";
}

std::vector<std::string> split_tags(const std::string& text) {
  std::string s = text;
  for (size_t p; (p = s.find("，")) != std::string::npos;) s.replace(p, 3, ",");
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    item = trim_space(item);
    if (!item.empty() && std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
  }
  return out;
}

Article fold_article(const std::string& id, std::vector<Json> events) {
  sort_events(events);
  Article a;
  a.id = id;
  for (const auto& e : events) {
    std::string why = why_illegal_article(a, e);
    if (!why.empty())
      a.illegal[str(e, "id")] = why;
    else
      apply_article_event(a, e);
  }
  a.events = std::move(events);
  return a;
}

Json article_file_json(const Article& a) {
  Json j = Json::object();
  j["id"] = a.id;
  j["title"] = a.title;
  j["status"] = a.status;
  j["version"] = a.version;
  j["author"] = a.author;
  j["reviewer"] = opt(a.reviewer);
  j["tickets"] = a.tickets;
  j["symptom"] = opt(a.symptom);
  j["environment"] = opt(a.environment);
  j["cause"] = opt(a.cause);
  j["solution"] = opt(a.solution);
  j["tags"] = a.tags;
  j["review_due"] = opt(a.review_due);
  j["created_at"] = a.created_at;
  j["published_at"] = opt(a.published_at);
  j["events"] = a.events;
  return j;
}

std::string article_yaml(const Article& a) {
  return emit_yaml(article_file_json(a),
                   "sdesk knowledge-base article (知识库). The fields above `events` are derived\n"
                   "from the events; change them with `sdesk kb edit`, not by hand.");
}

Json article_json(const Article& a, bool with_events) {
  Json j = article_file_json(a);
  if (!with_events) {
    j.erase("events");
    return j;
  }
  Json events = Json::array();
  for (auto e : a.events) {
    auto bad = a.illegal.find(str(e, "id"));
    if (bad != a.illegal.end()) e["illegal"] = bad->second;
    events.push_back(e);
  }
  j["events"] = events;
  return j;
}

Article parse_article_fast(const std::string& text, const std::string& file) {
  Parsed p = parse_yaml(text, file);
  return fold_or_refuse(article_kind(), file,
                        [&] { return fold_article(str(p.doc, "id"), listed_events(p)); });
}

Article parse_article(const std::string& text, const std::string& file) {
  const ObjectKind& kind = article_kind();
  Parsed p = parse_yaml(text, file);
  std::vector<Json> events = checked_events(p, kind);
  Article a = fold_or_refuse(kind, file, [&] { return fold_article(p.doc["id"], events); });
  check_state_block(p, article_file_json(a), kind);
  return a;
}

std::string resolve_article_id(const Desk& desk, const std::string& prefix) {
  return resolve_object_id(desk, article_kind(), prefix);
}

Article load_article(const Desk& desk, const std::string& prefix) {
  std::string id = resolve_article_id(desk, prefix);
  auto f = desk.read(article_path(id));
  if (!f) not_found("no article {}", prefix);
  return parse_article(f->text, f->path);
}

std::vector<Article> all_articles(const Desk& desk) {
  std::vector<Article> out;
  desk.walk("kb", [&](const std::string& path, const git_oid& id) {
    if (is_yaml_path(path)) out.push_back(parse_article_fast(desk.blob(id), path));
  });
  std::sort(out.begin(), out.end(), [](const Article& a, const Article& b) { return a.id < b.id; });
  return out;
}

Article create_article(Desk& desk, const ArticleText& text, const std::string& from_ticket) {
  const Staff& op = desk.op();
  require_writer(op);
  return desk.write([&] {
    ArticleText t;
    std::optional<Ticket> ticket;
    if (!from_ticket.empty()) {
      ticket = load_ticket(desk, from_ticket);
      desk.refuse_if_hand_edited(ticket_path(ticket->id));
      t.title = ticket->title;
      t.symptom = ticket->title;  // what the customer saw; their need is what they asked for
      t.environment = environment_text(ticket->environment);
      for (const auto& e : ticket->events) {
        if (str(e, "action") != "resolve") continue;
        t.solution = str(e, "solution");
        t.cause = str(e, "cause");
      }
    }
    for (const char* f : content_fields)
      if (text_of(text, f)) text_of(t, f) = text_of(text, f);
    if (text.tags) t.tags = text.tags;
    if (trim_space(t.title.value_or("")).empty())
      throw Error(Exit::refused, "missing required field: title",
                  "give --title, or --from TICKET to take the ticket's title");
    Json e = desk.new_event("new");
    for (const char* f : content_fields)
      if (!text_of(t, f).value_or("").empty()) e[f] = *text_of(t, f);
    if (t.tags && !t.tags->empty()) e["tags"] = *t.tags;
    if (ticket) e["tickets"] = std::vector<std::string>{ticket->id};
    std::string id = allocate_object_id(desk, article_kind());
    Article a = fold_article(id, {e});
    std::vector<FileChange> changes{{article_path(id), article_yaml(a)}};
    std::vector<std::string> also;
    if (ticket) {
      Json te = desk.new_event("kb");
      te["article"] = id;
      std::string why = why_forbidden(desk.settings(), op, *ticket, te);
      if (!why.empty()) refuse("{}", why);
      why = why_illegal(*ticket, te);
      if (!why.empty()) refuse("{}: {}", ticket->id, why);
      std::vector<Json> events = ticket->events;
      desk.append_event(events, te);
      Ticket next = fold_ticket(ticket->id, std::move(events));
      changes.push_back({ticket_path(next.id), ticket_yaml(next)});
      also.push_back(next.id);
    }
    desk.commit(changes, id, "new", a.title, also);
    return a;
  });
}

std::optional<Article> edit_article(Desk& desk, const std::string& prefix, const ArticleText& text,
                                    const std::string& reason) {
  const Staff& op = desk.op();
  require_writer(op);
  return desk.write([&]() -> std::optional<Article> {
    std::string id = resolve_article_id(desk, prefix);
    std::string path = article_path(id);
    desk.refuse_if_hand_edited(path);
    Article a = load_article(desk, id);
    if (a.status == "retired") refuse("{}: the article is retired; it is no longer edited", id);
    if (text.title && trim_space(*text.title).empty()) refuse("--title: an article needs a title");
    Json e = desk.new_event("edit");
    bool changed = false;
    for (const char* f : content_fields) {
      const auto& v = text_of(text, f);
      if (!v || *v == content(a, f)) continue;
      e[f] = v->empty() ? Json() : Json(*v);
      changed = true;
    }
    if (text.tags && *text.tags != a.tags) {
      e["tags"] = *text.tags;
      changed = true;
    }
    if (!changed) return std::nullopt;
    if (!reason.empty()) e["reason"] = reason;
    if (a.status == "published") e["review_due"] = review_due_from(desk, desk.now());
    std::vector<Json> events = a.events;
    desk.append_event(events, e);
    Article next = fold_article(id, std::move(events));
    auto bad = next.illegal.find(e["id"].get<std::string>());
    if (bad != next.illegal.end()) refuse("{}: {}", id, bad->second);
    std::string summary = reason.empty() ? next.title : reason;
    if (next.status == "published") summary = fmt::format("v{}: {}", next.version, summary);
    desk.commit({{path, article_yaml(next)}}, id, "edit", summary);
    return next;
  });
}

ArticleText article_changes(const Article& a, const std::string& text, const std::string& file) {
  Parsed p = parse_yaml(text, file);
  validate_schema(p, "kb");
  Json cur = article_file_json(a);
  for (const char* key : {"id", "status", "version", "author", "reviewer", "tickets", "review_due",
                          "created_at", "published_at", "events"}) {
    Json have = p.doc.contains(key) ? p.doc[key] : Json();
    if (have != cur[key])
      refuse_field(p, std::string("/") + key,
                   "is recorded by sdesk and cannot be edited (use kb review, publish or retire)");
  }
  ArticleText out;
  for (const char* f : content_fields) {
    std::string v = str(p.doc, f);
    if (v != content(a, f)) text_of(out, f) = v;
  }
  auto tags = string_list(p.doc.value("tags", Json::array()));
  if (tags != a.tags) out.tags = tags;
  return out;
}

Article act_on_article(Desk& desk, const std::string& prefix, const std::string& action) {
  const Staff& op = desk.op();
  if (!op.active) refuse("{} is deactivated", op.id);
  return desk.write([&] {
    std::string id = resolve_article_id(desk, prefix);
    std::string path = article_path(id);
    desk.refuse_if_hand_edited(path);
    Article a = load_article(desk, id);
    Json e = desk.new_event(action);
    if (action == "publish") {
      if (a.status == "review" && op.id == a.author)
        refuse(
            "{}: {} wrote the article; publishing needs a review by someone other than the "
            "author",
            id, op.id);
      e["review_due"] = review_due_from(desk, desk.now());
    } else if (action == "retire") {
      if (op.role != "pm" && op.id != a.author)
        refuse("{} ({}) may not retire {} (allowed: pm, the author {})", op.id, op.role, id,
               a.author);
    } else if (action != "review") {
      usage_error("unknown article action '{}'", action);
    }
    std::string why = why_illegal_article(a, e);
    if (!why.empty()) refuse("{}: {}", id, why);
    std::vector<Json> events = a.events;
    desk.append_event(events, e);
    Article next = fold_article(id, std::move(events));
    // Replayed in time order (a backdated SDESK_NOW) the event may no longer apply.
    auto bad = next.illegal.find(e["id"].get<std::string>());
    if (bad != next.illegal.end()) refuse("{}: {}", id, bad->second);
    desk.commit({{path, article_yaml(next)}}, id, action, next.title);
    return next;
  });
}

std::map<std::string, std::vector<std::string>> article_citations(const Desk& desk) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& t : all_tickets(desk))
    for (const auto& k : t.kb) out[k].push_back(t.id);
  return out;
}

std::vector<PendingTicket> pending_tickets(const Desk& desk) {
  std::set<std::string> covered;
  for (const auto& a : article_states(desk))
    for (const auto& t : a.tickets) covered.insert(t);
  std::vector<PendingTicket> out;
  for (auto& t : all_tickets(desk)) {
    if (t.status != "resolved" && t.status != "closed") continue;
    if (!t.kb.empty() || covered.count(t.id)) continue;
    std::string who = t.assignee;
    for (const auto& e : t.events)
      if (str(e, "action") == "resolve") who = str(e, "by");
    out.push_back({std::move(t), who});
  }
  Zone z = desk.zone();
  std::stable_sort(out.begin(), out.end(), [&](const PendingTicket& a, const PendingTicket& b) {
    Time ta = time_or_epoch(a.ticket.resolved_at, z), tb = time_or_epoch(b.ticket.resolved_at, z);
    if (ta != tb) return ta < tb;
    return a.ticket.id < b.ticket.id;
  });
  return out;
}

std::vector<Article> stale_articles(const Desk& desk) {
  std::vector<Article> out;
  Zone z = desk.zone();
  for (auto& a : article_states(desk))
    if (a.status == "published" && !a.review_due.empty() &&
        time_or_epoch(a.review_due, z) < desk.now())
      out.push_back(std::move(a));
  std::stable_sort(out.begin(), out.end(), [&](const Article& a, const Article& b) {
    return time_or_epoch(a.review_due, z) < time_or_epoch(b.review_due, z);
  });
  return out;
}

namespace {

// What search needs of one article, cached by blob id.
struct SearchEntry {
  std::string id, status, title, symptom, environment, cause, solution, tags;
};

constexpr char field_sep = '\x1f';
constexpr char record_sep = '\x1e';
const char* const cache_header = "sdesk-kb-search 1\n";

std::string clean(const std::string& s) {
  std::string out = s;
  std::replace(out.begin(), out.end(), field_sep, ' ');
  std::replace(out.begin(), out.end(), record_sep, ' ');
  return out;
}

std::unordered_map<std::string, SearchEntry> read_cache(const std::filesystem::path& file) {
  std::unordered_map<std::string, SearchEntry> out;
  std::ifstream in(file, std::ios::binary);
  if (!in) return out;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string all = ss.str();
  if (all.rfind(cache_header, 0) != 0) return out;
  size_t pos = std::string(cache_header).size();
  while (pos < all.size()) {
    size_t end = all.find(record_sep, pos);
    if (end == std::string::npos) break;
    std::vector<std::string> f;
    size_t s = pos;
    while (true) {
      size_t sep = all.find(field_sep, s);
      if (sep == std::string::npos || sep > end) {
        f.push_back(all.substr(s, end - s));
        break;
      }
      f.push_back(all.substr(s, sep - s));
      s = sep + 1;
    }
    pos = end + 1;
    if (f.size() != 9) continue;
    out[f[0]] = SearchEntry{f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]};
  }
  return out;
}

void write_cache(const std::filesystem::path& file,
                 const std::vector<std::pair<std::string, SearchEntry>>& entries) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  auto tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return;
    out << cache_header;
    for (const auto& [oid, e] : entries) {
      for (const std::string* s :
           {&oid, &e.id, &e.status, &e.title, &e.symptom, &e.environment, &e.cause, &e.solution})
        out << clean(*s) << field_sep;
      out << clean(e.tags) << record_sep;
    }
    if (!out) return;
  }
  std::filesystem::rename(tmp, file, ec);
}

// Every article's searchable text in HEAD; only blobs the cache does not know are parsed.
std::vector<SearchEntry> search_entries(const Desk& desk) {
  auto file = desk.repo().gitdir() / "sdesk" / "kb-search.cache";
  auto cache = read_cache(file);
  std::vector<std::pair<std::string, SearchEntry>> current;
  bool dirty = false;
  desk.walk("kb", [&](const std::string& path, const git_oid& oid) {
    if (!is_yaml_path(path)) return;
    std::string hex = oid_hex(oid);
    auto it = cache.find(hex);
    if (it != cache.end()) {
      current.emplace_back(hex, std::move(it->second));
      return;
    }
    dirty = true;
    Article a = parse_article_fast(desk.blob(oid), path);
    std::string tags;
    for (const auto& t : a.tags) tags += (tags.empty() ? "" : " ") + t;
    current.emplace_back(hex, SearchEntry{a.id, a.status, a.title, a.symptom, a.environment,
                                          a.cause, a.solution, tags});
  });
  if (dirty || cache.size() != current.size()) write_cache(file, current);
  std::vector<SearchEntry> out;
  out.reserve(current.size());
  for (auto& [oid, e] : current) out.push_back(std::move(e));
  return out;
}

Article article_from_state(const Json& j) {
  Article a;
  a.id = str(j, "id");
  a.title = str(j, "title");
  a.status = str(j, "status");
  a.version = j.value("version", 1);
  a.author = str(j, "author");
  a.reviewer = str(j, "reviewer");
  a.tickets = string_list(j.value("tickets", Json::array()));
  a.symptom = str(j, "symptom");
  a.environment = str(j, "environment");
  a.cause = str(j, "cause");
  a.solution = str(j, "solution");
  a.tags = string_list(j.value("tags", Json::array()));
  a.review_due = str(j, "review_due");
  a.created_at = str(j, "created_at");
  a.published_at = str(j, "published_at");
  return a;
}

}  // namespace

std::vector<Article> article_states(const Desk& desk) {
  auto file = desk.repo().gitdir() / "sdesk" / "kb-state.cache";
  std::unordered_map<std::string, std::string> cache;
  {
    std::ifstream in(file, std::ios::binary);
    std::string line;
    if (in && std::getline(in, line) && line == "sdesk-kb-state 1")
      while (std::getline(in, line))
        if (line.size() > 41 && line[40] == ' ') cache[line.substr(0, 40)] = line.substr(41);
  }
  std::vector<std::pair<std::string, std::string>> current;
  std::vector<Article> out;
  bool dirty = false;
  desk.walk("kb", [&](const std::string& path, const git_oid& oid) {
    if (!is_yaml_path(path)) return;
    std::string hex = oid_hex(oid);
    auto it = cache.find(hex);
    if (it != cache.end()) {
      try {
        out.push_back(article_from_state(Json::parse(it->second)));
        current.emplace_back(hex, std::move(it->second));
        return;
      } catch (const std::exception&) {
      }
    }
    dirty = true;
    Article a = parse_article_fast(desk.blob(oid), path);
    a.events.clear();
    current.emplace_back(hex, article_json(a, false).dump());
    out.push_back(std::move(a));
  });
  if (dirty || cache.size() != current.size()) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    auto tmp = file;
    tmp += ".tmp";
    std::ofstream o(tmp, std::ios::binary | std::ios::trunc);
    o << "sdesk-kb-state 1\n";
    for (const auto& [hex, json] : current) o << hex << ' ' << json << '\n';
    o.close();
    if (o) std::filesystem::rename(tmp, file, ec);
  }
  std::sort(out.begin(), out.end(), [](const Article& a, const Article& b) { return a.id < b.id; });
  return out;
}

std::vector<ArticleHit> search_articles(const Desk& desk, const std::string& query, bool all,
                                        size_t limit, const std::string& open,
                                        const std::string& close) {
  if (trim_space(query).empty()) usage_error("kb search: QUERY is empty");
  std::vector<SearchEntry> entries = search_entries(desk);
  std::vector<const SearchEntry*> shown;
  for (const auto& e : entries)
    if (all || e.status == "published") shown.push_back(&e);
  std::vector<SearchDoc> docs;
  docs.reserve(shown.size());
  for (const auto* e : shown)
    docs.push_back({e->title, e->tags, e->symptom, e->cause, e->solution, e->environment});
  static const std::vector<double> weights{3.0, 2.0, 1.2, 1.0, 1.0, 0.6};
  std::vector<ArticleHit> out;
  for (const auto& h : rank_documents(docs, weights, query, limit)) {
    const SearchEntry& e = *shown[h.doc];
    const std::string* best = &e.symptom;
    size_t most = 0;
    for (const std::string* f : {&e.symptom, &e.cause, &e.solution, &e.environment}) {
      size_t c = count_matches(*f, query);
      if (c > most) most = c, best = f;
    }
    if (most == 0 && (e.symptom.empty() || count_matches(e.title, query) > 0)) best = &e.title;
    out.push_back({e.id, e.title, e.status, h.score, make_snippet(*best, query, 40, open, close)});
  }
  return out;
}

namespace {
Folded fold_article_file(const std::string& id, std::vector<Json> events) {
  Article o = fold_article(id, std::move(events));
  return {article_yaml(o), o.illegal};
}
std::string check_article_file(const std::string& text, const std::string& file) {
  return parse_article(text, file).id;
}
std::vector<std::pair<std::string, std::string>> article_former_ids(const Desk& desk) {
  return former_ids_of(all_articles(desk));
}
}  // namespace

const ObjectKind& article_kind() {
  static const ObjectKind kind{
      "article",
      "KB",
      "kb/",
      "kb",
      " (change articles with `sdesk kb edit`, which records the change as an event)",
      article_path,
      fold_article_file,
      check_article_file,
      article_former_ids};
  return kind;
}

Ticket act_with_article(Desk& desk, const std::string& ticket, Json fields,
                        const std::string& summary) {
  std::optional<Article> article;
  Companion link{[&](Json& e) {
                   std::string kb = resolve_article_id(desk, e.at("kb").get<std::string>());
                   desk.refuse_if_hand_edited(article_path(kb));
                   article = load_article(desk, kb);
                   e["kb"] = kb;
                 },
                 [&](const Ticket& next) -> std::optional<FileChange> {
                   const auto& linked_to = article->tickets;
                   if (std::find(linked_to.begin(), linked_to.end(), next.id) != linked_to.end())
                     return std::nullopt;
                   Json e = desk.new_event("link");
                   e["ticket"] = next.id;
                   std::vector<Json> events = article->events;
                   desk.append_event(events, e);
                   Article a = fold_article(article->id, events);
                   auto bad = a.illegal.find(e["id"].get<std::string>());
                   if (bad != a.illegal.end()) refuse("{}: {}", a.id, bad->second);
                   return FileChange{article_path(a.id), article_yaml(a)};
                 }};
  return act_on_ticket(desk, ticket, std::move(fields), summary, link);
}

}  // namespace sdesk
