// Knowledge base (知识库): articles written from solved tickets, reviewed, published, searched.
#include "lib/kb/kb.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "lib/util/error.hpp"
#include "lib/util/text.hpp"

namespace sdesk::cli {

namespace {

struct TextOptions {
  std::optional<std::string> title, symptom, environment, cause, solution, tags;
  ArticleText text() const {
    ArticleText t{title, symptom, environment, cause, solution, std::nullopt};
    if (tags) t.tags = split_tags(*tags);
    return t;
  }
};

struct NewOptions {
  std::string from;
  TextOptions text;
};

struct EditOptions {
  std::string id, reason;
  TextOptions text;
};

struct ListOptions {
  std::string status, tag, author;
};

struct SearchOptions {
  std::vector<std::string> words;
  bool all = false;
  int limit = 50;
};

std::string short_time(const std::string& iso, Zone zone) {
  if (iso.empty()) return "";
  try {
    return format_short(parse_time(iso, zone, "time"), zone);
  } catch (const Error&) {
    return iso;
  }
}

std::string joined(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

// Prints an article that was just written: its JSON, or its ID and status.
void print_changed(const Globals& g, const Article& a) {
  if (output_format(g) == Format::json) return emit_json(g, article_json(a));
  emit(g, fmt::format("{} {} v{}\n", a.id, a.status, a.version));
}

void run_new(const Globals& g, const NewOptions& o) {
  Desk desk = open_desk(g);
  Article a = create_article(desk, o.text.text(), o.from);
  after_write(desk);
  if (output_format(g) == Format::json) return emit_json(g, article_json(a));
  emit(g, a.id + "\n");
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Opens the article's YAML in $VISUAL/$EDITOR and returns the content changes made.
ArticleText edit_in_editor(Desk& desk, const std::string& id_in) {
  Article a = load_article(desk, id_in);
  desk.refuse_if_hand_edited(article_path(a.id));
  const char* ed = std::getenv("VISUAL");
  if (!ed || !*ed) ed = std::getenv("EDITOR");
  std::string editor = ed && *ed ? ed : "vi";
  auto file = std::filesystem::temp_directory_path() /
              fmt::format("sdesk-{}-{}.yaml", a.id, static_cast<long>(getpid()));
  std::string before = article_yaml(a);
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << before;
    if (!out) internal_error("cannot write {}", file.string());
  }
  std::string quoted = "'";
  for (char c : file.string()) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  int rc = std::system((editor + " " + quoted).c_str());
  std::string after = slurp(file);
  std::error_code ec;
  std::filesystem::remove(file, ec);
  if (rc != 0) refuse("the editor ({}) failed; nothing written", editor);
  if (after == before) return {};
  return article_changes(a, after, article_path(a.id));
}

void run_edit(const Globals& g, const EditOptions& o) {
  Desk desk = open_desk(g);
  ArticleText text = o.text.text();
  if (text.empty()) text = edit_in_editor(desk, o.id);
  if (text.empty()) {
    std::cerr << "sdesk: nothing to change: the article is as it was\n";
    return;
  }
  auto a = edit_article(desk, o.id, text, o.reason);
  if (!a) {
    std::cerr << "sdesk: nothing to change: the article already says that\n";
    return;
  }
  after_write(desk);
  print_changed(g, *a);
}

void run_act(const Globals& g, const std::string& id, const std::string& action) {
  Desk desk = open_desk(g);
  Article a = act_on_article(desk, id, action);
  after_write(desk);
  print_changed(g, a);
}

std::string event_line(const Json& e, Zone zone) {
  auto s = [&](const char* k) {
    return e.contains(k) && e[k].is_string() ? e[k].get<std::string>() : std::string();
  };
  std::string a = s("action"), detail;
  if (a == "new")
    detail = s("title");
  else if (a == "edit") {
    std::vector<std::string> fields;
    for (auto it = e.begin(); it != e.end(); ++it)
      if (it.key() != "id" && it.key() != "at" && it.key() != "by" && it.key() != "action" &&
          it.key() != "reason" && it.key() != "review_due")
        fields.push_back(it.key());
    detail = joined(fields) + (s("reason").empty() ? "" : " · " + s("reason"));
  } else if (a == "publish")
    detail = "review due " + short_time(s("review_due"), zone);
  else if (a == "link")
    detail = s("ticket");
  return fmt::format("{}  {:<8}  {:<8}  {}", short_time(s("at"), zone), s("by"), a,
                     one_line(detail, 70));
}

void run_show(const Globals& g, const std::string& id) {
  Desk desk = open_desk(g);
  Article a = load_article(desk, id);
  auto cites = article_citations(desk);
  std::vector<std::string> cited = cites.count(a.id) ? cites[a.id] : std::vector<std::string>{};
  if (output_format(g) == Format::json) {
    Json j = article_json(a);
    Json out = Json::object();
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "events") {
        out["citations"] = cited.size();
        out["cited_by"] = cited;
      }
      out[it.key()] = it.value();
    }
    return emit_json(g, out);
  }
  Zone z = desk.zone();
  std::vector<std::pair<std::string, std::string>> fields = {
      {"id", a.id},
      {"title", a.title},
      {"status", a.status},
      {"version", std::to_string(a.version)},
      {"author", a.author},
      {"reviewer", a.reviewer},
      {"tickets", joined(a.tickets)},
      {"tags", joined(a.tags)},
      {"created", short_time(a.created_at, z)},
      {"published", short_time(a.published_at, z)},
      {"review due", short_time(a.review_due, z)},
      {"cited by", fmt::format("{} ticket{}{}", cited.size(), cited.size() == 1 ? "" : "s",
                               cited.empty() ? "" : " (" + joined(cited) + ")")},
  };
  size_t shown = fields.size();  // the texts below are printed as blocks, not fields
  std::string out;
  for (const auto& [name, text] :
       std::vector<std::pair<std::string, std::string>>{{"symptom", a.symptom},
                                                        {"environment", a.environment},
                                                        {"cause", a.cause},
                                                        {"solution", a.solution}}) {
    fields.push_back({name, text});
    out += "\n" + name + ":\n";
    std::istringstream in(text.empty() ? "—" : text);
    for (std::string line; std::getline(in, line);) out += "  " + line + "\n";
  }
  out += "\nevents:\n";
  for (const auto& e : a.events) {
    out += "  " + event_line(e, z);
    auto bad = a.illegal.find(e.value("id", ""));
    if (bad != a.illegal.end()) out += "  [CONFLICT: " + bad->second + "]";
    out += "\n";
  }
  Format f = output_format(g);
  if (f != Format::csv) fields.resize(shown);
  emit_fields(g, f, fields, out);
}

void article_rows(const Globals& g, const Desk& desk, const std::vector<Article>& list) {
  Json arr = Json::array();
  Table t{{"ID", "STATUS", "VER", "AUTHOR", "REVIEWER", "REVIEW DUE", "TITLE"},
          {},
          {false, false, true, false, false, false, false},
          {0, 0, 0, 0, 0, 0, 40}};
  for (const auto& a : list) {
    arr.push_back(article_json(a, false));
    std::string due = a.review_due.empty() ? "" : short_time(a.review_due, desk.zone());
    t.rows.push_back(
        {a.id, a.status, std::to_string(a.version), a.author, a.reviewer, due, a.title});
  }
  emit_rows(g, t, arr);
}

void run_list(const Globals& g, const ListOptions& o) {
  output_format(g);
  Desk desk = open_desk(g);
  std::vector<Article> list;
  for (auto& a : article_states(desk)) {
    if (!o.status.empty() && a.status != o.status) continue;
    if (!o.author.empty() && a.author != o.author) continue;
    if (!o.tag.empty() && std::find(a.tags.begin(), a.tags.end(), o.tag) == a.tags.end()) continue;
    list.push_back(std::move(a));
  }
  article_rows(g, desk, list);
}

void run_search(const Globals& g, const SearchOptions& o) {
  Format f = output_format(g);
  Desk desk = open_desk(g);
  std::string query = joined(o.words, " ");
  // Matches are marked 【so】; a colour table shows them bold instead (render_table).
  bool bold = f == Format::table && use_color();
  auto hits = search_articles(desk, query, o.all, o.limit > 0 ? static_cast<size_t>(o.limit) : 0,
                              "【", "】");
  Json arr = Json::array();
  Table t{{"SCORE", "ID", "STATUS", "TITLE", "SNIPPET"},
          {},
          {true, false, false, false, false},
          {0, 0, 0, 30, 0}};
  if (bold) t.mark_open = "【", t.mark_close = "】";
  for (const auto& h : hits) {
    Json j = Json::object();
    j["id"] = h.id;
    j["title"] = h.title;
    j["score"] = std::round(h.score * 10000.0) / 10000.0;
    j["snippet"] = h.snippet;
    if (o.all) j["status"] = h.status;
    arr.push_back(j);
    t.rows.push_back({fmt::format("{:.2f}", h.score), h.id, h.status, h.title, h.snippet});
  }
  emit_rows(g, t, arr);
}

void run_pending(const Globals& g, const std::string& by) {
  output_format(g);
  Desk desk = open_desk(g);
  Json arr = Json::array();
  Table t{{"ID", "STATUS", "CONSULTANT", "RESOLVED", "TITLE"}, {}, {}, {0, 0, 0, 0, 40}};
  for (const auto& p : pending_tickets(desk)) {
    if (!by.empty() && p.consultant != by) continue;
    Json j = Json::object();
    j["id"] = p.ticket.id;
    j["title"] = p.ticket.title;
    j["status"] = p.ticket.status;
    j["consultant"] = p.consultant;
    j["resolved_at"] = p.ticket.resolved_at.empty() ? Json() : Json(p.ticket.resolved_at);
    j["closed_at"] = p.ticket.closed_at.empty() ? Json() : Json(p.ticket.closed_at);
    arr.push_back(j);
    t.rows.push_back({p.ticket.id, p.ticket.status, p.consultant,
                      short_time(p.ticket.resolved_at, desk.zone()), p.ticket.title});
  }
  emit_rows(g, t, arr);
}

void run_stale(const Globals& g) {
  output_format(g);
  Desk desk = open_desk(g);
  article_rows(g, desk, stale_articles(desk));
}

void add_text_flags(CLI::App* c, TextOptions& t) {
  c->add_option("--title", t.title, "one-line summary");
  c->add_option("--symptom", t.symptom, "what the customer sees");
  c->add_option("--environment", t.environment, "where it happens");
  c->add_option("--cause", t.cause, "why it happens");
  c->add_option("--solution", t.solution, "what fixes it");
  c->add_option("--tags", t.tags, "tags, comma-separated");
}

}  // namespace

void register_kb(CLI::App& app, Globals& g) {
  auto* kb = app.add_subcommand("kb", "knowledge base (知识库): articles from solved tickets")
                 ->require_subcommand(1);

  auto no = std::make_shared<NewOptions>();
  auto* n = kb->add_subcommand("new", "write a draft article; prints the new ID");
  n->add_option("--from", no->from, "a ticket to pre-fill from and link both ways");
  add_text_flags(n, no->text);
  add_format_flags(n, g);
  n->callback([&g, no] { run_new(g, *no); });

  auto eo = std::make_shared<EditOptions>();
  auto* e = kb->add_subcommand("edit", "change an article (flags, or $EDITOR when none given)");
  e->add_option("ID", eo->id, "article ID or unique prefix")->required();
  add_text_flags(e, eo->text);
  e->add_option("--reason", eo->reason, "why it changes (recorded)");
  add_format_flags(e, g);
  e->callback([&g, eo] { run_edit(g, *eo); });

  auto id = std::make_shared<std::string>();
  for (const auto& [verb, help] : std::vector<std::pair<std::string, std::string>>{
           {"review", "send a draft for review (draft → review)"},
           {"publish", "publish a reviewed article (not by its author)"},
           {"retire", "retire an article (PM or author)"}}) {
    auto* c = kb->add_subcommand(verb, help);
    c->add_option("ID", *id, "article ID or unique prefix")->required();
    add_format_flags(c, g);
    c->callback([&g, id, v = verb] { run_act(g, *id, v); });
  }

  auto* show = kb->add_subcommand("show", "an article, its events and how many tickets cite it");
  show->add_option("ID", *id, "article ID or unique prefix")->required();
  add_format_flags(show, g);
  show->callback([&g, id] { run_show(g, *id); });

  auto lo = std::make_shared<ListOptions>();
  auto* list = kb->add_subcommand("list", "articles");
  list->add_option("--status", lo->status)
      ->transform(one_of({"draft", "review", "published", "retired"}));
  list->add_option("--tag", lo->tag);
  list->add_option("--author", lo->author);
  add_format_flags(list, g);
  list->callback([&g, lo] { run_list(g, *lo); });

  auto so = std::make_shared<SearchOptions>();
  auto* search = kb->add_subcommand("search", "ranked search (Chinese needs no spaces)");
  search->add_option("QUERY", so->words, "words to look for")->required();
  search->add_flag("--all", so->all, "also drafts, articles in review and retired ones");
  search->add_option("--limit", so->limit, "at most N results (0: all)");
  add_format_flags(search, g);
  search->callback([&g, so] { run_search(g, *so); });

  auto by = std::make_shared<std::string>();
  auto* pending = kb->add_subcommand("pending", "resolved or closed tickets with no article yet");
  pending->add_option("--by", *by, "only tickets this consultant resolved");
  add_format_flags(pending, g);
  pending->callback([&g, by] { run_pending(g, *by); });

  auto* stale = kb->add_subcommand("stale", "published articles past their review date");
  add_format_flags(stale, g);
  stale->callback([&g] { run_stale(g); });
}

}  // namespace sdesk::cli
