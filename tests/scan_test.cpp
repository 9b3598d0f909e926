// The index cache behind every scan: cold and warm scans agree, any git client's change is
// noticed by blob id, and a missing or damaged cache changes nothing.
#include "lib/ticket/scan.hpp"

#include <doctest/doctest.h>

#include <fstream>

#include "lib/ticket/cache.hpp"
#include "tests/helpers.hpp"

using namespace sdesk;
using namespace sdesk::test;
namespace fs = std::filesystem;

namespace {

// Everything a Ticket holds, as one JSON document (to compare two tickets exactly).
Json everything(const Ticket& t) {
  Json j = ticket_file_json(t);
  j["aliases"] = t.aliases;
  j["pending_reason"] = t.pending_reason;
  j["left_l1"] = t.left_l1;
  j["to_vendor"] = t.to_vendor;
  j["owner"] = t.owner;
  Json bad = Json::object();
  for (const auto& [k, v] : t.illegal) bad[k] = v;
  j["illegal"] = bad;
  return j;
}

Json everything(const std::vector<Ticket>& ts) {
  Json a = Json::array();
  for (const auto& t : ts) a.push_back(everything(t));
  return a;
}

// Every ticket read straight from HEAD's files, no cache involved.
Json from_files(const Desk& desk) {
  Json a = Json::array();
  desk.walk("tickets", [&](const std::string& path, const git_oid& blob) {
    a.push_back(everything(parse_ticket(desk.blob(blob), path)));
  });
  return a;
}

// One cached scan of HEAD with its statistics.
std::vector<Ticket> scan(const Desk& desk, ScanStats& st, const HeadFilter& keep = {}) {
  st = ScanStats{};
  TreePtr tree = desk.repo().head_tree();
  return cached_tickets(desk.repo(), tree.get(), keep, &st);
}

// A small desk with tickets in several states.
struct ScanDesk {
  TestDesk d;
  std::vector<std::string> ids;
  ScanDesk() {
    for (int i = 0; i < 5; ++i)
      ids.push_back(d.new_ticket(i % 2 ? "P2" : "P3", "网络中断 " + std::to_string(i)));
    d.sdesk("take " + ids[0], "l1a");
    d.sdesk("start " + ids[0], "l1a");
    d.sdesk("resolve " + ids[0] + " --solution 重启交换机", "l1a");
    d.sdesk("assign " + ids[1] + " l1b");
    d.sdesk("cancel " + ids[2] + " --reason 重复工单");
    d.sdesk("take " + ids[3], "l1a");
    d.sdesk("start " + ids[3], "l1a");
    d.sdesk("escalate " + ids[3] + " --to l2 --reason 需要二线 --done 已重启", "l1a");
  }
  Desk open() const { return Desk::open(DeskOptions{d.dir().string(), "pm1", {}}); }
  // Fills the cache (as this test process writes it).
  void warm() const {
    Desk w = open();
    all_tickets(w);
  }
};

void write_text(const fs::path& p, const std::string& s) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << s;
}

// Damages a cache file in one of several ways (one subcase each).
void damage(const fs::path& cache) {
  std::ifstream in(cache, std::ios::binary);
  std::string good((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(good.size() > 100);
  SUBCASE("deleted") {
    fs::remove(cache);
  }
  SUBCASE("truncated") {
    write_text(cache, good.substr(0, good.size() / 2));
  }
  SUBCASE("a flipped byte") {
    std::string bad = good;
    bad[bad.size() - 7] ^= 0x5a;
    write_text(cache, bad);
  }
  SUBCASE("garbage") {
    write_text(cache, std::string(4096, '\x7f'));
  }
  SUBCASE("empty") {
    write_text(cache, "");
  }
}

}  // namespace

TEST_SUITE("unit/scan") {
  TEST_CASE("cold and warm scans give the same tickets as the files") {
    ScanDesk s;
    Desk desk = s.open();
    fs::remove(ticket_cache_path(desk.repo()));
    ScanStats cold, warm;
    auto a = scan(desk, cold);
    CHECK_FALSE(cold.cache_ok);
    CHECK(cold.parsed == 5);
    CHECK(cold.saved);
    CHECK(fs::exists(ticket_cache_path(desk.repo())));
    auto b = scan(desk, warm);
    CHECK(warm.cache_ok);
    CHECK(warm.parsed == 0);
    CHECK(warm.reused == 5);
    CHECK(warm.decoded == 5);
    CHECK_FALSE(warm.walked);
    CHECK_FALSE(warm.saved);
    CHECK(everything(a) == from_files(desk));
    CHECK(everything(b) == everything(a));
    CHECK(everything(all_tickets(desk)) == everything(a));
    CHECK(s.d.clean());
  }

  TEST_CASE("a head filter decodes only the tickets it keeps") {
    ScanDesk s;
    Desk desk = s.open();
    ScanStats st;
    scan(desk, st);
    auto open =
        scan(desk, st, [](const TicketHead& h) { return is_open_status(std::string(h.status)); });
    CHECK(st.decoded == open.size());
    Json want = Json::array();
    for (const auto& t : all_tickets(desk))
      if (is_open_status(t.status)) want.push_back(everything(t));
    CHECK(open.size() == 3);  // new, assigned, escalated (new at l2); not resolved or cancelled
    CHECK(everything(open) == want);
    CHECK(everything(open_tickets(desk)) == want);
    // The head also carries closed_at (callback pick filters on it).
    REQUIRE(s.d.sdesk("close " + s.ids[0] + " --confirmed-by 客户", "l1a").code == 0);
    Desk after = s.open();
    auto closed = scan(after, st, [](const TicketHead& h) { return !h.closed_at.empty(); });
    REQUIRE(closed.size() == 1);
    CHECK(closed[0].id == s.ids[0]);
    CHECK(closed[0].closed_at == "2026-03-02T09:00:00+08:00");
  }

  TEST_CASE("a plain git commit of a changed ticket is picked up by blob id") {
    ScanDesk s;
    s.warm();
    // Hand-make a note event, write the file and commit it with the real git.
    Desk desk = s.open();
    std::string path = ticket_path(s.ids[4]);
    Ticket t = parse_ticket(desk.read(path)->text, path);
    auto events = t.events;
    Json e = Json::object();
    e["id"] = "ZZZZZZZZZZZ";
    e["at"] = "2026-03-02T09:30:00+08:00";
    e["by"] = "pm1";
    e["action"] = "assign";
    e["assignee"] = "l1b";
    events.push_back(e);
    write_text(s.d.dir() / path, ticket_yaml(fold_ticket(t.id, events)));
    REQUIRE(s.d.git("-c user.name=x -c user.email=x@y commit -qam hand").code == 0);
    // ... and remove another one with git rm.
    REQUIRE(s.d.git("rm -q " + ticket_path(s.ids[2])).code == 0);
    REQUIRE(s.d.git("-c user.name=x -c user.email=x@y commit -qm gone").code == 0);

    Desk after = s.open();
    ScanStats st;
    auto ts = scan(after, st);
    CHECK(st.cache_ok);
    CHECK(st.walked);
    CHECK(st.parsed == 1);
    CHECK(st.reused == 3);
    REQUIRE(ts.size() == 4);
    bool seen = false;
    for (const auto& x : ts) {
      CHECK(x.id != s.ids[2]);
      if (x.id == s.ids[4]) {
        seen = true;
        CHECK(x.status == "assigned");
        CHECK(x.assignee == "l1b");
      }
    }
    CHECK(seen);
    CHECK(everything(ts) == from_files(after));
    // The sdesk binary agrees.
    auto j = s.d.sdesk("list --json").json();
    CHECK(j.size() == 4);
  }

  TEST_CASE("after a commit only the changed subtree is read again") {
    ScanDesk s;
    s.warm();
    // A ticket of another month, made by hand with the real git, in its own subtree.
    Desk desk = s.open();
    std::string src = ticket_path(s.ids[4]);
    Ticket t = parse_ticket(desk.read(src)->text, src);
    auto events = t.events;
    std::string moved_id = "T-2502-1W6QJFP";
    for (auto& e : events) e["at"] = "2025-02-03T10:00:00+08:00";
    fs::create_directories(s.d.dir() / "tickets/2025/02");
    write_text(s.d.dir() / ("tickets/2025/02/" + moved_id + ".yaml"),
               ticket_yaml(fold_ticket(moved_id, events)));
    REQUIRE(s.d.git("add tickets").code == 0);
    REQUIRE(s.d.git("-c user.name=x -c user.email=x@y commit -qm old").code == 0);
    ScanStats st;
    Desk a = s.open();
    scan(a, st);
    CHECK(st.parsed == 1);
    CHECK(st.reused == 5);  // tickets/2026 unchanged: taken whole
    // A state change in 2026/03 leaves tickets/2025 unread.
    s.d.sdesk("take " + s.ids[4], "l1a");
    Desk b = s.open();
    auto ts = scan(b, st);
    CHECK(st.walked);
    CHECK(st.parsed == 1);
    CHECK(st.reused == 5);
    CHECK(ts.size() == 6);
    CHECK(everything(ts) == from_files(b));
    // ... and a warm scan after it reads no tree at all.
    scan(b, st);
    CHECK_FALSE(st.walked);
    CHECK(st.parsed == 0);
    CHECK(st.reused == 6);
  }

  TEST_CASE("deleting or damaging the cache changes no output") {
    ScanDesk s;
    Desk desk = s.open();
    Json want = from_files(desk);
    std::string listed = s.d.sdesk("list --json").out;
    ScanStats first;
    scan(desk, first);  // the cache as this process writes it (a cache names its binary)
    // Damage either file: the heads (the whole cache is rebuilt) or the bodies (each damaged
    // body is parsed again from its ticket file).
    fs::path heads = ticket_cache_path(desk.repo());
    REQUIRE(fs::exists(heads));
    fs::path bodies;
    for (const auto& f : fs::directory_iterator(heads.parent_path()))
      if (f.path().filename().string().rfind("tickets.bodies.", 0) == 0) bodies = f.path();
    REQUIRE(!bodies.empty());
    bool heads_hit = true;
    SUBCASE("heads") {
      damage(heads);
    }
    SUBCASE("bodies") {
      damage(bodies);
      heads_hit = false;
    }

    ScanStats st;
    auto ts = scan(desk, st);
    CHECK(st.cache_ok == !heads_hit);
    CHECK(st.parsed >= 1);
    CHECK(st.saved);
    CHECK(everything(ts) == want);
    scan(desk, st);
    CHECK(st.cache_ok);
    CHECK(st.parsed == 0);
    CHECK(s.d.sdesk("list --json").out == listed);
    CHECK(s.d.clean());
  }

  TEST_CASE("a ticket round-trips through the cache exactly, illegal events included") {
    std::vector<Json> events;
    Json n = Json::object();
    n["id"] = "1JQ8Z4K2M7A00";
    n["at"] = "2026-03-02T09:00:00+08:00";
    n["by"] = "l1a";
    n["action"] = "new";
    n["title"] = "邮件无法发送";
    n["priority"] = "P2";
    n["channel"] = "email";
    n["major"] = false;
    n["customer"] = "人事部";
    n["environment"] = Json::object({{"os", "麒麟V10"}});
    events.push_back(n);
    Json c = Json::object();
    c["id"] = "1JQ8Z4K2M7A01";
    c["at"] = "2026-03-02T09:05:00+08:00";
    c["by"] = "l1a";
    c["action"] = "close";
    c["confirmed_by"] = "客户";
    events.push_back(c);
    Ticket t = fold_ticket("T-2603-00001AA", events);
    REQUIRE(t.illegal.size() == 1);
    Ticket back = decode_cached_ticket(encode_cached_ticket(t));
    CHECK(everything(back) == everything(t));
    CHECK(back.illegal == t.illegal);
    CHECK(back.environment.dump() == t.environment.dump());
    CHECK_THROWS(decode_cached_ticket("\x93\x01\x02"));
    // A new Ticket field must be added to encode/decode_cached_ticket (and this size updated).
    CHECK_MESSAGE(sizeof(Ticket) == 816, "Ticket changed: update lib/cache.cpp, then this size");
  }
}
