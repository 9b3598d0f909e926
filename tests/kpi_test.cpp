// The KPI library on hand-made inputs: periods, every formula, nulls, grouping, charts.
#include "lib/report/kpi.hpp"

#include <doctest/doctest.h>

#include "lib/report/html.hpp"
#include "lib/util/error.hpp"

using namespace sdesk;

namespace {

Zone shanghai() {
  return find_zone("Asia/Shanghai");
}
Time at(const std::string& iso) {
  return parse_time(iso, shanghai(), "t");
}

KpiTicket tk(const std::string& id, const std::string& owner, const std::string& created,
             const std::string& responded, const std::string& resolved, bool resp_late,
             bool res_late) {
  KpiTicket k;
  k.t.id = id;
  k.t.owner = owner;
  k.t.created_at = created;
  k.t.responded_at = responded;
  k.t.resolved_at = resolved;
  k.t.status = resolved.empty() ? "in_progress" : "closed";
  k.st.response_due = at(created) + std::chrono::minutes(15);
  k.st.resolve_due = at(created) + std::chrono::hours(4);
  k.st.response_breached = resp_late;
  k.st.resolve_breached = res_late;
  if (!responded.empty()) k.st.minutes_to_response = (at(responded) - at(created)).count() / 60;
  if (!resolved.empty()) k.st.minutes_to_resolve = (at(resolved) - at(created)).count() / 60;
  return k;
}

}  // namespace

TEST_SUITE("unit/kpi") {
  TEST_CASE("periods: month, quarter, ranges, default, errors") {
    Zone z = shanghai();
    Time now = at("2026-03-15T12:00:00+08:00");
    Period m = parse_period("2026-02", now, z);
    CHECK(m.from_text == "2026-02-01");
    CHECK(m.to_text == "2026-02-28");
    CHECK(format_time(m.from, z) == "2026-02-01T00:00:00+08:00");
    CHECK(format_time(m.to, z) == "2026-03-01T00:00:00+08:00");
    Period q = parse_period("2026-Q4", now, z);
    CHECK(q.from_text == "2026-10-01");
    CHECK(q.to_text == "2026-12-31");
    CHECK(format_time(q.to, z) == "2027-01-01T00:00:00+08:00");
    Period r = parse_period("2026-03-02..2026-03-04", now, z);
    CHECK(format_time(r.to, z) == "2026-03-05T00:00:00+08:00");
    CHECK(r.to_text == "2026-03-04");
    Period d = parse_period("", now, z);
    CHECK(d.from_text == "2026-03-01");
    CHECK(d.to_text == "2026-03-31");
    CHECK(in_period("2026-03-31T23:59:59+08:00", d, z));
    CHECK_FALSE(in_period("2026-04-01T00:00:00+08:00", d, z));
    CHECK_FALSE(in_period("2026-03-31T16:00:00Z", d, z));  // 04-01 00:00 in Shanghai
    CHECK_FALSE(in_period("", d, z));
    for (const char* bad : {"2026-13", "2026-Q5", "last month", "2026-03-05..2026-03-01", ".."}) {
      try {
        parse_period(bad, now, z);
        FAIL("accepted " << bad);
      } catch (const Error& e) {
        CHECK(e.code() == Exit::usage);
        CHECK(std::string(e.what()).find("--period") != std::string::npos);
      }
    }
  }

  TEST_CASE("every formula on known inputs, and null where a denominator is empty") {
    Zone z = shanghai();
    Time now = at("2026-03-31T20:00:00+08:00");
    Period p = parse_period("2026-03", now, z);
    KpiInputs in;
    in.tickets.push_back(tk("T1", "a", "2026-03-02T09:00:00+08:00", "2026-03-02T09:10:00+08:00",
                            "2026-03-02T10:00:00+08:00", false, false));
    in.tickets.push_back(tk("T2", "a", "2026-03-03T09:00:00+08:00", "2026-03-03T09:30:00+08:00",
                            "2026-03-03T15:00:00+08:00", true, true));
    in.tickets.push_back(tk("T3", "b", "2026-03-04T09:00:00+08:00", "", "", true, true));
    in.tickets.push_back(tk("T0", "b", "2026-02-04T09:00:00+08:00", "", "", true, true));
    in.tickets[1].t.left_l1 = true;
    in.tickets[1].t.reopen_count = 1;
    in.callbacks =
        std::vector<KpiCallback>{{"T1", true, 4}, {"T2", false, std::nullopt}, {"T0", true, 1}};
    KpiComplaint c1;
    c1.created_at = "2026-03-05T09:00:00+08:00";
    c1.due = "2026-03-08T09:00:00+08:00";
    c1.closed_at = "2026-03-07T09:00:00+08:00";
    KpiComplaint c2 = c1;
    c2.closed_at = "2026-03-09T09:00:00+08:00";  // late
    KpiComplaint c3 = c1;
    c3.due = "2026-04-08T09:00:00+08:00";  // not due yet, still open
    c3.closed_at = "";
    in.complaints = std::vector<KpiComplaint>{c1, c2, c3};
    in.surveys =
        std::vector<KpiSurvey>{{"", "2026-03-10T10:00:00+08:00", {{"tech", 5}, {"attitude", 4}}},
                               {"", "2026-03-11T10:00:00+08:00", {{"tech", 4}, {"attitude", 3}}},
                               {"", "2026-02-11T10:00:00+08:00", {{"tech", 1}}}};
    in.articles = std::vector<KpiArticle>{{"K1", "a", "2026-03-20T10:00:00+08:00"},
                                          {"K2", "a", "2026-04-01T10:00:00+08:00"}};
    Json k = compute_kpi(in, p, z, now);
    CHECK(k["tickets"] == 3);
    CHECK(k["response_ontime_rate"].get<double>() == doctest::Approx(1.0 / 3));
    CHECK(k["resolve_ontime_rate"].get<double>() == doctest::Approx(1.0 / 3));
    CHECK(k["first_line_resolution_rate"].get<double>() == doctest::Approx(0.5));
    CHECK(k["escalation_rate"].get<double>() == doctest::Approx(1.0 / 3));
    CHECK(k["vendor_escalation_rate"].get<double>() == doctest::Approx(0.0));
    CHECK(k["reopen_rate"].get<double>() == doctest::Approx(0.5));
    CHECK(k["mtta_minutes"].get<double>() == doctest::Approx(20.0));
    CHECK(k["mttr_minutes"].get<double>() == doctest::Approx((60 + 360) / 2.0));
    CHECK(k["callback_rate"].get<double>() == doctest::Approx(0.5));
    CHECK(k["callback_satisfaction"].get<double>() == doctest::Approx(4.0));
    CHECK(k["complaints"] == 3);
    CHECK(k["complaint_ontime_rate"].get<double>() == doctest::Approx(0.5));
    CHECK(k["survey_scores"]["tech"].get<double>() == doctest::Approx(4.5));
    CHECK(k["survey_scores"]["attitude"].get<double>() == doctest::Approx(3.5));
    CHECK(k["survey_scores"]["response"].is_null());
    CHECK(k["kb_articles"] == 1);

    // Inputs whose library is missing report null, never 0.
    KpiInputs bare;
    bare.tickets = in.tickets;
    Json b = compute_kpi(bare, p, z, now);
    for (const char* key : {"callback_rate", "callback_satisfaction", "complaints",
                            "complaint_ontime_rate", "survey_scores", "kb_articles"})
      CHECK_MESSAGE(b[key].is_null(), key);
    // An empty period: counts are 0, rates and means null.
    Json e = compute_kpi(in, parse_period("2026-06", now, z), z, now);
    CHECK(e["tickets"] == 0);
    CHECK(e["complaints"] == 0);
    CHECK(e["response_ontime_rate"].is_null());
    CHECK(e["mttr_minutes"].is_null());
    CHECK(e["callback_rate"].is_null());
    CHECK(e["complaint_ontime_rate"].is_null());
    CHECK(e["survey_scores"]["tech"].is_null());

    // Grouped by owner: rows add up to the whole.
    Json rep = kpi_report(in, p, z, now, "staff");
    long sum = 0;
    for (const auto& row : rep["rows"]) sum += row["kpi"]["tickets"].get<long>();
    CHECK(sum == 3);
    CHECK(rep["rows"][0]["key"] == "a");
    CHECK(rep["rows"][0]["kpi"]["kb_articles"] == 1);
    CHECK(rep["rows"][0]["kpi"]["survey_scores"].is_null());  // surveys have no owner
  }

  TEST_CASE("cells and charts") {
    CHECK(kpi_cell("response_ontime_rate", 0.5) == "50.0%");
    CHECK(kpi_cell("response_ontime_rate", Json()) == "—");
    CHECK(kpi_cell("tickets", 8) == "8");
    CHECK(kpi_cell("mttr_minutes", 188.0) == "188.0");
    CHECK(html_escape("<a & \"b\">") == "&lt;a &amp; &quot;b&quot;&gt;");
    std::string bar = svg_bar_chart("量 <x>", {{"01", 2}, {"02", std::nan("")}, {"03", 4}});
    CHECK(bar.rfind("<svg", 0) == 0);
    CHECK(bar.find("量 &lt;x&gt;") != std::string::npos);
    size_t rects = 0;
    for (size_t pos = 0; (pos = bar.find("<rect", pos)) != std::string::npos; ++pos) ++rects;
    CHECK(rects == 2);  // the gap has no bar
    std::string line = svg_line_chart("sla", {"01", "02", "03"}, {{"a", {1.0, std::nan(""), 0.5}}});
    CHECK(line.find("<path d=\"M") != std::string::npos);
    CHECK(line.find("M") != line.rfind("M"));  // the gap starts a new stroke
  }
}
