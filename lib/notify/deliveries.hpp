// The delivery log of a central desk: which notification went to which channel, kept under
// the repository's git directory (never committed), so each is sent once.
#pragma once
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lib/store/desk.hpp"
#include "lib/util/time.hpp"
#include "lib/util/yaml.hpp"

namespace sdesk {

// One delivery of one message to one channel, as last recorded.
struct Delivery {
  std::string key;       // the message's event or threshold key
  std::string channel;   // the channel's name
  std::string status;    // sent, failed (retried later), deferred (rate limit), given_up
  int attempts = 0;      // sends tried so far
  std::string at;        // when it was last tried (desk clock)
  std::string next_try;  // when a retry is due (desk clock), empty when none
  std::string error;     // the last failure, without secrets
  long sent_real = 0;    // system-clock seconds of a successful send (for rate limits)
  Json message;          // the message itself, for retries
};

// The log file and its lock; the lock is held for as long as this lives.
class DeliveryLog {
 public:
  // Opens the log below gitdir; with `locked`, takes its lock first, waiting up to a minute.
  explicit DeliveryLog(const std::filesystem::path& gitdir, bool locked = true);
  // The last record of key on channel, or null.
  const Delivery* find(const std::string& key, const std::string& channel) const;
  // Appends a record (it becomes the last one of its key and channel).
  void record(const Delivery& d);
  // The last record of every key and channel, oldest first.
  std::vector<Delivery> all() const { return order_; }
  // Successful sends on a channel at or after a system-clock second.
  int sent_since(const std::string& channel, long since) const;
  // The commit whose events the last sweep told (hex), or empty before the first sweep.
  std::string swept() const;
  // Records the commit whose events a sweep has told.
  void set_swept(const std::string& commit);

 private:
  std::filesystem::path file_;
  std::unique_ptr<LockFile> lock_;
  std::vector<Delivery> order_;
  std::map<std::pair<std::string, std::string>, size_t> index_;
  void remember(const Delivery& d);
};

// A delivery as the JSON of `notify log --json`.
Json delivery_json(const Delivery& d);

}  // namespace sdesk
