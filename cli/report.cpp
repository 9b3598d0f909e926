// Reports (考核指标): kpi, performance, complaints, monthly.
#include "cli/commands.hpp"
#include "lib/report/html.hpp"
#include "lib/report/kpi.hpp"
#include "lib/util/error.hpp"

namespace sdesk::cli {

namespace {

struct ReportOptions {
  std::string period, by;
};

Format report_format(const Globals& g) {
  return output_format(g, {Format::table, Format::json, Format::csv, Format::md});
}

// Scalar KPI columns of a grouped table (survey_scores is an object, shown only in JSON).
std::vector<std::string> scalar_keys() {
  std::vector<std::string> keys;
  for (const auto& [key, name] : kpi_names())
    if (key != "survey_scores") keys.push_back(key);
  return keys;
}

// A CSV or JSON-faithful cell: rates and means as plain numbers, null as empty.
std::string raw_cell(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_object()) return v.dump();
  if (v.is_number_float()) return fmt::format("{:.4f}", v.get<double>());
  return v.dump();
}

void run_kpi(const Globals& g, const ReportOptions& o) {
  Format f = report_format(g);
  Desk desk = open_desk(g);
  Period p = parse_period(o.period, desk.now(), desk.zone());
  Json doc = kpi_report(load_kpi_inputs(desk, p), p, desk.zone(), desk.now(), o.by);
  if (f == Format::json) return emit_json(g, doc);
  bool raw = f == Format::csv;
  auto show = [&](const std::string& key, const Json& v) {
    return raw ? raw_cell(v) : kpi_cell(key, v);
  };
  if (o.by.empty()) {
    Table t{{"KPI", "指标", "VALUE"}, {}, {false, false, true}};
    for (const auto& [key, name] : kpi_names())
      t.rows.push_back({key, name, show(key, doc["kpi"][key])});
    if (f == Format::csv) return emit_csv(g, t);
    if (f == Format::md)
      return emit(g, fmt::format("**{} .. {}**\n\n", p.from_text, p.to_text) + render_markdown(t));
    return emit(
        g, fmt::format("period {} .. {}\n", p.from_text, p.to_text) + render_table(t, use_color()));
  }
  Table t;
  t.headers.push_back(o.by == "staff"      ? "STAFF"
                      : o.by == "tier"     ? "TIER"
                      : o.by == "category" ? "CATEGORY"
                                           : "CUSTOMER");
  t.right.push_back(false);
  for (const auto& key : scalar_keys()) {
    t.headers.push_back(key);
    t.right.push_back(true);
  }
  for (const auto& row : doc["rows"]) {
    std::vector<std::string> r{row["key"].get<std::string>()};
    for (const auto& key : scalar_keys()) r.push_back(show(key, row["kpi"][key]));
    t.rows.push_back(r);
  }
  std::vector<std::string> total{"(all)"};
  for (const auto& key : scalar_keys()) total.push_back(show(key, doc["kpi"][key]));
  t.rows.push_back(total);
  if (f == Format::csv) return emit_csv(g, t);
  if (f == Format::md) return emit(g, render_markdown(t));
  emit(g, fmt::format("period {} .. {}\n", p.from_text, p.to_text) + render_table(t, use_color()));
}

void run_performance(const Globals& g, const ReportOptions& o) {
  Format f = report_format(g);
  Desk desk = open_desk(g);
  Period p = parse_period(o.period, desk.now(), desk.zone());
  Json doc = performance_report(load_kpi_inputs(desk, p), p, desk);
  if (f == Format::json) return emit_json(g, doc);
  bool raw = f == Format::csv;
  Table t{{"RANK", "STAFF", "NAME", "ROLE", "SCORE"}, {}, {true, false, false, false, true}};
  for (const auto& key : scorecard_keys()) {
    t.headers.push_back(key);
    t.right.push_back(true);
  }
  for (const auto& row : doc["rows"]) {
    std::vector<std::string> r{row["rank"].dump(), row["staff"].get<std::string>(),
                               row["name"].get<std::string>(), row["role"].get<std::string>(),
                               row["score"].is_null()
                                   ? (raw ? "" : "—")
                                   : fmt::format("{:.1f}", row["score"].get<double>())};
    for (const auto& key : scorecard_keys())
      r.push_back(raw ? raw_cell(row["kpi"][key]) : kpi_cell(key, row["kpi"][key]));
    t.rows.push_back(r);
  }
  if (f == Format::csv) return emit_csv(g, t);
  if (f == Format::md) return emit(g, render_markdown(t));
  std::string w;
  for (auto role = doc["weights_by_role"].begin(); role != doc["weights_by_role"].end(); ++role) {
    w += fmt::format("\n  {}:", role.key());
    for (auto it = role.value().begin(); it != role.value().end(); ++it)
      w += " " + it.key() + "=" + it.value().dump();
  }
  emit(g, fmt::format("period {} .. {}   weights by role:{}\n", p.from_text, p.to_text, w) +
              render_table(t, use_color()));
}

void run_complaints(const Globals& g, const ReportOptions& o) {
  Format f = report_format(g);
  Desk desk = open_desk(g);
  std::optional<Period> p;
  if (!o.period.empty()) p = parse_period(o.period, desk.now(), desk.zone());
  Json doc = complaints_report(load_kpi_inputs(desk, std::nullopt, false), p, desk.zone());
  if (f == Format::json) return emit_json(g, doc);
  Table t{{"GROUP", "KEY", "COUNT"}, {}, {false, false, true}};
  for (const auto& [group, name] : std::vector<std::pair<std::string, std::string>>{
           {"by_cause", "cause"}, {"by_person", "person"}, {"by_month", "month"}})
    if (doc[group].is_array())
      for (const auto& r : doc[group])
        t.rows.push_back({name, r["key"].get<std::string>(), r["count"].dump()});
  t.rows.push_back({"total", "", doc["total"].is_null() ? "" : doc["total"].dump()});
  t.rows.push_back({"overdue", "", doc["overdue"].is_null() ? "" : doc["overdue"].dump()});
  t.rows.push_back({"overdue_share", "",
                    f == Format::csv ? raw_cell(doc["overdue_share"])
                                     : kpi_cell("overdue_rate", doc["overdue_share"])});
  if (f == Format::csv) return emit_csv(g, t);
  if (f == Format::md) return emit(g, render_markdown(t));
  emit(g, render_table(t, use_color()));
}

void run_monthly(const Globals& g, const ReportOptions& o) {
  Format f = g.format.empty() && !g.json
                 ? Format::md
                 : output_format(g, {Format::md, Format::html, Format::json});
  Desk desk = open_desk(g);
  Period p = parse_period(o.period, desk.now(), desk.zone());
  // The tickets of the previous period too, for the comparison.
  Period both = p;
  both.from = previous_period(p, desk.zone()).from;
  Json data = monthly_data(load_kpi_inputs(desk, both), p, desk);
  if (f == Format::json) return emit_json(g, data);
  std::string name = desk.settings().name.empty() ? "sdesk" : desk.settings().name;
  emit(g, f == Format::html ? monthly_html(data, name) : monthly_md(data, name));
}

}  // namespace

void register_report(CLI::App& app, Globals& g) {
  auto* report = app.add_subcommand("report", "KPI reports (考核指标)");
  report->require_subcommand(1);
  auto o = std::make_shared<ReportOptions>();
  auto period = [&](CLI::App* c, const std::vector<std::string>& formats) {
    c->add_option("--period", o->period, "YYYY-MM, YYYY-Qn or FROM..TO (default: this month)");
    add_format_flags(c, g, true, formats);
  };
  auto* kpi = report->add_subcommand("kpi", "the KPIs over tickets created in a period");
  period(kpi, kMarkdownFormats);
  kpi->add_option("--by", o->by, "group rows by staff (owner), tier, category or customer")
      ->transform(one_of({"staff", "tier", "category", "customer"}));
  kpi->callback([&g, o] { run_kpi(g, *o); });
  auto* perf = report->add_subcommand("performance", "consultant scorecards, weighted and ranked");
  period(perf, kMarkdownFormats);
  perf->callback([&g, o] { run_performance(g, *o); });
  auto* comp = report->add_subcommand("complaints", "complaints by cause, person and month");
  period(comp, kMarkdownFormats);
  comp->callback([&g, o] { run_complaints(g, *o); });
  auto* monthly = report->add_subcommand("monthly", "one self-contained page (md or html)");
  period(monthly, {"md", "html", "json"});
  monthly->callback([&g, o] { run_monthly(g, *o); });
}

}  // namespace sdesk::cli
