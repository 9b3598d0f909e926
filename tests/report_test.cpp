// Reports through the real binary: a month of tickets with known outcomes and every KPI value.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "lib/report/kpi.hpp"
#include "tests/helpers.hpp"

using namespace sdesk::test;

namespace {

const std::string kDay = "2026-03-";

// The headless browser of the page tests; the test fails when there is none.
std::string chromium() {
  for (const char* b : {"chromium", "chromium-browser"})
    if (sh(std::filesystem::current_path(), std::string("sh -c 'command -v ") + b + "'").code == 0)
      return b;
  FAIL("chromium is not installed (scripts/test.sh installs Debian's chromium)");
  return "";
}

// Runs one step at a fixed time; fails the test when it is refused.
void step(TestDesk& d, const std::string& at, const std::string& args, const std::string& as) {
  d.at(at);
  Run r = d.sdesk(args, as);
  INFO(args << " as " << as << " → " << r.err);
  REQUIRE(r.code == 0);
}

// A P1 ticket (24x7 clock: response 15m, resolve 4h) recorded by `owner` at `at`.
std::string ticket(TestDesk& d, const std::string& at, const std::string& owner,
                   const std::string& title, const std::string& customer = "财务部",
                   const std::string& category = "printer") {
  d.at(at);
  Run r = d.sdesk("new --title " + q(title) + " --customer " + q(customer) +
                      " --contact 13800000000 --channel hotline --priority P1 --category " +
                      category + " --need 恢复 --required-by 2026-12-31 --env os=Windows11",
                  owner);
  INFO(r.err);
  REQUIRE(r.code == 0);
  return r.line();
}

struct Month {
  std::string a, b, c, d, e, f, g, h, i;
  bool callbacks = false;   // whether this build records callbacks
  bool complaints = false;  // … complaints
  bool surveys = false;     // … surveys
};

// Builds March 2026 with known outcomes; the report's now is 2026-03-31 20:00.
//   A l1a: response 10m, resolve 70m, closed, callback reached score 5
//   B l1a: response 30m (late), resolve 180m, closed, callback reached score 3
//   C l1b: response 5m, escalated to l2, resolve 300m (late), closed, callback not reached
//   D l1b: response 10m, l2 then vendor, resolve 270m (late), resolved (not closed)
//   E l1a: response 5m, resolved 60m, reopened at once, resolved again at 120m, closed
//   F l1b: never touched: response and resolution due and missed
//   G l1a: created 10 minutes before now: nothing due yet
//   H l1a: created in February: outside the period
//   I l1b: cancelled before any response
Month build_month(TestDesk& d) {
  Month m;
  m.h = ticket(d, "2026-02-27T09:00:00+08:00", "l1a", "二月的工单");
  step(d, "2026-02-27T09:01:00+08:00", "take " + m.h, "l1a");
  step(d, "2026-02-27T09:02:00+08:00", "start " + m.h, "l1a");
  step(d, "2026-02-27T09:30:00+08:00", "resolve " + m.h + " --solution 好了", "l1a");

  m.a = ticket(d, kDay + "02T09:00:00+08:00", "l1a", "打印机脱机");
  step(d, kDay + "02T09:05:00+08:00", "take " + m.a, "l1a");
  step(d, kDay + "02T09:10:00+08:00", "start " + m.a, "l1a");
  step(d, kDay + "02T10:10:00+08:00", "resolve " + m.a + " --solution 重启", "l1a");
  step(d, kDay + "02T10:30:00+08:00", "close " + m.a + " --confirmed-by 张会计", "l1a");

  m.b = ticket(d, kDay + "03T09:00:00+08:00", "l1a", "邮箱无法登录", "人事部", "mail");
  step(d, kDay + "03T09:30:00+08:00", "take " + m.b, "l1a");
  step(d, kDay + "03T09:30:00+08:00", "start " + m.b, "l1a");
  step(d, kDay + "03T12:00:00+08:00", "resolve " + m.b + " --solution 重置密码", "l1a");
  step(d, kDay + "03T12:10:00+08:00", "close " + m.b + " --confirmed-by 李", "l1a");

  m.c = ticket(d, kDay + "04T09:00:00+08:00", "l1b", "数据库慢", "财务部", "db");
  step(d, kDay + "04T09:01:00+08:00", "take " + m.c, "l1b");
  step(d, kDay + "04T09:05:00+08:00", "start " + m.c, "l1b");
  step(d, kDay + "04T09:20:00+08:00",
       "escalate " + m.c + " --to l2 --assign l2a --reason 需要DBA --done 查看了慢查询", "l1b");
  step(d, kDay + "04T09:30:00+08:00", "start " + m.c, "l2a");
  step(d, kDay + "04T14:00:00+08:00", "resolve " + m.c + " --solution 加索引", "l2a");
  step(d, kDay + "04T14:10:00+08:00", "close " + m.c + " --confirmed-by 王", "l1b");

  m.d = ticket(d, kDay + "05T09:00:00+08:00", "l1b", "存储告警", "运维部", "storage");
  step(d, kDay + "05T09:01:00+08:00", "take " + m.d, "l1b");
  step(d, kDay + "05T09:10:00+08:00", "start " + m.d, "l1b");
  step(d, kDay + "05T09:20:00+08:00",
       "escalate " + m.d + " --to l2 --assign l2a --reason 硬件 --done 看了日志", "l1b");
  step(d, kDay + "05T09:30:00+08:00", "start " + m.d, "l2a");
  step(d, kDay + "05T09:40:00+08:00",
       "escalate " + m.d + " --to vendor:acme --reason 换盘 --done 定位到坏盘", "l2a");
  step(d, kDay + "05T13:30:00+08:00", "resolve " + m.d + " --solution 厂商换盘", "l2a");

  m.e = ticket(d, kDay + "06T09:00:00+08:00", "l1a", "VPN 断线", "财务部", "network");
  step(d, kDay + "06T09:01:00+08:00", "take " + m.e, "l1a");
  step(d, kDay + "06T09:05:00+08:00", "start " + m.e, "l1a");
  step(d, kDay + "06T10:00:00+08:00", "resolve " + m.e + " --solution 重连", "l1a");
  step(d, kDay + "06T10:00:00+08:00", "reopen " + m.e + " --reason 又断了", "l1a");
  step(d, kDay + "06T11:00:00+08:00", "resolve " + m.e + " --solution 换客户端", "l1a");
  step(d, kDay + "06T11:30:00+08:00", "close " + m.e + " --confirmed-by 张", "l1a");

  m.f = ticket(d, kDay + "10T09:00:00+08:00", "l1b", "无人处理", "运维部", "network");
  m.i = ticket(d, kDay + "11T09:00:00+08:00", "l1b", "误报", "运维部", "network");
  step(d, kDay + "11T09:05:00+08:00", "cancel " + m.i + " --reason 客户撤回", "l1b");
  // Callbacks, when this build records them.
  d.at(kDay + "31T15:00:00+08:00");
  Run cb = d.sdesk("callback record " + m.a + " --reached yes --score 5", "l1a");
  m.callbacks = cb.code == 0;
  if (m.callbacks) {
    step(d, kDay + "31T15:05:00+08:00", "callback record " + m.b + " --reached yes --score 3",
         "l1a");
    step(d, kDay + "31T15:10:00+08:00", "callback record " + m.c + " --reached no", "l1b");
  }
  // Complaints: one closed on time, one overdue, one not yet due.
  d.at(kDay + "12T10:00:00+08:00");
  Run c1 = d.sdesk("complaint new --customer 人事部 --text 态度不好 --ticket " + m.b +
                       " --against l1a --due 2026-03-15T10:00:00+08:00",
                   "l1b");
  m.complaints = c1.code == 0;
  if (m.complaints) {
    std::string id = c1.line();
    step(d, kDay + "12T11:00:00+08:00",
         "complaint investigate " + id + " --text 录音核实 --cause 态度", "pm1");
    step(d, kDay + "13T09:00:00+08:00", "complaint reply " + id + " --text 已致歉", "pm1");
    step(d, kDay + "13T10:00:00+08:00", "complaint close " + id, "pm1");
    d.at(kDay + "20T10:00:00+08:00");
    REQUIRE(d.sdesk("complaint new --customer 运维部 --text 一直没人处理 --against l1b --due "
                    "2026-03-22T10:00:00+08:00",
                    "l1a")
                .code == 0);
    d.at(kDay + "31T10:00:00+08:00");
    REQUIRE(d.sdesk("complaint new --customer 财务部 --text 电话打不通", "l1a").code == 0);
  }
  // A survey with two answers.
  d.at(kDay + "25T10:00:00+08:00");
  m.surveys = d.sdesk("survey new 2026-03 --period 2026-03", "pm1").code == 0;
  if (m.surveys) {
    step(d, kDay + "25T10:05:00+08:00",
         "survey record 2026-03 --tech 5 --response 4 --resolution 4 --attitude 5 "
         "--communication 3",
         "l1a");
    step(d, kDay + "25T10:10:00+08:00",
         "survey record 2026-03 --tech 4 --response 4 --resolution 2 --attitude 5 "
         "--communication 4",
         "l1b");
  }
  m.g = ticket(d, kDay + "31T19:50:00+08:00", "l1a", "刚来的工单");
  d.at(kDay + "31T20:00:00+08:00");
  return m;
}

}  // namespace

TEST_SUITE("command/report") {
  TEST_CASE("report kpi: every KPI of a known month, nulls, and --by staff rows that add up") {
    TestDesk d("2026-02-26T09:00:00+08:00");
    Month m = build_month(d);
    int commits = d.commits();

    Run r = d.sdesk("report kpi --period 2026-03 --json");
    INFO(r.err);
    REQUIRE(r.code == 0);
    auto j = r.json();
    CHECK(j["period"]["from"] == "2026-03-01");
    CHECK(j["period"]["to"] == "2026-03-31");
    auto k = j["kpi"];
    CHECK(k["tickets"] == 8);
    // response due or done: A B C D E F (G not yet due, I cancelled); on time: A C D E
    CHECK(k["response_ontime_rate"].get<double>() == doctest::Approx(4.0 / 6));
    // resolution due or done: A B C D E F; on time: A B E
    CHECK(k["resolve_ontime_rate"].get<double>() == doctest::Approx(3.0 / 6));
    // resolved: A B C D E; never left l1: A B E
    CHECK(k["first_line_resolution_rate"].get<double>() == doctest::Approx(3.0 / 5));
    CHECK(k["escalation_rate"].get<double>() == doctest::Approx(2.0 / 8));
    CHECK(k["vendor_escalation_rate"].get<double>() == doctest::Approx(1.0 / 8));
    CHECK(k["reopen_rate"].get<double>() == doctest::Approx(1.0 / 5));
    CHECK(k["mtta_minutes"].get<double>() == doctest::Approx((10 + 30 + 5 + 10 + 5) / 5.0));
    CHECK(k["mttr_minutes"].get<double>() == doctest::Approx((70 + 180 + 300 + 270 + 120) / 5.0));
    if (m.callbacks) {
      // closed: A B C E; called back with the customer reached: A B
      CHECK(k["callback_rate"].get<double>() == doctest::Approx(2.0 / 4));
      CHECK(k["callback_satisfaction"].get<double>() == doctest::Approx(4.0));
    } else {
      MESSAGE("callbacks are not in this build: callback KPIs must be null");
      CHECK(k["callback_rate"].is_null());
      CHECK(k["callback_satisfaction"].is_null());
    }
    CHECK(k["kb_articles"] == 0);
    if (m.complaints) {
      CHECK(k["complaints"] == 3);
      // due: the closed one (on time) and the overdue one; the third is not due yet
      CHECK(k["complaint_ontime_rate"].get<double>() == doctest::Approx(0.5));
    } else {
      CHECK(k["complaints"].is_null());
    }
    if (m.surveys) {
      auto sv = k["survey_scores"];
      CHECK(sv["tech"].get<double>() == doctest::Approx(4.5));
      CHECK(sv["response"].get<double>() == doctest::Approx(4.0));
      CHECK(sv["resolution"].get<double>() == doctest::Approx(3.0));
      CHECK(sv["attitude"].get<double>() == doctest::Approx(5.0));
      CHECK(sv["communication"].get<double>() == doctest::Approx(3.5));
    } else {
      CHECK(k["survey_scores"].is_null());
    }
    // Reports only read.
    CHECK(d.commits() == commits);
    CHECK(d.clean());

    // The same figures as a table, in Chinese, and as CSV.
    Run t = d.sdesk("report kpi --period 2026-03");
    REQUIRE(t.code == 0);
    CHECK(t.out.find("响应及时率") != std::string::npos);
    CHECK(t.out.find("66.7%") != std::string::npos);
    Run csv = d.sdesk("report kpi --period 2026-03 --format csv");
    REQUIRE(csv.code == 0);
    CHECK(csv.out.find("resolve_ontime_rate,解决及时率,0.5000") != std::string::npos);
    Run md = d.sdesk("report kpi --period 2026-03 --format md");
    REQUIRE(md.code == 0);
    CHECK(md.out.find("| mttr_minutes |") != std::string::npos);

    SUBCASE("--by staff counts each ticket under its owner and adds up to the whole") {
      Run b = d.sdesk("report kpi --period 2026-03 --by staff --json");
      REQUIRE(b.code == 0);
      auto bj = b.json();
      CHECK(bj["by"] == "staff");
      CHECK(bj["kpi"] == k);
      std::map<std::string, nlohmann::json> rows;
      int sum = 0;
      for (const auto& row : bj["rows"]) {
        rows[row["key"]] = row["kpi"];
        sum += row["kpi"]["tickets"].get<int>();
      }
      CHECK(sum == 8);
      REQUIRE(rows.count("l1a"));
      REQUIRE(rows.count("l1b"));
      CHECK(rows["l1a"]["tickets"] == 4);  // A B E G
      CHECK(rows["l1b"]["tickets"] == 4);  // C D F I
      CHECK(rows["l1a"]["first_line_resolution_rate"].get<double>() == doctest::Approx(1.0));
      CHECK(rows["l1b"]["first_line_resolution_rate"].get<double>() == doctest::Approx(0.0));
      CHECK(rows["l1a"]["escalation_rate"].get<double>() == doctest::Approx(0.0));
      CHECK(rows["l1b"]["escalation_rate"].get<double>() == doctest::Approx(0.5));
      CHECK(rows["l1a"]["mttr_minutes"].get<double>() == doctest::Approx((70 + 180 + 120) / 3.0));
      if (m.complaints) {
        CHECK(rows["l1a"]["complaints"] == 1);  // against l1a
        CHECK(rows["l1b"]["complaints"] == 1);
        CHECK(rows["l1a"]["complaint_ontime_rate"].get<double>() == doctest::Approx(1.0));
        CHECK(rows["l1b"]["complaint_ontime_rate"].get<double>() == doctest::Approx(0.0));
      }
      if (m.callbacks) {
        CHECK(rows["l1a"]["callback_rate"].get<double>() ==
              doctest::Approx(2.0 / 3));                                            // A B of A B E
        CHECK(rows["l1b"]["callback_rate"].get<double>() == doctest::Approx(0.0));  // C not reached
      }
    }
    SUBCASE("--by tier and --by customer also add up") {
      for (const char* by : {"tier", "customer", "category"}) {
        Run b = d.sdesk(std::string("report kpi --period 2026-03 --json --by ") + by);
        REQUIRE(b.code == 0);
        auto rows = b.json();
        int sum = 0;
        for (const auto& row : rows["rows"]) sum += row["kpi"]["tickets"].get<int>();
        CHECK_MESSAGE(sum == 8, by);
      }
      Run b = d.sdesk("report kpi --period 2026-03 --json --by tier");
      int vendor = 0;
      auto tiers = b.json();
      for (const auto& row : tiers["rows"])
        if (row["key"] == "vendor") vendor = row["kpi"]["tickets"];
      CHECK(vendor == 1);  // D is with the vendor
    }
    SUBCASE("a period with no tickets reports null rates, never 0") {
      Run e = d.sdesk("report kpi --period 2026-05 --json");
      REQUIRE(e.code == 0);
      auto ek = e.json()["kpi"];
      CHECK(ek["tickets"] == 0);
      for (const char* key :
           {"response_ontime_rate", "resolve_ontime_rate", "first_line_resolution_rate",
            "escalation_rate", "vendor_escalation_rate", "reopen_rate", "mtta_minutes",
            "mttr_minutes", "callback_rate", "callback_satisfaction", "complaint_ontime_rate"})
        CHECK_MESSAGE(ek[key].is_null(), key);
    }
    SUBCASE("periods: quarter, range, default month, and bad input") {
      Run q1 = d.sdesk("report kpi --period 2026-Q1 --json");
      REQUIRE(q1.code == 0);
      CHECK(q1.json()["kpi"]["tickets"] == 9);  // February's H too
      CHECK(q1.json()["period"]["to"] == "2026-03-31");
      Run range = d.sdesk("report kpi --period 2026-03-02..2026-03-04 --json");
      REQUIRE(range.code == 0);
      CHECK(range.json()["kpi"]["tickets"] == 3);  // A B C
      Run dflt = d.sdesk("report kpi --json");
      REQUIRE(dflt.code == 0);
      CHECK(dflt.json()["period"]["from"] == "2026-03-01");
      CHECK(dflt.json()["kpi"]["tickets"] == 8);
      Run bad = d.sdesk("report kpi --period 2026-13");
      CHECK(bad.code == 2);
      CHECK(bad.err.find("--period") != std::string::npos);
      CHECK(d.sdesk("report kpi --period march").code == 2);
      CHECK(d.sdesk("report kpi --by weekday").code == 2);
    }
    SUBCASE("performance: per consultant, weighted, ranked") {
      Run p = d.sdesk("report performance --period 2026-03 --json");
      INFO(p.err);
      REQUIRE(p.code == 0);
      auto pj = p.json();
      std::map<std::string, nlohmann::json> rows;
      int rank = 0;
      double last = 1e9;
      for (const auto& row : pj["rows"]) {
        CHECK(row["rank"] == ++rank);
        if (row["score"].is_number()) {
          CHECK(row["score"].get<double>() <= last);
          last = row["score"].get<double>();
        }
        rows[row["staff"]] = row;
      }
      CHECK(rows.size() == 4);  // l1a l1b l2a l2b, not the PM
      CHECK(rows["l1a"]["kpi"]["tickets"] == 4);
      CHECK(rows["l2a"]["kpi"]["tickets"] == 2);  // C and D were assigned to l2a
      CHECK(rows["l2b"]["score"].is_null());
      // l1a beats l1b: faster and first-line.
      CHECK(rows["l1a"]["rank"].get<int>() < rows["l1b"]["rank"].get<int>());
      CHECK(pj["weights"]["response_ontime_rate"] == 0.3);
      Run t = d.sdesk("report performance --period 2026-03");
      REQUIRE(t.code == 0);
      CHECK(t.out.find("张三") != std::string::npos);
    }
    SUBCASE("complaints: by cause, person and month, overdue share") {
      if (!m.complaints) return;
      Run c = d.sdesk("report complaints --json");
      INFO(c.err);
      REQUIRE(c.code == 0);
      auto cj = c.json();
      CHECK(cj["total"] == 3);
      CHECK(cj["overdue"] == 1);
      CHECK(cj["overdue_share"].get<double>() == doctest::Approx(1.0 / 3));
      std::map<std::string, int> cause, person;
      for (const auto& r : cj["by_cause"]) cause[r["key"]] = r["count"];
      for (const auto& r : cj["by_person"]) person[r["key"]] = r["count"];
      CHECK(cause["态度"] == 1);
      CHECK(cause[""] == 2);
      CHECK(person["l1a"] == 1);
      CHECK(person["l1b"] == 1);
      CHECK(person[""] == 1);
      REQUIRE(cj["by_month"].size() == 1);
      CHECK(cj["by_month"][0]["key"] == "2026-03");
      CHECK(cj["by_month"][0]["count"] == 3);
      Run t = d.sdesk("report complaints --format csv");
      CHECK(t.out.find("cause,态度,1") != std::string::npos);
    }
    SUBCASE("monthly md and html: one self-contained page with charts") {
      Run mdr = d.sdesk("report monthly --period 2026-03 --format md");
      REQUIRE(mdr.code == 0);
      CHECK(mdr.out.find("一线解决率") != std::string::npos);
      CHECK(mdr.out.find("| 2026-03-02 | 1 |") != std::string::npos);
      Run html = d.sdesk("report monthly --period 2026-03 --format html -o month.html");
      INFO(html.err);
      REQUIRE(html.code == 0);
      CHECK(html.out.empty());
      std::ifstream in(d.dir() / "month.html");
      std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
      size_t svgs = 0;
      for (size_t pos = 0; (pos = page.find("<svg", pos)) != std::string::npos; ++pos) ++svgs;
      CHECK(svgs == 4);
      CHECK(page.find("<script") == std::string::npos);
      CHECK(page.find("http://") == page.find("http://www.w3.org/2000/svg"));
      CHECK(page.find("https://") == std::string::npos);
      CHECK(d.sdesk("report monthly --format csv").code == 2);
      std::filesystem::remove(d.dir() / "month.html");
      CHECK(d.clean());
    }
  }

  TEST_CASE("report complaints works on an empty desk") {
    TestDesk d;
    Run r = d.sdesk("report complaints --json");
    INFO(r.err);
    REQUIRE(r.code == 0);
    auto j = r.json();
    CHECK(j.contains("by_cause"));
    CHECK(j.contains("overdue_share"));
    CHECK(j["overdue_share"].is_null());
  }
}

TEST_SUITE("command/report") {
  TEST_CASE("the monthly HTML loads in headless chromium with no network and shows its charts") {
    std::string browser = chromium();
    TestDesk d("2026-03-02T09:00:00+08:00");
    std::string a = d.new_ticket("P1", "核心交换机故障");
    REQUIRE(d.sdesk("take " + a, "l1a").code == 0);
    REQUIRE(d.sdesk("start " + a, "l1a").code == 0);
    Run html = d.sdesk("report monthly --period 2026-03 --format html -o " +
                       q((d.dir() / "month.html").string()));
    REQUIRE(html.code == 0);
    // No network: every host resolves to nothing and every proxy is a closed port.
    TempDir profile;
    Run dom =
        sh(d.dir(), browser +
                        " --headless --no-sandbox --disable-gpu --disable-background-networking"
                        " --no-first-run --user-data-dir=" +
                        q(profile.path().string()) +
                        " --proxy-server=127.0.0.1:9 --host-resolver-rules='MAP * ~NOTFOUND'"
                        " --dump-dom " +
                        q("file://" + (d.dir() / "month.html").string()) + " 2>/dev/null");
    INFO(dom.err);
    REQUIRE(dom.code == 0);
    size_t svgs = 0;
    for (size_t pos = 0; (pos = dom.out.find("<svg", pos)) != std::string::npos; ++pos) ++svgs;
    CHECK(svgs == 4);
    CHECK(dom.out.find("<rect") != std::string::npos);
    CHECK(dom.out.find("<path d=\"M") != std::string::npos);
    CHECK(dom.out.find("响应及时率") != std::string::npos);
    CHECK(dom.out.find("测试服务台 月度服务报告") != std::string::npos);
    std::filesystem::remove(d.dir() / "month.html");
  }

  TEST_CASE("the monthly page is a PM's page: Chinese labels, sections, targets, last month") {
    std::string browser = chromium();
    TestDesk d("2026-02-10T09:00:00+08:00");
    d.new_ticket("P3", "上月的工单");  // the previous month, for the comparison
    d.at("2026-03-02T09:00:00+08:00");
    Run m = d.sdesk(
        "new --title 核心交换机故障 --customer 全院 --contact 8000 --channel monitoring --priority "
        "P1 "
        "--need 恢复网络 --required-by 'today 12:00' --env site=A --major",
        "l1a");
    REQUIRE(m.code == 0);
    std::string child = d.new_ticket("P2", "财务系统无法登录");
    REQUIRE(d.sdesk("link " + child + " --parent " + m.line()).code == 0);
    REQUIRE(d.sdesk("take " + child, "l1a").code == 0);
    REQUIRE(d.sdesk("start " + child, "l1a").code == 0);
    REQUIRE(d.sdesk("complaint new --customer 财务部 --text 电话总是占线", "l1a").code == 0);
    d.at("2026-03-03T09:00:00+08:00");  // the major incident is now late
    std::string file = (d.dir() / "month.html").string();
    Run html = d.sdesk("report monthly --period 2026-03 --format html -o " + q(file));
    REQUIRE_MESSAGE(html.code == 0, html.err);
    std::string page = read_file(file);
    CHECK(page.find("Noto Sans CJK SC") != std::string::npos);  // a CJK font stack
    CHECK(page.find("@page { size: A4") != std::string::npos);  // printable on A4
    TempDir profile;
    std::string flags =
        " --headless --no-sandbox --disable-gpu --disable-background-networking"
        " --no-first-run --hide-scrollbars --user-data-dir=" +
        q(profile.path().string()) +
        " --proxy-server=127.0.0.1:9 --host-resolver-rules='MAP * ~NOTFOUND' ";
    Run dom = sh(d.dir(), browser + flags + "--dump-dom " + q("file://" + file) + " 2>/dev/null");
    REQUIRE(dom.code == 0);
    // What a reader sees: the body's text, tags and styles left out.
    std::string body = dom.out.substr(dom.out.find("<body"));
    std::string text;
    bool tag = false;
    for (char c : body) {
      if (c == '<') tag = true;
      if (!tag) text += c;
      if (c == '>') {
        tag = false;
        text += ' ';
      }
    }
    for (const char* section : {"考核指标",
                                "本期",
                                "上期",
                                "目标",
                                "是否达标",
                                "生成时间",
                                "2026-03-03 09:00",
                                "顾问排名",
                                "王五",
                                "客户投诉",
                                "电话总是占线",
                                "重大事件",
                                "核心交换机故障",
                                "超时工单",
                                "每日工单量",
                                "响应及时率",
                                "一线",
                                "二线",
                                "厂商",
                                "专业技术能力",
                                "2026-02-01 至 2026-02-28"})
      CHECK_MESSAGE(text.find(section) != std::string::npos, section);
    CHECK(text.find(m.line()) != std::string::npos);  // the major incident, late, in two tables
    // No English key anywhere a reader looks.
    std::string word;
    std::set<std::string> words;
    for (char c : text + " ") {
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
        word += c;
      } else {
        if (!word.empty()) words.insert(word);
        word.clear();
      }
    }
    std::vector<std::string> keys = {"l1",       "l2",         "vendor",      "tech",
                                     "response", "resolution", "attitude",    "communication",
                                     "callback", "received",   "in_progress", "assigned",
                                     "closed",   "new",        "key",         "tier",
                                     "sdesk"};
    for (const auto& [key, name] : sdesk::kpi_names()) keys.push_back(key);
    for (const auto& key : keys)
      CHECK_MESSAGE(words.count(key) == 0, "visible English key: " << key);
    // A screenshot of the page as printed on A4 width, for a person to look at.
    std::string png =
        (d.dir().parent_path() / (d.dir().filename().string() + "-month.png")).string();
    Run shot = sh(d.dir(), browser + flags + "--window-size=794,3200 --screenshot=" + q(png) + " " +
                               q("file://" + file) + " 2>/dev/null");
    CHECK(shot.code == 0);
    CHECK(read_file(png).size() > 10000);
    if (const char* keep = std::getenv("SDESK_KEEP_SCREENSHOT"))
      std::filesystem::copy_file(png, keep, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::remove(png);
    std::filesystem::remove(file);
  }
}
