// The ticket lifecycle through the real binary: every step's JSON, exit code, commit and status.
#include <doctest/doctest.h>

#include <fstream>

#include "tests/helpers.hpp"

using namespace sdesk::test;

namespace {
// The last commit's full message.
std::string last_message(const TestDesk& d) {
  return d.git("log -1 --format=%B").out;
}
// The last commit's author "name <email>".
std::string last_author(const TestDesk& d) {
  return d.git("log -1 --format='%an <%ae>'").line();
}
}  // namespace

TEST_SUITE("command/ticket") {
  TEST_CASE(
      "a ticket walks intake -> l1 -> l2 -> vendor -> back -> resolved -> closed -> reopened") {
    TestDesk d;
    int base = d.commits();
    std::string id = d.new_ticket("P3");
    CHECK(id.size() == 14);
    CHECK(id.rfind("T-2603-", 0) == 0);
    CHECK(d.commits() == base + 1);
    CHECK(d.clean());
    std::string msg = last_message(d);
    CHECK(msg.rfind(id + ": new — 打印机脱机", 0) == 0);
    CHECK(msg.find("Sdesk-Object: " + id) != std::string::npos);
    CHECK(msg.find("Sdesk-Action: new") != std::string::npos);
    CHECK(last_author(d) == "张三 <l1a@example.com>");
    // The file is where the contract puts it, in UTF-8 text.
    auto file = d.git("show HEAD:tickets/2026/03/" + id + ".yaml");
    REQUIRE(file.code == 0);
    CHECK(file.out.find("title: 打印机脱机") != std::string::npos);

    auto step = [&](const std::string& args, const std::string& as, const std::string& action) {
      int before = d.commits();
      Run r = d.sdesk(args + " --json", as);
      INFO(args << " → " << r.err);
      REQUIRE(r.code == 0);
      CHECK(d.commits() == before + 1);
      CHECK(d.clean());
      CHECK(last_message(d).find("Sdesk-Action: " + action) != std::string::npos);
      auto j = r.json();
      CHECK(j["events"].back()["action"] == action);
      return j;
    };

    auto j = step("take " + id, "l1a", "take");
    CHECK(j["status"] == "assigned");
    CHECK(j["assignee"] == "l1a");
    j = step("start " + id, "l1a", "start");
    CHECK(j["status"] == "in_progress");
    CHECK(j["responded_at"] == "2026-03-02T09:00:00+08:00");
    j = step("note " + id + " " + q("已电话告知客户进展") + " --customer", "l1a", "note");
    CHECK(j["events"].back()["customer"] == true);
    j = step(
        "escalate " + id + " --to l2 --reason " + q("驱动冲突") + " --done " + q("重装驱动无效"),
        "l1a", "escalate");
    CHECK(j["status"] == "new");
    CHECK(j["tier"] == "l2");
    CHECK(j["assignee"].is_null());
    REQUIRE(j["escalations"].size() == 1);
    CHECK(j["escalations"][0]["from"] == "l1");
    CHECK(j["escalations"][0]["to"] == "l2");
    CHECK(j["escalations"][0]["done"] == "重装驱动无效");
    j = step("take " + id, "l2a", "take");
    CHECK(j["assignee"] == "l2a");
    j = step("start " + id, "l2a", "start");
    j = step("escalate " + id + " --to vendor:acme --reason 固件缺陷 --done 已收集日志", "l2a",
             "escalate");
    CHECK(j["tier"] == "vendor");
    CHECK(j["vendor"] == "acme");
    CHECK(j["status"] == "in_progress");
    CHECK(j["assignee"] == "l2a");
    j = step("de-escalate " + id + " --to l2 --reason 厂商提供补丁", "l2a", "de-escalate");
    CHECK(j["tier"] == "l2");
    CHECK(j["vendor"].is_null());
    CHECK(j["assignee"] == "l2a");
    j = step("de-escalate " + id + " --to l1 --reason 交回一线跟进", "l2a", "de-escalate");
    CHECK(j["tier"] == "l1");
    CHECK(j["status"] == "assigned");
    CHECK(j["assignee"] == "l1a");
    step("start " + id, "l1a", "start");
    j = step("resolve " + id + " --solution " + q("安装厂商补丁") + " --cause 固件缺陷", "l1a",
             "resolve");
    CHECK(j["status"] == "resolved");
    CHECK(j["resolved_at"].is_string());
    j = step("close " + id + " --confirmed-by " + q("财务部刘女士"), "l1a", "close");
    CHECK(j["status"] == "closed");
    CHECK(j["closed_at"] == "2026-03-02T09:00:00+08:00");
    d.at("2026-03-05T10:00:00+08:00");
    j = step("reopen " + id + " --reason 问题复现", "l1a", "reopen");
    CHECK(j["status"] == "in_progress");
    CHECK(j["assignee"] == "l1a");
    CHECK(j["reopen_count"] == 1);
    CHECK(j["closed_at"].is_null());

    // Every contract field is present.
    for (const char* k :
         {"id",           "title",       "status",    "tier",         "priority",    "category",
          "channel",      "major",       "parent",    "customer",     "contact",     "need",
          "required_by",  "environment", "assignee",  "vendor",       "created_at",  "created_by",
          "responded_at", "resolved_at", "closed_at", "reopen_count", "escalations", "sla",
          "kb",           "events"})
      CHECK_MESSAGE(j.contains(k), k);
    for (const auto& e : j["events"])
      for (const char* k : {"id", "at", "by", "action"}) CHECK(e.contains(k));
    // Event IDs strictly increase although SDESK_NOW was fixed.
    for (size_t i = 1; i < j["events"].size(); ++i)
      CHECK(j["events"][i - 1]["id"].get<std::string>() < j["events"][i]["id"].get<std::string>());

    // The audit trail comes from git history.
    Run log = d.sdesk("log " + id + " --json");
    REQUIRE(log.code == 0);
    auto entries = log.json();
    CHECK(entries.size() == j["events"].size());
    CHECK(entries[0]["action"] == "reopen");
    CHECK(entries.back()["action"] == "new");
    CHECK(d.git("fsck --no-progress").code == 0);
  }

  TEST_CASE("refusals exit 4 or 2 and write no commit") {
    TestDesk d;
    std::string id = d.new_ticket();
    int base = d.commits();
    auto refused = [&](const std::string& args, const std::string& as, int code,
                       const std::string& needle) {
      Run r = d.sdesk(args, as);
      INFO(args << " → " << r.err);
      CHECK(r.code == code);
      CHECK(r.err.rfind("sdesk: error: ", 0) == 0);
      CHECK(r.err.find(needle) != std::string::npos);
      CHECK(d.commits() == base);
      CHECK(d.clean());
    };
    SUBCASE("intake without a required norm field names it") {
      refused(
          "new --title x --customer c --contact 1 --channel hotline --priority P3 --required-by "
          "2026-04-01 --env a=b",
          "l1a", 4, "need");
      refused(
          "new --title x --customer c --channel hotline --priority P3 --need n --required-by "
          "2026-04-01 --env a=b",
          "l1a", 4, "contact");
      refused(
          "new --title x --customer c --contact 1 --channel hotline --priority P3 --need n "
          "--required-by 2026-04-01",
          "l1a", 4, "environment");
    }
    SUBCASE("bad flag values are usage errors") {
      refused("new --title x --channel fax", "l1a", 2, "channel");
      refused("take", "l1a", 2, "ID");
      refused("frobnicate", "l1a", 2, "");
    }
    SUBCASE("escalation needs both texts") {
      d.sdesk("take " + id, "l1a");
      base = d.commits();
      refused("escalate " + id + " --to l2 --reason 驱动", "l1a", 4, "--done");
      refused("escalate " + id + " --to l2 --done 试过", "l1a", 4, "--reason");
    }
    SUBCASE("roles") {
      refused("assign " + id + " l1b", "l1a", 4, "PM");
      refused("start " + id, "l1b", 4, "may not");
      refused("take " + id, "l2a", 4, "tier");
      d.sdesk("take " + id, "l1a");
      d.sdesk("start " + id, "l1a");
      base = d.commits();
      refused("escalate " + id + " --to vendor:acme --reason r --done d", "l1a", 4, "vendor");
    }
    SUBCASE("illegal transitions") {
      refused("resolve " + id + " --solution s", "pm1", 4, "cannot resolve");
      refused("close " + id + " --confirmed-by 某人", "pm1", 4, "cannot close");
      refused("resume " + id, "pm1", 4, "cannot resume");
    }
    SUBCASE("unknown operator and unknown ticket") {
      refused("take " + id, "nobody", 4, "nobody");
      refused("show T-2603-ZZZZZZZ", "pm1", 3, "T-2603-ZZZZZZZ");
    }
    SUBCASE("reopen only within the window") {
      d.sdesk("take " + id, "l1a");
      d.sdesk("start " + id, "l1a");
      d.sdesk("resolve " + id + " --solution s", "l1a");
      d.sdesk("close " + id + " --confirmed-by c", "l1a");
      base = d.commits();
      d.at("2026-03-20T09:00:00+08:00");
      refused("reopen " + id + " --reason again", "l1a", 4, "reopen window");
    }
  }

  TEST_CASE("prefixes, list filters and formats") {
    TestDesk d;
    std::string a = d.new_ticket("P2", "网络中断");
    std::string b = d.new_ticket("P4", "申请账号");
    Run show = d.sdesk("show " + a.substr(0, 12) + " --json");
    REQUIRE(show.code == 0);
    CHECK(show.json()["id"] == a);
    Run amb = d.sdesk("show T-2603");
    CHECK(amb.code == 2);
    CHECK(amb.err.find(a) != std::string::npos);
    CHECK(amb.err.find(b) != std::string::npos);
    Run list = d.sdesk("list --priority P2 --json");
    REQUIRE(list.code == 0);
    REQUIRE(list.json().size() == 1);
    CHECK(list.json()[0]["id"] == a);
    d.sdesk("take " + b, "l1b");
    CHECK(d.sdesk("list --status assigned --json").json().size() == 1);
    CHECK(d.sdesk("list --open --json").json().size() == 2);
    Run csv = d.sdesk("list --format csv");
    CHECK(csv.out.rfind("ID,PRI,STATUS", 0) == 0);
    // Tables align by display width: the column after a Chinese title-free cell lines up.
    Run table = d.sdesk("list");
    CHECK(table.out.find("财务部") != std::string::npos);
  }

  TEST_CASE("hand edits: invalid ones are reported with file and line, valid ones committed") {
    TestDesk d;
    std::string id = d.new_ticket();
    std::string path = "tickets/2026/03/" + id + ".yaml";
    int base = d.commits();
    sh(d.dir(), "sed -i 's/^priority: P3/priority: P9/' " + path);
    Run r = d.sdesk("show " + id);
    CHECK(r.code == 4);
    CHECK(r.err.find(path + ":") != std::string::npos);
    CHECK(r.err.find("priority") != std::string::npos);
    Run w = d.sdesk("take " + id, "l1a");
    CHECK(w.code == 4);
    CHECK(d.commits() == base);
    Run c = d.sdesk("commit", "l1a");
    CHECK(c.code == 4);
    CHECK(d.commits() == base);
    // The operator's edit is still there: nothing overwrote it.
    CHECK(sh(d.dir(), "grep -c 'priority: P9' " + path).line() == "1");
    // A valid edit (a note's wording) is committed as the operator.
    d.git("checkout -- " + path);
    sh(d.dir(), "sed -i 's/^title: 打印机脱机/title: 打印机脱机/' " + path);
    {
      std::ofstream out(d.dir() / "staff/l1b.yaml", std::ios::app);
      out << "x: 1\n";
    }
    Run bad = d.sdesk("commit", "pm1");
    CHECK(bad.code == 4);
    CHECK(bad.err.find("staff/l1b.yaml") != std::string::npos);
    d.git("checkout -- staff/l1b.yaml");
    sh(d.dir(), "sed -i 's/^phone: null/phone: \"13900000000\"/' staff/l1b.yaml");
    Run ok = d.sdesk("commit -m 更新电话", "pm1");
    CHECK(ok.code == 0);
    CHECK(d.commits() == base + 1);
    CHECK(d.clean());
    CHECK(d.git("log -1 --format=%B").out.find("Sdesk-Action: edit") != std::string::npos);
  }

  TEST_CASE("workflow prints the state machine from the table") {
    TestDesk d(std::string("2026-03-02T09:00:00+08:00"), false);
    Run dot = d.sdesk("workflow --format dot", "");
    CHECK(dot.code == 0);
    CHECK(dot.out.find("\"in_progress\" -> \"pending\"") != std::string::npos);
    Run mm = d.sdesk("workflow --format mermaid", "");
    CHECK(mm.out.rfind("stateDiagram-v2", 0) == 0);
    CHECK(mm.out.find("resolved --> closed") != std::string::npos);
  }
}

TEST_SUITE("command/desk") {
  TEST_CASE("init, the first PM, staff and vendor rules") {
    TestDesk d(std::string("2026-03-02T09:00:00+08:00"), false);
    CHECK(d.commits() == 1);
    CHECK(d.clean());
    CHECK(d.git("show HEAD:desk.yaml").out.find("timezone: Asia/Shanghai") != std::string::npos);
    CHECK(d.git("show HEAD:schemas/ticket.schema.json").code == 0);
    CHECK(d.git("log -1 --format=%B").out.find("Sdesk-Action: init") != std::string::npos);
    Run first = d.sdesk("staff add l1x --name 甲 --role l1", "");
    CHECK(first.code == 4);
    CHECK(d.sdesk("staff add boss --name 王经理 --role pm", "").code == 0);
    CHECK(d.git("log -1 --format=%an").line() == "王经理");
    CHECK(d.sdesk("staff add a1 --name 甲 --role l1", "").code == 4);  // no operator now
    CHECK(d.sdesk("staff add a1 --name 甲 --role l1", "boss").code == 0);
    CHECK(d.sdesk("staff add a2 --name 乙 --role l1", "a1").code == 4);
    CHECK(d.sdesk("vendor add v --name 厂商", "a1").code == 4);
    CHECK(d.sdesk("staff add ../x --name x --role l1", "boss").code == 2);
    auto list = d.sdesk("staff list --json").json();
    CHECK(list.size() == 2);
    CHECK(d.sdesk("staff deactivate a1", "boss").code == 0);
    CHECK(d.sdesk("staff show a1 --json").json()["active"] == false);
    Run as_inactive = d.sdesk("new --title t", "a1");
    CHECK(as_inactive.code == 4);
    CHECK(d.sdesk("list", "").code == 0);
    CHECK(d.git("fsck --no-progress").code == 0);
    CHECK(d.clean());
  }

  TEST_CASE("no desk is exit 3; a second init refuses") {
    TempDir t;
    Run r = run_sdesk(t.path(), "list");
    CHECK(r.code == 3);
    CHECK(r.err.rfind("sdesk: error: ", 0) == 0);
    Run i = run_sdesk(t.path(), "init d");
    CHECK(i.code == 0);
    Run again = run_sdesk(t.path(), "init d");
    CHECK(again.code == 4);
  }

  TEST_CASE("operator from git user.email") {
    TestDesk d;
    d.git("config user.email l1a@example.com");
    std::string id = d.new_ticket();
    Run r = d.sdesk("take " + id, "");
    CHECK(r.code == 0);
    CHECK(d.sdesk("show " + id + " --json").json()["assignee"] == "l1a");
  }
}
