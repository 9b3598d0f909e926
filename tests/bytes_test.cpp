// Bytes in, bytes out: text that is not UTF-8 and control characters are refused where they
// come in (arguments, hand-edited files, imported rows) with exit 4 and nothing written;
// whatever a desk holds reaches a terminal without escape sequences; CSV is whole and safe
// for spreadsheets; -o never writes into the desk.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "lib/util/text.hpp"
#include "lib/util/yaml.hpp"
#include "tests/helpers.hpp"

using namespace sdesk::test;

namespace {
// Whether text holds ESC, another C0 control but newline, tab and CR, DEL, or a C1 control
// (U+0080..U+009F, C2 80..C2 9F in UTF-8).
bool has_controls(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f) return true;
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(text[i + 1]) <= 0x9F)
      return true;
  }
  return false;
}
const std::string kIntake =
    " --contact 13800000000 --channel hotline --priority P3 --need 恢复打印 "
    "--required-by 2026-12-31 --env os=Windows11";
}  // namespace

TEST_SUITE("command/bytes") {
  TEST_CASE("invalid UTF-8 in an option or a positional argument is exit 4 naming it") {
    TestDesk d;
    std::string id = d.new_ticket();
    int before = d.commits();
    Run t = d.sdesk("new --title " + q("bad\xff") + " --customer 财务部" + kIntake, "l1a");
    CHECK(t.code == 4);
    CHECK(t.err.find("sdesk: error: --title is not valid UTF-8") != std::string::npos);
    Run n = d.sdesk("note " + id + " " + q("\xff"), "l1a");
    CHECK(n.code == 4);
    CHECK(n.err.find("TEXT is not valid UTF-8") != std::string::npos);
    Run e =
        d.sdesk("new --title ok --customer 财务部" + kIntake + " --env " + q("k=\xc3\x28"), "l1a");
    CHECK(e.code == 4);
    CHECK(e.err.find("--env is not valid UTF-8") != std::string::npos);
    CHECK(d.commits() == before);
    CHECK(d.clean());
    // the ticket is not poisoned: reads and writes go on
    CHECK(d.sdesk("show " + id).code == 0);
    CHECK(d.sdesk("list --json").code == 0);
    CHECK(d.sdesk("verify").code == 0);
    CHECK(d.sdesk("note " + id + " " + q("仍然正常"), "l1a").code == 0);
  }

  TEST_CASE("a control character in a one-line field is exit 4 naming the field") {
    TestDesk d;
    int before = d.commits();
    Run t =
        d.sdesk("new --title " + q("a\x1b]0;pwned\x07") + " --customer 财务部" + kIntake, "l1a");
    CHECK(t.code == 4);
    CHECK(t.err.find("title contains a control character (U+001B)") != std::string::npos);
    CHECK(!has_controls(t.err));
    Run c = d.sdesk("new --title ok --customer " + q("财务\x9b部") + kIntake, "l1a");
    CHECK(c.code == 4);
    Run c1 = d.sdesk("new --title ok --customer " + q("财务\xc2\x9b部") + kIntake, "l1a");
    CHECK(c1.code == 4);
    CHECK(c1.err.find("customer contains a control character (U+009B)") != std::string::npos);
    Run s = d.sdesk("staff add l1c --name " + q("x\x1b[2J") + " --role l1");
    CHECK(s.code == 4);
    CHECK(s.err.find("name contains a control character") != std::string::npos);
    CHECK(d.commits() == before);
    CHECK(d.clean());
    // newline and tab are not refused, and multi-line text keeps its controls
    std::string id = d.new_ticket();
    CHECK(d.sdesk("note " + id + " " + q("log:\n\x1b[31mred\x1b[0m\tend"), "l1a").code == 0);
  }

  TEST_CASE("a hand-edited ticket file that is not UTF-8 is exit 4 naming file and line") {
    TestDesk d;
    std::string id = d.new_ticket();
    std::string rel = "tickets/2026/03/" + id + ".yaml";
    auto path = d.dir() / rel;
    std::string text = read_file(path);
    std::string bad = text;
    bad.replace(bad.find("title: 打印机脱机"), std::string("title: 打印机脱机").size(),
                "title: 打印机\xff脱机");
    write_file(path, bad);
    int before = d.commits();
    Run c = d.sdesk("commit", "l1a");
    CHECK(c.code == 4);
    CHECK(c.err.find(rel + ":") != std::string::npos);
    CHECK(c.err.find("title: not valid UTF-8") != std::string::npos);
    Run s = d.sdesk("show " + id);
    CHECK(s.code == 4);
    CHECK(s.err.rfind("sdesk: error: " + rel + ":", 0) == 0);
    CHECK(d.sdesk("show " + id + " --json").code == 4);
    CHECK(d.sdesk("verify").code != 1);
    CHECK(d.commits() == before);
    CHECK(read_file(path) == bad);  // the operator's text is left as it is
    // a control character written as a YAML escape is refused the same way
    std::string esc = text;
    esc.replace(esc.find("title: 打印机脱机"), std::string("title: 打印机脱机").size(),
                "title: \"打印机\\e[2J脱机\"");
    write_file(path, esc);
    Run e = d.sdesk("commit", "l1a");
    CHECK(e.code == 4);
    CHECK(e.err.find("title: contains a control character (U+001B)") != std::string::npos);
    CHECK(d.commits() == before);
    write_file(path, text);
    CHECK(d.clean());
  }

  TEST_CASE("survey import: a row that is not UTF-8 or has a control character names its line") {
    TestDesk d;
    REQUIRE(d.sdesk("survey new 2026-q1 --period 2026-Q1").code == 0);
    int before = d.commits();
    std::string head = "customer,tech,response,resolution,attitude,communication,comment\n";
    TempDir tmp;
    write_file(tmp.path() / "bytes-a.csv",
               head + "财务部,5,5,5,5,5,好\n" + "人事\xff部,4,4,4,4,4,ok\n");
    Run a = d.sdesk("survey import 2026-q1 " + q((tmp.path() / "bytes-a.csv").string()));
    CHECK(a.code == 4);
    CHECK(a.err.find("bytes-a.csv:3: not valid UTF-8") != std::string::npos);
    write_file(tmp.path() / "bytes-b.csv",
               head + "财务部,5,5,5,5,5,好\n" + "人事\x1b[2J部,4,4,4,4,4,ok\n");
    Run b = d.sdesk("survey import 2026-q1 " + q((tmp.path() / "bytes-b.csv").string()));
    CHECK(b.code == 4);
    CHECK(b.err.find("bytes-b.csv:3: customer contains a control character") != std::string::npos);
    CHECK(d.commits() == before);
    CHECK(d.clean());
  }

  TEST_CASE("calendar import: JSON that is not UTF-8 names its line") {
    TestDesk d;
    int before = d.commits();
    TempDir tmp;
    write_file(tmp.path() / "bytes-cal.json",
               "{\"year\": 2027,\n \"days\": [\n  {\"name\": \"元\xff旦\", \"date\": "
               "\"2027-01-01\", \"isOffDay\": true}]}\n");
    Run r = d.sdesk("calendar import " + q((tmp.path() / "bytes-cal.json").string()));
    CHECK(r.code == 4);
    CHECK(r.err.find("bytes-cal.json:3: not valid UTF-8") != std::string::npos);
    CHECK(d.commits() == before);
    CHECK(d.clean());
  }

  TEST_CASE("escape sequences from a desk never reach the terminal; JSON stays exact") {
    TestDesk d;
    std::string id = d.new_ticket();
    // multi-line text may hold controls; it is shown with them made visible
    REQUIRE(d.sdesk("note " + id + " " +
                        q("see\x1b]0;owned\x07 and \x1b[2J and \xc2\x9b"
                          "31m"),
                    "l1a")
                .code == 0);
    Run show = d.sdesk("show " + id);
    CHECK(show.code == 0);
    CHECK(!has_controls(show.out));
    CHECK(show.out.find("\\x1b]0;owned\\x07") != std::string::npos);
    Run log = d.sdesk("log " + id);
    CHECK(log.code == 0);
    CHECK(!has_controls(log.out));
    Run json = d.sdesk("show " + id + " --json");
    CHECK(json.code == 0);
    CHECK(!has_controls(json.out));
    CHECK(json.json()["events"].back()["text"] ==
          "see\x1b]0;owned\x07 and \x1b[2J and \xc2\x9b"
          "31m");

    // a title with ESC, CSI, OSC and C1, committed by hand with git
    std::string rel = "tickets/2026/03/" + id + ".yaml";
    std::string text = read_file(d.dir() / rel);
    std::string title =
        "\"\\e]0;pwned\\a\\e[2J\\x9b"
        "31m标题\"";
    std::string k = "title: 打印机脱机";
    for (size_t p; (p = text.find(k)) != std::string::npos;)
      text.replace(p, k.size(), "title: " + title);
    write_file(d.dir() / rel, text);
    REQUIRE(d.git("-c user.name=x -c user.email=x@example.com commit -qam " +
                  q("hand \x1b]0;commit\x07 \xc2\x9b"
                    "2J"))
                .code == 0);
    for (const std::string& cmd :
         std::vector<std::string>{"list", "sla", "show " + id, "log " + id, "verify", "list --json",
                                  "log " + id + " --json"}) {
      CAPTURE(cmd);
      Run r = d.sdesk(cmd);
      CHECK(r.code != 1);
      CHECK(!has_controls(r.out));
      CHECK(!has_controls(r.err));
    }
  }

  TEST_CASE("CSV: values whole, formulas prefixed, table marks in a column of their own") {
    TestDesk d;
    std::string long_title(60, 'x');
    long_title = "长标题" + long_title;
    d.new_ticket("P3", long_title);
    d.new_ticket("P3", "=HYPERLINK(\"http://x\",\"y\")");
    d.new_ticket("P3", "@SUM(A1)");
    d.new_ticket("P1", "-2+3");
    d.at("2026-03-03T09:00:00+08:00");  // the P1 is breached by now
    Run csv = d.sdesk("list --format csv");
    REQUIRE(csv.code == 0);
    CHECK(csv.out.find(long_title) != std::string::npos);
    CHECK(csv.out.find("…") == std::string::npos);
    CHECK(csv.out.find("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"") != std::string::npos);
    CHECK(csv.out.find(",'@SUM(A1)") != std::string::npos);
    CHECK(csv.out.find(",'-2+3") != std::string::npos);
    CHECK(csv.out.rfind("ID,PRI,STATUS,TIER,ASSIGNEE,CUSTOMER,DUE,SLA,TITLE\r\n", 0) == 0);
    CHECK(csv.out.find(",breached,") != std::string::npos);
    CHECK(csv.out.find(" !") == std::string::npos);
    Run table = d.sdesk("list");
    CHECK(table.out.find(long_title) == std::string::npos);  // a table still fits its column
    CHECK(table.out.find(" !") != std::string::npos);
  }

  TEST_CASE("-o refuses the desk's .git directory and the files it tracks") {
    TestDesk d;
    d.new_ticket();
    int before = d.commits();
    std::string desk_yaml = read_file(d.dir() / "desk.yaml");
    std::filesystem::create_symlink("desk.yaml", d.dir() / "link.md");
    for (const char* out : {".git/x", ".git/config", "desk.yaml", "tickets/../desk.yaml", "link.md",
                            "./staff/pm1.yaml"}) {
      CAPTURE(out);
      Run r = d.sdesk(std::string("report kpi --period 2026-03 -o ") + q(out));
      CHECK(r.code == 4);
      CHECK(r.err.find(out) != std::string::npos);
    }
    CHECK(!std::filesystem::exists(d.dir() / ".git/x"));
    CHECK(read_file(d.dir() / "desk.yaml") == desk_yaml);
    std::filesystem::remove(d.dir() / "link.md");
    CHECK(d.commits() == before);
    CHECK(d.clean());
    TempDir tmp;
    Run ok = d.sdesk("report kpi --period 2026-03 -o " + q((tmp.path() / "kpi.txt").string()));
    CHECK(ok.code == 0);
    CHECK(std::filesystem::exists(tmp.path() / "kpi.txt"));
  }
}

TEST_SUITE("unit/text") {
  TEST_CASE("UTF-8: overlong forms, surrogates and code points past U+10FFFF are not UTF-8") {
    CHECK(sdesk::valid_utf8("打印机 ok \xf0\x9f\x98\x80"));
    for (const char* bad : {"\xff", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                            "\xe6\x89", "\x80"}) {
      CAPTURE(bad);
      CHECK(!sdesk::valid_utf8(bad));
      CHECK(sdesk::text_problem(bad, false) == "is not valid UTF-8");
    }
    CHECK(sdesk::invalid_utf8_line("a\nb\nc\xff\n") == 3);
    CHECK(sdesk::invalid_utf8_line("a\nb\n") == 0);
  }

  TEST_CASE("one-line text refuses C0 (but newline and tab), DEL and C1; free text keeps them") {
    CHECK(sdesk::text_problem("a\tb\nc", true).empty());
    CHECK(sdesk::text_problem("a\x1b[2J", true) == "contains a control character (U+001B)");
    CHECK(sdesk::text_problem("a\x7f", true) == "contains a control character (U+007F)");
    CHECK(sdesk::text_problem("a\xc2\x85", true) == "contains a control character (U+0085)");
    CHECK(sdesk::text_problem("a\x1b[2J\r\n", false).empty());
    sdesk::Json doc = {{"title", "ok"},
                       {"environment", {{"os", "Win\x1b"}}},
                       {"events", {{{"text", "\x1b[31m"}}}}};
    CHECK(sdesk::find_bad_text(doc).first == "/environment/os");
    doc["environment"]["os"] = "Win";
    CHECK(sdesk::find_bad_text(doc).second.empty());  // a note is free text
  }

  TEST_CASE("printable: controls as text, invalid bytes as U+FFFD, CRLF as a newline") {
    CHECK(sdesk::printable("a\x1b]0;x\x07z", false) == "a\\x1b]0;x\\x07z");
    CHECK(sdesk::printable("a\xc2\x9b"
                           "2J",
                           false) == "a\\u009b2J");
    CHECK(sdesk::printable("a\xff", false) == "a\xef\xbf\xbd");
    CHECK(sdesk::printable("a\r\nb\tc", true) == "a\nb\tc");
    CHECK(sdesk::printable("a\r\nb\tc", false) == "a  b c");
    CHECK(sdesk::printable("中文\x7f", true) == "中文\\x7f");
  }
}
