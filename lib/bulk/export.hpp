// Bulk export (CONTRACT §12): tickets with their SLA figures as rows of text cells (for CSV and
// XLSX) whose column names are the ticket JSON fields, so that an export imports again.
#pragma once
#include <string>
#include <vector>

#include "lib/store/desk.hpp"
#include "lib/ticket/query.hpp"

namespace sdesk {

// Rows of text cells under named columns.
struct ExportTable {
  std::vector<std::string> headers;            // ticket JSON fields, `sla` spread into its own
  std::vector<std::vector<std::string>> rows;  // one row per ticket
};

// The tickets as the list's JSON (events left out), one object each.
Json export_json(const Desk& desk, const std::vector<TicketRow>& rows);
// The tickets as rows of text: environment as "key=value; …", lists comma-separated,
// escalations as JSON, booleans as true/false, nulls empty.
ExportTable export_table(const Desk& desk, const std::vector<TicketRow>& rows);

}  // namespace sdesk
