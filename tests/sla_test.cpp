// SLA clocks and the calendar through the real binary, on China's 2026 calendar imported from
// examples/calendars/2026.json: exact due times, pauses, required-by, breaches, 2027.
#include <doctest/doctest.h>

#include <fstream>

#include "tests/helpers.hpp"

using namespace sdesk::test;

namespace {

const std::string kCalendars = std::string(SDESK_SOURCE_DIR) + "/examples/calendars/";

// Runs one step at a fixed time; fails the test when it is refused.
void step(TestDesk& d, const std::string& at, const std::string& args,
          const std::string& as = "l1a") {
  d.at(at);
  Run r = d.sdesk(args, as);
  INFO(args << " as " << as << " → " << r.err);
  REQUIRE(r.code == 0);
}

// A complete ticket recorded by l1a at `at`; extra flags appended.
std::string ticket(TestDesk& d, const std::string& at, const std::string& priority,
                   const std::string& extra = "--required-by 2026-12-31") {
  d.at(at);
  Run r = d.sdesk(
      "new --title 打印机脱机 --customer 财务部 --contact 13800000000 --channel hotline "
      "--priority " +
          priority + " --need 恢复打印 --env os=Windows11 " + extra,
      "l1a");
  INFO(r.err);
  REQUIRE(r.code == 0);
  return r.line();
}

// The ticket's `sla` object at the desk's current time.
nlohmann::json sla(const TestDesk& d, const std::string& id) {
  Run r = d.sdesk("show " + id + " --json");
  INFO(r.err);
  REQUIRE(r.code == 0);
  return r.json()["sla"];
}

// A desk with the 2026 calendar imported from the examples.
void import_2026(TestDesk& d) {
  Run r = d.sdesk("calendar import " + q(kCalendars + "2026.json"));
  INFO(r.err);
  REQUIRE(r.code == 0);
}

}  // namespace

TEST_SUITE("command/sla") {
  TEST_CASE("calendar import: one commit by the PM, comments kept, refusals write nothing") {
    TestDesk d("2026-01-05T09:00:00+08:00");
    int base = d.commits();
    import_2026(d);  // the year `init` built in, as the file has it: nothing to commit
    CHECK(d.commits() == base);
    CHECK(d.clean());
    std::string yaml = d.git("show HEAD:desk.yaml").out;
    CHECK(yaml.find("timezone: Asia/Shanghai            # IANA name") != std::string::npos);
    CHECK(yaml.find("# Dated days off and dated extra working days") != std::string::npos);
    CHECK(yaml.find("  - \"2026-02-14 春节\"") != std::string::npos);
    CHECK(yaml.find("calendar_years: [2024, 2025, 2026]") != std::string::npos);

    // A year of its own: 2027 becomes covered.
    std::string y2027 =
        (d.dir().parent_path() / (d.dir().filename().string() + "-2027.json")).string();
    {
      std::ofstream f(y2027);
      f << R"({"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]})";
    }
    CHECK(d.sdesk("calendar check 2027-01-01").code == 4);
    Run r = d.sdesk("calendar import " + q(y2027) + " --json");
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.json()["years"] == nlohmann::json::array({2027}));
    CHECK(r.json()["changed"] == true);
    CHECK(d.commits() == base + 1);
    std::string msg = d.git("log -1 --format=%B").out;
    CHECK(msg.rfind("desk: calendar-import — 2027: 1 holidays, 0 workdays", 0) == 0);
    CHECK(msg.find("Sdesk-Object: desk") != std::string::npos);
    CHECK(msg.find("Sdesk-Action: calendar-import") != std::string::npos);
    CHECK(d.sdesk("calendar check 2027-01-01 --json").json()["reason"] == "holiday:元旦");
    CHECK(d.sdesk("calendar check 2027-01-04 --json").json()["reason"] == "weekday");
    std::filesystem::remove(y2027);
    CHECK(d.clean());

    int before = d.commits();
    Run l1 = d.sdesk("calendar import " + q(kCalendars + "2025.json"), "l1a");
    CHECK(l1.code == 4);
    CHECK(l1.err.find("only the PM") != std::string::npos);
    Run missing = d.sdesk("calendar import no-such.json");
    CHECK(missing.code == 3);
    CHECK(missing.err.find("no-such.json") != std::string::npos);
    {
      std::ofstream f(d.dir() / ".." / (d.dir().filename().string() + "-bad.json"));
      f << R"({"year": 2027, "days": [{"name": "x", "date": "2027-02-30", "isOffDay": true}]})";
    }
    std::string bad = (d.dir() / ".." / (d.dir().filename().string() + "-bad.json")).string();
    Run b = d.sdesk("calendar import " + q(bad));
    CHECK(b.code == 4);
    CHECK(b.err.find("days[0].date") != std::string::npos);
    std::filesystem::remove(bad);
    CHECK(d.commits() == before);
    CHECK(d.clean());
  }

  TEST_CASE("calendar check and show: why a day is worked, exit 4 naming an uncovered year") {
    TestDesk d("2026-01-05T09:00:00+08:00");
    import_2026(d);
    auto check = [&](const std::string& day) {
      Run r = d.sdesk("calendar check " + day + " --json");
      INFO(r.err);
      REQUIRE(r.code == 0);
      return r.json();
    };
    auto j = check("2026-02-14");
    CHECK(j["date"] == "2026-02-14");
    CHECK(j["working"] == true);
    CHECK(j["reason"] == "workday:春节");
    j = check("2026-02-16");
    CHECK(j["working"] == false);
    CHECK(j["reason"] == "holiday:春节");
    CHECK(check("2026-03-07")["reason"] == "weekend");
    CHECK(check("2026-03-02")["reason"] == "weekday");
    Run t = d.sdesk("calendar check 2026-10-01");
    CHECK(t.code == 0);
    CHECK(t.out == "2026-10-01 thu: day off (holiday:国庆节)\n");

    Run gap = d.sdesk("calendar check 2027-01-04");
    CHECK(gap.code == 4);
    CHECK(gap.err.find("sdesk: error:") == 0);
    CHECK(gap.err.find("2027") != std::string::npos);
    CHECK(gap.out.empty());
    CHECK(d.sdesk("calendar check 2026-02-30").code == 2);

    Run show = d.sdesk("calendar show 2026 --json");
    REQUIRE(show.code == 0);
    auto days = show.json();
    CHECK(days.size() == 39);
    CHECK(days[0]["date"] == "2026-01-01");
    CHECK(days[0]["kind"] == "holiday");
    CHECK(days[0]["name"] == "元旦");
    CHECK(days[3]["kind"] == "workday");
    CHECK(d.sdesk("calendar show 2027").code == 4);
  }

  TEST_CASE(
      "春节: a ticket on Friday 2026-02-13 runs through the worked Saturday and skips the "
      "holiday") {
    TestDesk d("2026-01-05T09:00:00+08:00");
    import_2026(d);
    // P3: response 2h, resolve 16h, business clock (7.5 working hours a day).
    std::string id = ticket(d, "2026-02-13T16:00:00+08:00", "P3");
    auto s = sla(d, id);
    CHECK(s["response_due"] == "2026-02-13T18:00:00+08:00");
    // 120 min Friday + 450 min on Saturday 14th (调休, mon's hours) + 15th–23rd off
    // + 390 min on Tuesday 24th.
    CHECK(s["resolve_due"] == "2026-02-24T17:00:00+08:00");
    step(d, "2026-02-14T09:10:00+08:00", "take " + id);
    step(d, "2026-02-14T09:20:00+08:00", "start " + id);
    d.at("2026-02-16T10:00:00+08:00");
    s = sla(d, id);
    CHECK(s["response_breached"] == true);  // due Friday 18:00, answered Saturday 09:20
    CHECK(s["minutes_to_response"] == 140);
    CHECK(s["resolve_breached"] == false);
    Run list = d.sdesk("sla --json");
    REQUIRE(list.code == 0);
    REQUIRE(list.json().size() == 1);
    CHECK(list.json()[0]["due"] == "2026-02-24T17:00:00+08:00");
    CHECK(list.json()[0]["left_minutes"] == 390);  // nothing counts during the holiday
    // Every counted interval, with why.
    Run ex = d.sdesk("sla explain " + id + " --json");
    REQUIRE(ex.code == 0);
    auto j = ex.json();
    CHECK(j["clock"] == "business");
    long counted = 0;
    bool saw_workday = false;
    for (const auto& i : j["intervals"]) {
      if (i["clock"] != "resolve" || !i["counted"].get<bool>()) continue;
      counted += i["minutes"].get<long>();
      if (i["why"].get<std::string>().find("workday:春节") != std::string::npos) {
        saw_workday = true;
        CHECK(i["from"].get<std::string>().rfind("2026-02-14", 0) == 0);
      }
    }
    CHECK(saw_workday);
    CHECK(counted == 120 + 450);
    // The holiday shows as one stretch that did not count.
    bool saw_holiday = false;
    for (const auto& i : j["intervals"])
      if (i["clock"] == "resolve" && i["why"] == "not worked: holiday:春节") {
        saw_holiday = true;
        CHECK(i["counted"] == false);
        CHECK(i["from"] == "2026-02-15T00:00:00+08:00");
        CHECK(i["to"] == "2026-02-16T10:00:00+08:00");
      }
    CHECK(saw_holiday);
    Run table = d.sdesk("sla explain " + id);
    CHECK(table.code == 0);
    CHECK(table.out.find("workday:春节") != std::string::npos);
    step(d, "2026-02-24T16:00:00+08:00", "resolve " + id + " --solution 更换硒鼓");
    s = sla(d, id);
    CHECK(s["minutes_to_resolve"] == 120 + 450 + 330);
    CHECK(s["resolve_breached"] == false);
  }

  TEST_CASE("P1 on a 24x7 clock across midnight on a holiday") {
    TestDesk d("2026-09-30T09:00:00+08:00");
    std::string id = ticket(d, "2026-10-01T23:00:00+08:00", "P1");
    auto s = sla(d, id);
    CHECK(s["response_due"] == "2026-10-01T23:15:00+08:00");
    CHECK(s["resolve_due"] == "2026-10-02T03:00:00+08:00");
    step(d, "2026-10-01T23:05:00+08:00", "take " + id);
    step(d, "2026-10-01T23:10:00+08:00", "start " + id);
    step(d, "2026-10-02T01:30:00+08:00", "resolve " + id + " --solution 切换备机");
    s = sla(d, id);
    CHECK(s["minutes_to_response"] == 10);
    CHECK(s["minutes_to_resolve"] == 150);
    CHECK(s["response_breached"] == false);
    CHECK(s["resolve_breached"] == false);
  }

  TEST_CASE("a customer pause inside the working day and across lunch stops both clocks") {
    TestDesk d;  // 2026-03-02 (Monday) 09:00
    std::string id = ticket(d, "2026-03-02T09:00:00+08:00", "P3");
    step(d, "2026-03-02T09:10:00+08:00", "take " + id);
    step(d, "2026-03-02T09:30:00+08:00", "start " + id);
    step(d, "2026-03-02T11:00:00+08:00", "pending " + id + " --reason customer 等客户提供日志");
    d.at("2026-03-02T13:00:00+08:00");
    auto s = sla(d, id);
    CHECK(s["paused_minutes"] == 60);  // 11:00–12:00; lunch does not count
    step(d, "2026-03-02T14:00:00+08:00", "resume " + id);
    step(d, "2026-03-02T15:00:00+08:00", "pending " + id + " --reason customer 等确认");
    step(d, "2026-03-02T15:20:00+08:00", "resume " + id);
    // A vendor wait does not pause.
    step(d, "2026-03-02T15:30:00+08:00", "pending " + id + " --reason vendor 等备件");
    step(d, "2026-03-02T15:45:00+08:00", "resume " + id);
    s = sla(d, id);
    CHECK(s["paused_minutes"] == 60 + 30 + 20);
    CHECK(s["minutes_to_response"] == 30);
    // 960 working min from Monday 09:00 is Wednesday 10:00; 110 paused minutes → 11:50.
    CHECK(s["resolve_due"] == "2026-03-04T11:50:00+08:00");
    step(d, "2026-03-02T16:00:00+08:00", "resolve " + id + " --solution 调整驱动");
    s = sla(d, id);
    CHECK(s["minutes_to_resolve"] == 330 - 110);
    auto ex = d.sdesk("sla explain " + id + " --json").json();
    int paused = 0;
    for (const auto& i : ex["intervals"])
      if (i["clock"] == "resolve" && !i["counted"].get<bool>()) {
        CHECK(i["why"] == "paused: waiting on the customer");
        ++paused;
      }
    CHECK(paused == 2);
  }

  TEST_CASE("--required-by tighter than the target, a breach, at-risk, and sla ordering") {
    TestDesk d;  // 2026-03-02 (Monday) 09:00
    std::string tight =
        ticket(d, "2026-03-02T09:00:00+08:00", "P3", "--required-by 2026-03-02T17:00:00+08:00");
    std::string loose =
        ticket(d, "2026-03-02T09:00:00+08:00", "P3", "--required-by 2026-03-31T17:00:00+08:00");
    std::string p2 = ticket(d, "2026-03-02T09:00:00+08:00", "P2");
    CHECK(sla(d, tight)["resolve_due"] == "2026-03-02T17:00:00+08:00");
    CHECK(sla(d, loose)["resolve_due"] == "2026-03-04T10:00:00+08:00");
    step(d, "2026-03-02T09:05:00+08:00", "take " + tight);
    step(d, "2026-03-02T09:05:00+08:00", "start " + tight);
    step(d, "2026-03-02T09:06:00+08:00", "take " + loose);
    step(d, "2026-03-02T09:06:00+08:00", "start " + loose);

    d.at("2026-03-02T10:00:00+08:00");
    auto s = sla(d, p2);
    CHECK(s["response_due"] == "2026-03-02T09:30:00+08:00");
    CHECK(s["response_breached"] == true);
    CHECK(sla(d, tight)["response_breached"] == false);
    Run r = d.sdesk("sla --json");
    REQUIRE(r.code == 0);
    auto rows = r.json();
    REQUIRE(rows.size() == 3);
    CHECK(rows[0]["id"] == p2);
    CHECK(rows[0]["breached"] == true);
    CHECK(rows[0]["left_minutes"] == -30);
    CHECK(rows[0]["priority"] == "P2");
    CHECK(rows[0]["status"] == "new");
    CHECK(rows[1]["id"] == tight);
    CHECK(rows[1]["due"] == "2026-03-02T17:00:00+08:00");
    CHECK(rows[1]["left_minutes"] == 120 + 210);
    CHECK(rows[2]["id"] == loose);
    Run breached = d.sdesk("sla --breached --json");
    REQUIRE(breached.json().size() == 1);
    CHECK(breached.json()[0]["id"] == p2);
    Run list = d.sdesk("list --breached --json");
    REQUIRE(list.code == 0);
    REQUIRE(list.json().size() == 1);
    CHECK(list.json()[0]["id"] == p2);

    // At 16:00 the tight ticket has used 330 of its 390 working minutes (≥ 75 %).
    d.at("2026-03-02T16:00:00+08:00");
    Run risk = d.sdesk("sla --at-risk --json");
    REQUIRE(risk.code == 0);
    bool tight_at_risk = false, loose_at_risk = false;
    for (const auto& row : risk.json()) {
      tight_at_risk = tight_at_risk || row["id"] == tight;
      loose_at_risk = loose_at_risk || row["id"] == loose;
    }
    CHECK(tight_at_risk);
    CHECK_FALSE(loose_at_risk);
    d.at("2026-03-02T17:30:00+08:00");
    CHECK(sla(d, tight)["resolve_breached"] == true);
    Run table = d.sdesk("sla");
    CHECK(table.code == 0);
    CHECK(table.out.find("BREACHED") != std::string::npos);
    CHECK(table.out.find(tight) != std::string::npos);
    // Reads never write; the same events give the same numbers.
    int commits = d.commits();
    CHECK(d.sdesk("sla --json").out == d.sdesk("sla --json").out);
    CHECK(d.sdesk("sla explain " + tight + " --json").out ==
          d.sdesk("sla explain " + tight + " --json").out);
    CHECK(d.commits() == commits);
  }

  TEST_CASE("2027 has no calendar: the ticket is recorded with null dues and a warning") {
    TestDesk d("2026-12-30T09:00:00+08:00");
    // A December ticket whose clock runs into 2027 cannot be given a resolution due time.
    std::string dec = ticket(d, "2026-12-31T10:00:00+08:00", "P3");
    auto sd = sla(d, dec);
    CHECK(sd["response_due"] == "2026-12-31T12:00:00+08:00");
    CHECK(sd["resolve_due"].is_null());
    int base = d.commits();
    d.at("2027-01-04T10:00:00+08:00");
    Run r = d.sdesk(
        "new --title 打印机脱机 --customer 财务部 --contact 13800000000 --channel hotline "
        "--priority P3 --need 恢复打印 --env os=Windows11 --required-by 2027-01-31",
        "l1a");
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(d.commits() == base + 1);
    CHECK(r.err.find("sdesk: warning:") == 0);
    CHECK(r.err.find("2027") != std::string::npos);
    std::string id = r.line();
    auto s = sla(d, id);
    CHECK(s["response_due"].is_null());
    CHECK(s["resolve_due"].is_null());
    CHECK(s["response_breached"] == false);
    // A 24x7 clock needs no holidays.
    std::string p1 = ticket(d, "2027-01-04T10:00:00+08:00", "P1");
    CHECK(sla(d, p1)["response_due"] == "2027-01-04T10:15:00+08:00");
    Run gap = d.sdesk("calendar check 2027-01-04");
    CHECK(gap.code == 4);
    CHECK(gap.err.find("2027") != std::string::npos);
    CHECK(d.clean());
  }
}
