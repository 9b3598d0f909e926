// Bad input: broken files, wrong types, unknown fields, huge, deep and alias-bomb YAML, paths
// with "..", a held lock. Each gives a clear one-line error and changes nothing.
#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "lib/util/error.hpp"
#include "lib/util/time.hpp"
#include "lib/util/yaml.hpp"
#include "tests/helpers.hpp"

using namespace sdesk::test;

TEST_SUITE("command/badinput") {
  TEST_CASE("a broken ticket file is reported with file and line, and left as it is") {
    TestDesk d;
    std::string id = d.new_ticket();
    std::string rel = "tickets/2026/03/" + id + ".yaml";
    auto path = d.dir() / rel;
    std::string good = read_file(path);
    std::string lol =
        "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, "
        "*c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, "
        "*e]\n";
    std::string deep = "x: " + std::string(200, '[') + std::string(200, ']') + "\n";
    struct Case {
      const char* name;
      std::string text;
      const char* needle;
    };
    std::string wrong_type = good;
    wrong_type.replace(wrong_type.find("reopen_count: 0"), 15, "reopen_count: many");
    std::string unknown = good + "colour: red\n";
    for (const auto& c : std::vector<Case>{{"not yaml", "id: [unclosed\n", "not valid YAML"},
                                           {"wrong type", wrong_type, "reopen_count"},
                                           {"unknown field", unknown, "colour"},
                                           {"alias bomb", lol, "too many values"},
                                           {"deep nesting", deep, "nested too deeply"}}) {
      CAPTURE(c.name);
      write_file(path, c.text);
      int before = d.commits();
      Run r = d.sdesk("show " + id);
      CHECK(r.code == 4);
      CHECK(r.err.rfind("sdesk: error: " + rel, 0) == 0);
      CHECK(r.err.find(c.needle) != std::string::npos);
      Run w = d.sdesk("take " + id, "l1a");
      CHECK(w.code == 4);
      CHECK(d.commits() == before);
      CHECK(read_file(path) == c.text);  // the operator's text is never overwritten
    }
    write_file(path, good);
    CHECK(d.clean());
  }

  TEST_CASE("paths with .. are refused as IDs") {
    TestDesk d;
    CHECK(d.sdesk("show ../../etc/passwd").code == 2);
    CHECK(d.sdesk("staff show ../desk").code == 3);
    CHECK(d.sdesk("vendor add ../x --name x").code == 2);
  }

  TEST_CASE("a held lock makes a writer exit 5 with nothing written; a lock file is no lock") {
    TestDesk d;
    std::string id = d.new_ticket();
    int before = d.commits();
    auto lock = d.dir() / ".git" / "sdesk.lock";
    // util-linux flock(1) holds the same kernel lock while it runs sdesk.
    Run r = sh(d.dir(), "flock .git/sdesk.lock " + q(SDESK_BINARY) + " take " + id + " --as l1a",
               {{"SDESK_NOW", "2026-03-02T09:10:00+08:00"}});
    CHECK(r.code == 5);
    CHECK(r.err.find("lock") != std::string::npos);
    CHECK(d.commits() == before);
    // What a lock file holds means nothing: a dead pid, our own live pid, or nothing at all.
    for (std::string text :
         {std::string("999999999\n"), std::to_string(::getpid()) + "\n", std::string()}) {
      write_file(lock, text);
      CHECK(d.sdesk("note " + id + " x", "l1a").code == 0);
    }
    CHECK(d.commits() == before + 3);
  }
}

TEST_SUITE("unit/yaml") {
  TEST_CASE("round trip keeps Chinese text, types and multi-line notes") {
    sdesk::Json doc = sdesk::Json::object();
    doc["title"] = "打印机脱机";
    doc["phone"] = "013800000000";
    doc["flag"] = "yes";
    doc["n"] = 3;
    doc["none"] = nullptr;
    doc["note"] = "第一行\n第二行";
    doc["colon"] = "a: b";
    doc["list"] = {"网络", "数据库"};
    doc["events"] = sdesk::Json::array({sdesk::Json{{"id", "1"}, {"text", "x"}}});
    std::string text = sdesk::emit_yaml(doc, "header");
    CHECK(text.find("title: 打印机脱机") != std::string::npos);
    CHECK(text.find("\\u") == std::string::npos);
    auto back = sdesk::parse_yaml(text, "t.yaml");
    CHECK(back.doc == doc);
    CHECK(back.line_of("/title") == 2);
  }

  TEST_CASE("plain scalars: numbers, nulls and booleans typed; everything else stays text") {
    auto typed = [](const std::string& scalar) {
      return sdesk::parse_yaml("v: " + scalar + "\n", "t.yaml").doc["v"];
    };
    CHECK(typed("42") == 42);
    CHECK(typed("-7") == -7);
    CHECK(typed("+3") == 3);
    CHECK(typed("0") == 0);
    CHECK(typed("1.5") == 1.5);
    CHECK(typed(".5") == 0.5);
    CHECK(typed("2.") == 2.0);
    CHECK(typed("1.5e3") == 1500.0);
    CHECK(typed("~").is_null());
    CHECK(typed("true") == true);
    CHECK(typed("FALSE") == false);
    for (const char* text : {"013800000000", "1.2.3", "1e5", ".", "+", "12ab", "yes", "2026-03-02",
                             "1.5e", "P1", "400-000-0000"})
      CHECK_MESSAGE(typed(text) == text, text);
    // Emitted text that would read back as another type is quoted, so it round-trips.
    for (const char* text : {"42", "007", "-1", "1.5", "yes", "No", "on", "null", "~", "y", "0x1F",
                             "1e5", "400-000-0000", "2026-03-02"}) {
      sdesk::Json doc = {{"v", text}};
      CHECK_MESSAGE(sdesk::parse_yaml(sdesk::emit_yaml(doc), "t.yaml").doc == doc, text);
    }
  }

  TEST_CASE("times: ISO 8601 with or without seconds, fraction and offset; anything else refused") {
    auto utc = date::locate_zone("UTC");
    auto at = [&](const char* text) {
      return sdesk::format_time(sdesk::parse_time(text, utc, "t"), utc);
    };
    CHECK(at("2026-03-02T09:00:00+08:00") == "2026-03-02T01:00:00+00:00");
    CHECK(at("2026-03-02T09:00+0800") == "2026-03-02T01:00:00+00:00");
    CHECK(at("2026-03-02 09:00:30.25Z") == "2026-03-02T09:00:30+00:00");
    CHECK(at("2026-03-02T09:00:00 -05:30") == "2026-03-02T14:30:00+00:00");
    CHECK(at("2026-03-02") == "2026-03-02T00:00:00+00:00");
    CHECK(at("2026-03-02+08:00") == "2026-03-01T16:00:00+00:00");
    for (const char* bad : {"", "2026-3-2", "2026-03-02T", "2026-03-02T9:00", "2026-03-02T09",
                            "2026-03-02T09:00:0", "2026-03-02T09:00+8", "2026-03-02T09:00Zx",
                            "2026-02-30", "2026-03-02T24:00", "tomorrow", "2026-03-02T09:00:00."}) {
      try {
        sdesk::parse_time(bad, utc, "t");
        FAIL_CHECK("accepted: " << bad);
      } catch (const sdesk::Error& e) {
        CHECK(e.code() == sdesk::Exit::usage);
      }
    }
  }

  TEST_CASE("errors carry file and line") {
    try {
      sdesk::parse_yaml("a: 1\nb: [\n", "x.yaml");
      FAIL("no error");
    } catch (const sdesk::Error& e) {
      CHECK(e.code() == sdesk::Exit::refused);
      CHECK(std::string(e.what()).rfind("x.yaml:", 0) == 0);
    }
  }
}
