// The audit trail: commits that name an object in their Sdesk-Object trailer.
#pragma once
#include <string>
#include <vector>

#include "lib/git/git.hpp"

namespace sdesk {

// One commit of an object's history.
struct LogEntry {
  std::string commit;      // full commit id
  Time when;               // author time: the operator's clock (SDESK_NOW when set)
  Time recorded;           // committer time: when the commit was really made
  std::string author;      // author name
  std::string email;       // author email
  std::string action;      // Sdesk-Action trailer
  std::string subject;     // first line of the message
  bool backdated() const;  // stated well before it was recorded (a back-dated SDESK_NOW)
};

// Whether a commit stated at `when` but made at `recorded` was back-dated: made more than five
// minutes after its stated time.
bool is_backdated(Time when, Time recorded);

// The trailers of a commit message, in order (key, value).
std::vector<std::pair<std::string, std::string>> message_trailers(const std::string& message);
// Commits reachable from HEAD whose Sdesk-Object trailer names id, newest first.
std::vector<LogEntry> object_log(const Repo& repo, const std::string& id);

}  // namespace sdesk
