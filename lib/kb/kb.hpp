// Knowledge-base articles (知识库): kb/<ID>.yaml holds a state block folded from append-only
// events (new, edit, review, publish, retire, link), written from solved tickets, reviewed by
// someone other than the author, searched in Chinese and English.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/store/desk.hpp"
#include "lib/ticket/ticket.hpp"
#include "lib/util/yaml.hpp"

namespace sdesk {

// The state of an article, folded from its events.
struct Article {
  std::string id;                              // KB-2611-7QK4M3Z
  std::string title;                           // one-line summary
  std::string status;                          // draft, review, published, retired
  int version = 1;                             // +1 on each edit of a published article
  std::string author;                          // who wrote it
  std::string reviewer;                        // who published it
  std::vector<std::string> tickets;            // tickets it was written from
  std::string symptom;                         // what the customer sees
  std::string environment;                     // where it happens
  std::string cause;                           // why it happens
  std::string solution;                        // what fixes it
  std::vector<std::string> tags;               // free tags
  std::string review_due;                      // when a published article is due for review
  std::string created_at;                      // when it was written
  std::string published_at;                    // when the current version was published
  std::vector<Json> events;                    // all events, in (at, id) order
  std::map<std::string, std::string> illegal;  // event id -> why it no longer applies
};

// The content an operator gives to `kb new` / `kb edit`; unset fields are left alone.
struct ArticleText {
  std::optional<std::string> title;              // --title
  std::optional<std::string> symptom;            // --symptom
  std::optional<std::string> environment;        // --environment
  std::optional<std::string> cause;              // --cause
  std::optional<std::string> solution;           // --solution
  std::optional<std::vector<std::string>> tags;  // --tags A,B
  // Whether no field is set.
  bool empty() const { return !title && !symptom && !environment && !cause && !solution && !tags; }
};

// The path of an article file: kb/<ID>.yaml.
std::string article_path(const std::string& id);
// Splits "a, b，c" into distinct trimmed tags.
std::vector<std::string> split_tags(const std::string& text);
// Replays events into an article; events not legal at their turn are kept and marked.
Article fold_article(const std::string& id, std::vector<Json> events);
// The state block and events as the file holds them (contract field order).
Json article_file_json(const Article& a);
// The article's YAML file text.
std::string article_yaml(const Article& a);
// The contract's article JSON (events marked when illegal; left out unless with_events).
Json article_json(const Article& a, bool with_events = true);
// Parses an article file: schema, then events folded and compared with the state block;
// exit 4 naming file, line and field on any mismatch.
Article parse_article(const std::string& text, const std::string& file);
// Parses an article file fast for scans (no schema check, no state comparison).
Article parse_article_fast(const std::string& text, const std::string& file);

// The full ID for an ID or unique prefix; exit 3 if none, exit 2 if ambiguous.
std::string resolve_article_id(const Desk& desk, const std::string& prefix);
// Loads one article by ID or prefix, validating its file (hand edits included).
Article load_article(const Desk& desk, const std::string& prefix);
// Every article in HEAD, in ID order.
std::vector<Article> all_articles(const Desk& desk);
// Applies a ticket action whose `kb` field names the article that solved it (`resolve --kb`, any
// unique prefix), linking the article to the ticket in the same commit.
Ticket act_with_article(Desk& desk, const std::string& ticket, Json fields,
                        const std::string& summary);
// The article kind of event object (prefix KB, files under kb/).
const ObjectKind& article_kind();
// Every article's state in HEAD without its events, in ID order; read through a cache in
// .git/sdesk/ keyed by blob id, so only changed files are parsed (for list, pending, stale).
std::vector<Article> article_states(const Desk& desk);

// Writes a new draft (one commit); with from_ticket, pre-filled from the ticket (title, need,
// environment, resolution) and linked both ways in the same commit. Flags override.
Article create_article(Desk& desk, const ArticleText& text, const std::string& from_ticket);
// Records an edit (one commit); a published article stays published with version + 1.
// Returns nullopt when nothing changes (nothing written).
std::optional<Article> edit_article(Desk& desk, const std::string& prefix, const ArticleText& text,
                                    const std::string& reason);
// The content changes a person made to an article's YAML text (as from $EDITOR); exit 4
// naming the field when the text is invalid or changes what only events may change.
ArticleText article_changes(const Article& a, const std::string& text, const std::string& file);
// Moves an article by one action: "review" (draft → review), "publish" (review → published,
// not by the author), "retire" (PM or author). One commit; exit 4 when refused.
Article act_on_article(Desk& desk, const std::string& prefix, const std::string& action);

// How many tickets cite each article (their kb lists), by article ID.
std::map<std::string, std::vector<std::string>> article_citations(const Desk& desk);

// A resolved or closed ticket that no article covers yet.
struct PendingTicket {
  Ticket ticket;           // the ticket
  std::string consultant;  // who resolved it
};
// Resolved or closed tickets with no linked article, oldest resolution first.
std::vector<PendingTicket> pending_tickets(const Desk& desk);
// Published articles past their review date at `now`, oldest due first.
std::vector<Article> stale_articles(const Desk& desk);

// One search result.
struct ArticleHit {
  std::string id;       // article ID
  std::string title;    // its title
  std::string status;   // its status
  double score = 0.0;   // rank score, higher is better
  std::string snippet;  // text around the match, matches wrapped in open/close
};
// Ranked search of published articles (all when `all`), title weighted above the body;
// reads through a cache in .git/sdesk/ keyed by blob id. limit 0 = all.
std::vector<ArticleHit> search_articles(const Desk& desk, const std::string& query, bool all,
                                        size_t limit, const std::string& open = "【",
                                        const std::string& close = "】");

}  // namespace sdesk
