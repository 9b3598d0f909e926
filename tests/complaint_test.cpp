// Complaints (投诉) through the real binary, and the quality units called directly.
#include <doctest/doctest.h>

#include <set>

#include "lib/quality/callbacks.hpp"
#include "lib/quality/complaints.hpp"
#include "tests/helpers.hpp"

using namespace sdesk::test;

namespace {

int count_escalations(const nlohmann::json& complaint) {
  int n = 0;
  for (const auto& e : complaint["events"])
    if (e["action"] == "escalate") {
      CHECK(e["to"] == "pm");
      ++n;
    }
  return n;
}

}  // namespace

TEST_SUITE("command/complaint") {
  TEST_CASE("a complaint walks received -> investigating -> measures -> replied -> closed") {
    TestDesk d;
    std::string ticket = d.new_ticket();
    int before = d.commits();
    Run n = d.sdesk("complaint new --customer 财务部 --text " + q("工程师态度差") + " --ticket " +
                        ticket.substr(0, 10) + " --against l1a --contact 13800000000",
                    "l1b");
    INFO(n.err);
    REQUIRE(n.code == 0);
    std::string id = n.line();
    CHECK(id.rfind("C-2603-", 0) == 0);
    CHECK(d.commits() == before + 1);
    CHECK(d.clean());
    std::string msg = d.git("log -1 --format=%B").out;
    CHECK(msg.rfind(id + ": new — ", 0) == 0);
    CHECK(msg.find("Sdesk-Object: " + id) != std::string::npos);
    std::string file = d.git("show HEAD:complaints/2026/" + id + ".yaml").out;
    CHECK(file.find("text: 工程师态度差") != std::string::npos);

    Run show = d.sdesk("complaint show " + id.substr(0, 9) + " --json");
    REQUIRE(show.code == 0);
    auto j = show.json();
    std::set<std::string> keys;  // nlohmann::json sorts keys: compare as a set
    for (auto it = j.begin(); it != j.end(); ++it) keys.insert(it.key());
    CHECK(keys == std::set<std::string>{"id", "status", "customer", "contact", "channel", "ticket",
                                        "against", "text", "investigation", "cause", "measures",
                                        "reply", "reply_accepted", "handler", "due", "overdue",
                                        "created_at", "closed_at", "events"});
    CHECK(show.out.find("\"id\"") < show.out.find("\"status\""));  // contract order kept
    CHECK(j["status"] == "received");
    CHECK(j["ticket"] == ticket);
    CHECK(j["against"] == "l1a");
    CHECK(j["due"] == "2026-03-05T09:00:00+08:00");  // complaints.due 3d, 24x7
    CHECK(j["overdue"] == false);
    CHECK(j["channel"] == "投诉电话 400-000-0001");

    // Out of order and role rules refuse with exit 4 and write nothing.
    int mid = d.commits();
    CHECK(d.sdesk("complaint reply " + id + " --text 抱歉", "l1b").code == 4);
    CHECK(d.sdesk("complaint close " + id, "pm1").code == 4);
    CHECK(d.sdesk("complaint measure " + id + " --text 培训", "l1b").code == 4);
    CHECK(d.sdesk("complaint show C-0000-ZZZZZZZ").code == 3);
    CHECK(d.commits() == mid);

    auto step = [&](const std::string& args, const std::string& as, const std::string& status) {
      Run r = d.sdesk(args + " --json", as);
      INFO(args << ": " << r.err);
      REQUIRE(r.code == 0);
      CHECK(r.json()["status"] == status);
      CHECK(d.clean());
      return r.json();
    };
    j = step("complaint investigate " + id + " --text " + q("电话录音显示语气生硬") +
                 " --cause 沟通培训不足",
             "l2a", "investigating");
    CHECK(j["cause"] == "沟通培训不足");
    CHECK(j["handler"] == "l2a");
    j = step("complaint measure " + id + " --text " + q("组织沟通培训"), "l2a", "measures");
    j = step("complaint reply " + id + " --text " + q("已致歉并说明整改") + " --accepted yes",
             "pm1", "replied");
    CHECK(j["reply_accepted"] == true);
    CHECK(d.sdesk("complaint close " + id, "l1b").code == 4);  // only the PM closes
    j = step("complaint close " + id, "pm1", "closed");
    CHECK(j["closed_at"] == "2026-03-02T09:00:00+08:00");
    CHECK(d.git("log -1 --format=%B").out.find("Sdesk-Action: close") != std::string::npos);

    Run md = d.sdesk("complaint show " + id + " --format md");
    REQUIRE(md.code == 0);
    CHECK(md.out.find("# 客户投诉反馈表") != std::string::npos);
    CHECK(md.out.find("| 整改措施 | 组织沟通培训 |") != std::string::npos);
    CHECK(md.out.find("| 客户是否认可 | 是 |") != std::string::npos);

    Run list = d.sdesk("complaint list --json");
    REQUIRE(list.code == 0);
    REQUIRE(list.json().is_array());
    CHECK(list.json().size() == 1);
  }

  TEST_CASE("a complaint's state block is checked like a ticket's: commit and verify refuse it") {
    TestDesk d;
    Run n = d.sdesk("complaint new --customer 财务部 --text 等待太久", "l1b");
    REQUIRE(n.code == 0);
    std::string id = n.line();
    std::string path = "complaints/2026/" + id + ".yaml";
    int base = d.commits();
    // A hand edit that says the complaint was closed, with no event that closed it.
    sh(d.dir(), "sed -i 's/^status: received/status: closed/' " + path);
    Run c = d.sdesk("commit -m 手工关闭", "pm1");
    INFO(c.err);
    CHECK(c.code == 4);
    CHECK(c.err.find(path) != std::string::npos);
    CHECK(c.err.find("status") != std::string::npos);
    CHECK(d.commits() == base);
    // Committed past sdesk, verify finds it.
    REQUIRE(d.git("-c user.name=王经理 -c user.email=pm1@example.com commit -q -am hand").code ==
            0);
    Run v = d.sdesk("verify");
    CHECK(v.code == 4);
    CHECK(v.out.find(path) != std::string::npos);
    CHECK(v.out.find("its events give") != std::string::npos);
  }

  TEST_CASE("any kind's ID resolves from a unique prefix, with or without its kind prefix") {
    TestDesk d;
    Run n = d.sdesk("complaint new --customer 财务部 --text 等待太久", "l1b");
    REQUIRE(n.code == 0);
    std::string id = n.line();                                            // C-2603-XXXXX
    Run bare = d.sdesk("complaint show " + id.substr(2, 7) + " --json");  // "2603-XX", no "C-"
    INFO(bare.err);
    REQUIRE(bare.code == 0);
    CHECK(bare.json()["id"] == id);
    Run lower = d.sdesk("log c" + id.substr(1, 8) + " --json");  // lower case, through `log`
    INFO(lower.err);
    REQUIRE(lower.code == 0);
    CHECK(lower.json()[0]["action"] == "new");
    Run bad = d.sdesk("complaint show ../x");
    CHECK(bad.code == 2);
    CHECK(bad.err.find("is not a complaint ID") != std::string::npos);
  }

  TEST_CASE("measure may be skipped; reply not accepted is recorded") {
    TestDesk d;
    std::string id = d.sdesk("complaint new --customer 人事部 --text 响应慢", "l1a").line();
    REQUIRE(d.sdesk("complaint investigate " + id + " --text 高峰期排队", "l1a").code == 0);
    Run r = d.sdesk("complaint reply " + id + " --text 已解释 --accepted no --json", "l1a");
    REQUIRE(r.code == 0);
    CHECK(r.json()["status"] == "replied");
    CHECK(r.json()["reply_accepted"] == false);
    CHECK(r.json()["measures"].is_null());
    CHECK(d.sdesk("complaint close " + id, "pm1").code == 0);
    CHECK(d.sdesk("complaint investigate " + id + " --text 再查", "pm1").code == 4);
    CHECK(d.sdesk("complaint new --customer 人事部", "l1a").code == 2);
    // The default due time counts working days: Friday 17:00 + 3d is Wednesday 17:00.
    d.at("2026-03-06T17:00:00+08:00");
    Run fri = d.sdesk("complaint new --customer 人事部 --text 周五来电 --json", "l1a");
    REQUIRE(fri.code == 0);
    CHECK(fri.json()["due"] == "2026-03-11T17:00:00+08:00");
  }

  TEST_CASE("an overdue complaint is escalated to the PM exactly once") {
    TestDesk d;
    std::string id = d.sdesk("complaint new --customer 财务部 --text 打印机一周没修好 --due " +
                                 q("2026-03-02 12:00"),
                             "l1a")
                         .line();
    REQUIRE(!id.empty());
    CHECK(d.sdesk("complaint list --overdue --json").json().empty());
    d.at("2026-03-02T13:00:00+08:00");
    int before = d.commits();
    // Read-only commands see it at once and never write.
    Run over = d.sdesk("complaint list --overdue --json");
    REQUIRE(over.json().size() == 1);
    CHECK(over.json()[0]["id"] == id);
    CHECK(over.json()[0]["overdue"] == true);
    CHECK(d.sdesk("complaint show " + id + " --json").json()["overdue"] == true);
    CHECK(d.commits() == before);

    Run s1 = d.sdesk("sweep --json", "");
    REQUIRE(s1.code == 0);
    CHECK(s1.json()["escalated"] == 1);
    CHECK(d.commits() == before + 1);
    CHECK(d.clean());
    std::string msg = d.git("log -1 --format=%B").out;
    CHECK(msg.find("Sdesk-Action: escalate") != std::string::npos);
    CHECK(msg.find("Sdesk-Object: " + id) != std::string::npos);
    CHECK(d.git("log -1 --format=%an").line() == "王经理");  // no operator: the PM records it
    Run s2 = d.sdesk("sweep --json");
    CHECK(s2.json()["escalated"] == 0);
    CHECK(d.commits() == before + 1);
    // Another write command does not escalate it again.
    std::string t = d.new_ticket();
    CHECK(d.commits() == before + 2);
    Run j = d.sdesk("complaint show " + id + " --json");
    CHECK(count_escalations(j.json()) == 1);
    CHECK(j.json()["status"] == "received");

    // A write command that runs before any sweep escalates a newly overdue complaint.
    std::string id2 =
        d.sdesk("complaint new --customer 人事部 --text 无人回电 --due 1h", "l1b").line();
    CHECK(d.sdesk("complaint list --overdue --json").json().size() == 1);
    d.at("2026-03-02T15:00:00+08:00");
    int mid = d.commits();
    REQUIRE(d.sdesk("take " + t, "l1a").code == 0);
    CHECK(d.commits() == mid + 2);  // the take, then the escalation
    CHECK(d.clean());
    CHECK(count_escalations(d.sdesk("complaint show " + id2 + " --json").json()) == 1);
    CHECK(count_escalations(d.sdesk("complaint show " + id + " --json").json()) == 1);
    CHECK(d.sdesk("sweep --json").json()["escalated"] == 0);
    // Closing an escalated complaint still works, and a closed one is never overdue.
    REQUIRE(d.sdesk("complaint investigate " + id + " --text 配件缺货", "l2a").code == 0);
    REQUIRE(d.sdesk("complaint reply " + id + " --text 已加急采购", "l2a").code == 0);
    Run closed = d.sdesk("complaint close " + id + " --json", "pm1");
    REQUIRE(closed.code == 0);
    CHECK(closed.json()["overdue"] == false);
    Run verify = d.sdesk("verify");
    INFO(verify.out << verify.err);
    CHECK(verify.code == 0);
  }
}

TEST_SUITE("unit/quality") {
  TEST_CASE("complaint words") {
    CHECK(sdesk::has_complaint_words("我要投诉"));
    CHECK(sdesk::has_complaint_words("对处理结果不满意"));
    CHECK(sdesk::has_complaint_words("I want to file a COMPLAINT"));
    CHECK_FALSE(sdesk::has_complaint_words("很满意，谢谢"));
    CHECK_FALSE(sdesk::has_complaint_words(""));
  }

  TEST_CASE("a complaint folds from its events; illegal steps do not apply") {
    using sdesk::Json;
    auto ev = [](const std::string& id, const std::string& at, const std::string& action) {
      Json e = Json::object();
      e["id"] = id;
      e["at"] = at;
      e["by"] = "l1a";
      e["action"] = action;
      return e;
    };
    Json n = ev("00000000001AA", "2026-03-02T09:00:00+08:00", "new");
    n["customer"] = "财务部";
    n["text"] = "慢";
    n["due"] = "2026-03-03T09:00:00+08:00";
    Json close = ev("00000000002AA", "2026-03-02T10:00:00+08:00", "close");
    Json inv = ev("00000000003AA", "2026-03-02T11:00:00+08:00", "investigate");
    inv["text"] = "查明";
    sdesk::Time before =
        sdesk::parse_time("2026-03-02T12:00:00+08:00", date::locate_zone("UTC"), "t");
    sdesk::Time after =
        sdesk::parse_time("2026-03-04T12:00:00+08:00", date::locate_zone("UTC"), "t");
    auto c = sdesk::fold_complaint("C-2603-0000000", {inv, close, n}, before);
    CHECK(c.status == "investigating");  // close without a reply does not apply
    CHECK(c.investigation == "查明");
    CHECK_FALSE(c.overdue);
    CHECK(sdesk::fold_complaint("C-2603-0000000", {n}, after).overdue);
    auto j = sdesk::complaint_json(c);
    CHECK(j.size() == 19);
    CHECK(j["reply_accepted"].is_null());
  }

  TEST_CASE("callback records on a folded ticket") {
    using sdesk::Json;
    auto ev = [](const std::string& id, const std::string& action) {
      Json e = Json::object();
      e["id"] = id;
      e["at"] = "2026-03-02T09:00:00+08:00";
      e["by"] = "l1a";
      e["action"] = action;
      return e;
    };
    Json n = ev("00000000001AA", "new");
    n["title"] = "t";
    n["priority"] = "P3";
    n["channel"] = "hotline";
    Json miss = ev("00000000002AA", "callback");
    miss["reached"] = false;
    Json low = ev("00000000003AA", "callback");
    low["reached"] = true;
    low["score"] = 2;
    low["opens_action"] = true;
    Json plan = ev("00000000004AA", "callback-plan");
    plan["owner"] = "l1a";
    plan["text"] = "p";
    auto t = sdesk::fold_ticket("T-2603-0000000", {n, miss, low, plan});
    auto rs = sdesk::ticket_callbacks(t);
    REQUIRE(rs.size() == 2);
    CHECK_FALSE(rs[0].reached);
    CHECK(rs[1].score == 2);
    CHECK(rs[1].needs_action);
    CHECK(rs[1].has_plan);
    CHECK_FALSE(rs[1].has_reply);
    CHECK(sdesk::called_back(t));
    CHECK_FALSE(sdesk::called_back(sdesk::fold_ticket("T-2603-0000000", {n, miss})));
  }
}
