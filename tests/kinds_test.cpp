// The object-kind table (lib/kinds.hpp) through the library: every kind is found by its path
// and its ID, and every kind's file gets the same checks (schema, duplicate event ids, state
// block against the fold, a field of the wrong type) from one piece of code.
#include "lib/store/kinds.hpp"

#include <doctest/doctest.h>

#include "lib/kb/kb.hpp"
#include "lib/quality/complaints.hpp"
#include "lib/sync/objects.hpp"
#include "lib/ticket/ticket.hpp"
#include "lib/util/text.hpp"

using sdesk::Json;

namespace {

// A one-event file of the kind, as sdesk writes it.
std::string file_of(const sdesk::ObjectKind& kind, const std::string& id) {
  Json e = {{"id", "0000000000000000000000"},
            {"at", "2026-03-02T09:00:00+08:00"},
            {"by", "l1a"},
            {"action", "new"}};
  if (kind.name == "ticket") {
    e["title"] = "打印机脱机";
    e["priority"] = "P3";
    e["channel"] = "hotline";
  } else if (kind.name == "article") {
    e["title"] = "打印机脱机处理";
  } else {
    e["customer"] = "财务部";
    e["text"] = "等待太久";
    e["due"] = "2026-03-05T09:00:00+08:00";
  }
  return kind.fold(id, {e}).text;
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_SUITE("unit/kinds") {
  TEST_CASE("every kind is found by its folder and by its ID prefix") {
    for (const auto& k : sdesk::object_kinds()) {
      std::string id = std::string(k.prefix) + "-2603-00001AB";
      INFO(k.name);
      CHECK(sdesk::kind_of_path(k.path(id)) == &k);
      CHECK(sdesk::kind_of_id(id).name == k.name);
      CHECK(sdesk::kind_of_id(sdesk::upper_ascii(id)).name == k.name);
      CHECK(&sdesk::object_kind(k.name) == &k);
    }
    CHECK(sdesk::kind_of_path("staff/l1a.yaml") == nullptr);
    CHECK(sdesk::kind_of_path("tickets/2026/03/README.md") == nullptr);
    CHECK(sdesk::kind_of_id("kb-2603").name == "article");
    CHECK(sdesk::kind_of_id("2603-00001").name == "ticket");  // no prefix: a ticket
  }

  TEST_CASE("every kind's file is checked the same way") {
    for (const auto& k : sdesk::object_kinds()) {
      std::string id = std::string(k.prefix) + "-2603-00001AB";
      std::string path = k.path(id);
      std::string good = file_of(k, id);
      INFO(k.name << "\n" << good);
      CHECK(k.check(good, path) == id);
      // The state block must be what the events give.
      std::string status = k.name == "ticket" ? "new" : k.name == "article" ? "draft" : "received";
      std::string lie = replace(good, "status: " + status,
                                k.name == "article" ? "status: retired" : "status: closed");
      try {
        k.check(lie, path);
        FAIL("a state block its events contradict was accepted");
      } catch (const sdesk::Error& e) {
        CHECK(e.code() == sdesk::Exit::refused);
        CHECK(std::string(e.what()).find("status") != std::string::npos);
        CHECK(std::string(e.what()).find("its events give") != std::string::npos);
      }
      // Two events under one id.
      auto events = good.find("events:");
      REQUIRE(events != std::string::npos);
      std::string block = good.substr(good.find("\n", events) + 1);
      std::string twice = good + block;
      try {
        k.check(twice, path);
        FAIL("two events under one id were accepted");
      } catch (const sdesk::Error& e) {
        CHECK(std::string(e.what()).find("duplicate event id") != std::string::npos);
      }
      // A field of the wrong type is exit 4 naming the file, never a library error.
      std::string typed = replace(good, "by: l1a", "by: [1, 2]");
      CHECK_THROWS_AS(k.check(typed, path), sdesk::Error);
    }
  }

  TEST_CASE("aliases are read from alias events of any kind") {
    std::vector<Json> events{{{"action", "new"}},
                             {{"action", "alias"}, {"old", "C-2603-00001AA"}},
                             {{"action", "note"}, {"old", "x"}}};
    CHECK(sdesk::aliases_in(events) == std::vector<std::string>{"C-2603-00001AA"});
  }
}
