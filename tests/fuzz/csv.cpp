// Fuzz target: the survey CSV import (parse_survey_csv), for a named and an anonymous campaign.
// Properties: bad input is refused with sdesk::Error only; every response read is written as
// a YAML document that parses back to the same document.
#include "lib/quality/surveys.hpp"
#include "lib/util/yaml.hpp"
#include "tests/fuzz/fuzz.hpp"

using namespace sdesk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = fuzz::text_of(data, size);
  for (bool anonymous : {false, true}) {
    SurveyCampaign c{"2026-q1", "2026Q1", anonymous, "2026-03-02T09:00:00+08:00", "pm1"};
    std::vector<SurveyResponse> out;
    if (!fuzz::accepted([&] { out = parse_survey_csv(c, text, "import.csv"); })) continue;
    fuzz::check(!out.empty(), "a CSV import that is accepted holds no response");
    for (auto& r : out) {
      r.id = "0000000000A";
      r.at = c.created_at;
      r.by = "pm1";
      fuzz::check(r.scores.size() == survey_dimensions().size(), "a response lacks a score");
      fuzz::check(!anonymous || (r.customer.empty() && r.contact.empty()),
                  "an anonymous response keeps an identity");
      Json doc = survey_response_json(r);
      std::string yaml = emit_yaml(doc);
      Parsed back;
      bool ok = fuzz::accepted([&] { back = parse_yaml(yaml, "response.yaml"); });
      fuzz::check(ok, "a response is written as YAML that does not parse",
                  [&] { return std::string(yaml); });
      fuzz::check(back.doc == doc, "a response changed on its way through YAML", [&] {
        return std::string(doc.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n---\n" +
                           yaml);
      });
    }
  }
  return 0;
}
