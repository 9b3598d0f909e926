// IDs that never collide between clones, sort by time and read well over the phone:
// objects "T-2611-7QK4M3Z" (prefix, the desk's local year and month, seconds of that month,
// two characters of the clone's identity), events "1JQ8Z4K2M" + 13 characters (milliseconds
// since 1970, then the clone's whole 64-bit identity, so no two clones make one event ID).
// The identity (.git/sdesk/clone) is random and renewed when the clone is copied: it records
// the device and inode of the .git directory it was made for. A hybrid logical clock kept in
// .git/sdesk/clock makes event IDs strictly increasing within a clone, and object IDs
// increasing within each month (so an object recorded with a backdated clock still lands in the
// month it was created in). Object IDs may still meet another clone's (10 bits): the merge
// renames the later object and keeps the old ID as an alias.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "lib/util/time.hpp"

namespace sdesk {

// Crockford base32 of v, zero-padded to width characters (no I, L, O, U).
std::string base32(std::uint64_t v, int width);

// The per-clone ID source; state lives in a file under the git directory.
class IdClock {
 public:
  // Uses the clock file under gitdir (created on first use, with a random clone node).
  explicit IdClock(std::filesystem::path gitdir);
  // A new object ID with this prefix for an object created at `at` (month of `zone`, else UTC).
  std::string object_id(const std::string& prefix, Time at, Zone zone = nullptr);
  // A new event ID for an event made at `at`, sorting after `after` (the last event ID the
  // clone has seen on the object, from any clone): a hybrid logical clock.
  std::string event_id(Time at, const std::string& after = {});

 private:
  void load();
  void save();
  void seed_from_utc_clock();
  void load_identity();
  std::filesystem::path file_;
  std::string node_;      // two characters of the identity, for object IDs
  std::string identity_;  // the clone's 64-bit identity, 13 characters, for event IDs
  std::int64_t last_ms_ = 0;
  std::int64_t last_s_ = 0;
  std::map<std::string, std::int64_t> months_;  // YYMM -> the last object second used in it
  bool loaded_ = false;
};

// The one ID among matches for a typed prefix: exit 3 naming `kind` when there is none, exit 2
// listing the candidates when there are several.
std::string unique_match(std::vector<std::string> matches, const std::string& kind,
                         const std::string& typed);
// Whether text is a well-formed object ID of some prefix (T-2611-7QK4M3Z).
bool looks_like_object_id(const std::string& text);
// The year and month directory parts of an object ID ("2026", "11"), from its YYMM.
std::pair<std::string, std::string> id_year_month(const std::string& id);

}  // namespace sdesk
