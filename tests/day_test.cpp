// A working day without dead ends: corrections (edit, link --clear, complaint cancel), intake
// (missing fields at once, enum case, relative times, `me`), and the SLA figures a day found wrong.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "tests/helpers.hpp"

using namespace sdesk::test;

namespace {
// The ticket's JSON as `show --json` gives it.
nlohmann::json show(const TestDesk& d, const std::string& id) {
  Run r = d.sdesk("show " + id + " --json");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  return r.json();
}
// The IDs of a JSON array of objects.
std::vector<std::string> ids(const nlohmann::json& arr) {
  std::vector<std::string> out;
  for (const auto& x : arr) out.push_back(x["id"].get<std::string>());
  return out;
}
bool has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}
// Runs each {SDESK_NOW, command} as `as` in turn (an empty time keeps the last); each must pass.
void steps(TestDesk& d, const std::vector<std::pair<std::string, std::string>>& at_commands,
           const std::string& as = "l1a") {
  for (const auto& [at, command] : at_commands) {
    if (!at.empty()) d.at(at);
    Run r = d.sdesk(command, as);
    INFO(command << ": " << r.err);
    REQUIRE(r.code == 0);
  }
}
// Takes, starts, resolves and closes a ticket as l1a, at the desk's current time.
void close_ticket(TestDesk& d, const std::string& id) {
  steps(d, {{"", "take " + id},
            {"", "start " + id},
            {"", "resolve " + id + " --solution 重启"},
            {"", "close " + id + " --confirmed-by 客户"}});
}
}  // namespace

TEST_SUITE("command/edit") {
  TEST_CASE("edit corrects intake fields with a reason, and a priority change re-times the SLA") {
    TestDesk d("2026-03-02T10:00:00+08:00");
    std::string id = d.new_ticket("P3");
    auto before = show(d, id);
    CHECK(before["sla"]["response_due"] != "2026-03-02T10:15:00+08:00");
    d.at("2026-03-02T10:20:00+08:00");
    int commits = d.commits();
    Run r = d.sdesk("edit " + id + " --priority p1 --customer 人事部 --env os=Windows10 --env " +
                        "ip=10.0.0.1 --reason " + q("客户补充说明为全楼停打") + " --json",
                    "l1a");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(d.commits() == commits + 1);
    CHECK(d.clean());
    auto j = r.json();
    CHECK(j["priority"] == "P1");  // any case in, the contract's case stored
    CHECK(j["customer"] == "人事部");
    CHECK(j["environment"]["os"] == "Windows10");
    CHECK(j["environment"]["ip"] == "10.0.0.1");
    // Re-timed from creation (10:00) under P1's 15 minutes, on its 24x7 clock.
    CHECK(j["sla"]["response_due"] == "2026-03-02T10:15:00+08:00");
    CHECK(j["sla"]["response_breached"] == true);
    auto e = j["events"].back();
    CHECK(e["action"] == "edit");
    CHECK(e["priority"] == "P1");
    CHECK(e["customer"] == "人事部");
    CHECK(e["was"]["priority"] == "P3");
    CHECK(e["was"]["customer"] == "财务部");
    CHECK(e["reason"] == "客户补充说明为全楼停打");
    CHECK_FALSE(e.contains("title"));  // only what changed
    std::string msg = d.git("log -1 --format=%B").out;
    CHECK(msg.find("Sdesk-Action: edit") != std::string::npos);
    CHECK(d.sdesk("verify").code == 0);
    // `show` names the correction.
    CHECK(d.sdesk("show " + id).out.find("edit") != std::string::npos);
  }

  TEST_CASE("edit: who may, what is refused, and nothing written when refused") {
    TestDesk d;
    std::string id = d.new_ticket("P3");
    int commits = d.commits();
    SUBCASE("no reason") {
      Run r = d.sdesk("edit " + id + " --title 新标题", "l1a");
      CHECK(r.code == 4);
      CHECK(r.err.find("--reason") != std::string::npos);
    }
    SUBCASE("no field and no reason: both named in one line") {
      Run r = d.sdesk("edit " + id, "l1a");
      CHECK(r.code == 4);
      CHECK(r.err.find("--title") != std::string::npos);
      CHECK(r.err.find("--reason") != std::string::npos);
    }
    SUBCASE("another consultant") {
      Run r = d.sdesk("edit " + id + " --title 新标题 --reason 笔误", "l1b");
      CHECK(r.code == 4);
    }
    SUBCASE("nothing changes") {
      Run r = d.sdesk("edit " + id + " --customer 财务部 --reason 笔误", "l1a");
      CHECK(r.code == 4);
      CHECK(r.err.find("nothing to change") != std::string::npos);
    }
    SUBCASE("a bad priority") {
      Run r = d.sdesk("edit " + id + " --priority P9 --reason 笔误", "l1a");
      CHECK(r.code == 2);
    }
    SUBCASE("emptying a required intake field") {
      Run r = d.sdesk("edit " + id + " --need '' --reason 笔误", "l1a");
      CHECK(r.code == 4);
      CHECK(r.err.find("--need") != std::string::npos);
    }
    CHECK(d.commits() == commits);
    CHECK(d.clean());
    // The PM and the assignee may.
    CHECK(d.sdesk("edit " + id + " --title 新标题 --reason 笔误", "pm1").code == 0);
    CHECK(d.sdesk("assign " + id + " l1b").code == 0);
    CHECK(d.sdesk("edit " + id + " --category 打印 --reason 分类", "l1b").code == 0);
    CHECK(show(d, id)["category"] == "打印");
  }
}

TEST_SUITE("command/link") {
  TEST_CASE("link --clear removes a parent; a link that makes a cycle is exit 4") {
    TestDesk d;
    std::string a = d.new_ticket("P2", "A");
    std::string b = d.new_ticket("P2", "B");
    std::string c = d.new_ticket("P2", "C");
    REQUIRE(d.sdesk("link " + a + " --parent " + b).code == 0);
    REQUIRE(d.sdesk("link " + b + " --parent " + c).code == 0);
    int commits = d.commits();
    Run r = d.sdesk("link " + b + " --parent " + a);
    CHECK(r.code == 4);
    CHECK(r.err.find("cycle") != std::string::npos);
    r = d.sdesk("link " + c + " --parent " + a);  // c -> a -> b -> c
    CHECK(r.code == 4);
    CHECK(d.commits() == commits);
    r = d.sdesk("link " + a + " --clear --json");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.json()["parent"].is_null());
    CHECK(r.json()["events"].back()["action"] == "link");
    CHECK(d.commits() == commits + 1);
    // With the link gone, b may now point at a.
    CHECK(d.sdesk("link " + c + " --parent " + a).code == 0);
    CHECK(d.sdesk("link " + a + " --clear").code == 4);  // nothing to clear
    CHECK(d.sdesk("link " + a).code == 2);               // neither --parent nor --clear
    CHECK(d.sdesk("verify").code == 0);
  }

  TEST_CASE("list --major and --parent; show lists a major incident's children") {
    TestDesk d;
    Run m = d.sdesk(
        "new --title 机房断电 --customer 全院 --contact 8000 --channel monitoring --priority P1 "
        "--need 恢复供电 --required-by 2026-03-02 --env site=A --major",
        "l1a");
    REQUIRE_MESSAGE(m.code == 0, m.err);
    std::string major = m.line();
    std::string child = d.new_ticket("P2", "财务系统无法登录");
    std::string other = d.new_ticket("P3", "其他");
    REQUIRE(d.sdesk("link " + child + " --parent " + major).code == 0);
    auto majors = ids(d.sdesk("list --major --json").json());
    CHECK(majors == std::vector<std::string>{major});
    auto children = ids(d.sdesk("list --parent " + major + " --json").json());
    CHECK(children == std::vector<std::string>{child});
    Run s = d.sdesk("show " + major);
    CHECK(s.out.find(child) != std::string::npos);
    CHECK(s.out.find(other) == std::string::npos);
  }
}

TEST_SUITE("command/complaint-cancel") {
  TEST_CASE("complaint cancel: the PM only, with a reason; a cancelled complaint counts nowhere") {
    TestDesk d;
    Run c1 = d.sdesk("complaint new --customer 财务部 --text 响应太慢 --due 2026-03-03", "l1a");
    Run c2 = d.sdesk("complaint new --customer 财务部 --text 响应太慢 --due 2026-03-03", "l1a");
    REQUIRE(c1.code == 0);
    REQUIRE(c2.code == 0);
    std::string dup = c2.line();
    int commits = d.commits();
    CHECK(d.sdesk("complaint cancel " + dup + " --reason 重复登记", "l1a").code == 4);
    CHECK(d.sdesk("complaint cancel " + dup, "pm1").code == 4);  // no reason
    CHECK(d.commits() == commits);
    Run r = d.sdesk("complaint cancel " + dup + " --reason 重复登记 --json", "pm1");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.json()["status"] == "cancelled");
    CHECK(r.json()["events"].back()["reason"] == "重复登记");
    CHECK(d.sdesk("complaint investigate " + dup + " --text x", "pm1").code == 4);
    // Past due: only the real complaint is overdue, and the KPI counts one.
    d.at("2026-03-10T09:00:00+08:00");
    auto overdue = ids(d.sdesk("complaint list --overdue --json").json());
    CHECK(overdue == std::vector<std::string>{c1.line()});
    auto k = d.sdesk("report kpi --period 2026-03 --json").json();
    CHECK(k["kpi"]["complaints"] == 1);
    CHECK(d.sdesk("verify").code == 0);
  }
}

TEST_SUITE("command/handover-dry-run") {
  TEST_CASE("handover --dry-run prints the handover and writes nothing") {
    TestDesk d;
    d.new_ticket("P2");
    int commits = d.commits();
    Run r = d.sdesk("handover --to l1b --dry-run --format md", "l1a");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK_FALSE(r.out.empty());
    CHECK(d.commits() == commits);
    CHECK(d.clean());
    CHECK(d.sdesk("handover --to l1b", "l1a").code == 0);
    CHECK(d.commits() == commits + 1);
  }
}

TEST_SUITE("command/intake") {
  TEST_CASE("new names every missing field in one error line and writes nothing") {
    TestDesk d;
    int commits = d.commits();
    Run r = d.sdesk("new --title 打印机脱机", "l1a");
    CHECK(r.code == 4);
    auto first = r.err.substr(0, r.err.find('\n'));
    for (const char* f :
         {"--channel", "--priority", "--customer", "--contact", "--need", "--required-by", "--env"})
      CHECK_MESSAGE(first.find(f) != std::string::npos, f << " in: " << first);
    CHECK(d.commits() == commits);
  }

  TEST_CASE("enum values in any case are stored in the contract's case") {
    TestDesk d;
    Run r = d.sdesk(
        "new --title T --customer C --contact 1 --channel HOTLINE --priority p2 --need N "
        "--required-by 2026-12-31 --env a=b --json",
        "l1a");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.json()["priority"] == "P2");
    CHECK(r.json()["channel"] == "hotline");
    std::string id = r.json()["id"];
    CHECK(ids(d.sdesk("list --status NEW --priority p2 --json").json()) ==
          std::vector<std::string>{id});
    CHECK(d.sdesk("take " + id, "l1a").code == 0);
    CHECK(d.sdesk("start " + id, "l1a").code == 0);
    Run e = d.sdesk("escalate " + id + " --to L2 --reason 需要二线 --done 已重启 --json", "l1a");
    REQUIRE_MESSAGE(e.code == 0, e.err);
    CHECK(e.json()["tier"] == "l2");
    CHECK(d.sdesk("staff add l1c --name 孙七 --role L1").code == 0);
    CHECK(d.sdesk("staff show l1c --json").json()["role"] == "l1");
  }

  TEST_CASE("relative times on time options; a past required-by warns and is recorded") {
    TestDesk d("2026-03-02T10:00:00+08:00");
    auto required_by = [&](const std::string& when) {
      Run r = d.sdesk(
          "new --title T --customer C --contact 1 --channel web --priority P3 --need N "
          "--env a=b --json --required-by " +
              q(when),
          "l1a");
      INFO(when << ": " << r.err);
      REQUIRE(r.code == 0);
      return std::make_pair(r.json()["required_by"].get<std::string>(), r.err);
    };
    CHECK(required_by("+90m").first == "2026-03-02T11:30:00+08:00");
    CHECK(required_by("+2h").first == "2026-03-02T12:00:00+08:00");
    CHECK(required_by("+3d").first == "2026-03-05T10:00:00+08:00");
    CHECK(required_by("today 18:00").first == "2026-03-02T18:00:00+08:00");
    CHECK(required_by("tomorrow 09:30").first == "2026-03-03T09:30:00+08:00");
    CHECK(required_by("今天 17:00").first == "2026-03-02T17:00:00+08:00");
    CHECK(required_by("明天 08:00").first == "2026-03-03T08:00:00+08:00");
    auto past = required_by("today 08:00");
    CHECK(past.first == "2026-03-02T08:00:00+08:00");
    CHECK(past.second.find("warning") != std::string::npos);
    CHECK(past.second.find("past") != std::string::npos);
    Run bad = d.sdesk(
        "new --title T --customer C --contact 1 --channel web --priority P3 --need N "
        "--env a=b --required-by '+3x'",
        "l1a");
    CHECK(bad.code == 2);
    CHECK(bad.err.find("--required-by") != std::string::npos);
    // Other time options too.
    Run who = d.sdesk("duty who --at 'tomorrow 10:00' --json");
    CHECK(who.code == 0);
    Run c = d.sdesk("complaint new --customer 财务部 --text 慢 --due +2h --json", "l1a");
    REQUIRE_MESSAGE(c.code == 0, c.err);
    CHECK(c.json()["due"] == "2026-03-02T12:00:00+08:00");
  }

  TEST_CASE("list --assignee me is the operator") {
    TestDesk d;
    std::string mine = d.new_ticket("P3", "mine");
    std::string theirs = d.new_ticket("P3", "theirs");
    REQUIRE(d.sdesk("take " + mine, "l1a").code == 0);
    REQUIRE(d.sdesk("take " + theirs, "l1b").code == 0);
    CHECK(ids(d.sdesk("list --assignee me --json", "l1a").json()) ==
          std::vector<std::string>{mine});
    CHECK(ids(d.sdesk("list --assignee me --json", "l1b").json()) ==
          std::vector<std::string>{theirs});
  }
}

TEST_SUITE("command/sla-bugs") {
  TEST_CASE("a customer wait after the response does not move response_due") {
    TestDesk d("2026-03-02T10:00:00+08:00");
    std::string id = d.new_ticket("P1");
    steps(d, {{"2026-03-02T10:01:00+08:00", "take " + id},
              {"2026-03-02T10:02:00+08:00", "start " + id},
              {"2026-03-02T10:05:00+08:00", "pending " + id + " --reason customer 等客户"},
              {"2026-03-03T10:05:00+08:00", "resume " + id}});
    auto j = show(d, id);
    CHECK(j["sla"]["response_due"] == "2026-03-02T10:15:00+08:00");
    CHECK(j["sla"]["response_breached"] == false);
    CHECK(j["sla"]["minutes_to_response"] == 2);
  }

  TEST_CASE("a paused ticket past its required-by has negative minutes left and sorts first") {
    TestDesk d("2026-03-02T10:00:00+08:00");
    Run r = d.sdesk(
        "new --title 急 --customer C --contact 1 --channel web --priority P1 --need N --env a=b "
        "--required-by 'today 10:30'",
        "l1a");
    REQUIRE(r.code == 0);
    std::string paused = r.line();
    std::string running = d.new_ticket("P2");
    REQUIRE(d.sdesk("take " + paused, "l1a").code == 0);
    REQUIRE(d.sdesk("start " + paused, "l1a").code == 0);
    d.at("2026-03-02T10:05:00+08:00");
    REQUIRE(d.sdesk("pending " + paused + " --reason customer 等客户", "l1a").code == 0);
    d.at("2026-03-02T11:00:00+08:00");
    auto rows = d.sdesk("sla --json").json();
    REQUIRE(rows.size() >= 2);
    CHECK(rows[0]["id"] == paused);
    CHECK(rows[0]["left_minutes"] == -30);
    CHECK(rows[0]["breached"] == true);
    (void)running;
  }

  TEST_CASE("at-risk includes a breached response; --breached leaves out cancelled tickets") {
    TestDesk d("2026-03-02T10:00:00+08:00");
    std::string late = d.new_ticket("P1", "late");
    std::string gone = d.new_ticket("P1", "gone");
    REQUIRE(d.sdesk("take " + late, "l1a").code == 0);
    d.at("2026-03-02T10:20:00+08:00");
    REQUIRE(d.sdesk("start " + late, "l1a").code == 0);  // 5 minutes late
    REQUIRE(d.sdesk("cancel " + gone + " --reason 重复", "l1a").code == 0);
    d.at("2026-03-02T10:21:00+08:00");
    auto risk = ids(d.sdesk("sla --at-risk --json").json());
    CHECK(has(risk, late));
    auto breached = ids(d.sdesk("list --breached --json").json());
    CHECK(has(breached, late));
    CHECK_FALSE(has(breached, gone));
  }

  TEST_CASE("sla explain: counted minutes add up to the total") {
    TestDesk d("2026-03-02T10:00:40+08:00");
    std::string id = d.new_ticket("P1");
    steps(d, {{"2026-03-02T10:00:50+08:00", "take " + id},
              {"2026-03-02T10:05:20+08:00", "start " + id},
              {"2026-03-02T10:10:50+08:00", "pending " + id + " --reason customer 等"},
              {"2026-03-02T10:20:10+08:00", "resume " + id},
              {"2026-03-02T10:30:30+08:00", "resolve " + id + " --solution 重启"}});
    auto j = d.sdesk("sla explain " + id + " --json").json();
    for (const char* clock : {"response", "resolve"}) {
      long sum = 0;
      for (const auto& i : j["intervals"])
        if (i["clock"] == clock && i["counted"] == true) sum += i["minutes"].get<long>();
      CHECK_MESSAGE(sum == j[clock]["minutes"].get<long>(), clock);
    }
    CHECK(j["resolve"]["minutes"] == 20);  // 1230 s counted
    // MTTR is the mean of exact durations: 20.5, not the truncated 20.
    auto k = d.sdesk("report kpi --period 2026-03 --json").json();
    CHECK(k["kpi"]["mttr_minutes"].get<double>() == doctest::Approx(20.5));
  }
}

TEST_SUITE("command/day-bugs") {
  TEST_CASE("calendar import of a year already on the desk makes no commit") {
    TestDesk d("2026-01-05T09:00:00+08:00");
    std::string file = std::string(SDESK_SOURCE_DIR) + "/examples/calendars/2026.json";
    REQUIRE(d.sdesk("calendar import " + q(file)).code == 0);  // the built-in 2026 refreshed
    int commits = d.commits();
    Run r = d.sdesk("calendar import " + q(file) + " --json");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.json()["changed"] == false);
    CHECK(d.commits() == commits);
    CHECK(d.git("log -1 --format=%H").line() == d.git("rev-parse HEAD").line());
    CHECK(d.clean());
  }

  TEST_CASE("staff add reads no other member's file") {
    TestDesk d;
    // A member's file that no longer parses, committed behind sdesk's back: adding someone
    // else does not need it (reading every member made each add slower as staff grew).
    write_file(d.dir() / "staff" / "old.yaml", "id: old\nname: [broken\n");
    REQUIRE(d.git("add staff/old.yaml").code == 0);
    REQUIRE(d.git("-c user.name=x -c user.email=x@example.com commit -qm broken").code == 0);
    Run r = d.sdesk("staff add l1c --name 孙七 --role l1");
    CHECK_MESSAGE(r.code == 0, r.err);
    CHECK(d.sdesk("staff add l1c --name 孙七 --role l1").code == 4);  // exists
  }

  TEST_CASE("examples/duty-handover.sh finds the next shift in the desk's zone") {
    TestDesk d("2026-03-02T17:30:00+08:00");
    REQUIRE(d.sdesk("duty set 2026-03-02 l1b --shift 晚班=18:00-20:00").code == 0);
    std::string script = SDESK_SOURCE_DIR "/examples/duty-handover.sh";
    Run r = sh(d.dir(), "sh " + q(script),
               {{"TZ", "UTC"},
                {"SDESK", SDESK_BINARY},
                {"SDESK_USER", "l1a"},
                {"SDESK_NOW", "2026-03-02T17:30:00+08:00"}});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("l1b") != std::string::npos);
  }

  TEST_CASE("kb new --from fills the symptom with what the customer saw") {
    TestDesk d;
    std::string id = d.new_ticket("P3", "打印机脱机");
    Run r = d.sdesk("kb new --from " + id + " --json", "l1a");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.json()["symptom"] == "打印机脱机");
  }

  TEST_CASE("a reopen past the window tells how to take the ticket up; new --reopens does") {
    TestDesk d;
    std::string id = d.new_ticket("P3", "打印机脱机");
    close_ticket(d, id);
    d.at("2026-03-20T10:00:00+08:00");
    Run r = d.sdesk("reopen " + id + " --reason 又坏了", "l1a");
    CHECK(r.code == 4);
    CHECK(r.err.find("sdesk new --reopens " + id) != std::string::npos);
    Run n = d.sdesk("new --reopens " + id + " --json", "l1a");
    REQUIRE_MESSAGE(n.code == 0, n.err);
    auto j = n.json();
    CHECK(j["id"] != id);
    CHECK(j["title"] == "打印机脱机");
    CHECK(j["customer"] == "财务部");
    CHECK(j["priority"] == "P3");
    CHECK(j["environment"]["os"] == "Windows11");
    CHECK(j["events"][0]["reopens"] == id);
    CHECK(d.sdesk("show " + j["id"].get<std::string>()).out.find("reopens " + id) !=
          std::string::npos);
  }
}

TEST_SUITE("command/input") {
  TEST_CASE("survey record --form takes the Chinese names import takes; duty shifts in Chinese") {
    TestDesk d;
    REQUIRE(d.sdesk("survey new q1 --period 2026-Q1").code == 0);
    Run r = d.sdesk(
        "survey record q1 --tech 5 --response 4 --resolution 4 --attitude 5 --communication 5 "
        "--form 电话",
        "l1a");
    CHECK_MESSAGE(r.code == 0, r.err);
    Run s = d.sdesk("duty set 2026-03-02 l1a --shift 夜班=18:00-23:00 --json");
    CHECK_MESSAGE(s.code == 0, s.err);
    auto who = d.sdesk("duty who --at '2026-03-02 19:00' --json");
    REQUIRE(who.code == 0);
    CHECK(who.out.find("l1a") != std::string::npos);
    CHECK(d.sdesk("verify").code == 0);
  }
}

TEST_SUITE("command/phone") {
  TEST_CASE("callback pick on a terminal shows whom to call; piped, IDs alone") {
    TestDesk d;
    std::string id = d.new_ticket("P3", "打印机脱机");
    close_ticket(d, id);
    Run piped = d.sdesk("callback pick --dry-run --seed 1", "l1a");
    REQUIRE(piped.code == 0);
    CHECK(piped.out == id + "\n");
    std::string inner =
        "script -qec " + q(std::string(SDESK_BINARY) + " callback pick --seed 1") + " /dev/null";
    Run tty = sh(d.dir(), "sh -c " + q(inner),
                 {{"SDESK_NOW", "2026-03-02T09:00:00+08:00"}, {"SDESK_USER", "l1a"}});
    REQUIRE_MESSAGE(tty.code == 0, tty.err);
    CHECK(tty.out.find(id) != std::string::npos);
    CHECK(tty.out.find("财务部") != std::string::npos);
    CHECK(tty.out.find("13800000000") != std::string::npos);
    CHECK(tty.out.find("打印机脱机") != std::string::npos);
    REQUIRE(d.sdesk("callback record " + id + " --reached yes --score 2 --feedback 太慢了", "l1a")
                .code == 0);
    // show gives the callback with whether the customer was reached, the score and feedback.
    Run s = d.sdesk("show " + id);
    CHECK(s.out.find("reached") != std::string::npos);
    CHECK(s.out.find("score 2") != std::string::npos);
    CHECK(s.out.find("太慢了") != std::string::npos);
    std::string list =
        "script -qec " + q(std::string(SDESK_BINARY) + " callback list") + " /dev/null";
    Run l = sh(d.dir(), "sh -c " + q(list),
               {{"SDESK_NOW", "2026-03-02T09:00:00+08:00"}, {"SDESK_USER", "l1a"}});
    CHECK(l.out.find("13800000000") != std::string::npos);
  }
}

TEST_SUITE("command/scorecard") {
  TEST_CASE("an l2 is not scored on first-line resolution; kpi.weights per role") {
    TestDesk d;
    std::string id = d.new_ticket("P3", "数据库慢");
    for (const auto& [step, as] : std::vector<std::pair<std::string, std::string>>{
             {"take " + id, "l1a"},
             {"start " + id, "l1a"},
             {"escalate " + id + " --to l2 --reason 需要DBA --done 已查看日志 --assign l2a", "pm1"},
             {"start " + id, "l2a"},
             {"resolve " + id + " --solution 重建索引", "l2a"}})
      REQUIRE_MESSAGE(d.sdesk(step, as).code == 0, step);
    auto doc = d.sdesk("report performance --period 2026-03 --json").json();
    CHECK_FALSE(doc["weights_by_role"]["l2"].contains("first_line_resolution_rate"));
    CHECK(doc["weights_by_role"]["l1"].contains("first_line_resolution_rate"));
    for (const auto& row : doc["rows"])
      if (row["staff"] == "l2a") CHECK(row["score"] == 100.0);
  }
}

TEST_SUITE("command/help-formats") {
  TEST_CASE("help names only the formats a command offers") {
    TestDesk d;
    Run list = d.sdesk("list --help");
    REQUIRE(list.code == 0);
    CHECK(list.out.find("table") != std::string::npos);
    CHECK(list.out.find("html") == std::string::npos);
    CHECK(list.out.find(",md") == std::string::npos);
    CHECK(d.sdesk("list --format html").code == 2);
    Run monthly = d.sdesk("report monthly --help");
    CHECK(monthly.out.find("html") != std::string::npos);
    Run kpi = d.sdesk("report kpi --help");
    CHECK(kpi.out.find("md") != std::string::npos);
    CHECK(kpi.out.find("html") == std::string::npos);
    CHECK(d.sdesk("report kpi --format md").code == 0);
    CHECK(d.sdesk("list --format JSON").code == 0);  // any case
  }
}

TEST_SUITE("command/deadlines") {
  TEST_CASE("a date alone as a callback plan's --due means the end of that day, as --required-by") {
    TestDesk d;
    std::string id = d.new_ticket("P3", "打印机脱机");
    close_ticket(d, id);
    REQUIRE(
        d.sdesk("callback record " + id + " --reached yes --score 1 --feedback 太慢", "l1a").code ==
        0);
    Run plan = d.sdesk("callback plan " + id + " --owner l1a --text 优化 --due 2026-03-10 --json");
    REQUIRE_MESSAGE(plan.code == 0, plan.err);
    CHECK(plan.json()["plan_due"] == "2026-03-10T23:59:59+08:00");
    CHECK(show(d, id)["required_by"] == "2026-12-31T23:59:59+08:00");
  }
}

TEST_SUITE("command/link-verify") {
  TEST_CASE("verify finds parent links that two clones made into a cycle") {
    TestDesk d;
    std::string a = d.new_ticket("P2", "A");
    std::string b = d.new_ticket("P2", "B");
    TempDir other;
    std::filesystem::path d2 = other.path() / "clone";
    REQUIRE(sh(d.dir(), "git clone -q . " + q(d2.string())).code == 0);
    std::map<std::string, std::string> env = {{"SDESK_NOW", "2026-03-02T09:05:00+08:00"},
                                              {"SDESK_USER", "pm1"}};
    REQUIRE(run_sdesk(d2, "link " + b + " --parent " + a, env).code == 0);
    REQUIRE(d.sdesk("link " + a + " --parent " + b).code == 0);
    CHECK(d.sdesk("verify").code == 0);
    Run pull = d.git("-c user.name=王经理 -c user.email=pm1@example.com pull -q --no-rebase " +
                     q(d2.string()) + " HEAD");
    REQUIRE_MESSAGE(pull.code == 0, pull.err);
    Run v = d.sdesk("verify");
    CHECK(v.code == 4);
    CHECK((v.out + v.err).find("cycle") != std::string::npos);
    CHECK((v.out + v.err).find(a) != std::string::npos);
    // Clearing one link ends it.
    REQUIRE(d.sdesk("link " + a + " --clear").code == 0);
    Run after = d.sdesk("verify");
    CHECK((after.out + after.err).find("cycle") == std::string::npos);
  }
}
