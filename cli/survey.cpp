// Satisfaction surveys (满意度): new, record, import, report.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "lib/quality/surveys.hpp"
#include "lib/util/error.hpp"

namespace sdesk::cli {

namespace {

struct NewArgs {
  std::string campaign, period;
  bool anonymous = false;
};

struct RecordArgs {
  std::string campaign, customer, contact, comment, form;
  std::map<std::string, int> scores;
};

std::string mean_text(const Json& v) {
  return v.is_null() ? "—" : fmt::format("{:.2f}", v.get<double>());
}

void run_report(const Globals& g, const std::string& campaign) {
  Format f = output_format(g, {Format::table, Format::json, Format::csv, Format::md});
  Desk desk = open_desk(g);
  Json r = survey_report(desk, campaign);
  if (f == Format::json) return emit_json(g, r);
  const Json& prev = r["previous"];
  Table t{{"DIMENSION", "维度", "MEAN", "1", "2", "3", "4", "5", "PREVIOUS", "CHANGE"},
          {},
          {false, false, true, true, true, true, true, true, true, true}};
  for (const auto& d : survey_dimensions()) {
    const Json& dim = r["dimensions"][d];
    std::vector<std::string> row = {d, survey_dimension_names().at(d), mean_text(dim["mean"])};
    for (int s = 1; s <= 5; ++s)
      row.push_back(std::to_string(dim["counts"][std::to_string(s)].get<int>()));
    std::string pm, change;
    if (!prev.is_null()) {
      const Json& pmean = prev["dimensions"][d]["mean"];
      pm = mean_text(pmean);
      if (!pmean.is_null() && !dim["mean"].is_null())
        change = fmt::format("{:+.2f}", dim["mean"].get<double>() - pmean.get<double>());
    }
    row.push_back(pm);
    row.push_back(change);
    t.rows.push_back(row);
  }
  if (f == Format::table) {
    std::string head = fmt::format("{} ({}): {} responses", r["campaign"].get<std::string>(),
                                   r["period"].get<std::string>(), r["n"].get<int>());
    if (!prev.is_null())
      head += fmt::format("; previous {} ({}): {} responses", prev["campaign"].get<std::string>(),
                          prev["period"].get<std::string>(), prev["n"].get<int>());
    return emit(g, head + "\n\n" + render_table(t, use_color()));
  }
  emit_rows(g, t, r);
}

void print_responses(const Globals& g, const std::vector<SurveyResponse>& rs, bool one) {
  if (output_format(g) == Format::json) {
    if (one) return emit_json(g, survey_response_json(rs.front()));
    Json arr = Json::array();
    for (const auto& r : rs) arr.push_back(survey_response_json(r));
    return emit_json(g, arr);
  }
  std::string out;
  for (const auto& r : rs) out += r.id + "\n";
  emit(g, out);
}

}  // namespace

void register_survey(CLI::App& app, Globals& g) {
  auto* sv =
      app.add_subcommand("survey", "satisfaction surveys (满意度): new, record, import, report");
  sv->require_subcommand(1);

  auto na = std::make_shared<NewArgs>();
  auto* n = sv->add_subcommand("new", "create a survey campaign (PM)");
  n->add_option("CAMPAIGN", na->campaign, "campaign name, e.g. 2026-q1")->required();
  n->add_option("--period", na->period, "the period it covers, e.g. 2026-Q1")->required();
  n->add_flag("--anonymous", na->anonymous, "keep no customer identity");
  add_format_flags(n, g);
  n->callback([&g, na] {
    Format f = output_format(g);
    Desk desk = open_desk(g);
    SurveyCampaign c = create_campaign(desk, na->campaign, na->period, na->anonymous);
    after_write(desk);
    if (f == Format::json) return emit_json(g, campaign_json(c));
    emit(g, c.name + "\n");
  });

  auto ra = std::make_shared<RecordArgs>();
  auto* rec = sv->add_subcommand("record", "record one answered questionnaire; prints its ID");
  rec->add_option("CAMPAIGN", ra->campaign)->required();
  for (const auto& d : survey_dimensions())
    rec->add_option("--" + d, ra->scores[d], survey_dimension_names().at(d) + " (1..5)")
        ->required()
        ->check(CLI::Range(1, 5));
  rec->add_option("--customer", ra->customer, "who answered (refused by an anonymous campaign)");
  rec->add_option("--contact", ra->contact, "how to reach them (refused by an anonymous campaign)");
  rec->add_option("--comment", ra->comment, "意见");
  rec->add_option("--form", ra->form,
                  "how it was answered: questionnaire|interview|phone (问卷, 访谈, 电话)");
  add_format_flags(rec, g);
  rec->callback([&g, ra] {
    output_format(g);
    Desk desk = open_desk(g);
    SurveyResponse r;
    r.campaign = ra->campaign;
    r.customer = ra->customer;
    r.contact = ra->contact;
    r.comment = ra->comment;
    r.form = ra->form;
    r.scores = ra->scores;
    r = record_response(desk, r);
    after_write(desk);
    print_responses(g, {r}, true);
  });

  auto ia = std::make_shared<std::pair<std::string, std::string>>();
  auto* imp =
      sv->add_subcommand("import", "import answered questionnaires from CSV, in one commit");
  imp->add_option("CAMPAIGN", ia->first)->required();
  imp->add_option("FILE", ia->second, "CSV with English or Chinese headers")->required();
  add_format_flags(imp, g);
  imp->callback([&g, ia] {
    output_format(g);
    Desk desk = open_desk(g);
    std::ifstream in(ia->second, std::ios::binary);
    if (!in) not_found("cannot read {}", ia->second);
    std::stringstream ss;
    ss << in.rdbuf();
    auto rs = import_responses(desk, ia->first, ss.str(), ia->second);
    after_write(desk);
    print_responses(g, rs, false);
  });

  auto rc = std::make_shared<std::string>();
  auto* rep =
      sv->add_subcommand("report", "means and counts per dimension, beside the previous campaign");
  rep->add_option("CAMPAIGN", *rc)->required();
  add_format_flags(rep, g, true, kMarkdownFormats);
  rep->callback([&g, rc] { run_report(g, *rc); });
}

}  // namespace sdesk::cli
