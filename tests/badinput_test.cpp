// Bad input: broken files, wrong types, unknown fields, huge, deep and alias-bomb YAML, paths
// with "..", a held lock. Each gives a clear one-line error and changes nothing.
#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "lib/error.hpp"
#include "lib/yaml.hpp"
#include "tests/helpers.hpp"

using namespace sdesk::test;

namespace {
std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}
}  // namespace

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

  TEST_CASE("a held lock makes a writer exit 5 with nothing written; a stale one is taken") {
    TestDesk d;
    std::string id = d.new_ticket();
    int before = d.commits();
    auto lock = d.dir() / ".git" / "sdesk.lock";
    write_file(lock, std::to_string(::getpid()) + "\n");  // this test process: alive
    Run r = d.sdesk("take " + id, "l1a");
    CHECK(r.code == 5);
    CHECK(r.err.find("lock") != std::string::npos);
    CHECK(d.commits() == before);
    write_file(lock, "999999999\n");  // no such process: stale
    CHECK(d.sdesk("take " + id, "l1a").code == 0);
    CHECK(d.commits() == before + 1);
    CHECK(!std::filesystem::exists(lock));
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
