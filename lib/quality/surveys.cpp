#include "lib/quality/surveys.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "lib/util/csv.hpp"
#include "lib/util/error.hpp"
#include "lib/util/text.hpp"

namespace sdesk {

namespace {

void check_campaign_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64 && name[0] != '.' && name[0] != '-' &&
            name.find("..") == std::string::npos;
  for (unsigned char c : name)
    if (c < 0x21 || c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' ||
        c == '<' || c == '>' || c == '|' || c == 0x7f)
      ok = false;
  if (!ok) usage_error("'{}' is not a campaign name (no spaces, slashes or leading dot)", name);
}

std::string campaign_path(const std::string& name) {
  return "surveys/" + name + "/campaign.yaml";
}
std::string response_path(const std::string& campaign, const std::string& id) {
  return "surveys/" + campaign + "/" + id + ".yaml";
}

SurveyCampaign campaign_of(const Json& doc) {
  SurveyCampaign c;
  c.name = str(doc, "campaign");
  c.period = str(doc, "period");
  c.anonymous = doc.value("anonymous", false);
  c.created_at = str(doc, "created_at");
  c.created_by = str(doc, "created_by");
  return c;
}

SurveyResponse response_of(const Json& doc) {
  SurveyResponse r;
  r.id = str(doc, "id");
  r.campaign = str(doc, "campaign");
  r.at = str(doc, "at");
  r.by = str(doc, "by");
  r.form = str(doc, "form");
  r.customer = str(doc, "customer");
  r.contact = str(doc, "contact");
  r.comment = str(doc, "comment");
  if (doc.contains("scores") && doc["scores"].is_object())
    for (auto it = doc["scores"].begin(); it != doc["scores"].end(); ++it)
      if (it.value().is_number_integer()) r.scores[it.key()] = it.value().get<int>();
  return r;
}

// The response's file: its JSON without the fields it does not have.
Json response_file_json(const SurveyResponse& r) {
  Json j = survey_response_json(r);
  for (const char* k : {"by", "customer", "contact", "comment"})
    if (j[k].is_null()) j.erase(k);
  return j;
}

std::string response_yaml(const SurveyResponse& r) {
  return emit_yaml(response_file_json(r), "sdesk survey response (服务满意度调查问卷)");
}

std::string normal_form(const std::string& given) {
  std::string f = fold_case(given);
  if (f.empty() || f == "questionnaire" || f == "问卷" || f == "问卷调查") return "questionnaire";
  if (f == "interview" || f == "访谈" || f == "面访") return "interview";
  if (f == "phone" || f == "电话" || f == "电话回访") return "phone";
  return "";
}

Json dimension_stats(const std::vector<SurveyResponse>& rs, const std::string& d) {
  Json counts = Json::object();
  for (int s = 1; s <= 5; ++s) counts[std::to_string(s)] = 0;
  long sum = 0, n = 0;
  for (const auto& r : rs) {
    auto it = r.scores.find(d);
    if (it == r.scores.end() || it->second < 1 || it->second > 5) continue;
    counts[std::to_string(it->second)] = counts[std::to_string(it->second)].get<int>() + 1;
    sum += it->second;
    ++n;
  }
  Json j = Json::object();
  j["mean"] = n ? Json(std::round(static_cast<double>(sum) / n * 100.0) / 100.0) : Json();
  j["counts"] = counts;
  return j;
}

Json campaign_report(const Desk& desk, const SurveyCampaign& c) {
  auto rs = campaign_responses(desk, c.name);
  Json j = Json::object();
  j["campaign"] = c.name;
  j["period"] = c.period;
  j["anonymous"] = c.anonymous;
  j["n"] = rs.size();
  Json dims = Json::object();
  for (const auto& d : survey_dimensions()) dims[d] = dimension_stats(rs, d);
  j["dimensions"] = dims;
  return j;
}

// A response ID of an anonymous campaign: 11 random Crockford base-32 characters (55 bits)
// from the system's random source, so that IDs follow neither time nor order of entry; not one
// of `taken` nor a file of the campaign.
std::string random_response_id(const Desk& desk, const std::string& campaign,
                               std::set<std::string>& taken) {
  static std::random_device rd;
  for (;;) {
    std::uint64_t v = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    std::string id = base32(v & ((std::uint64_t{1} << 55) - 1), 11);
    if (taken.count(id) || desk.read(response_path(campaign, id))) continue;
    taken.insert(id);
    return id;
  }
}

// Stamps a response of campaign c as recorded now by the operator: an event ID, the time and
// the operator, or in an anonymous campaign a random ID and the desk-local day alone.
void stamp_response(Desk& desk, const SurveyCampaign& c, SurveyResponse& r,
                    std::set<std::string>& taken) {
  if (c.anonymous) {
    r.id = random_response_id(desk, c.name, taken);
    r.at = format_day(local_day(desk.now(), desk.zone()));
    r.by.clear();
    return;
  }
  r.id = desk.ids().event_id(desk.now());
  r.at = desk.stamp(desk.now());
  r.by = desk.op().id;
}

void check_score(const std::string& dim, int v) {
  if (v < 1 || v > 5) refuse("--{}: {} is not a score 1..5", dim, v);
}

}  // namespace

const std::map<std::string, std::string>& survey_dimension_names() {
  static const std::map<std::string, std::string> n = {{"tech", "专业技术能力"},
                                                       {"response", "响应及时性"},
                                                       {"resolution", "解决及时性"},
                                                       {"attitude", "服务态度"},
                                                       {"communication", "沟通表达能力"}};
  return n;
}

const std::vector<std::string>& survey_dimensions() {
  static const std::vector<std::string> d = {"tech", "response", "resolution", "attitude",
                                             "communication"};
  return d;
}

std::vector<SurveyCampaign> all_campaigns(const Desk& desk) {
  std::vector<SurveyCampaign> out;
  desk.walk("surveys", [&](const std::string& path, const git_oid& blob) {
    static const std::string tail = "/campaign.yaml";
    if (path.size() <= tail.size() || path.compare(path.size() - tail.size(), tail.size(), tail))
      return;
    Parsed p = parse_yaml(desk.blob(blob), path);
    validate_schema(p, "survey-campaign");
    out.push_back(campaign_of(p.doc));
  });
  std::sort(out.begin(), out.end(), [](const SurveyCampaign& a, const SurveyCampaign& b) {
    return a.period != b.period ? a.period < b.period : a.name < b.name;
  });
  return out;
}

SurveyCampaign load_campaign(const Desk& desk, const std::string& name) {
  check_campaign_name(name);
  auto f = desk.read(campaign_path(name));
  if (!f) not_found("no survey campaign '{}'", name);
  Parsed p = parse_yaml(f->text, f->path);
  validate_schema(p, "survey-campaign");
  return campaign_of(p.doc);
}

std::vector<SurveyResponse> campaign_responses(const Desk& desk, const std::string& campaign) {
  std::vector<SurveyResponse> out;
  desk.walk("surveys/" + campaign, [&](const std::string& path, const git_oid& blob) {
    if (path.size() <= 5 || path.compare(path.size() - 5, 5, ".yaml") ||
        path.rfind("/campaign.yaml") == path.size() - 14)
      return;
    out.push_back(response_of(parse_yaml(desk.blob(blob), path).doc));
  });
  std::sort(out.begin(), out.end(),
            [](const SurveyResponse& a, const SurveyResponse& b) { return a.id < b.id; });
  return out;
}

std::vector<SurveyResponse> all_survey_responses(const Desk& desk) {
  std::vector<SurveyResponse> out;
  for (const auto& c : all_campaigns(desk)) {
    auto rs = campaign_responses(desk, c.name);
    out.insert(out.end(), rs.begin(), rs.end());
  }
  return out;
}

SurveyCampaign create_campaign(Desk& desk, const std::string& name, const std::string& period,
                               bool anonymous) {
  const Staff& op = desk.op();
  if (op.role != "pm")
    refuse("{} ({}) may not create a survey campaign: only the PM", op.id, op.role);
  check_campaign_name(name);
  if (period.empty()) refuse("missing required information: --period");
  return desk.write([&] {
    if (desk.read(campaign_path(name))) refuse("survey campaign '{}' already exists", name);
    SurveyCampaign c{name, period, anonymous, desk.stamp(desk.now()), op.id};
    desk.commit({{campaign_path(name),
                  emit_yaml(campaign_json(c),
                            "sdesk survey campaign (服务满意度调查); responses are the other "
                            "files of this directory")}},
                name, "new", period + (anonymous ? " (anonymous)" : ""));
    return c;
  });
}

SurveyResponse record_response(Desk& desk, SurveyResponse r) {
  desk.op();  // exit 4 before anything when there is no operator
  SurveyCampaign c = load_campaign(desk, r.campaign);
  for (const auto& d : survey_dimensions()) {
    auto it = r.scores.find(d);
    if (it == r.scores.end()) refuse("missing required information: --{}", d);
    check_score(d, it->second);
  }
  if (c.anonymous && !r.customer.empty())
    refuse("survey campaign '{}' is anonymous: it keeps no --customer", c.name);
  if (c.anonymous && !r.contact.empty())
    refuse("survey campaign '{}' is anonymous: it keeps no --contact", c.name);
  std::string form = normal_form(r.form);
  if (form.empty()) usage_error("--form: '{}' is not questionnaire, interview or phone", r.form);
  r.form = form;
  return desk.write([&] {
    std::set<std::string> taken;
    stamp_response(desk, c, r, taken);
    std::vector<FileChange> change = {{response_path(c.name, r.id), response_yaml(r)}};
    if (c.anonymous)
      desk.commit_by_day(change, r.id, "record", "survey " + c.name, {c.name});
    else
      desk.commit(change, r.id, "record", "survey " + c.name, {c.name});
    return r;
  });
}

std::vector<SurveyResponse> parse_survey_csv(const SurveyCampaign& c, const std::string& csv_text,
                                             const std::string& file_name) {
  if (int bad = invalid_utf8_line(csv_text))
    refuse("{}:{}: not valid UTF-8 (save the file as UTF-8)", file_name, bad);
  auto records = parse_csv(csv_text, file_name);
  if (records.empty()) refuse("{}: the file is empty (no header row)", file_name);
  static const std::map<std::string, std::string> names = {
      {"tech", "tech"},
      {"专业技术能力", "tech"},
      {"response", "response"},
      {"响应及时性", "response"},
      {"resolution", "resolution"},
      {"解决及时性", "resolution"},
      {"attitude", "attitude"},
      {"服务态度", "attitude"},
      {"communication", "communication"},
      {"沟通表达能力", "communication"},
      {"customer", "customer"},
      {"客户", "customer"},
      {"contact", "contact"},
      {"联系方式", "contact"},
      {"comment", "comment"},
      {"意见", "comment"},
      {"form", "form"},
      {"方式", "form"},
  };
  const CsvRecord& head = records.front();
  std::vector<std::string> columns;
  for (const auto& h : head.fields) {
    std::string key = trim_space(h);
    std::string lower;
    for (char ch : key) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto it = names.find(lower);
    if (it == names.end())
      refuse(
          "{}:{}: unknown header '{}' (headers: tech/专业技术能力, response/响应及时性, "
          "resolution/解决及时性, attitude/服务态度, communication/沟通表达能力, customer/客户, "
          "contact/联系方式, comment/意见, form/方式)",
          file_name, head.line, key);
    if (std::find(columns.begin(), columns.end(), it->second) != columns.end())
      refuse("{}:{}: header '{}' appears twice", file_name, head.line, key);
    columns.push_back(it->second);
  }
  for (const auto& d : survey_dimensions())
    if (std::find(columns.begin(), columns.end(), d) == columns.end())
      refuse("{}:{}: missing column '{}'", file_name, head.line, d);
  if (records.size() == 1) refuse("{}: no responses below the header", file_name);
  std::vector<SurveyResponse> out;
  for (std::size_t i = 1; i < records.size(); ++i) {
    const CsvRecord& rec = records[i];
    if (rec.fields.size() != columns.size())
      refuse("{}:{}: {} fields, but the header has {}", file_name, rec.line, rec.fields.size(),
             columns.size());
    SurveyResponse r;
    r.campaign = c.name;
    for (std::size_t k = 0; k < columns.size(); ++k) {
      std::string v = trim_space(rec.fields[k]);
      const std::string& col = columns[k];
      std::string why = text_problem(v, col != "comment");
      if (!why.empty()) refuse("{}:{}: {} {}", file_name, rec.line, col, why);
      if (col == "customer")
        r.customer = v;
      else if (col == "contact")
        r.contact = v;
      else if (col == "comment")
        r.comment = v;
      else if (col == "form") {
        r.form = normal_form(v);
        if (r.form.empty())
          refuse("{}:{}: form: '{}' is not questionnaire, interview or phone", file_name, rec.line,
                 v);
      } else {
        bool ok = v.size() == 1 && v[0] >= '1' && v[0] <= '5';
        if (!ok) refuse("{}:{}: {}: '{}' is not a score 1..5", file_name, rec.line, col, v);
        r.scores[col] = v[0] - '0';
      }
    }
    if (r.form.empty()) r.form = "questionnaire";
    if (c.anonymous) r.customer.clear(), r.contact.clear();
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<SurveyResponse> import_responses(Desk& desk, const std::string& campaign,
                                             const std::string& csv_text,
                                             const std::string& file_name) {
  desk.op();  // exit 4 before anything when there is no operator
  SurveyCampaign c = load_campaign(desk, campaign);
  std::vector<SurveyResponse> out = parse_survey_csv(c, csv_text, file_name);
  return desk.write([&] {
    std::set<std::string> taken;
    for (auto& r : out) stamp_response(desk, c, r, taken);
    // In an anonymous campaign nothing keeps the rows' order: the responses, their files and
    // the trailers go by their random IDs.
    if (c.anonymous)
      std::sort(out.begin(), out.end(),
                [](const SurveyResponse& a, const SurveyResponse& b) { return a.id < b.id; });
    std::vector<FileChange> changes;
    std::vector<std::string> ids;
    for (const auto& r : out) {
      changes.push_back({response_path(c.name, r.id), response_yaml(r)});
      ids.push_back(r.id);
    }
    std::string summary =
        fmt::format("{} survey response{}", out.size(), out.size() == 1 ? "" : "s");
    if (c.anonymous)
      desk.commit_by_day(changes, c.name, "import", summary, ids);
    else
      desk.commit(changes, c.name, "import", summary, ids);
    return out;
  });
}

Json survey_report(const Desk& desk, const std::string& campaign) {
  SurveyCampaign c = load_campaign(desk, campaign);
  Json j = campaign_report(desk, c);
  auto all = all_campaigns(desk);
  std::optional<SurveyCampaign> prev;
  for (const auto& other : all) {
    if (other.name == c.name) break;
    prev = other;
  }
  j["previous"] = prev ? campaign_report(desk, *prev) : Json();
  return j;
}

Json survey_response_json(const SurveyResponse& r) {
  Json j = Json::object();
  j["id"] = r.id;
  j["campaign"] = r.campaign;
  j["at"] = r.at;
  j["by"] = r.by.empty() ? Json() : Json(r.by);
  j["form"] = r.form;
  j["customer"] = r.customer.empty() ? Json() : Json(r.customer);
  j["contact"] = r.contact.empty() ? Json() : Json(r.contact);
  j["comment"] = r.comment.empty() ? Json() : Json(r.comment);
  Json s = Json::object();
  for (const auto& d : survey_dimensions())
    if (auto it = r.scores.find(d); it != r.scores.end()) s[d] = it->second;
  j["scores"] = s;
  return j;
}

Json campaign_json(const SurveyCampaign& c) {
  Json j = Json::object();
  j["campaign"] = c.name;
  j["period"] = c.period;
  j["anonymous"] = c.anonymous;
  j["created_at"] = c.created_at;
  j["created_by"] = c.created_by;
  return j;
}

}  // namespace sdesk
