// Notifications and routine work: the signatures, each channel's shape as a real HTTP receiver
// and SMTP sink on 127.0.0.1 see it, a central desk notified by its post-receive hook exactly
// once whatever the clones push, retries, SLA thresholds crossed by time, templates and
// schedules over a month of the desk's calendar.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fstream>
#include <map>
#include <set>

#include "lib/notify/sign.hpp"
#include "tests/helpers.hpp"
#include "tests/servers.hpp"

using namespace sdesk::test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string hex(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
  return out;
}

std::vector<json> parsed(const std::vector<std::string>& lines) {
  std::vector<json> out;
  for (const auto& l : lines) out.push_back(json::parse(l));
  return out;
}

// Appends a notify: block to desk.yaml and commits it as the PM.
void set_notify(const TestDesk& d, const std::string& block) {
  std::string yaml = read_file(d.dir() / "desk.yaml");
  write_file(d.dir() / "desk.yaml", yaml + "\n" + block);
  Run r = d.sdesk("commit");
  REQUIRE_MESSAGE(r.code == 0, r.err);
}

// A test desk whose one channel, `hook`, is a webhook (variable T_HOOK) to a receiver on
// 127.0.0.1 answering with `plan`, with these rules (YAML list items).
struct WebhookDesk {
  TempDir tmp;
  HttpReceiver http;
  TestDesk d;
  explicit WebhookDesk(const std::string& rules, const std::string& channel_extra = "",
                       const std::string& plan = "")
      : http(tmp.path() / "http", "", plan) {
    set_notify(d, "notify:\n  channels:\n    hook: {type: webhook, url_env: T_HOOK" +
                      channel_extra + "}\n  rules:\n" + rules);
  }
};

// A central bare desk with its hooks, seeded from a test desk, and clones of it.
struct Central {
  TempDir root;
  fs::path bare() const { return root.path() / "desk.git"; }
  explicit Central(const TestDesk& seed, const std::string& notify_env) {
    REQUIRE(sh(root.path(), "git init -q --bare -b main desk.git").code == 0);
    REQUIRE(seed.git("push -q " + q(bare().string()) + " main").code == 0);
    Run r = run_sdesk(root.path(), "-C desk.git hook install");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    REQUIRE(r.out.find("post-receive") != std::string::npos);
    write_file(bare() / "notify.env", notify_env);
  }
  fs::path clone(const std::string& name, const std::string& node) const {
    Run r = sh(root.path(), "git clone -q desk.git " + name);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    force_identity(root.path() / name, node);
    return root.path() / name;
  }
  Run sdesk(const fs::path& dir, const std::string& args, const std::string& now,
            const std::string& as = "l1a") const {
    return run_sdesk(dir, args, {{"SDESK_NOW", now}, {"SDESK_USER", as}});
  }
};

// Runs `sdesk sweep` at a time with the receiver as channel T_HOOK; how many it sent.
int sweep_sent(const fs::path& dir, const std::string& at, const HttpReceiver& http) {
  Run r = run_sdesk(dir, "sweep --json", {{"SDESK_NOW", at}, {"T_HOOK", http.url("hook")}});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  return r.json()["notified"]["sent"].get<int>();
}

const char* kIntake =
    " --customer 财务部 --contact 13800000000 --channel hotline --need 恢复 --required-by "
    "2026-12-31 --env os=Linux";

}  // namespace

TEST_SUITE("notify sign") {
  TEST_CASE("notify: HMAC-SHA256 and base64 match the published test vectors") {
    CHECK(hex(sdesk::sha256("abc")) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(hex(sdesk::hmac_sha256("Jefe", "what do ya want for nothing?")) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(hex(sdesk::hmac_sha256(std::string(131, '\xaa'),
                                 "Test Using Larger Than Block-Size Key - Hash Key First")) ==
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    CHECK(sdesk::base64("abc") == "YWJj");
    CHECK(sdesk::base64("ab") == "YWI=");
    CHECK(sdesk::base64("a") == "YQ==");
  }
}

TEST_SUITE("sync notify") {
  TEST_CASE("notify: a P1 pushed to the central desk reaches every channel in its shape") {
    TempDir tmp;
    HttpReceiver http(tmp.path() / "http", "s3cr3t");
    SmtpSink smtp(tmp.path() / "smtp");
    TestDesk d;
    REQUIRE(d.sdesk("staff add pm2 --name 孙经理 --role pm --phone 13900000001").code == 0);
    set_notify(d, R"(notify:
  channels:
    wx: {type: wecom, url_env: T_WECOM}
    dd: {type: dingtalk, format: markdown, url_env: T_DING, secret_env: T_SECRET}
    fs: {type: feishu, url_env: T_FEISHU, secret_env: T_SECRET}
    hook: {type: webhook, url_env: T_HOOK, secret_env: T_SECRET}
    mail: {type: email, smtp_env: T_SMTP, to: [ops@example.com], from: desk@example.com, tls: try}
  rules:
    - {on: [new:P1, major], to: [wx, dd, fs, hook, mail]}
)");
    Central c(d, "T_WECOM=" + http.url("wecom?key=k1") +
                     "\nT_DING=" + http.url("ding?access_token=t1") +
                     "\nT_FEISHU=" + http.url("feishu") + "\nT_HOOK=" + http.url("hook") +
                     "\nT_SECRET=s3cr3t\nT_SMTP=" + smtp.url() + "\n");
    fs::path a = c.clone("a", "0A");
    std::string now = "2026-03-02T10:00:00+08:00";
    Run n = c.sdesk(a, std::string("new --title 核心交换机宕机 --priority P1") + kIntake, now);
    REQUIRE_MESSAGE(n.code == 0, n.err);
    std::string id = n.line();
    Run s = c.sdesk(a, "sync", now);
    REQUIRE_MESSAGE(s.code == 0, s.err);

    std::map<std::string, json> by_path;
    for (const auto& r : parsed(http.requests()))
      by_path[r["path"].get<std::string>().substr(1, r["path"].get<std::string>().find('?') - 1)] =
          r;
    REQUIRE(by_path.size() == 4);
    json wx = json::parse(by_path["wecom"]["body"].get<std::string>());
    CHECK(wx["msgtype"] == "text");
    CHECK(wx["text"]["content"].get<std::string>().find(id) != std::string::npos);
    CHECK(wx["text"]["content"].get<std::string>().find("核心交换机宕机") != std::string::npos);
    CHECK(wx["text"]["content"].get<std::string>().find("财务部") != std::string::npos);
    CHECK(wx["text"]["mentioned_mobile_list"] == json::array({"13900000001"}));
    json dd = json::parse(by_path["ding"]["body"].get<std::string>());
    CHECK(dd["msgtype"] == "markdown");
    CHECK(dd["markdown"]["text"].get<std::string>().find(id) != std::string::npos);
    CHECK(dd["at"]["atMobiles"] == json::array({"13900000001"}));
    CHECK(by_path["ding"]["sign_ok"] == true);
    CHECK(by_path["ding"]["path"].get<std::string>().find("access_token=t1&timestamp=") !=
          std::string::npos);
    json fsb = json::parse(by_path["feishu"]["body"].get<std::string>());
    CHECK(fsb["msg_type"] == "text");
    CHECK(fsb["content"]["text"].get<std::string>().find(id) != std::string::npos);
    CHECK(by_path["feishu"]["sign_ok"] == true);
    json hk = json::parse(by_path["hook"]["body"].get<std::string>());
    CHECK(hk["key"] == "new:" + id);
    CHECK(hk["object"] == id);
    CHECK(by_path["hook"]["sign_ok"] == true);

    std::vector<std::string> mails = smtp.messages();
    REQUIRE(mails.size() == 1);
    CHECK(mails[0].find("To: ops@example.com") != std::string::npos);
    CHECK(mails[0].find("X-Sdesk-Key: new:" + id) != std::string::npos);
    CHECK(mails[0].find("Subject: =?UTF-8?B?") != std::string::npos);

    // The log lists each delivery; no secret reaches it.
    Run log = run_sdesk(c.root.path(), "-C desk.git notify log --json");
    REQUIRE(log.code == 0);
    CHECK(log.json().size() == 5);
    for (const auto& e : log.json()) CHECK(e["status"] == "sent");
    CHECK(log.out.find("s3cr3t") == std::string::npos);
    CHECK(log.out.find("key=k1") == std::string::npos);
    // The delivery log is the server's, never part of the desk's history.
    CHECK(sh(c.bare(), "git ls-tree -r --name-only main").out.find("sdesk-notify") ==
          std::string::npos);

    // notify test sends one message on the named channel; an unknown channel is exit 3.
    Run t = run_sdesk(c.root.path(), "-C desk.git notify test hook",
                      {{"T_HOOK", http.url("hook")}, {"T_SECRET", "s3cr3t"}});
    CHECK_MESSAGE(t.code == 0, t.err);
    CHECK(http.requests().size() == 5);
    CHECK(run_sdesk(c.root.path(), "-C desk.git notify test nosuch").code == 3);
  }

  TEST_CASE("notify: three clones push the same events; each is told exactly once") {
    WebhookDesk w("    - {on: [new:P1, new:P2, escalate, handover], to: [hook]}\n");
    TestDesk& d = w.d;
    HttpReceiver& http = w.http;
    Central c(d, "T_HOOK=" + http.url("hook") + "\n");
    fs::path a = c.clone("a", "0A"), b = c.clone("b", "0B"), cc = c.clone("c", "0C");
    std::string now = "2026-03-02T10:00:00+08:00";
    std::string p1 =
        c.sdesk(a, std::string("new --title 机房断电 --priority P1") + kIntake, now).line();
    REQUIRE(c.sdesk(a, "sync", now).code == 0);
    // b and c pull the P1, add their own events to it and to new tickets, and push.
    REQUIRE(c.sdesk(b, "sync", now).code == 0);
    REQUIRE(c.sdesk(cc, "sync", now).code == 0);
    REQUIRE(c.sdesk(b, "take " + p1, now).code == 0);
    Run esc = c.sdesk(b, "escalate " + p1 + " --to l2 --reason 硬件 --done 重启", now);
    REQUIRE_MESSAGE(esc.code == 0, esc.err);
    std::string p2 =
        c.sdesk(cc, std::string("new --title 邮件延迟 --priority P2") + kIntake, now).line();
    REQUIRE(c.sdesk(b, "sync", now).code == 0);
    REQUIRE(c.sdesk(cc, "sync", now).code == 0);  // merges b's work, pushes its own P2
    REQUIRE(c.sdesk(a, "sync", now).code == 0);   // only pulls
    // a P3 is no rule's event
    c.sdesk(a, std::string("new --title 鼠标失灵 --priority P3") + kIntake, now);
    Run h = c.sdesk(a, "handover --to l1b --note 交班", now);
    REQUIRE_MESSAGE(h.code == 0, h.err);
    REQUIRE(c.sdesk(a, "sync", now).code == 0);
    // The hook run again over the whole history (a re-run, a retry) adds nothing.
    std::string head = sh(c.bare(), "git rev-parse main").line();
    Run again =
        run_sdesk(c.bare(), "notify push " + std::string(40, '0') + " " + head + " refs/heads/main",
                  {{"SDESK_NOW", now}, {"T_HOOK", http.url("hook")}});
    CHECK(again.code == 0);

    std::multiset<std::string> keys;
    for (const auto& r : parsed(http.requests()))
      keys.insert(json::parse(r["body"].get<std::string>())["key"].get<std::string>());
    CHECK(keys.count("new:" + p1) == 1);
    CHECK(keys.count("new:" + p2) == 1);
    int escalations = 0;
    for (const auto& k : keys) escalations += k.rfind("escalate:" + p1, 0) == 0;
    CHECK(escalations == 1);
    int handovers = 0;
    for (const auto& k : keys) handovers += k.rfind("handover:", 0) == 0;
    CHECK(handovers == 1);
    CHECK(keys.size() == 4);

    // A sweep at the same moment has no threshold to tell; run twice, it sends nothing.
    for (int i = 0; i < 2; ++i) {
      Run s =
          run_sdesk(c.bare(), "sweep --json", {{"SDESK_NOW", now}, {"T_HOOK", http.url("hook")}});
      REQUIRE_MESSAGE(s.code == 0, s.err);
      CHECK(s.json()["notified"]["sent"] == 0);
    }
    CHECK(http.requests().size() == 4);
  }

  TEST_CASE("notify: a channel answering 500 is retried and never holds up the push") {
    WebhookDesk w("    - {on: [new:P1], to: [hook]}\n", "", "500,500,500,500");
    TestDesk& d = w.d;
    HttpReceiver& http = w.http;
    Central c(d, "T_HOOK=" + http.url("hook") + "\n");
    fs::path a = c.clone("a", "0A");
    std::string now = "2026-03-02T10:00:00+08:00";
    std::string id =
        c.sdesk(a, std::string("new --title 网络中断 --priority P1") + kIntake, now).line();
    Run s = c.sdesk(a, "sync", now);
    CHECK_MESSAGE(s.code == 0, s.err);  // the push went through
    CHECK(sh(c.bare(), "git log --oneline main").out.find("new") != std::string::npos);
    CHECK(http.requests().size() == 3);  // three tries at once, each answered 500
    Run log = run_sdesk(c.bare(), "notify log --json");
    REQUIRE(log.json().size() == 1);
    CHECK(log.json()[0]["status"] == "failed");
    CHECK(log.json()[0]["attempts"] == 3);
    CHECK(log.json()[0]["error"].get<std::string>().find("HTTP 500") != std::string::npos);
    // Before its backoff has passed, a sweep leaves it; after, it retries: one more 500, then 200.
    std::map<std::string, std::string> env{{"T_HOOK", http.url("hook")}};
    env["SDESK_NOW"] = "2026-03-02T10:01:00+08:00";
    REQUIRE(run_sdesk(c.bare(), "sweep", env).code == 0);
    CHECK(http.requests().size() == 3);
    env["SDESK_NOW"] = "2026-03-02T10:20:00+08:00";
    Run sw = run_sdesk(c.bare(), "sweep --json", env);
    REQUIRE_MESSAGE(sw.code == 0, sw.err);
    CHECK(sw.json()["notified"]["sent"] == 1);
    auto reqs = parsed(http.requests());
    REQUIRE(reqs.size() == 5);
    CHECK(reqs[3]["code"] == 500);
    CHECK(reqs[4]["code"] == 200);
    CHECK(json::parse(reqs[4]["body"].get<std::string>())["key"] == "new:" + id);
    log = run_sdesk(c.bare(), "notify log --json");
    CHECK(log.json()[0]["status"] == "sent");
    CHECK(log.json()[0]["attempts"] == 5);
  }
}

TEST_SUITE("sync notify") {
  TEST_CASE("notify: a channel's rate limit holds messages back for a later sweep") {
    WebhookDesk w("    - {on: [new:P1], to: [hook]}\n", ", per_minute: 2");
    TestDesk& d = w.d;
    HttpReceiver& http = w.http;
    Central c(d, "T_HOOK=" + http.url("hook") + "\n");
    fs::path a = c.clone("a", "0A");
    std::string now = "2026-03-02T10:00:00+08:00";
    for (const char* title : {"一号机房断网", "二号机房断网", "三号机房断网"})
      REQUIRE(
          c.sdesk(a, std::string("new --title ") + title + " --priority P1" + kIntake, now).code ==
          0);
    REQUIRE(c.sdesk(a, "sync", now).code == 0);  // one push, three new P1
    CHECK(http.requests().size() == 2);
    Run log = run_sdesk(c.bare(), "notify log --json");
    REQUIRE(log.json().size() == 3);
    CHECK(log.json()[2]["status"] == "deferred");
  }
}

TEST_SUITE("command notify") {
  TEST_CASE("notify: complaints due and overdue, and the daily summary, are told once each") {
    WebhookDesk w(
        "    - {on: [complaint_due, complaint_overdue], to: [hook]}\n"
        "    - {on: [daily], to: [hook], at: \"09:30\"}\n"
        "  messages:\n"
        "    daily: {title: \"值班日报 {date}\", text: \"未关闭 {open} 件，逾期投诉 {overdue} "
        "件\"}\n");
    TestDesk& d = w.d;
    HttpReceiver& http = w.http;
    Run cn =
        d.sdesk("complaint new --customer 财务部 --text 响应太慢 --due 2026-03-02T12:00:00+08:00");
    REQUIRE_MESSAGE(cn.code == 0, cn.err);
    std::string cid = cn.line();
    auto sweep = [&](const std::string& at) { return sweep_sent(d.dir(), at, http); };
    CHECK(sweep("2026-03-02T09:10:00+08:00") == 1);  // due within a day; before the daily time
    CHECK(sweep("2026-03-02T09:40:00+08:00") == 1);  // the daily summary
    CHECK(sweep("2026-03-02T09:50:00+08:00") == 0);
    CHECK(sweep("2026-03-02T12:10:00+08:00") == 1);  // overdue
    CHECK(sweep("2026-03-02T12:20:00+08:00") == 0);
    std::vector<std::string> keys;
    for (const auto& r : parsed(http.requests()))
      keys.push_back(json::parse(r["body"].get<std::string>())["key"].get<std::string>());
    CHECK(keys == std::vector<std::string>{"complaint_due:" + cid, "daily:2026-03-02",
                                           "complaint_overdue:" + cid});
    // The desk's own wording of the daily summary; sdesk's for the rest.
    auto reqs = parsed(http.requests());
    json daily = json::parse(reqs.at(1)["body"].get<std::string>());
    CHECK(daily["title"] == "值班日报 2026-03-02");
    CHECK(daily["text"] == "未关闭 0 件，逾期投诉 0 件");
    json due = json::parse(reqs.at(0)["body"].get<std::string>());
    CHECK(due["title"] == "【投诉即将到期】财务部");
    CHECK(due["fields"]["id"] == cid);
  }

  TEST_CASE("notify: SLA at risk is told once before the breach, and the breach once") {
    WebhookDesk w("    - {on: [sla_at_risk, sla_breached], to: [hook]}\n");
    TestDesk& d = w.d;
    HttpReceiver& http = w.http;
    std::string id = d.new_ticket("P1", "数据库主库宕机");  // P1: response 15m, 24x7
    auto sweep = [&](const std::string& at) { return sweep_sent(d.dir(), at, http); };
    CHECK(sweep("2026-03-02T09:05:00+08:00") == 0);  // a third of the target used
    CHECK(sweep("2026-03-02T09:12:00+08:00") == 1);  // past 75 %: at risk
    CHECK(sweep("2026-03-02T09:13:00+08:00") == 0);
    CHECK(sweep("2026-03-02T09:16:00+08:00") == 1);  // past due: breached
    CHECK(sweep("2026-03-02T09:30:00+08:00") == 0);
    auto reqs = parsed(http.requests());
    REQUIRE(reqs.size() == 2);
    json first = json::parse(reqs[0]["body"].get<std::string>());
    json second = json::parse(reqs[1]["body"].get<std::string>());
    CHECK(first["key"] == "sla_at_risk:" + id + ":response");
    CHECK(first["text"].get<std::string>().find("数据库主库宕机") != std::string::npos);
    CHECK(second["key"] == "sla_breached:" + id + ":response");
    CHECK(second["title"].get<std::string>().find("SLA 超时") != std::string::npos);
  }

  TEST_CASE("notify: a template fills every field it names; flags override it") {
    TestDesk d;
    fs::create_directories(d.dir() / "templates");
    write_file(d.dir() / "templates" / "pwreset.yaml", R"(title: 密码重置
category: 账号
priority: P3
channel: hotline
need: 重置域账号密码
customer: 人事部
contact: "13800000001"
required_by: "+4h"
environment: {system: AD, site: 总部}
checklist: [核实身份, 重置密码, 通知用户]
)");
    REQUIRE(d.sdesk("commit").code == 0);
    Run n = d.sdesk("new --template pwreset --json", "l1a");
    REQUIRE_MESSAGE(n.code == 0, n.err);
    json t = n.json();
    CHECK(t["title"] == "密码重置");
    CHECK(t["category"] == "账号");
    CHECK(t["priority"] == "P3");
    CHECK(t["channel"] == "hotline");
    CHECK(t["need"] == "重置域账号密码");
    CHECK(t["customer"] == "人事部");
    CHECK(t["contact"] == "13800000001");
    CHECK(t["required_by"] == "2026-03-02T13:00:00+08:00");
    CHECK(t["environment"] == json({{"system", "AD"}, {"site", "总部"}}));
    CHECK(t["events"][0]["template"] == "pwreset");
    CHECK(t["events"][0]["checklist"] == json::array({"核实身份", "重置密码", "通知用户"}));
    Run o = d.sdesk("new --template pwreset --priority P2 --customer 财务部 --env site=分部 --json",
                    "l1a");
    REQUIRE_MESSAGE(o.code == 0, o.err);
    CHECK(o.json()["priority"] == "P2");
    CHECK(o.json()["customer"] == "财务部");
    CHECK(o.json()["environment"] == json({{"system", "AD"}, {"site", "分部"}}));
    CHECK(d.sdesk("new --template nosuch", "l1a").code == 3);
    CHECK(d.clean());
  }

  TEST_CASE("notify: a month of daily and weekly schedules makes each occurrence once") {
    TestDesk d("2026-09-28T08:00:00+08:00");
    fs::create_directories(d.dir() / "templates");
    write_file(d.dir() / "templates" / "inspect.yaml", R"(title: 机房巡检
category: 巡检
priority: P4
channel: monitoring
need: 按巡检表检查机房
customer: 运维中心
contact: "400-000-0000"
required_by: "+8h"
environment: {site: 一号机房}
checklist: [温湿度, UPS, 消防]
)");
    write_file(d.dir() / "templates" / "weekly.yaml",
               read_file(d.dir() / "templates" / "inspect.yaml").replace(0, 20, "title: 周巡检\n"));
    REQUIRE(d.sdesk("commit").code == 0);
    REQUIRE(d.sdesk("schedule add daily-check --every daily --at 09:00 --template inspect").code ==
            0);
    REQUIRE(
        d.sdesk("schedule add weekly-check --every weekly:fri --at 10:00 --template weekly").code ==
        0);
    CHECK(d.sdesk("schedule add bad --every weekly:xyz --at 09:00 --template inspect").code == 4);
    CHECK(d.sdesk("schedule add bad --every daily --at 25:00 --template inspect").code == 4);
    Run list = d.sdesk("schedule list --json");
    REQUIRE(list.code == 0);
    CHECK(list.json().size() == 2);

    // The expected days, from the desk's own calendar (China 2026: 国庆 1–7 October off).
    std::vector<std::string> days;
    std::set<std::string> working;
    auto date_of = [](int i) {  // 2026-09-28 + i days
      int y = 2026, m = 9, dd = 28 + i;
      const int len[] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
      while (dd > len[m]) dd -= len[m++];
      return fmt::format("{:04}-{:02}-{:02}", y, m, dd);
    };
    for (int i = 0; i < 34; ++i) {
      std::string day = date_of(i);
      days.push_back(day);
      Run c = d.sdesk("calendar check " + day + " --json");
      REQUIRE(c.code == 0);
      if (c.json()["working"] == true) working.insert(day);
    }
    REQUIRE(!working.count("2026-10-01"));
    REQUIRE(!working.count("2026-10-02"));
    REQUIRE(working.count("2026-10-08"));
    for (const auto& day : days) {
      d.at(day + "T10:30:00+08:00");
      Run s = d.sdesk("sweep --json", "");
      REQUIRE_MESSAGE(s.code == 0, s.err);
      d.at(day + "T23:00:00+08:00");
      Run again = d.sdesk("sweep --json", "");
      REQUIRE(again.code == 0);
      CHECK(again.json()["created"].empty());
    }
    Run all = d.sdesk("list --json --limit 1000");
    REQUIRE(all.code == 0);
    std::multiset<std::string> titles;
    for (const auto& t : all.json()) titles.insert(t["title"].get<std::string>());
    // Daily: every working day once, none on a day off.
    for (const auto& day : days)
      CHECK_MESSAGE(titles.count("机房巡检 " + day) == working.count(day), day);
    // Weekly on Friday: each Friday once; the 2 October holiday moves to the next working day.
    for (const auto& day : days) {
      bool friday = day == "2026-10-02" || day == "2026-10-09" || day == "2026-10-16" ||
                    day == "2026-10-23" || day == "2026-10-30";
      CHECK_MESSAGE(titles.count("周巡检 " + day) == (friday ? 1u : 0u), day);
    }
    for (const auto& t : all.json())
      if (t["title"] == "周巡检 2026-10-02")
        CHECK(t["created_at"].get<std::string>().rfind("2026-10-08T10:30", 0) == 0);
    CHECK(d.clean());
  }
}
