#include "lib/notify/deliveries.hpp"

#include <fstream>

#include "lib/util/error.hpp"

namespace sdesk {

namespace fs = std::filesystem;

namespace {

fs::path log_dir(const fs::path& gitdir) {
  return gitdir / "sdesk-notify";
}

Delivery from_json(const Json& j) {
  Delivery d;
  d.key = str(j, "key");
  d.channel = str(j, "channel");
  d.status = str(j, "status");
  d.attempts = j.value("attempts", 0);
  d.at = str(j, "at");
  d.next_try = str(j, "next_try");
  d.error = str(j, "error");
  d.sent_real = j.value("sent_real", 0L);
  d.message = j.contains("message") ? j["message"] : Json::object();
  return d;
}

std::vector<Json> read_lines(const fs::path& file) {
  std::vector<Json> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    Json j = Json::parse(line, nullptr, false);
    if (j.is_object()) out.push_back(std::move(j));  // a torn last line is left out
  }
  return out;
}

}  // namespace

Json delivery_json(const Delivery& d) {
  Json j = {{"key", d.key},
            {"channel", d.channel},
            {"status", d.status},
            {"attempts", d.attempts},
            {"at", d.at},
            {"next_try", opt(d.next_try)},
            {"error", opt(d.error)},
            {"kind", d.message.value("kind", "")},
            {"object", d.message.value("object", "")},
            {"title", d.message.value("title", "")}};
  return j;
}

DeliveryLog::DeliveryLog(const fs::path& gitdir, bool locked)
    : file_(log_dir(gitdir) / "deliveries.jsonl") {
  if (locked)
    lock_ = std::make_unique<LockFile>(log_dir(gitdir) / "lock", std::chrono::seconds(60));
  for (const auto& j : read_lines(file_)) remember(from_json(j));
}

void DeliveryLog::remember(const Delivery& d) {
  auto k = std::make_pair(d.key, d.channel);
  auto it = index_.find(k);
  if (it == index_.end()) {
    index_[k] = order_.size();
    order_.push_back(d);
  } else {
    long sent = order_[it->second].sent_real;
    order_[it->second] = d;
    if (!d.sent_real) order_[it->second].sent_real = sent;
  }
}

const Delivery* DeliveryLog::find(const std::string& key, const std::string& channel) const {
  auto it = index_.find({key, channel});
  return it == index_.end() ? nullptr : &order_[it->second];
}

void DeliveryLog::record(const Delivery& d) {
  Json j = delivery_json(d);
  j["sent_real"] = d.sent_real;
  j["message"] = d.message;
  std::ofstream out(file_, std::ios::app | std::ios::binary);
  out << j.dump() << "\n";
  out.flush();
  if (!out) internal_error("cannot write the delivery log {}", file_.string());
  remember(d);
}

std::string DeliveryLog::swept() const {
  std::ifstream in(file_.parent_path() / "swept");
  std::string hex;
  in >> hex;
  return hex;
}

void DeliveryLog::set_swept(const std::string& commit) {
  fs::path tmp = file_.parent_path() / "swept.tmp";
  std::ofstream(tmp, std::ios::trunc) << commit << "\n";
  fs::rename(tmp, file_.parent_path() / "swept");
}

int DeliveryLog::sent_since(const std::string& channel, long since) const {
  int n = 0;
  for (const auto& d : order_)
    if (d.channel == channel && d.status == "sent" && d.sent_real >= since) ++n;
  return n;
}

}  // namespace sdesk
