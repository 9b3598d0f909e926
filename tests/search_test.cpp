// The search engine alone: terms for Chinese and English, BM25F ranking, snippets.
#include "lib/util/search.hpp"

#include <doctest/doctest.h>

using namespace sdesk;

TEST_SUITE("unit/kb") {
  TEST_CASE("terms: Latin words are lower-cased, CJK runs give unigrams and bigrams") {
    auto t = search_term_texts("VPN连接失败, Outlook 2016");
    std::vector<std::string> want{"vpn", "连",   "连接", "接",      "接失",
                                  "失",  "失败", "败",   "outlook", "2016"};
    CHECK(t == want);
    CHECK(search_term_texts("Ünïcode ÜBER") == std::vector<std::string>{"ünïcode", "über"});
    CHECK(search_terms("").empty());
    CHECK(search_terms("……，。!").empty());
  }

  TEST_CASE("ranking: a Chinese query matches text without word breaks") {
    std::vector<std::string> texts{"打印机卡纸，纸盒无法进纸", "共享文件夹脱机，无法同步",
                                   "财务部打印机在任务栏显示脱机，无法打印", "显示器闪屏"};
    std::vector<SearchDoc> docs;
    for (const auto& t : texts) docs.push_back({"", t});
    auto hits = rank_documents(docs, {3.0, 1.0}, "打印机脱机");
    REQUIRE(!hits.empty());
    CHECK(hits[0].doc == 2);
    // The unrelated document shares no bigram and is left out.
    for (const auto& h : hits) CHECK(h.doc != 3);
  }

  TEST_CASE("ranking: English is case-insensitive and the title outranks the body") {
    std::vector<SearchDoc> docs{{"邮箱无法登录", "Outlook 提示密码错误，重置 vpn 后恢复"},
                                {"VPN 连接失败", "客户端报错 809"},
                                {"显示器闪屏", "更换线缆"}};
    auto hits = rank_documents(docs, {3.0, 1.0}, "Vpn");
    REQUIRE(hits.size() == 2);
    CHECK(hits[0].doc == 1);
    CHECK(hits[1].doc == 0);
    CHECK(hits[0].score > hits[1].score);
    CHECK(rank_documents(docs, {3.0, 1.0}, "nothing-here").empty());
    CHECK(rank_documents(docs, {3.0, 1.0}, "vpn", 1).size() == 1);
  }

  TEST_CASE("ranking: mixed Chinese and English queries use both") {
    std::vector<SearchDoc> docs{
        {"VPN 连接失败", "错误 809"}, {"VPN 证书过期", "更新证书"}, {"连接失败", "网线松动"}};
    auto hits = rank_documents(docs, {3.0, 1.0}, "vpn连接失败");
    REQUIRE(hits.size() == 3);
    CHECK(hits[0].doc == 0);
  }

  TEST_CASE("snippets mark the matched runs and cut around the best window") {
    CHECK(make_snippet("打印机……显示脱机", "打印机脱机", 40, "【", "】") ==
          "【打印机】……显示【脱机】");
    CHECK(make_snippet("Reset the VPN client\nthen retry", "vpn", 40, "[", "]") ==
          "Reset the [VPN] client then retry");
    std::string long_text(200, 'x');
    std::string s = make_snippet(long_text + " 关键字 " + long_text, "关键字", 20, "【", "】");
    CHECK(s.find("【关键字】") != std::string::npos);
    CHECK(s.rfind("…", 0) == 0);
    CHECK(count_matches("VPN vpn Vpn", "VPN") == 3);
    CHECK(count_matches("无关", "VPN") == 0);
  }
}
