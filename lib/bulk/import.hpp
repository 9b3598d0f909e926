// Bulk import (CONTRACT §12): tickets from CSV (UTF-8 or GBK) or XLSX rows, and an event log
// replayed through a status map; each import is all or nothing and one commit.
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/store/desk.hpp"

namespace sdesk {

// A column map (MAP.yaml): how a file's columns and values become ticket fields and actions.
struct ImportMap {
  std::string file;                            // the map's file name, for messages
  std::map<std::string, std::string> columns;  // file column -> ticket field
  std::map<std::string, std::map<std::string, std::string>> values;  // field -> {file -> value}
  std::map<std::string, std::string> defaults;  // field -> value when a row has none
  std::map<std::string, std::string> statuses;  // file status -> action (import events)
  std::string case_column, status_column, owner_column, time_column;  // import events' columns
  std::string timezone;  // zone of the file's times without an offset (default: the desk's)
};

// Parses a map file; exit 4 naming the map and the key at fault.
ImportMap parse_import_map(const std::string& text, const std::string& file);

// What an import read, made or would make, and skipped.
struct ImportResult {
  std::string file;                       // the imported file's name
  std::string encoding;                   // UTF-8, GBK or XLSX
  size_t rows = 0;                        // data rows read
  size_t tickets = 0;                     // tickets made
  size_t events = 0;                      // events recorded, `new` included
  size_t ignored = 0;                     // rows whose status the map ignores
  std::map<std::string, size_t> skipped;  // why a row's action was not legal -> rows
  std::vector<std::string> ids;           // the new tickets' IDs (a dry run makes none)
  std::string commit;                     // the commit made (empty on a dry run)
  bool dry_run = false;                   // nothing was written
};

// Imports tickets, one per row (PM only): columns named by the ticket JSON fields or by the
// map; every row is checked before anything is written (exit 4 naming row, column and field).
ImportResult import_tickets(Desk& desk, const std::filesystem::path& file,
                            const std::optional<ImportMap>& map, bool dry_run);
// Replays an event log (one row per status change) into tickets through the map's statuses
// (PM only); an action not legal at its turn is skipped and counted by reason.
ImportResult import_events(Desk& desk, const std::filesystem::path& file, const ImportMap& map,
                           bool dry_run);
// Parses a time as spreadsheets hold it: ISO 8601, "2026/3/5 14:00", "2026年3月5日 14时",
// "2026.3.5", or an Excel serial day number; in zone when it has no offset; nullopt when it is
// none of these.
std::optional<Time> parse_sheet_time(const std::string& text, Zone zone);

}  // namespace sdesk
