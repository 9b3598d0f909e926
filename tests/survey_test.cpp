// Satisfaction surveys (满意度) through the real binary: campaigns, answers, CSV import, report.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "tests/helpers.hpp"

using namespace sdesk::test;

namespace {

// Writes a CSV file outside the desk and returns its path.
std::string write_csv(const TempDir& dir, const std::string& name, const std::string& text) {
  auto p = dir.path() / name;
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
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
}
