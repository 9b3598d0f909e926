// Fuzz target: merging two (or three) versions of a desk object: union_events and merge_file.
// The input is ours, a line "=====", theirs, and optionally another "=====" line and the base.
// Properties: bad input is refused with sdesk::Error or merged as text, never anything else;
// two valid tickets merge without a conflict into a valid ticket that keeps every event.
#include "lib/sync/merge.hpp"

#include <memory>
#include <optional>
#include <set>

#include "lib/ticket/ticket.hpp"
#include "tests/fuzz/fuzz.hpp"

using namespace sdesk;

namespace {

// The event ids of a ticket.
std::set<std::string> event_ids(const Ticket& t) {
  std::set<std::string> out;
  for (const auto& e : t.events) out.insert(e.value("id", ""));
  return out;
}

// A stamp that numbers the events a merge adds.
MergeStamp stamp() {
  auto n = std::make_shared<int>(0);
  MergeStamp s;
  s.by = "pm1";
  s.at = "2026-03-02T12:00:00+08:00";
  s.event_id = [n] { return "ZZZZZZZ" + std::to_string(1000 + (*n)++); };
  s.object_id = [n](const std::string& prefix) {
    return prefix + "-2603-ZZZ" + std::to_string(1000 + (*n)++);
  };
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = fuzz::text_of(data, size);
  static const std::string sep = "\n=====\n";
  std::size_t cut = text.find(sep);
  if (cut == std::string::npos) return 0;
  std::string ours = text.substr(0, cut + 1), theirs = text.substr(cut + sep.size());
  std::optional<std::string> base;
  if (std::size_t cut2 = theirs.find(sep); cut2 != std::string::npos) {
    base = theirs.substr(cut2 + sep.size());
    theirs = theirs.substr(0, cut2 + 1);
  }

  // union_events on the events of two valid tickets keeps every event once. (merge_file also
  // hands it events that no schema checked, and merges as text when it throws.)
  Ticket vo, vt;
  if (fuzz::accepted([&] { vo = parse_ticket(ours, "tickets/2026/03/T-2603-0000000.yaml"); }) &&
      fuzz::accepted([&] { vt = parse_ticket(theirs, "tickets/2026/03/T-2603-0000000.yaml"); })) {
    std::set<std::string> want = event_ids(vo);
    for (const auto& id : event_ids(vt)) want.insert(id);
    std::vector<Json> u = union_events(vo.events, vt.events);
    std::multiset<std::string> got;
    for (const auto& e : u) got.insert(e.value("id", ""));
    // Two different events under one id are both kept, the second renamed id-DIGEST.
    for (const auto& id : want) fuzz::check(got.count(id) == 1, "union_events lost an event");
    for (const auto& id : got)
      fuzz::check(got.count(id) == 1 &&
                      (want.count(id) == 1 || want.count(id.substr(0, id.rfind('-'))) == 1),
                  "union_events repeated or made up an event");
  }

  for (const char* path : {"tickets/2026/03/T-2603-0000000.yaml", "kb/KB-0000000.yaml",
                           "complaints/2026/C-0000000.yaml", "desk.yaml"}) {
    FileMerge m;
    if (!fuzz::accepted([&] { m = merge_file(path, base, ours, theirs, stamp()); })) continue;
    if (std::string(path).rfind("tickets/", 0) != 0) continue;
    // With a base that does not parse, merge_file merges the text as git would (it may
    // conflict), and the events of a base that parses but is not a valid ticket are united
    // too: the property below is for a valid or absent base.
    Ticket to, tt;
    if (!fuzz::accepted([&] { to = parse_ticket(ours, path); }) ||
        !fuzz::accepted([&] { tt = parse_ticket(theirs, path); }) ||
        (base && !base->empty() && !fuzz::accepted([&] { parse_ticket(*base, path); })))
      continue;
    fuzz::check(!m.conflict && m.text.has_value(), "two valid tickets merge with a conflict");
    Ticket merged;
    std::string why;
    try {
      merged = parse_ticket(*m.text, path);
    } catch (const Error& e) {
      why = e.what();
    }
    fuzz::check(why.empty(), "two valid tickets merge into a file that does not parse",
                [&] { return why + "\n" + *m.text; });
    std::set<std::string> have = event_ids(merged);
    for (const auto* side : {&to, &tt})
      for (const auto& id : event_ids(*side))
        fuzz::check(have.count(id) == 1, "an event was lost in a merge",
                    [&] { return std::string(id + "\n" + *m.text); });
  }
  return 0;
}
