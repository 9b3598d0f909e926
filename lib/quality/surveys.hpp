// Satisfaction surveys (服务满意度调查): surveys/<campaign>/campaign.yaml and one file per
// response surveys/<campaign>/<n>.yaml, n an event ID of this clone so clones never collide.
// An anonymous campaign keeps no identity and no order of entry (CONTRACT §12): n is random,
// a response holds its day but not its time nor who recorded it, and its commit is dated by
// the day alone.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/store/desk.hpp"

namespace sdesk {

// One survey response.
struct SurveyResponse {
  std::string campaign;               // campaign name
  std::string id;                     // response ID (file stem)
  std::string form;                   // questionnaire, interview or phone
  std::string customer;               // empty in an anonymous campaign
  std::string comment;                // free comment
  std::map<std::string, int> scores;  // tech, response, resolution, attitude, communication
  std::string contact;                // empty in an anonymous campaign
  std::string at;                     // when it was recorded (only the day when anonymous)
  std::string by;                     // who recorded it (empty in an anonymous campaign)
};

// One campaign.
struct SurveyCampaign {
  std::string name;        // campaign name (directory)
  std::string period;      // free period text; campaigns order by it
  bool anonymous = false;  // keeps no customer identity
  std::string created_at;  // when it was created
  std::string created_by;  // who created it
};

// The five dimensions in form order.
const std::vector<std::string>& survey_dimensions();
// Each dimension's Chinese name (tech -> 专业技术能力, …), as the questionnaire prints it.
const std::map<std::string, std::string>& survey_dimension_names();
// Every campaign, in (period, name) order.
std::vector<SurveyCampaign> all_campaigns(const Desk& desk);
// One campaign; exit 3 when absent.
SurveyCampaign load_campaign(const Desk& desk, const std::string& name);
// The responses of one campaign, in ID order.
std::vector<SurveyResponse> campaign_responses(const Desk& desk, const std::string& campaign);
// Every response on the desk.
std::vector<SurveyResponse> all_survey_responses(const Desk& desk);
// Creates a campaign (PM only; one commit).
SurveyCampaign create_campaign(Desk& desk, const std::string& name, const std::string& period,
                               bool anonymous);
// Records one response (one commit); exit 4 on a bad score or identity in an anonymous one.
SurveyResponse record_response(Desk& desk, SurveyResponse r);
// Reads the responses of a survey CSV (English or Chinese headers) for campaign c, without
// IDs or stamps; exit 4 naming the bad line.
std::vector<SurveyResponse> parse_survey_csv(const SurveyCampaign& c, const std::string& csv_text,
                                             const std::string& file_name);
// Imports a CSV (English or Chinese headers) in one commit; exit 4 naming the bad line. The
// responses come back in row order, or in (random) ID order in an anonymous campaign.
std::vector<SurveyResponse> import_responses(Desk& desk, const std::string& campaign,
                                             const std::string& csv_text,
                                             const std::string& file_name);
// The contract's report JSON of one campaign (with `previous`).
Json survey_report(const Desk& desk, const std::string& campaign);
// The JSON of one response.
Json survey_response_json(const SurveyResponse& r);
// A campaign as JSON (also its campaign.yaml): {campaign, period, anonymous, created_at,
// created_by}.
Json campaign_json(const SurveyCampaign& c);

}  // namespace sdesk
