// Callbacks (回访) through the real binary: reproducible picks, records, improvement actions.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "tests/helpers.hpp"

using namespace sdesk::test;

namespace {

// A ticket recorded by `owner`, worked and closed by it; returns its ID.
std::string closed_ticket(const TestDesk& d, const std::string& owner, const std::string& title) {
  Run r = d.sdesk("new --title " + q(title) +
                      " --customer 财务部 --contact 13800000000 --channel hotline --priority P3"
                      " --need 恢复 --required-by 2026-12-31 --env os=Windows11",
                  owner);
  REQUIRE(r.code == 0);
  std::string id = r.line();
  for (const std::string& step :
       {"take " + id, "start " + id, "resolve " + id + " --solution 已修复",
        "close " + id + " --confirmed-by 客户本人"}) {
    Run s = d.sdesk(step, owner);
    INFO(step << ": " << s.err);
    REQUIRE(s.code == 0);
  }
  return id;
}

std::vector<std::string> lines(const std::string& out) {
  std::vector<std::string> v;
  std::string cur;
  for (char c : out) {
    if (c == '\n') {
      if (!cur.empty()) v.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) v.push_back(cur);
  return v;
}

bool in_actions(const TestDesk& d, const std::string& id) {
  Run r = d.sdesk("callback actions --json");
  REQUIRE(r.code == 0);
  for (const auto& a : r.json())
    if (a["ticket"] == id) return true;
  return false;
}

}  // namespace

TEST_SUITE("command/callback") {
  TEST_CASE("callback list --by staff sums per consultant; --by ID filters") {
    TestDesk d;
    std::string a1 = closed_ticket(d, "l1a", "打印机");
    std::string a2 = closed_ticket(d, "l1a", "扫描仪");
    std::string b1 = closed_ticket(d, "l1b", "邮箱");
    REQUIRE(d.sdesk("callback pick --sample 100% --seed 1", "l1a").code == 0);
    REQUIRE(d.sdesk("callback record " + a1 + " --reached yes --score 5", "l1a").code == 0);
    REQUIRE(
        d.sdesk("callback record " + a2 + " --reached yes --score 2 --feedback 太慢", "l1b").code ==
        0);
    REQUIRE(d.sdesk("callback record " + b1 + " --reached no", "l1a").code == 0);
    auto rows = d.sdesk("callback list --by staff --json").json();
    REQUIRE(rows.size() == 2);
    CHECK(rows[0]["staff"] == "l1a");
    CHECK(rows[0]["callbacks"] == 2);
    CHECK(rows[0]["reached"] == 2);
    CHECK(rows[0]["satisfaction"] == 3.5);
    CHECK(rows[0]["actions"] == 1);
    CHECK(rows[0]["open_actions"] == 1);
    CHECK(rows[1]["staff"] == "l1b");
    CHECK(rows[1]["reached"] == 0);
    CHECK(rows[1]["satisfaction"].is_null());
    // A staff ID: the callbacks on its tickets or made by it.
    CHECK(d.sdesk("callback list --by l1b --json").json().size() == 2);  // b1 (owner), a2 (caller)
    CHECK(d.sdesk("callback list --json").json().size() == 3);
  }

  TEST_CASE("a ticket whose customer was not reached is picked again; one awaiting a call is not") {
    TestDesk d;
    std::string a = closed_ticket(d, "l1a", "打印机");
    std::string b = closed_ticket(d, "l1b", "邮箱");
    Run first = d.sdesk("callback pick --sample 100% --seed 7", "l1a");
    REQUIRE(first.code == 0);
    CHECK(lines(first.out).size() == 2);
    REQUIRE(d.sdesk("callback record " + a + " --reached no", "l1a").code == 0);
    // a: not reached, so a candidate again; b: picked and not yet called, so not.
    Run again = d.sdesk("callback pick --sample 100% --dry-run --json", "l1a");
    REQUIRE(again.code == 0);
    CHECK(again.json() == nlohmann::json::array({a}));
    REQUIRE(d.sdesk("callback record " + b + " --reached yes --score 5", "l1a").code == 0);
    CHECK(d.sdesk("callback pick --sample 100% --dry-run --json", "l1a").json() ==
          nlohmann::json::array({a}));
  }

  TEST_CASE("the same seed picks the same tickets, spread over consultants, in one commit") {
    TestDesk d;
    std::set<std::string> of_a, of_b;
    for (int i = 0; i < 3; ++i) of_a.insert(closed_ticket(d, "l1a", "打印机" + std::to_string(i)));
    for (int i = 0; i < 3; ++i) of_b.insert(closed_ticket(d, "l1b", "邮箱" + std::to_string(i)));
    std::string open = d.new_ticket();  // still open: never a candidate
    int before = d.commits();

    Run dry1 = d.sdesk("callback pick --sample 2 --seed 42 --dry-run", "l1a");
    Run dry2 = d.sdesk("callback pick --sample 2 --seed 42 --dry-run", "l1a");
    REQUIRE(dry1.code == 0);
    auto picked = lines(dry1.out);
    REQUIRE(picked.size() == 2);
    CHECK(dry2.out == dry1.out);
    CHECK(d.commits() == before);  // a dry run records nothing
    // Round-robin over owners: one ticket of each consultant.
    CHECK(((of_a.count(picked[0]) && of_b.count(picked[1])) ||
           (of_b.count(picked[0]) && of_a.count(picked[1]))));
    CHECK(std::find(picked.begin(), picked.end(), open) == picked.end());

    // The JSON form is an array of the same IDs.
    Run js = d.sdesk("callback pick --sample 2 --seed 42 --dry-run --json", "l1a");
    REQUIRE(js.code == 0);
    CHECK(js.json() == nlohmann::json(picked));

    // A different seed over 6 candidates picks differently for at least one of a few seeds.
    bool differs = false;
    for (int s : {1, 2, 3, 4, 5})
      differs |=
          d.sdesk("callback pick --sample 2 --dry-run --seed " + std::to_string(s), "l1a").out !=
          dry1.out;
    CHECK(differs);

    Run real = d.sdesk("callback pick --sample 2 --seed 42", "l1a");
    REQUIRE(real.code == 0);
    CHECK(real.out == dry1.out);
    CHECK(d.commits() == before + 1);
    CHECK(d.clean());
    std::string msg = d.git("log -1 --format=%B").out;
    CHECK(msg.find("Sdesk-Action: callback-pick") != std::string::npos);
    CHECK(msg.find("Sdesk-Object: " + picked[0]) != std::string::npos);
    CHECK(msg.find("Sdesk-Related: " + picked[1]) != std::string::npos);
    CHECK(lines(d.git("show --name-only --format= HEAD").out).size() == 2);
    Run show = d.sdesk("show " + picked[0] + " --json");
    CHECK(show.json()["events"].back()["action"] == "callback-pick");
    CHECK(show.json()["status"] == "closed");

    // Picked tickets are not picked again; the rest are (all 4 with no sample).
    Run again = d.sdesk("callback pick --seed 42", "pm1");
    REQUIRE(again.code == 0);
    auto rest = lines(again.out);
    CHECK(rest.size() == 4);
    for (const auto& id : picked) CHECK(std::find(rest.begin(), rest.end(), id) == rest.end());
    Run none = d.sdesk("callback pick --seed 42", "pm1");
    CHECK(none.code == 0);
    CHECK(none.out.empty());

    // l2 may not pick; a bad sample is a usage error; both write nothing.
    int now = d.commits();
    CHECK(d.sdesk("callback pick", "l2a").code == 4);
    CHECK(d.sdesk("callback pick --sample lots", "pm1").code == 2);
    CHECK(d.commits() == now);
  }

  TEST_CASE("sample by share and period") {
    TestDesk d;
    for (int i = 0; i < 4; ++i) closed_ticket(d, "l1a", "网络" + std::to_string(i));
    Run half = d.sdesk("callback pick --sample 50% --seed 7 --dry-run --period 2026-03", "pm1");
    REQUIRE(half.code == 0);
    CHECK(lines(half.out).size() == 2);
    Run other = d.sdesk("callback pick --seed 7 --dry-run --period 2026-04", "pm1");
    REQUIRE(other.code == 0);
    CHECK(other.out.empty());
    CHECK(d.sdesk("callback pick --period 2026/03", "pm1").code == 2);
  }

  TEST_CASE("a low score opens an action that closes only with a plan and a reply") {
    TestDesk d;
    std::string id = closed_ticket(d, "l1a", "打印机脱机");
    std::string happy = closed_ticket(d, "l1b", "邮箱满了");
    int before = d.commits();

    Run ok = d.sdesk("callback record " + happy + " --reached yes --score 5 --feedback 很好 --json",
                     "l1b");
    REQUIRE(ok.code == 0);
    CHECK(ok.json()["needs_action"] == false);
    Run low = d.sdesk(
        "callback record " + id + " --reached yes --score 2 --feedback " + q("处理太慢"), "l1a");
    INFO(low.err);
    REQUIRE(low.code == 0);
    CHECK(d.commits() == before + 2);
    CHECK(d.clean());
    CHECK(d.git("log -1 --format=%B").out.find("Sdesk-Action: callback") != std::string::npos);
    CHECK(in_actions(d, id));
    CHECK_FALSE(in_actions(d, happy));

    // Who: l2 records no callbacks; only the PM names the plan's owner.
    CHECK(d.sdesk("callback record " + id + " --reached yes --score 5", "l2a").code == 4);
    CHECK(d.sdesk("callback plan " + id + " --owner l1a --text 优化流程 --due 2026-03-10", "l1a")
              .code == 4);
    Run plan = d.sdesk("callback plan " + id + " --owner l1a --text " + q("优化派单流程") +
                       " --due 2026-03-10 --json");
    REQUIRE(plan.code == 0);
    CHECK(plan.json()["has_plan"] == true);
    CHECK(plan.json()["plan_owner"] == "l1a");
    CHECK(in_actions(d, id));  // a plan alone does not close it
    // The plan's owner may reply; another consultant may not.
    CHECK(d.sdesk("callback reply " + id + " --text 已致歉", "l1b").code == 4);
    Run reply = d.sdesk("callback reply " + id + " --text " + q("已电话致歉并说明改进"), "l1a");
    REQUIRE(reply.code == 0);
    CHECK_FALSE(in_actions(d, id));
    CHECK(d.clean());

    // The list holds both callbacks, by whom; the record is on the ticket as events.
    Run list = d.sdesk("callback list --json");
    REQUIRE(list.code == 0);
    REQUIRE(list.json().is_array());
    CHECK(list.json().size() == 2);
    Run mine = d.sdesk("callback list --by l1a --json");
    REQUIRE(mine.json().size() == 1);
    CHECK(mine.json()[0]["ticket"] == id);
    CHECK(mine.json()[0]["score"] == 2);
    CHECK(mine.json()[0]["has_reply"] == true);
    std::string file = d.git("show HEAD:tickets/2026/03/" + id + ".yaml").out;
    CHECK(file.find("action: callback-plan") != std::string::npos);
    CHECK(file.find("action: callback-reply") != std::string::npos);
    CHECK(file.find("处理太慢") != std::string::npos);
    Run verify = d.sdesk("verify");  // history checks accept every callback event
    INFO(verify.out << verify.err);
    CHECK(verify.code == 0);
  }

  TEST_CASE("complaint words open an action; a ticket not yet resolved is not called back") {
    TestDesk d;
    std::string id = closed_ticket(d, "l1a", "VPN 断线");
    Run r = d.sdesk("callback record " + id + " --reached yes --score 5 --feedback " +
                        q("我要投诉你们的态度") + " --json",
                    "l1a");
    REQUIRE(r.code == 0);
    CHECK(r.json()["needs_action"] == true);
    CHECK(in_actions(d, id));
    std::string open = d.new_ticket();
    int before = d.commits();
    CHECK(d.sdesk("callback record " + open + " --reached yes --score 4", "l1a").code == 4);
    CHECK(d.sdesk("callback record " + id + " --reached maybe", "l1a").code == 2);
    CHECK(d.sdesk("callback record " + id + " --reached yes --score 9", "l1a").code == 2);
    CHECK(d.sdesk("callback record " + id + " --reached no --score 3", "l1a").code == 4);
    CHECK(d.sdesk("callback record T-0000-ZZZZZZZ --reached no", "l1a").code == 3);
    CHECK(d.commits() == before);
    // Not reached: recorded, opens nothing, and the ticket can still be picked later.
    std::string other = closed_ticket(d, "l1b", "网盘");
    Run nr = d.sdesk("callback record " + other + " --reached no --json", "l1b");
    REQUIRE(nr.code == 0);
    CHECK(nr.json()["needs_action"] == false);
    Run pick = d.sdesk("callback pick --seed 1 --dry-run --json", "l1b");
    CHECK(pick.json() == nlohmann::json::array({other}));
  }
}
