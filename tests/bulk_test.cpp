// Bulk import, export and batch through the real binary: CSV in UTF-8 and GBK, XLSX, maps,
// all-or-nothing errors, a replay of the shared BPIC 2013 log, and scripts through batch.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "lib/util/time.hpp"
#include "tests/helpers.hpp"

using namespace sdesk::test;

namespace {

// Writes a file outside the desk and returns its path.
std::string write_in(const TempDir& dir, const std::string& name, const std::string& text) {
  auto p = dir.path() / name;
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

// The lines of a text.
std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string l; std::getline(ss, l);) out.push_back(l);
  return out;
}

const std::string kTickets =
    "title,customer,contact,channel,priority,need,required_by,environment,created_at\n"
    "打印机脱机,市财政局,13800000001,hotline,P3,恢复打印,2026-03-06,os=Windows11,"
    "2026-03-01 10:00\n"
    "VPN 拨号失败,市人社局,13800000002,Email,p2,远程办公,2026-03-05 18:00,os=麒麟V10; "
    "client=3.1,2026-02-27 09:30\n"
    "邮件无法发送附件,市档案馆,13800000003,web,P4,发送附件,2026-03-09,os=macOS,"
    "2026-03-02 08:15\n";

}  // namespace

TEST_SUITE("command/bulk") {
  TEST_CASE("import tickets from a UTF-8 CSV: one commit, time-ordered IDs, fields as new") {
    TestDesk d;
    TempDir tmp;
    int before = d.commits();
    Run r = d.sdesk("import tickets " + q(write_in(tmp, "t.csv", kTickets)) + " --json");
    INFO(r.err);
    REQUIRE(r.code == 0);
    auto j = r.json();
    CHECK(j["encoding"] == "UTF-8");
    CHECK(j["tickets"] == 3);
    CHECK(j["events"] == 3);
    REQUIRE(j["ids"].size() == 3);
    CHECK(d.commits() == before + 1);
    CHECK(d.clean());
    // Allocated in order of creation: the 02-27 row first, in February's folder.
    std::string first = j["ids"][0];
    CHECK(first.rfind("T-2602-", 0) == 0);
    CHECK(std::string(j["ids"][1]) < std::string(j["ids"][2]));
    auto t = d.sdesk("show " + first + " --json").json();
    CHECK(t["title"] == "VPN 拨号失败");
    CHECK(t["channel"] == "email");
    CHECK(t["priority"] == "P2");
    CHECK(t["created_at"] == "2026-02-27T09:30:00+08:00");
    CHECK(t["created_by"] == "pm1");
    CHECK(t["required_by"] == "2026-03-05T18:00:00+08:00");
    CHECK(t["environment"]["client"] == "3.1");
    CHECK(t["events"][0]["action"] == "new");
    auto later = d.sdesk("show " + std::string(j["ids"][2]) + " --json").json();
    CHECK(later["required_by"] == "2026-03-09T23:59:59+08:00");  // a date is by its end
    std::string msg = d.git("log -1 --format=%B").out;
    CHECK(msg.find("Sdesk-Action: import") != std::string::npos);
    CHECK(msg.find("Sdesk-Related: " + std::string(j["ids"][2])) != std::string::npos);
    CHECK(d.sdesk("log " + std::string(j["ids"][1])).out.find("import") != std::string::npos);
    Run v = d.sdesk("verify");
    INFO(v.out << v.err);
    CHECK(v.code == 0);
    // The import's tickets are ordinary tickets: the lifecycle verbs work on them.
    CHECK(d.sdesk("take " + first, "l1a").code == 0);
  }

  TEST_CASE("a GBK CSV with a map: Chinese headers, values and date forms") {
    TestDesk d;
    TempDir tmp;
    std::string utf8 = write_in(tmp, "u.csv",
                                "标题,客户,电话,渠道,优先级,需求,要求时间,环境,登记时间,备注\n"
                                "财务系统登录异常,市财政局,13800000001,电话,紧急,恢复登录,"
                                "2026年3月5日,os=Windows11,2026/3/1 14:00,无\n"
                                "共享盘无法访问,市档案馆,13800000002,邮件,一般,访问共享盘,"
                                "2026/3/6 9:30,os=统信UOS,2026年3月2日 8时15分,\n");
    std::string gbk = (tmp.path() / "gbk.csv").string();
    REQUIRE(sh(tmp.path(), "iconv -f UTF-8 -t GBK -o " + q(gbk) + " " + q(utf8)).code == 0);
    REQUIRE(!read_file(gbk).empty());
    REQUIRE(read_file(gbk) != read_file(utf8));
    std::string map = write_in(tmp, "map.yaml",
                               "columns:\n  标题: title\n  客户: customer\n  电话: contact\n"
                               "  渠道: channel\n  优先级: priority\n  需求: need\n"
                               "  要求时间: required_by\n  环境: environment\n"
                               "  登记时间: created_at\n"
                               "values:\n  channel: {电话: hotline, 邮件: email}\n"
                               "  priority: {紧急: P1, 一般: P3}\n");
    Run r = d.sdesk("import tickets " + q(gbk) + " --map " + q(map) + " --json");
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.json()["encoding"] == "GBK");
    auto rows = d.sdesk("list --json --sort created").json();
    REQUIRE(rows.size() == 2);
    CHECK(rows[0]["title"] == "财务系统登录异常");
    CHECK(rows[0]["priority"] == "P1");
    CHECK(rows[0]["channel"] == "hotline");
    CHECK(rows[0]["created_at"] == "2026-03-01T14:00:00+08:00");
    CHECK(rows[0]["required_by"] == "2026-03-05T23:59:59+08:00");
    CHECK(rows[1]["customer"] == "市档案馆");
    CHECK(rows[1]["created_at"] == "2026-03-02T08:15:00+08:00");
    CHECK(rows[1]["required_by"] == "2026-03-06T09:30:00+08:00");
    // The desk's files are UTF-8 whatever the file was.
    std::string path = "tickets/2026/03/" + std::string(rows[1]["id"]) + ".yaml";
    CHECK(read_file(d.dir() / path).find("市档案馆") != std::string::npos);
    CHECK(d.clean());
  }

  TEST_CASE("one bad row imports nothing and names row, column and field") {
    TestDesk d;
    TempDir tmp;
    int before = d.commits();
    std::string bad = kTickets;
    bad.replace(bad.find(",P4,"), 4, ",P9,");
    Run r = d.sdesk("import tickets " + q(write_in(tmp, "bad.csv", bad)));
    CHECK(r.code == 4);
    CHECK(r.err.find("bad.csv: row 4, column 'priority' (priority): 'P9'") != std::string::npos);
    std::string time = kTickets;
    time.replace(time.find("2026-03-02 08:15"), 16, "yesterday");
    Run t = d.sdesk("import tickets " + q(write_in(tmp, "time.csv", time)));
    CHECK(t.code == 4);
    CHECK(t.err.find("row 4, column 'created_at'") != std::string::npos);
    Run h = d.sdesk("import tickets " + q(write_in(tmp, "h.csv", "title,mood\nx,y\n")));
    CHECK(h.code == 4);
    CHECK(h.err.find("'mood' is not a ticket field") != std::string::npos);
    Run m = d.sdesk("import tickets " +
                    q(write_in(tmp, "m.csv", "title,channel,priority\n打印机脱机,hotline,P3\n")));
    CHECK(m.code == 4);
    CHECK(m.err.find("row 2: missing required fields: customer, contact, need") !=
          std::string::npos);
    Run s = d.sdesk("import tickets " + q(write_in(tmp, "s.csv", kTickets)), "l1a");
    CHECK(s.code == 4);  // only the PM imports
    CHECK(d.commits() == before);
    CHECK(d.clean());
    CHECK(d.git("ls-files tickets").out.empty());
  }

  TEST_CASE("a bad map is refused naming the map and its key") {
    TestDesk d;
    TempDir tmp;
    std::string csv = write_in(tmp, "t.csv", kTickets);
    Run f = d.sdesk("import tickets " + q(csv) + " --map " +
                    q(write_in(tmp, "f.yaml", "columns:\n  title: headline\n")));
    CHECK(f.code == 4);
    CHECK(f.err.find("f.yaml") != std::string::npos);
    CHECK(f.err.find("'headline' is not a ticket field") != std::string::npos);
    Run c = d.sdesk("import tickets " + q(csv) + " --map " +
                    q(write_in(tmp, "c.yaml", "columns:\n  标题: title\n")));
    CHECK(c.code == 4);
    CHECK(c.err.find("'标题' is not a column of t.csv") != std::string::npos);
    Run s = d.sdesk("import events " + q(csv) + " --map " +
                    q(write_in(tmp, "s.yaml",
                               "case: title\nstatus: channel\ntime: created_at\n"
                               "statuses: {hotline: fix}\n")));
    CHECK(s.code == 4);
    CHECK(s.err.find("'fix' is not one of new, take") != std::string::npos);
    Run k = d.sdesk("import tickets " + q(csv) + " --map " +
                    q(write_in(tmp, "k.yaml", "colums: {}\n")));
    CHECK(k.code == 4);
    CHECK(k.err.find("'colums' is not a map key") != std::string::npos);
    CHECK(d.git("ls-files tickets").out.empty());
  }

  TEST_CASE("--dry-run checks every row and writes nothing") {
    TestDesk d;
    TempDir tmp;
    int before = d.commits();
    Run r = d.sdesk("import tickets " + q(write_in(tmp, "t.csv", kTickets)) + " --dry-run");
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("would import 3 tickets") != std::string::npos);
    CHECK(d.commits() == before);
    CHECK(d.clean());
    std::string bad = kTickets;
    bad.replace(bad.find(",web,"), 5, ",fax,");
    Run b = d.sdesk("import tickets " + q(write_in(tmp, "b.csv", bad)) + " --dry-run");
    CHECK(b.code == 4);
    CHECK(b.err.find("column 'channel'") != std::string::npos);
  }

  TEST_CASE("export csv|json|xlsx with list's filters, and an XLSX export imports again") {
    TestDesk d;
    TempDir tmp;
    std::string csv = kTickets +
                      "=1+1 公式,市统计局,13800000004,hotline,P3,核对,2026-03-09,os=x,"
                      "2026-03-02 09:00\n";
    REQUIRE(d.sdesk("import tickets " + q(write_in(tmp, "t.csv", csv))).code == 0);
    auto all = d.sdesk("list --json").json();
    REQUIRE(all.size() == 4);
    std::string id = all[0]["id"];
    REQUIRE(d.sdesk("take " + id, "l1a").code == 0);
    Run c = d.sdesk("export --status assigned");
    INFO(c.err);
    REQUIRE(c.code == 0);
    auto rows = lines(c.out);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].rfind("id,title,status,", 0) == 0);
    CHECK(rows[0].find("response_due") != std::string::npos);
    CHECK(rows[1].rfind(id + ",", 0) == 0);
    Run all_csv = d.sdesk("export --sort created");
    CHECK(all_csv.out.find("'=1+1 公式") != std::string::npos);
    auto j = d.sdesk("export --format json --priority P3").json();
    REQUIRE(j.size() == 2);
    CHECK(j[0].contains("sla"));
    CHECK_FALSE(j[0].contains("events"));
    std::string xlsx = (tmp.path() / "out.xlsx").string();
    Run x = d.sdesk("export --format xlsx -o " + q(xlsx));
    INFO(x.err);
    REQUIRE(x.code == 0);
    CHECK(read_file(xlsx).rfind("PK", 0) == 0);
    TestDesk other;
    Run back = other.sdesk("import tickets " + q(xlsx) + " --json");
    INFO(back.err);
    REQUIRE(back.code == 0);
    CHECK(back.json()["encoding"] == "XLSX");
    auto copied = other.sdesk("list --json --sort created").json();
    auto orig = d.sdesk("list --json --sort created").json();
    REQUIRE(copied.size() == 4);
    for (size_t i = 0; i < 4; ++i) {
      CHECK(copied[i]["title"] == orig[i]["title"]);
      CHECK(copied[i]["created_at"] == orig[i]["created_at"]);
      CHECK(copied[i]["status"] == orig[i]["status"]);
      CHECK(copied[i]["assignee"] == orig[i]["assignee"]);
      CHECK(copied[i]["environment"] == orig[i]["environment"]);
    }
    CHECK(other.clean());
  }

  TEST_CASE("import events replays a slice of the BPIC 2013 log") {
    std::filesystem::path log = std::filesystem::path(SDESK_SOURCE_DIR) / ".." / "shared" / "data" /
                                "bpic2013-incidents" / "incidents.csv";
    if (!std::filesystem::exists(log)) {
      MESSAGE("the shared BPIC 2013 log is not beside the source tree; skipped");
      return;
    }
    TestDesk d;
    TempDir tmp;
    // The first 200 incidents, as they are in the file.
    std::ifstream in(log);
    std::string slice, line;
    std::map<std::string, std::string> first_seen;  // case -> its first time (UTC)
    std::getline(in, line);
    slice = line + "\n";
    while (std::getline(in, line)) {
      std::string c = line.substr(0, line.find(','));
      if (std::stoi(c) >= 200) break;
      slice += line + "\n";
      first_seen.try_emplace(c, line.substr(line.rfind(',') + 1));
    }
    std::string csv = write_in(tmp, "incidents.csv", slice);
    std::string map = write_in(
        tmp, "bpic.yaml",
        "case: case\nstatus: status\nowner: owner\ntime: timestamp\ntimezone: UTC\n"
        "columns: {case: title}\n"
        "defaults: {priority: P1, channel: hotline, customer: Volvo IT}\n"
        "values:\n  owner: {Frederic: l1a, Anne Claire: l2a}\n"
        "statuses:\n"
        "  Accepted+In Progress: start\n  Accepted+Assigned: assign\n"
        "  Accepted+Wait - User: pending:customer\n  Accepted+Wait - Customer: pending:customer\n"
        "  Accepted+Wait - Vendor: pending:vendor\n"
        "  Accepted+Wait - Implementation: pending:third-party\n"
        "  Accepted+Wait: pending:third-party\n  Queued+Awaiting Assignment: escalate:l2\n"
        "  Completed+In Call: resolve\n  Completed+Resolved: resolve\n"
        "  Completed+Closed: close\n  Completed+Cancelled: cancel\n"
        "  Unmatched+Unmatched: ignore\n");
    int before = d.commits();
    Run r = d.sdesk("import events " + q(csv) + " --map " + q(map) + " --json");
    INFO(r.err);
    REQUIRE(r.code == 0);
    auto j = r.json();
    CHECK(j["tickets"] == 200);
    CHECK(j["rows"] == 3789);
    CHECK(j["skipped"]["start while in_progress"] > 0);
    CHECK(j["skipped"]["escalate:l2 on a ticket at tier l2"] > 0);
    CHECK(d.commits() == before + 1);
    CHECK(d.clean());
    // Incident 0: Frederic (l1a) takes and starts it, hands it to the second line, where Anne
    // Claire (l2a) takes, starts and resolves it; the later In Progress/Queued rows while it is
    // resolved are skipped, and the owner closes it when the log does.
    auto list = d.sdesk("list --json").json();
    std::string id;
    for (const auto& t : list)
      if (t["title"] == "0") id = t["id"];
    REQUIRE(!id.empty());
    CHECK(id.rfind("T-1003-", 0) == 0);  // 2010-03-31 22:59 in the desk's zone
    auto t = d.sdesk("show " + id + " --json").json();
    std::vector<std::string> actions, by;
    for (const auto& e : t["events"]) actions.push_back(e["action"]), by.push_back(e["by"]);
    CHECK(actions == std::vector<std::string>{"new", "take", "start", "escalate", "take", "start",
                                              "resolve", "close"});
    CHECK(by == std::vector<std::string>{"l1a", "l1a", "l1a", "l1a", "l2a", "l2a", "l2a", "l1a"});
    CHECK(t["status"] == "closed");
    CHECK(t["tier"] == "l2");
    CHECK(t["created_at"] == "2010-03-31T22:59:42+08:00");
    CHECK(t["resolved_at"] == "2010-04-06T22:44:51+08:00");
    CHECK(t["closed_at"] == "2012-05-11T07:26:15+08:00");
    CHECK(t["events"][3]["reason"] == "Queued+Awaiting Assignment");
    // report kpi counts the month's replayed tickets as it counts any.
    // The month (in the desk's zone) in which most of the slice's incidents began.
    std::map<std::string, int> months;
    for (const auto& [c, at] : first_seen) {
      sdesk::Time t = sdesk::parse_time(at, sdesk::find_zone("UTC"), "time");
      ++months[sdesk::format_time(t, sdesk::find_zone("Asia/Shanghai")).substr(0, 7)];
    }
    auto busiest = std::max_element(months.begin(), months.end(), [](const auto& a, const auto& b) {
      return a.second < b.second;
    });
    auto kpi = d.sdesk("report kpi --period " + busiest->first + " --json").json();
    INFO(kpi.dump());
    CHECK(kpi["kpi"]["tickets"] == busiest->second);
    CHECK(kpi["kpi"]["escalation_rate"].is_number());
    CHECK(kpi["kpi"]["mttr_minutes"].is_number());
    Run v = d.sdesk("verify");
    INFO(v.out << v.err);
    CHECK(v.code == 0);
    // The same replay again is refused by nothing and makes new tickets: a dry run says so.
    Run dry = d.sdesk("import events " + q(csv) + " --map " + q(map) + " --dry-run");
    CHECK(dry.code == 0);
    CHECK(dry.out.find("would import 200 tickets") != std::string::npos);
    CHECK(d.commits() == before + 1);
  }

  TEST_CASE("batch runs one command a line, each its own commit, and reports each") {
    TestDesk d;
    std::string id = d.new_ticket();
    int before = d.commits();
    std::string script = "take " + id + "\n" + "# a comment\n\n" + "start " + id + "\n" + "note " +
                         id + " \"客户说：\\\"已重启\\\"\" \n" + "resolve " + id + "\n" + "shwo " +
                         id + "\n" + "note " + id + " 'two words'\n";
    TempDir tmp;
    // sh gives every command an empty stdin: the script is redirected inside a shell of its own.
    auto batch = [&](const std::string& text, const std::string& args) {
      std::string file = write_in(tmp, "script.txt", text);
      return fmt::format("sh -c {}",
                         q(fmt::format("{} batch {} < {}", SDESK_BINARY, args, q(file))));
    };
    Run r = sh(d.dir(), batch(script, ""),
               {{"SDESK_NOW", "2026-03-02T09:30:00+08:00"}, {"SDESK_USER", "l1a"}});
    INFO(r.err);
    auto out = lines(r.out);
    REQUIRE(out.size() == 6);
    CHECK(out[0] == "ok " + id + " assigned l1a");
    CHECK(out[1] == "ok " + id + " in_progress l1a");
    CHECK(out[2].rfind("ok ", 0) == 0);
    CHECK(out[3].rfind("error: ", 0) == 0);  // resolve needs --solution
    CHECK(out[3].find("solution") != std::string::npos);
    CHECK(out[4].rfind("error: ", 0) == 0);
    CHECK(out[5].rfind("ok ", 0) == 0);
    CHECK(r.code == 4);  // the highest code seen: 4 (refused) over 2 (usage)
    CHECK(d.commits() == before + 4);
    CHECK(d.clean());
    auto t = d.sdesk("show " + id + " --json").json();
    CHECK(t["events"][3]["text"] == "客户说：\"已重启\"");
    CHECK(t["events"][4]["text"] == "two words");
    Run ok = sh(d.dir(), batch("note " + id + " again\n", "--as l1a"),
                {{"SDESK_NOW", "2026-03-02T09:40:00+08:00"}});
    CHECK(ok.code == 0);
    CHECK(ok.out == "ok " + id + " in_progress l1a\n");
  }
}
