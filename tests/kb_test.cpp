// The knowledge base: article lifecycle through the real binary, links to tickets, refusals,
// hand edits, search over a corpus of Chinese and English articles; and the fold in lib/kb.
#include "lib/kb/kb.hpp"

#include <doctest/doctest.h>

#include <fstream>

#include "lib/util/error.hpp"
#include "tests/helpers.hpp"

using namespace sdesk::test;

namespace {

// Writes a draft as `as` and returns its ID.
std::string new_article(const TestDesk& d, const std::string& args, const std::string& as = "l1a") {
  Run r = d.sdesk("kb new " + args, as);
  if (r.code != 0) throw std::runtime_error("kb new failed: " + r.err);
  return r.line();
}

// Writes, reviews (as the author) and publishes (as l2a) an article; returns its ID.
std::string published(const TestDesk& d, const std::string& args) {
  std::string id = new_article(d, args);
  if (d.sdesk("kb review " + id, "l1a").code != 0) throw std::runtime_error("review failed");
  Run r = d.sdesk("kb publish " + id, "l2a");
  if (r.code != 0) throw std::runtime_error("publish failed: " + r.err);
  return id;
}

// A ticket taken, started and resolved by l1a.
std::string resolved_ticket(const TestDesk& d, const std::string& title = "打印机脱机") {
  std::string id = d.new_ticket("P3", title);
  for (const std::string& step : {"take " + id, "start " + id,
                                  "resolve " + id + " --solution " + q("重新添加打印机端口") +
                                      " --cause " + q("端口被安全软件删除")}) {
    Run r = d.sdesk(step, "l1a");
    if (r.code != 0) throw std::runtime_error(step + ": " + r.err);
  }
  return id;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

}  // namespace

TEST_SUITE("command/kb") {
  TEST_CASE("kb new --from pre-fills from the ticket and links both ways in one commit") {
    TestDesk d;
    std::string tid = resolved_ticket(d);
    int before = d.commits();
    Run r = d.sdesk("kb new --from " + tid.substr(0, 11) + " --tags 打印,驱动", "l1a");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    std::string id = r.line();
    CHECK(id.rfind("KB-2603-", 0) == 0);
    CHECK(id.size() == 15);
    CHECK(d.commits() == before + 1);
    CHECK(d.clean());
    std::string msg = d.git("log -1 --format=%B").out;
    CHECK(msg.rfind(id + ": new — 打印机脱机", 0) == 0);
    CHECK(msg.find("Sdesk-Object: " + id) != std::string::npos);
    CHECK(msg.find("Sdesk-Related: " + tid) != std::string::npos);
    CHECK(msg.find("Sdesk-Action: new") != std::string::npos);
    std::string files = d.git("show --name-only --format= HEAD").out;
    CHECK(files.find("kb/" + id + ".yaml") != std::string::npos);
    CHECK(files.find(tid + ".yaml") != std::string::npos);

    auto a = d.sdesk("kb show " + id + " --json").json();
    CHECK(a["id"] == id);
    CHECK(a["title"] == "打印机脱机");
    CHECK(a["status"] == "draft");
    CHECK(a["version"] == 1);
    CHECK(a["author"] == "l1a");
    CHECK(a["reviewer"].is_null());
    CHECK(a["tickets"] == nlohmann::json::array({tid}));
    CHECK(a["symptom"] == "打印机脱机");  // what the customer saw, not the need (恢复打印)
    CHECK(a["environment"] == "os=Windows11");
    CHECK(a["cause"] == "端口被安全软件删除");
    CHECK(a["solution"] == "重新添加打印机端口");
    CHECK(a["tags"] == nlohmann::json::array({"打印", "驱动"}));
    CHECK(a["created_at"] == "2026-03-02T09:00:00+08:00");
    CHECK(a["published_at"].is_null());
    CHECK(a["citations"] == 1);
    CHECK(a["events"][0]["action"] == "new");

    auto t = d.sdesk("show " + tid + " --json").json();
    CHECK(t["kb"] == nlohmann::json::array({id}));
    CHECK(t["events"].back()["action"] == "kb");
    CHECK(t["events"].back()["article"] == id);
    // The file keeps Chinese as UTF-8 text.
    CHECK(d.git("show HEAD:kb/" + id + ".yaml").out.find("title: 打印机脱机") != std::string::npos);

    // Flags override what the ticket says.
    std::string id2 = new_article(
        d, "--from " + tid + " --title " + q("另一个标题") + " --solution " + q("换一台打印机"));
    auto b = d.sdesk("kb show " + id2 + " --json").json();
    CHECK(b["title"] == "另一个标题");
    CHECK(b["solution"] == "换一台打印机");
    CHECK(b["cause"] == "端口被安全软件删除");
  }

  TEST_CASE("review, publish by someone else, edit a published article, retire") {
    TestDesk d;
    std::string id =
        new_article(d, "--title " + q("VPN 连接失败") + " --solution " + q("重装客户端"));
    int before = d.commits();
    // Publishing a draft that was never reviewed is refused and writes nothing.
    Run r = d.sdesk("kb publish " + id, "l2a");
    CHECK(r.code == 4);
    CHECK(r.err.find("review") != std::string::npos);
    CHECK(d.commits() == before);
    r = d.sdesk("kb review " + id + " --json", "l1a");
    REQUIRE(r.code == 0);
    CHECK(r.json()["status"] == "review");
    CHECK(d.git("log -1 --format=%B").out.find("Sdesk-Action: review") != std::string::npos);
    before = d.commits();
    // The author may not publish (review) their own article.
    r = d.sdesk("kb publish " + id, "l1a");
    CHECK(r.code == 4);
    CHECK(r.err.rfind("sdesk: error:", 0) == 0);
    CHECK(d.commits() == before);
    CHECK(d.clean());
    r = d.sdesk("kb publish " + id + " --json", "l2a");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto a = r.json();
    CHECK(a["status"] == "published");
    CHECK(a["reviewer"] == "l2a");
    CHECK(a["published_at"] == "2026-03-02T09:00:00+08:00");
    CHECK(a["review_due"] == "2027-03-02T09:00:00+08:00");
    CHECK(d.commits() == before + 1);

    d.at("2026-04-01T10:00:00+08:00");
    r = d.sdesk("kb edit " + id + " --solution " + q("升级客户端到 5.2") + " --reason " +
                    q("新版本修复") + " --json",
                "l2b");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    a = r.json();
    CHECK(a["status"] == "published");
    CHECK(a["version"] == 2);
    CHECK(a["solution"] == "升级客户端到 5.2");
    CHECK(a["events"].back()["action"] == "edit");
    CHECK(a["events"].back()["by"] == "l2b");
    CHECK(a["events"].back()["at"] == "2026-04-01T10:00:00+08:00");
    CHECK(a["events"].back()["reason"] == "新版本修复");
    CHECK(d.git("log -1 --format=%an").line() == "赵六");
    // An edit that changes nothing writes nothing.
    before = d.commits();
    r = d.sdesk("kb edit " + id + " --solution " + q("升级客户端到 5.2"), "l2b");
    CHECK(r.code == 0);
    CHECK(d.commits() == before);

    // Only the PM or the author retires.
    r = d.sdesk("kb retire " + id, "l2b");
    CHECK(r.code == 4);
    CHECK(d.commits() == before);
    r = d.sdesk("kb retire " + id.substr(0, 12) + " --json", "l1a");
    REQUIRE(r.code == 0);
    CHECK(r.json()["status"] == "retired");
    r = d.sdesk("kb edit " + id + " --title x", "l1a");
    CHECK(r.code == 4);
    CHECK(d.clean());
  }

  TEST_CASE("IDs by unique prefix; unknown and ambiguous prefixes") {
    TestDesk d;
    std::string a = new_article(d, "--title 甲");
    std::string b = new_article(d, "--title 乙");
    CHECK(d.sdesk("kb show " + a + " --json").json()["title"] == "甲");
    Run r = d.sdesk("kb show KB-");
    CHECK(r.code == 2);
    CHECK(r.err.find(a) != std::string::npos);
    CHECK(r.err.find(b) != std::string::npos);
    CHECK(d.sdesk("kb show KB-9999").code == 3);
    // A title is required.
    int before = d.commits();
    r = d.sdesk("kb new --symptom 无标题", "l1a");
    CHECK(r.code == 4);
    CHECK(r.err.find("title") != std::string::npos);
    CHECK(d.commits() == before);
    CHECK(d.sdesk("kb new --title x --from T-9999", "l1a").code == 3);
    CHECK(d.commits() == before);
  }

  TEST_CASE("kb edit with no flags opens $EDITOR on the YAML and validates it") {
    TestDesk d;
    std::string id = new_article(d, "--title 旧标题 --solution " + q("旧办法"));
    std::map<std::string, std::string> env{
        {"SDESK_NOW", "2026-03-03T09:00:00+08:00"},
        {"SDESK_USER", "l1a"},
        {"EDITOR", "sed -i s/^solution:\\ 旧办法/solution:\\ 新办法/"}};
    int before = d.commits();
    Run r = run_sdesk(d.dir(), "kb edit " + id + " --reason 更正 --json", env);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto a = r.json();
    CHECK(a["solution"] == "新办法");
    CHECK(a["title"] == "旧标题");
    CHECK(a["version"] == 1);
    CHECK(a["events"].back()["solution"] == "新办法");
    CHECK(!a["events"].back().contains("title"));
    CHECK(d.commits() == before + 1);
    CHECK(d.clean());
    // Changing what only events may change is refused, naming the field.
    env["EDITOR"] = "sed -i s/^status:.*/status:\\ published/";
    r = run_sdesk(d.dir(), "kb edit " + id, env);
    CHECK(r.code == 4);
    CHECK(r.err.find("status") != std::string::npos);
    CHECK(d.commits() == before + 1);
    // Broken YAML is refused.
    env["EDITOR"] = "sed -i s/^title:.*/title:\\ [broken/";
    r = run_sdesk(d.dir(), "kb edit " + id, env);
    CHECK(r.code == 4);
    CHECK(d.commits() == before + 1);
    // An editor that changes nothing writes nothing.
    env["EDITOR"] = "true";
    r = run_sdesk(d.dir(), "kb edit " + id, env);
    CHECK(r.code == 0);
    CHECK(d.commits() == before + 1);
    CHECK(d.clean());
  }

  TEST_CASE("sdesk commit validates a hand-edited article") {
    TestDesk d;
    std::string id = new_article(d, "--title 手工 --solution 原文");
    auto path = d.dir() / "kb" / (id + ".yaml");
    std::string text = slurp(path);
    // A state block that its events do not give is refused, naming file, line and field.
    std::string bad = text;
    bad.replace(bad.find("solution: 原文"), std::string("solution: 原文").size(), "solution: 手改");
    spit(path, bad);
    int before = d.commits();
    Run r = d.sdesk("commit -m hand", "l1a");
    CHECK(r.code == 4);
    CHECK(r.err.find("kb/" + id + ".yaml:") != std::string::npos);
    CHECK(r.err.find("solution") != std::string::npos);
    CHECK(d.commits() == before);
    // kb commands refuse to overwrite the hand edit.
    CHECK(d.sdesk("kb review " + id, "l1a").code == 4);
    // A consistent hand edit (an event appended and the state block to match) commits.
    std::string good = text;
    good.replace(good.find("solution: 原文"), std::string("solution: 原文").size(),
                 "solution: 手改");
    good +=
        "- id: ZZZZZZZZZZZ\n  at: 2026-03-02T10:00:00+08:00\n  by: l1a\n"
        "  action: edit\n  solution: 手改\n";
    spit(path, good);
    r = d.sdesk("commit -m hand", "l1a");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(d.commits() == before + 1);
    CHECK(d.clean());
    CHECK(d.sdesk("kb show " + id + " --json").json()["solution"] == "手改");
  }

  TEST_CASE("kb pending lists solved tickets without an article; kb stale past review_due") {
    TestDesk d;
    std::string t1 = resolved_ticket(d, "第一张");
    d.at("2026-03-02T11:00:00+08:00");
    std::string t2 = resolved_ticket(d, "第二张");
    std::string open = d.new_ticket("P3", "还没解决");
    auto p = d.sdesk("kb pending --json").json();
    REQUIRE(p.size() == 2);
    CHECK(p[0]["id"] == t1);
    CHECK(p[1]["id"] == t2);
    CHECK(p[0]["consultant"] == "l1a");
    CHECK(d.sdesk("kb pending --by l2a --json").json().empty());
    std::string id = new_article(d, "--from " + t1);
    p = d.sdesk("kb pending --json").json();
    REQUIRE(p.size() == 1);
    CHECK(p[0]["id"] == t2);

    // A ticket resolved citing an article counts for `kb show`.
    Run r = d.sdesk("take " + open, "l1a");
    d.sdesk("start " + open, "l1a");
    r = d.sdesk("resolve " + open + " --solution 参照知识库 --kb " + id, "l1a");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto a = d.sdesk("kb show " + id + " --json").json();
    CHECK(a["citations"] == 2);
    CHECK(d.sdesk("kb show " + id).out.find("2 tickets") != std::string::npos);

    d.sdesk("kb review " + id, "l1a");
    REQUIRE(d.sdesk("kb publish " + id, "pm1").code == 0);
    CHECK(d.sdesk("kb stale --json").json().empty());
    d.at("2027-03-02T11:00:01+08:00");
    auto s = d.sdesk("kb stale --json").json();
    REQUIRE(s.size() == 1);
    CHECK(s[0]["id"] == id);
    CHECK(!s[0].contains("events"));
    // list shows every article; --status filters.
    CHECK(d.sdesk("kb list --json").json().size() == 1);
    CHECK(d.sdesk("kb list --status draft --json").json().empty());
    CHECK(d.sdesk("kb list").out.find(id) != std::string::npos);
    // The state cache is never the source of truth.
    std::string listed = d.sdesk("kb list --json").out;
    std::filesystem::remove(d.dir() / ".git" / "sdesk" / "kb-state.cache");
    CHECK(d.sdesk("kb list --json").out == listed);
  }

  TEST_CASE("kb search over a corpus of Chinese and English articles") {
    TestDesk d;
    struct Doc {
      std::string title, symptom, solution;
    };
    std::vector<Doc> corpus{
        {"打印机卡纸", "打印机进纸时卡纸", "清理搓纸轮"},
        {"打印机驱动安装失败", "安装驱动时提示错误", "以管理员身份安装"},
        {"共享文件夹脱机", "网络驱动器显示脱机", "重新映射网络驱动器"},
        {"Outlook 无法收信", "Outlook 提示密码错误", "重置密码"},
        {"显示器闪屏", "显示器间歇黑屏", "更换视频线"},
        {"Wi-Fi 频繁断开", "笔记本无线网络掉线", "更新无线网卡驱动"},
        {"Excel 打开缓慢", "大文件打开需要几分钟", "关闭加载项"},
        {"邮箱空间已满", "无法发送邮件", "归档旧邮件"},
        {"电脑开机蓝屏", "开机出现蓝屏代码", "回滚显卡驱动"},
        {"键盘按键失灵", "部分按键无反应", "更换键盘"},
        {"Teams 会议无声音", "会议中听不到声音", "选择正确的扬声器"},
        {"SAP 登录超时", "SAP GUI 登录时超时", "检查网络防火墙"},
        {"扫描仪无法识别", "USB 扫描仪未识别", "重新插拔并安装驱动"},
        {"账号被锁定", "多次输错密码后被锁", "解锁账号"},
        {"磁盘空间不足", "C 盘空间不足告警", "清理临时文件"},
        {"Chrome crashes on start", "Chrome closes right after launch", "Reset the profile"},
        {"Password reset", "User forgot the domain password", "Reset it in AD"},
        {"Printer queue stuck", "Jobs stay in the queue", "Restart the spooler service"},
        {"Slow network share", "Copying files is slow", "Check the duplex setting"},
        {"Laptop battery drains", "Battery lasts one hour", "Replace the battery"},
        {"Webcam not detected", "Camera missing in device manager", "Enable it in BIOS"},
        {"DNS resolution fails", "Names do not resolve", "Flush the DNS cache"},
        {"Mapped drive disconnected", "The drive shows a red cross", "Reconnect at logon"},
        {"Certificate expired", "Browser warns about the certificate", "Renew the certificate"},
        {"Mouse lag", "Cursor moves slowly", "Change the USB port"},
        {"电话机无拨号音", "话机拿起无声音", "检查电话线"},
        {"投影仪无信号", "投影仪显示无信号", "切换输入源"},
        {"文件误删恢复", "共享盘文件被误删", "从快照恢复"},
        {"远程桌面连接失败", "RDP 连接被拒绝", "开启远程桌面"},
        {"办公软件激活失败", "Office 提示未激活", "重新输入密钥"},
    };
    for (const auto& c : corpus)
      published(d, "--title " + q(c.title) + " --symptom " + q(c.symptom) + " --solution " +
                       q(c.solution));
    std::string target =
        published(d, "--title " + q("财务部无法打印") + " --symptom " +
                         q("打印机在任务栏里显示脱机，文档停在队列中") + " --solution " +
                         q("取消勾选“脱机使用打印机”") + " --tags 打印");
    std::string vpn_title = published(
        d, "--title " + q("VPN client fails to connect") + " --symptom " + q("Error 809 at logon"));
    std::string vpn_body =
        published(d, "--title " + q("远程办公网络慢") + " --symptom " + q("家里访问内网很慢") +
                         " --solution " + q("Use the vpn split tunnel profile"));
    std::string retired = published(d, "--title " + q("打印机脱机（旧方法）") + " --symptom " +
                                           q("打印机显示脱机") + " --solution " + q("重启电脑"));
    REQUIRE(d.sdesk("kb retire " + retired, "l1a").code == 0);
    std::string draft = new_article(d, "--title " + q("打印机脱机草稿"));
    CHECK(d.sdesk("kb list --json").json().size() >= 35);

    Run r = d.sdesk("kb search 打印机脱机 --json");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto hits = r.json();
    REQUIRE(!hits.empty());
    CHECK(hits[0]["id"] == target);
    CHECK(hits[0]["title"] == "财务部无法打印");
    CHECK(hits[0]["score"].is_number());
    CHECK(hits[0]["snippet"].get<std::string>().find("【打印机】") != std::string::npos);
    CHECK(hits[0]["snippet"].get<std::string>().find("【脱机】") != std::string::npos);
    for (size_t i = 1; i < hits.size(); ++i)
      CHECK(hits[i - 1]["score"].get<double>() >= hits[i]["score"].get<double>());
    // Retired and draft articles are hidden unless --all.
    for (const auto& h : hits) {
      CHECK(h["id"] != retired);
      CHECK(h["id"] != draft);
    }
    auto all = d.sdesk("kb search 打印机脱机 --all --json").json();
    bool saw_retired = false, saw_draft = false;
    for (const auto& h : all) {
      saw_retired = saw_retired || h["id"] == retired;
      saw_draft = saw_draft || h["id"] == draft;
    }
    CHECK(saw_retired);
    CHECK(saw_draft);

    // English, case-insensitively; the title match above the body-only match.
    hits = d.sdesk("kb search VPN --json").json();
    REQUIRE(hits.size() == 2);
    CHECK(hits[0]["id"] == vpn_title);
    CHECK(hits[1]["id"] == vpn_body);
    CHECK(hits[1]["snippet"].get<std::string>().find("【vpn】") != std::string::npos);
    CHECK(d.sdesk("kb search vPn --json").json().size() == 2);
    // Mixed Chinese and English.
    hits = d.sdesk("kb search " + q("Outlook 密码") + " --json").json();
    REQUIRE(!hits.empty());
    CHECK(hits[0]["title"] == "Outlook 无法收信");
    // Nothing found is an empty list, not an error; the table has the same rows.
    CHECK(d.sdesk("kb search 量子计算 --json").json().empty());
    r = d.sdesk("kb search 打印机脱机");
    CHECK(r.code == 0);
    CHECK(r.out.find(target) != std::string::npos);
    CHECK(r.out.find(target) < r.out.find("\n", r.out.find("\n") + 1));
    // Deleting the cache changes nothing.
    std::filesystem::remove(d.dir() / ".git" / "sdesk" / "kb-search.cache");
    CHECK(d.sdesk("kb search 打印机脱机 --json").json()[0]["id"] == target);
    CHECK(d.clean());
  }
}

TEST_SUITE("unit/kb") {
  using sdesk::Json;
  Json ev(const std::string& id, const std::string& by, const std::string& action) {
    Json e = Json::object();
    e["id"] = id;
    e["at"] = "2026-03-02T09:00:00+08:00";
    e["by"] = by;
    e["action"] = action;
    return e;
  }

  TEST_CASE("the fold: lifecycle, versions, and events that are not legal are marked") {
    Json n = ev("0000000001A", "l1a", "new");
    n["title"] = "标题";
    n["tags"] = Json::array({"a"});
    Json self = ev("0000000003A", "l1a", "publish");
    Json pub = ev("0000000004A", "l2a", "publish");
    pub["review_due"] = "2027-03-02T09:00:00+08:00";
    Json edit = ev("0000000005A", "l2b", "edit");
    edit["solution"] = "新";
    auto a = sdesk::fold_article("KB-2603-0000000",
                                 {edit, pub, self, ev("0000000002A", "l1a", "review"), n});
    CHECK(a.status == "published");
    CHECK(a.reviewer == "l2a");
    CHECK(a.version == 2);
    CHECK(a.solution == "新");
    CHECK(a.tags == std::vector<std::string>{"a"});
    CHECK(a.review_due == "2027-03-02T09:00:00+08:00");
    REQUIRE(a.illegal.count("0000000003A") == 1);
    CHECK(a.illegal["0000000003A"].find("someone else") != std::string::npos);
    CHECK(a.events.front()["action"] == "new");

    // The file round-trips, and a state block that disagrees with the events is refused.
    std::string yaml = sdesk::article_yaml(a);
    CHECK(sdesk::parse_article(yaml, "kb/x.yaml").version == 2);
    std::string bad = yaml;
    bad.replace(bad.find("version: 2"), 10, "version: 3");
    CHECK_THROWS_AS(sdesk::parse_article(bad, "kb/x.yaml"), sdesk::Error);
    CHECK(sdesk::split_tags(" 打印 ,驱动，打印,, VPN ") ==
          std::vector<std::string>{"打印", "驱动", "VPN"});
  }
}
