#include "lib/store/ids.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <random>
#include <regex>

#include "lib/util/error.hpp"

namespace sdesk {

namespace fs = std::filesystem;
static const char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

std::string base32(std::uint64_t v, int width) {
  std::string s(width, '0');
  for (int i = width - 1; i >= 0; --i) {
    s[i] = kAlphabet[v % 32];
    v /= 32;
  }
  return s;
}

IdClock::IdClock(fs::path gitdir) : file_(gitdir / "sdesk" / "clock") {}

void IdClock::load_identity() {
  // The identity belongs to one .git directory: a copy (cp -r, a restored backup beside the
  // original) has another inode and makes itself a new one.
  fs::path gitdir = file_.parent_path().parent_path();
  struct stat st {};
  std::string here;
  if (::stat(gitdir.c_str(), &st) == 0)
    here = std::to_string(st.st_dev) + " " + std::to_string(st.st_ino);
  fs::path file = file_.parent_path() / "clone";
  {
    std::ifstream in(file);
    std::string id, dev, ino;
    if (in >> id >> dev >> ino && id.size() == 13 && dev + " " + ino == here) {
      identity_ = id;
      return;
    }
  }
  std::random_device rd;
  std::uint64_t v = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  v ^= static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  identity_ = base32(v, 13);
  fs::create_directories(file.parent_path());
  fs::path tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << identity_ << ' ' << here << '\n';
    if (!out) internal_error("cannot write {}", file.string());
  }
  fs::rename(tmp, file);
}

void IdClock::load() {
  if (loaded_) return;
  loaded_ = true;
  load_identity();
  std::ifstream in(file_);
  std::string node;
  if (in >> node >> last_ms_ >> last_s_) {
    std::string month;
    std::int64_t s = 0;
    while (in >> month >> s) months_[month] = s;
    if (months_.empty() && last_s_ > 0) seed_from_utc_clock();
  } else {
    last_ms_ = last_s_ = 0;
  }
  node_ = identity_.substr(11, 2);
}

void IdClock::save() {
  fs::create_directories(file_.parent_path());
  fs::path tmp = file_;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << node_ << ' ' << last_ms_ << ' ' << last_s_;
    for (const auto& [month, s] : months_) out << ' ' << month << ' ' << s;
    out << '\n';
    if (!out) internal_error("cannot write {}", file_.string());
  }
  fs::rename(tmp, file_);
}

void IdClock::seed_from_utc_clock() {
  // A clock file of an earlier release kept one UTC second for every object ID (UTC month,
  // seconds into it). Its month is used up to that second and the month before it wholly, so
  // no new ID can repeat an old one whatever the desk's zone.
  Time last{std::chrono::seconds(last_s_)};
  date::year_month_day ymd{std::chrono::floor<date::days>(last)};
  auto start = date::sys_days(ymd.year() / ymd.month() / 1);
  auto label = [](date::year_month ym) {
    return fmt::format("{:02}{:02}", int(ym.year()) % 100, unsigned(ym.month()));
  };
  date::year_month ym = ymd.year() / ymd.month();
  months_[label(ym)] = (last - start).count();
  auto prev_start = date::sys_days((ym - date::months{1}) / 1);
  months_[label(ym - date::months{1})] =
      std::chrono::duration_cast<std::chrono::seconds>(start - prev_start).count();
}

std::string IdClock::object_id(const std::string& prefix, Time at, Zone zone) {
  load();
  // Seconds into the month of `at` on the desk's wall clock, after the last one used in it.
  auto local = zone ? date::make_zoned(zone, at).get_local_time()
                    : date::local_seconds(at.time_since_epoch());
  date::year_month_day ymd{std::chrono::floor<date::days>(local)};
  auto month_start = date::local_days(ymd.year() / ymd.month() / 1);
  std::string month = fmt::format("{:02}{:02}", int(ymd.year()) % 100, unsigned(ymd.month()));
  std::int64_t into = (local - month_start).count();
  if (auto it = months_.find(month); it != months_.end()) into = std::max(into, it->second + 1);
  months_[month] = into;
  last_s_ = std::max(last_s_, at.time_since_epoch().count());
  save();
  return fmt::format("{}-{}-{}{}", prefix, month, base32(static_cast<std::uint64_t>(into), 5),
                     node_);
}

std::string IdClock::event_id(Time at, const std::string& after) {
  load();
  std::int64_t ms = std::max<std::int64_t>(at.time_since_epoch().count() * 1000, last_ms_ + 1);
  if (after.size() >= 9) {
    std::int64_t seen = 0;
    for (size_t i = 0; i < 9; ++i) {
      const char* p = std::strchr(kAlphabet, after[i]);
      seen = seen * 32 + (p && *p ? p - kAlphabet : 0);
    }
    ms = std::max(ms, seen + 1);
  }
  last_ms_ = ms;
  save();
  return base32(static_cast<std::uint64_t>(ms), 9) + identity_;
}

std::string unique_match(std::vector<std::string> matches, const std::string& kind,
                         const std::string& typed) {
  std::sort(matches.begin(), matches.end());
  matches.erase(std::unique(matches.begin(), matches.end()), matches.end());
  if (matches.empty()) not_found("no {} {}", kind, typed);
  if (matches.size() > 1) {
    std::string list;
    for (size_t i = 0; i < matches.size() && i < 10; ++i) list += (i ? ", " : "") + matches[i];
    throw Error(Exit::usage, fmt::format("{} prefix '{}' is ambiguous: {}{}", kind, typed, list,
                                         matches.size() > 10 ? ", …" : ""));
  }
  return matches[0];
}

bool looks_like_object_id(const std::string& text) {
  static const std::regex re(R"(^[A-Z]{1,3}-[0-9]{4}-[0-9A-Z]{7}$)");
  return std::regex_match(text, re);
}

std::pair<std::string, std::string> id_year_month(const std::string& id) {
  auto dash = id.find('-');
  if (dash == std::string::npos || id.size() < dash + 5) return {"0000", "00"};
  return {"20" + id.substr(dash + 1, 2), id.substr(dash + 3, 2)};
}

}  // namespace sdesk
