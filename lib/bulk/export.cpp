#include "lib/bulk/export.hpp"

#include "lib/ticket/tickets.hpp"

namespace sdesk {

namespace {
std::string cell(const std::string& key, const Json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number()) return v.dump();
  if (key == "environment" && v.is_object()) {
    std::string out;
    for (auto it = v.begin(); it != v.end(); ++it)
      out += (out.empty() ? "" : "; ") + it.key() + "=" + cell(it.key(), it.value());
    return out;
  }
  if (v.is_array() &&
      std::all_of(v.begin(), v.end(), [](const Json& x) { return x.is_string(); })) {
    std::string out;
    for (const auto& x : v) out += (out.empty() ? "" : ",") + x.get<std::string>();
    return out;
  }
  return v.dump();
}

// The columns of one ticket's JSON, `sla` spread into its fields.
std::vector<std::pair<std::string, std::string>> flatten(const Json& j) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "sla" && it.value().is_object()) {
      for (auto s = it.value().begin(); s != it.value().end(); ++s)
        out.emplace_back(s.key(), cell(s.key(), s.value()));
    } else {
      out.emplace_back(it.key(), cell(it.key(), it.value()));
    }
  }
  return out;
}
}  // namespace

Json export_json(const Desk& desk, const std::vector<TicketRow>& rows) {
  Json arr = Json::array();
  for (const auto& r : rows) arr.push_back(ticket_json(r.t, r.st, desk.zone(), false));
  return arr;
}

ExportTable export_table(const Desk& desk, const std::vector<TicketRow>& rows) {
  ExportTable out;
  for (const auto& [k, v] : flatten(ticket_json(Ticket{}, SlaState{}, desk.zone(), false)))
    out.headers.push_back(k);
  for (const auto& r : rows) {
    std::vector<std::string> line(out.headers.size());
    for (auto& [k, v] : flatten(ticket_json(r.t, r.st, desk.zone(), false))) {
      auto at = std::find(out.headers.begin(), out.headers.end(), k);
      if (at != out.headers.end()) line[at - out.headers.begin()] = std::move(v);
    }
    out.rows.push_back(std::move(line));
  }
  return out;
}

}  // namespace sdesk
