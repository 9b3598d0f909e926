// Satisfaction surveys (满意度) through the real binary: campaigns, answers, CSV import, report.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "lib/util/time.hpp"
#include "tests/helpers.hpp"

using namespace sdesk::test;

namespace {

// Writes a CSV file outside the desk and returns its path.
std::string write_csv(const TempDir& dir, const std::string& name, const std::string& text) {
  auto p = dir.path() / name;
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

// The fields of a line split at tabs.
std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string f;
  while (std::getline(ss, f, '\t')) out.push_back(f);
  return out;
}

// The value of a top-level `key:` line of a YAML file, unquoted; empty when absent.
std::string yaml_value(const std::string& text, const std::string& key) {
  std::stringstream ss(text);
  std::string line;
  std::string head = key;
  head += ": ";
  while (std::getline(ss, line)) {
    if (line.rfind(head, 0) != 0) continue;
    std::string v = line.substr(head.size());
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    return v;
  }
  return "";
}

// One commit as an outsider reads it from the history.
struct CommitSeen {
  std::string hash, email, action, object;  // author's email and the sdesk trailers
  long author_time = 0, commit_time = 0;    // seconds since 1970
  std::string author_date, commit_date;     // ISO-like dates as git prints them
  std::vector<std::string> related;         // Sdesk-Related trailers, in order
};

// Every commit of the desk, oldest first in the order of the history.
std::vector<CommitSeen> history(const TestDesk& d) {
  Run r = d.git(
      "log --reverse --topo-order --format='%H%x09%ae%x09%at%x09%ct%x09%ai%x09%ci%x09"
      "%(trailers:key=Sdesk-Action,valueonly,separator=)%x09"
      "%(trailers:key=Sdesk-Object,valueonly,separator=)%x09"
      "%(trailers:key=Sdesk-Related,valueonly,separator=%x2C)'");
  REQUIRE(r.code == 0);
  std::vector<CommitSeen> out;
  std::stringstream ss(r.out);
  std::string line;
  while (std::getline(ss, line)) {
    auto f = fields(line);
    REQUIRE(f.size() >= 6);
    f.resize(9);  // trailers a commit lacks are empty fields
    CommitSeen c{f[0], f[1], f[6], f[7], std::stol(f[2]), std::stol(f[3]), f[4], f[5], {}};
    std::stringstream rs(f[8]);
    std::string one;
    while (std::getline(rs, one, ',')) c.related.push_back(one);
    out.push_back(c);
  }
  return out;
}

// The files a commit added below dir.
std::vector<std::string> added_files(const TestDesk& d, const std::string& hash,
                                     const std::string& dir) {
  Run r = d.git("diff-tree --no-commit-id --root -r --diff-filter=A --name-only " + hash);
  std::vector<std::string> out;
  std::stringstream ss(r.out);
  std::string line;
  while (std::getline(ss, line))
    if (line.rfind(dir, 0) == 0) out.push_back(line);
  return out;
}

// Seconds since 1970 of an ISO 8601 time; 0 when it holds no time of day.
long seconds_of(const std::string& iso) {
  if (iso.find('T') == std::string::npos) return 0;
  auto t = sdesk::parse_time(iso, date::locate_zone("Asia/Shanghai"), "at");
  return static_cast<long>(t.time_since_epoch().count());
}

// The five scores of a response as one key ("tech response resolution attitude communication").
std::string score_key(const std::string& file) {
  std::string key;
  for (const char* dim : {"tech", "response", "resolution", "attitude", "communication"}) {
    std::string head = "  ";
    head += dim;
    head += ": ";
    auto at = file.find(head);
    REQUIRE(at != std::string::npos);
    key += file.substr(at + head.size(), 1);
  }
  return key;
}

}  // namespace

TEST_SUITE("command/survey") {
  TEST_CASE("record and report, with the previous campaign beside") {
    TestDesk d;
    CHECK(d.sdesk("survey new 2026-q1 --period 2026-Q1", "l1a").code == 4);  // PM only
    Run n = d.sdesk("survey new 2026-q1 --period 2026-Q1");
    REQUIRE(n.code == 0);
    CHECK(n.line() == "2026-q1");
    CHECK(d.clean());
    CHECK(d.sdesk("survey new 2026-q1 --period 2026-Q1").code == 4);  // exists
    CHECK(d.git("show HEAD:surveys/2026-q1/campaign.yaml").out.find("period: 2026-Q1") !=
          std::string::npos);

    int before = d.commits();
    Run r = d.sdesk(
        "survey record 2026-q1 --tech 5 --response 4 --resolution 3 --attitude 5 "
        "--communication 4 --customer 财务部 --comment 很好 --form phone",
        "l1b");
    INFO(r.err);
    REQUIRE(r.code == 0);
    std::string rid = r.line();
    CHECK(rid.size() == 22);
    CHECK(d.commits() == before + 1);
    CHECK(d.clean());
    std::string file = d.git("show HEAD:surveys/2026-q1/" + rid + ".yaml").out;
    CHECK(file.find("customer: 财务部") != std::string::npos);
    CHECK(file.find("form: phone") != std::string::npos);
    REQUIRE(d.sdesk("survey record 2026-q1 --tech 3 --response 4 --resolution 3 --attitude 4 "
                    "--communication 4",
                    "l1a")
                .code == 0);
    // Bad scores and unknown campaigns write nothing.
    int mid = d.commits();
    CHECK(d.sdesk("survey record 2026-q1 --tech 6 --response 4 --resolution 3 --attitude 4 "
                  "--communication 4")
              .code == 2);
    CHECK(d.sdesk("survey record 2026-q1 --tech 3").code == 2);
    CHECK(d.sdesk("survey record nope --tech 3 --response 4 --resolution 3 --attitude 4 "
                  "--communication 4")
              .code == 3);
    CHECK(d.commits() == mid);

    Run rep = d.sdesk("survey report 2026-q1 --json");
    REQUIRE(rep.code == 0);
    auto j = rep.json();
    CHECK(j["campaign"] == "2026-q1");
    CHECK(j["n"] == 2);
    CHECK(j["previous"].is_null());
    CHECK(j["dimensions"]["tech"]["mean"] == 4.0);
    CHECK(j["dimensions"]["tech"]["counts"]["5"] == 1);
    CHECK(j["dimensions"]["tech"]["counts"]["3"] == 1);
    CHECK(j["dimensions"]["tech"]["counts"]["1"] == 0);
    CHECK(j["dimensions"]["attitude"]["mean"] == 4.5);
    CHECK(j["dimensions"].size() == 5);

    REQUIRE(d.sdesk("survey new 2026-q2 --period 2026-Q2").code == 0);
    REQUIRE(d.sdesk("survey record 2026-q2 --tech 2 --response 2 --resolution 2 --attitude 2 "
                    "--communication 2")
                .code == 0);
    auto j2 = d.sdesk("survey report 2026-q2 --json").json();
    CHECK(j2["n"] == 1);
    REQUIRE(j2["previous"].is_object());
    CHECK(j2["previous"]["campaign"] == "2026-q1");
    CHECK(j2["previous"]["n"] == 2);
    CHECK(j2["previous"]["dimensions"]["tech"]["mean"] == 4.0);
    Run table = d.sdesk("survey report 2026-q2");
    REQUIRE(table.code == 0);
    CHECK(table.out.find("专业技术能力") != std::string::npos);
    CHECK(table.out.find("-2.00") != std::string::npos);
  }

  TEST_CASE("an anonymous campaign keeps no identity anywhere in the desk") {
    TestDesk d;
    TempDir tmp;
    REQUIRE(d.sdesk("survey new anon --period 2026-03 --anonymous").code == 0);
    int before = d.commits();
    Run refused = d.sdesk(
        "survey record anon --tech 5 --response 5 --resolution 5 --attitude 5 "
        "--communication 5 --customer 神秘客户甲");
    CHECK(refused.code == 4);
    CHECK(refused.err.find("anonymous") != std::string::npos);
    CHECK(d.commits() == before);
    std::string csv =
        write_csv(tmp, "anon.csv",
                  "客户,联系方式,专业技术能力,响应及时性,解决及时性,服务态度,沟通表达能力,意见\n"
                  "神秘客户甲,13912345678,5,4,4,5,5,不错\n"
                  "神秘客户乙,13987654321,3,3,4,4,3,\"一般,还行\"\n");
    Run imp = d.sdesk("survey import anon " + q(csv), "l1a");
    INFO(imp.err);
    REQUIRE(imp.code == 0);
    CHECK(d.commits() == before + 1);  // all rows in one commit
    CHECK(d.clean());
    CHECK(d.git("grep -n 神秘客户").code == 1);  // nothing found
    CHECK(d.git("grep -n 13912345678").code == 1);
    CHECK(d.git("log --all --format=%B").out.find("神秘客户") == std::string::npos);
    CHECK(d.git("grep -n 一般,还行").code == 0);  // the comment is kept
    auto j = d.sdesk("survey report anon --json").json();
    CHECK(j["n"] == 2);
  }

  TEST_CASE("an import with one bad row imports nothing and names the row") {
    TestDesk d;
    TempDir tmp;
    REQUIRE(d.sdesk("survey new q --period 2026-03").code == 0);
    int before = d.commits();
    std::string bad = write_csv(tmp, "bad.csv",
                                "tech,response,resolution,attitude,communication,customer\r\n"
                                "5,5,5,5,5,财务部\r\n"
                                "5,7,5,5,5,人事部\r\n"
                                "4,4,4,4,4,行政部\r\n");
    Run r = d.sdesk("survey import q " + q(bad), "l1a");
    CHECK(r.code == 4);
    CHECK(r.err.find("bad.csv:3:") != std::string::npos);
    CHECK(r.err.find("response") != std::string::npos);
    CHECK(d.commits() == before);
    CHECK(d.clean());
    CHECK(d.git("ls-files surveys/q").out == "surveys/q/campaign.yaml\n");

    std::string header = write_csv(
        tmp, "header.csv", "tech,response,resolution,attitude,communication,mood\n5,5,5,5,5,ok\n");
    Run h = d.sdesk("survey import q " + q(header), "l1a");
    CHECK(h.code == 4);
    CHECK(h.err.find("mood") != std::string::npos);
    std::string form = write_csv(
        tmp, "form.csv", "tech,response,resolution,attitude,communication,form\n5,5,5,5,5,fax\n");
    CHECK(d.sdesk("survey import q " + q(form), "l1a").code == 4);
    CHECK(d.commits() == before);

    std::string good =
        write_csv(tmp, "good.csv",
                  "\xEF\xBB\xBFtech,response,resolution,attitude,communication,form,comment\n"
                  "5,5,5,5,5,interview,\n\n"
                  "1,2,3,4,5,电话,\"多行\n意见\"\n");
    Run g = d.sdesk("survey import q " + q(good) + " --json", "l1a");
    INFO(g.err);
    REQUIRE(g.code == 0);
    REQUIRE(g.json().size() == 2);
    CHECK(g.json()[1]["form"] == "phone");
    CHECK(g.json()[1]["comment"] == "多行\n意见");
    CHECK(d.commits() == before + 1);
    CHECK(d.git("log -1 --format=%B").out.find("Sdesk-Action: import") != std::string::npos);
    auto j = d.sdesk("survey report q --json").json();
    CHECK(j["n"] == 2);
    CHECK(j["dimensions"]["tech"]["mean"] == 3.0);
    Run verify = d.sdesk("verify");
    INFO(verify.out << verify.err);
    CHECK(verify.code == 0);
  }
  TEST_CASE("anonymous responses cannot be joined with callbacks through who entered them when") {
    // The attack of issue #12: consultants close tickets, call the customers back the next day,
    // and take each customer's survey answers at the end of the call; each consultant enters
    // the day's answers in the anonymous campaign. An outsider reads the desk and tries to tie
    // each response to the ticket (customer and phone) whose callback came just before it.
    TestDesk d;
    TempDir tmp;
    REQUIRE(d.sdesk("survey new 2026-03 --period 2026-03 --anonymous").code == 0);
    struct Call {
      std::string op, ticket, customer, closed, called, scores;
    };
    std::vector<Call> calls;
    const char* closes[] = {"09:12", "09:47", "10:21", "10:58", "11:33", "13:40",
                            "14:05", "14:44", "15:16", "15:52", "16:27", "17:03"};
    const char* callbacks[] = {"09:05", "09:50", "10:40", "11:20", "13:45", "14:30",
                               "15:10", "15:55", "16:20", "16:40", "17:00", "17:15"};
    for (int i = 0; i < 12; ++i) {
      Call c;
      c.op = i % 2 ? "l1b" : "l1a";
      c.customer = fmt::format("客户{}", i);
      c.closed = closes[i];
      c.called = callbacks[i];
      // Scores unique to each answer, so the test knows which response is whose.
      c.scores = fmt::format("{}{}345", 1 + i % 5, 1 + i / 5);
      d.at(fmt::format("2026-03-02T{}:00:00+08:00", c.closed.substr(0, 2)));
      Run n = d.sdesk(fmt::format("new --title 打印机脱机 --customer {} --contact 1390000{} "
                                  "--channel hotline --priority P3 --need 恢复 "
                                  "--required-by 2026-12-31 --env os=Windows11",
                                  q(c.customer), 1000 + i),
                      c.op);
      REQUIRE(n.code == 0);
      c.ticket = n.line();
      d.at(fmt::format("2026-03-02T{}:00+08:00", c.closed));
      for (const std::string& step :
           {"take " + c.ticket, "start " + c.ticket, "resolve " + c.ticket + " --solution 已修复",
            "close " + c.ticket + " --confirmed-by 客户本人"}) {
        Run s = d.sdesk(step, c.op);
        INFO(step << ": " << s.err);
        REQUIRE(s.code == 0);
      }
      calls.push_back(c);
    }
    d.at("2026-03-03T08:30:00+08:00");
    REQUIRE(d.sdesk("callback pick --sample 100% --seed 1", "l1a").code == 0);
    for (const auto& c : calls) {
      d.at(fmt::format("2026-03-03T{}:00+08:00", c.called));
      Run cb = d.sdesk("callback record " + c.ticket + " --reached yes --score 5", c.op);
      INFO(cb.err);
      REQUIRE(cb.code == 0);
    }
    // Each consultant enters its answers, in the order of its calls, at the end of the day.
    for (const std::string op : {"l1a", "l1b"}) {
      std::string csv = "客户,联系方式,专业技术能力,响应及时性,解决及时性,服务态度,沟通表达能力\n";
      for (const auto& c : calls) {
        if (c.op != op) continue;
        csv += c.customer + ",13900000000";
        for (char ch : c.scores) (csv += ',') += ch;
        csv += '\n';
      }
      d.at(op == "l1a" ? "2026-03-03T17:30:00+08:00" : "2026-03-03T17:41:00+08:00");
      Run imp = d.sdesk("survey import 2026-03 " + q(write_csv(tmp, op + ".csv", csv)), op);
      INFO(imp.err);
      REQUIRE(imp.code == 0);
    }
    CHECK(d.clean());

    // What the outsider sees.
    std::map<std::string, std::string> truth;  // scores -> the ticket they answer
    for (const auto& c : calls) truth[c.scores] = c.ticket;
    auto commits = history(d);
    struct Seen {
      std::string path, scores, id, by, at;
      std::size_t commit;  // index in commits
    };
    std::vector<Seen> responses;
    for (std::size_t k = 0; k < commits.size(); ++k)
      for (const auto& path : added_files(d, commits[k].hash, "surveys/2026-03/")) {
        if (path.size() >= 14 && path.compare(path.size() - 14, 14, "/campaign.yaml") == 0)
          continue;
        std::string text = d.git("show HEAD:" + path).out;
        responses.push_back({path, score_key(text), yaml_value(text, "id"), yaml_value(text, "by"),
                             yaml_value(text, "at"), k});
      }
    REQUIRE(responses.size() == calls.size());
    std::vector<std::size_t> callback_commits;
    for (std::size_t k = 0; k < commits.size(); ++k)
      if (commits[k].action == "callback") callback_commits.push_back(k);
    REQUIRE(callback_commits.size() == calls.size());
    auto email_of = [&](const std::string& op) {
      return op == "l1a" ? std::string("l1a@example.com") : std::string("l1b@sdesk");
    };
    // The callback by `email` in the half hour before `when`, if exactly one.
    auto callback_before = [&](const std::string& email, long when) {
      std::string found;
      int n = 0;
      for (auto k : callback_commits)
        if ((email.empty() || commits[k].email == email) && commits[k].author_time <= when &&
            when - commits[k].author_time <= 1800) {
          found = commits[k].object;
          ++n;
        }
      return n == 1 ? found : std::string();
    };

    int by_file = 0, by_commit = 0, by_id_order = 0, by_commit_order = 0;
    for (const auto& r : responses) {
      const std::string& ticket = truth.at(r.scores);
      // 1. The operator and time in the file.
      CHECK(r.by.empty());
      CHECK(r.at == "2026-03-03");
      std::string op_email = r.by.empty() ? "" : email_of(r.by);
      if (!r.by.empty() && callback_before(op_email, seconds_of(r.at)) == ticket) ++by_file;
      // 2. The commit's author and dates.
      const CommitSeen& c = commits[r.commit];
      CHECK(c.author_date.find(" 00:00:00 ") != std::string::npos);
      CHECK(c.commit_date.find(" 00:00:00 ") != std::string::npos);
      if (callback_before(c.email, c.author_time) == ticket) ++by_commit;
      if (callback_before(c.email, c.commit_time) == ticket) ++by_commit;
      // 4. The place of its commit in the history: the callback by its author just before.
      std::string last;
      for (auto k : callback_commits)
        if (k < r.commit && commits[k].email == c.email) last = commits[k].object;
      if (last == ticket) ++by_commit_order;
    }
    // 3. The order of IDs beside the order of the calls, batch by batch.
    std::map<std::size_t, std::vector<Seen>> batches;
    for (const auto& r : responses) batches[r.commit].push_back(r);
    for (auto& [k, batch] : batches) {
      std::sort(batch.begin(), batch.end(),
                [](const Seen& a, const Seen& b) { return a.id < b.id; });
      std::vector<std::string> called;  // that author's callbacks, in time order
      for (auto cb : callback_commits)
        if (commits[cb].email == commits[k].email) called.push_back(commits[cb].object);
      REQUIRE(called.size() == batch.size());
      for (std::size_t i = 0; i < batch.size(); ++i)
        if (called[i] == truth.at(batch[i].scores)) ++by_id_order;
      // Neither the files' order nor the trailers follow the rows.
      CHECK(std::is_sorted(commits[k].related.begin(), commits[k].related.end()));
      for (const auto& r : batch) CHECK(r.id.size() == 11);
    }
    CHECK(batches.size() == 2);  // one commit per batch: what remains is who entered it
    CHECK(by_file == 0);
    CHECK(by_commit == 0);
    // All twelve in the order of the calls would be chance of one in 518400.
    CHECK(by_id_order < static_cast<int>(calls.size()));
    // A batch's commit follows its author's last callback: at most that one answer per batch.
    CHECK(by_commit_order <= 2);

    // The report and the audit still work.
    auto j = d.sdesk("survey report 2026-03 --json").json();
    CHECK(j["n"] == 12);
    CHECK(j["dimensions"]["attitude"]["mean"] == 4.0);
    CHECK(j["dimensions"]["tech"]["counts"]["1"] == 3);
    Run verify = d.sdesk("verify");
    INFO(verify.out << verify.err);
    CHECK(verify.code == 0);
    Run log = d.sdesk("log " + responses.front().id + " --json");
    INFO(log.err);
    REQUIRE(log.code == 0);
    REQUIRE(log.json().size() == 1);  // the import that wrote it
  }

  TEST_CASE("a named campaign keeps who and when, beside an anonymous one that keeps the day") {
    TestDesk d;
    TempDir tmp;
    REQUIRE(d.sdesk("survey new named --period 2026-03").code == 0);
    REQUIRE(d.sdesk("survey new anon --period 2026-03 --anonymous").code == 0);
    d.at("2026-03-05T10:17:23+08:00");
    const std::string scores =
        " --tech 4 --response 4 --resolution 5 --attitude 5 --communication 3";
    Run named = d.sdesk("survey record named --customer 财务部" + scores, "l1b");
    Run anon = d.sdesk("survey record anon" + scores + " --json", "l1b");
    INFO(named.err << anon.err);
    REQUIRE(named.code == 0);
    REQUIRE(anon.code == 0);

    // The named campaign, as before: the operator, the time to the second, an event ID.
    std::string nid = named.line();
    CHECK(nid.size() == 22);
    std::string nfile = d.git("show HEAD~1:surveys/named/" + nid + ".yaml").out;
    CHECK(yaml_value(nfile, "by") == "l1b");
    CHECK(yaml_value(nfile, "at") == "2026-03-05T10:17:23+08:00");
    CHECK(yaml_value(nfile, "customer") == "财务部");
    CHECK(d.git("log -1 --format=%ai HEAD~1").line() == "2026-03-05 10:17:23 +0800");

    // The anonymous one: the day, a random ID, no operator; its commit dated by the day.
    auto aj = anon.json();
    std::string aid = aj["id"].get<std::string>();
    CHECK(aid.size() == 11);
    CHECK(aj["by"].is_null());
    CHECK(aj["at"] == "2026-03-05");
    std::string afile = d.git("show HEAD:surveys/anon/" + aid + ".yaml").out;
    CHECK(afile.find("by:") == std::string::npos);
    CHECK(yaml_value(afile, "at") == "2026-03-05");
    CHECK(d.git("log -1 --format=%ai HEAD").line() == "2026-03-05 00:00:00 +0800");
    CHECK(d.git("log -1 --format=%ci HEAD").out.find(" 00:00:00 ") != std::string::npos);
    CHECK(d.git("log -1 --format=%ae HEAD").line() == "l1b@sdesk");  // a staff author for verify
    Run log = d.sdesk("log " + aid + " --json");
    INFO(log.err);
    REQUIRE(log.code == 0);
    CHECK(log.json().size() == 1);
    CHECK(log.out.find("10:17") == std::string::npos);

    // Imports: the named one keeps the rows' order in time-ordered IDs.
    std::string csv = write_csv(tmp, "rows.csv",
                                "tech,response,resolution,attitude,communication\n"
                                "1,1,1,1,1\n2,2,2,2,2\n3,3,3,3,3\n4,4,4,4,4\n5,5,5,5,5\n");
    d.at("2026-03-05T16:00:00+08:00");
    auto rows = d.sdesk("survey import named " + q(csv) + " --json", "l1a").json();
    REQUIRE(rows.size() == 5);
    for (int i = 0; i < 5; ++i) {
      CHECK(rows[i]["scores"]["tech"] == i + 1);
      CHECK(rows[i]["by"] == "l1a");
      CHECK(rows[i]["at"] == "2026-03-05T16:00:00+08:00");
      if (i > 0) {
        CHECK(rows[i - 1]["id"].get<std::string>() < rows[i]["id"].get<std::string>());
      }
    }
    CHECK(d.git("log -1 --format=%ai").line() == "2026-03-05 16:00:00 +0800");

    auto nr = d.sdesk("survey report named --json").json();
    CHECK(nr["n"] == 6);
    auto ar = d.sdesk("survey report anon --json").json();
    CHECK(ar["n"] == 1);
    CHECK(ar["dimensions"]["communication"]["mean"] == 3.0);
    // Both count in the month's survey KPI.
    Run kpi = d.sdesk("report kpi --period 2026-03 --json");
    INFO(kpi.err);
    REQUIRE(kpi.code == 0);
    double tech = kpi.json()["kpi"]["survey_scores"]["tech"].get<double>();
    CHECK(tech > 3.2);  // (4 + 1 + 2 + 3 + 4 + 5 + 4) / 7: the anonymous answer counts
    CHECK(tech < 3.3);
    Run verify = d.sdesk("verify");
    INFO(verify.out << verify.err);
    CHECK(verify.code == 0);
    CHECK(d.clean());
  }
}
