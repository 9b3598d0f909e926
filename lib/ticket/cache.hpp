// The index cache of ticket scans (DESIGN.md "Index cache"): a derived file under .git/sdesk/
// mapping each ticket file's blob id to its folded ticket, so that a scan parses only new or
// changed files. Never the source of truth: deleting it changes no output.
#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/git/git.hpp"
#include "lib/ticket/ticket.hpp"

namespace sdesk {

// What a scan can filter on before a ticket is decoded in full.
struct TicketHead {
  std::string_view id;          // the ticket's ID
  std::string_view status;      // its status
  std::string_view tier;        // l1, l2 or vendor
  std::string_view priority;    // P1..P4
  std::string_view assignee;    // who works it now, may be empty
  std::string_view customer;    // who asked, may be empty
  std::string_view created_at;  // when it was recorded (ISO 8601)
  std::string_view closed_at;   // when it was closed (ISO 8601), may be empty
};

// Which tickets a scan returns, judged on their heads; an empty function keeps all.
using HeadFilter = std::function<bool(const TicketHead&)>;

// What one cached scan did (for tests and the bench).
struct ScanStats {
  size_t files = 0;       // ticket files in the tree
  size_t reused = 0;      // files whose cached entry was reused
  size_t parsed = 0;      // files parsed from YAML
  size_t decoded = 0;     // cached entries decoded into tickets
  bool cache_ok = false;  // a valid cache file was found
  bool walked = false;    // the tickets tree was walked (it changed since the cache)
  bool saved = false;     // the cache file was rewritten
};

// A ticket as the cache stores it: every field, events included (msgpack bytes).
std::string encode_cached_ticket(const Ticket& t);
// A ticket back from encode_cached_ticket's bytes; throws on malformed bytes.
Ticket decode_cached_ticket(std::string_view bytes);
// The cache's heads file of a repository: <gitdir>/sdesk/tickets.cache (the folded tickets
// themselves live beside it in tickets.bodies.<generation>).
std::filesystem::path ticket_cache_path(const Repo& repo);
// Every ticket file below tickets/ in `root` whose head passes `keep`, folded, in tree (ID)
// order; reuses unchanged subtrees whole and other entries by blob id, parses the rest, and
// saves what changed (new bodies appended, heads rewritten atomically). A missing, stale or
// corrupt cache is rebuilt; a damaged body is parsed again from its file.
std::vector<Ticket> cached_tickets(const Repo& repo, git_tree* root, const HeadFilter& keep = {},
                                   ScanStats* stats = nullptr);

}  // namespace sdesk
