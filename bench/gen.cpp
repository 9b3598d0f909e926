// Generates a large bench desk: N tickets whose event histories replay real incidents of the
// BPI Challenge 2013 log (Volvo IT: events per ticket, waits, hand-offs and their timing),
// written as a `git fast-import` stream on stdout on top of an existing desk's branch.
//
//   sdesk_bench_gen --csv incidents.csv --count 10000 [--seed 1] [--per-month 300]
//                   [--now 2026-11-01T00:00:00+08:00] [--batch 1000] [--branch refs/heads/main]
//     | git -C DESK fast-import --quiet && git -C DESK reset -q --hard
//
// Staff the tickets name (create them first, as bench/run.sh does): pm1, l1-01..l1-12,
// l2-01..l2-12, vendors acme and globex. Tickets are spread over months ending before --now,
// --per-month in each (so each tickets/YYYY/MM/ directory holds a few hundred files); events
// that would fall after --now are dropped, which leaves the newest tickets open.
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "lib/store/ids.hpp"
#include "lib/ticket/ticket.hpp"
#include "lib/ticket/workflow.hpp"

using sdesk::Json;

namespace {

struct Row {
  std::string status;  // "Accepted+In Progress", ...
  std::string owner;   // first name
  std::int64_t t;      // seconds since 1970 (UTC)
};
using Case = std::vector<Row>;

std::int64_t parse_utc(const std::string& s) {
  std::tm tm{};
  if (sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
             &tm.tm_min, &tm.tm_sec) != 6)
    return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return timegm(&tm);
}

std::vector<Case> read_cases(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::map<long, Case> by_case;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string x;
    while (std::getline(ss, x, ',')) f.push_back(x);
    if (f.size() != 4) continue;
    std::int64_t t = parse_utc(f[3]);
    if (t < 0) continue;
    by_case[std::stol(f[0])].push_back({f[1], f[2], t});
  }
  std::vector<Case> out;
  for (auto& [k, c] : by_case)
    if (!c.empty()) out.push_back(std::move(c));
  return out;
}

// ISO 8601 in China's zone (+08:00, no daylight saving).
std::string stamp(std::int64_t t) {
  std::time_t s = t + 8 * 3600;
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
  return buf;
}

const std::vector<std::string> kTitles = {
    "打印机脱机",         "邮件无法发送附件", "VPN 拨号失败",     "OA流程审批卡住",
    "电脑蓝屏",           "账号被锁定",       "共享盘无法访问",   "会议室无线网络不可用",
    "视频会议终端无声音", "数据库响应缓慢",   "网站访问报502",    "防火墙策略申请",
    "服务器磁盘告警",     "备份任务失败",     "财务系统登录异常", "证书即将过期",
    "内网IP冲突",         "软件安装申请",     "显示器无信号",     "办件系统提交超时"};
const std::vector<std::string> kCustomers = {
    "市财政局财务处", "市人社局办公室", "市卫健委信息科", "市住建局办公室", "市政务服务中心",
    "区政务服务中心", "市档案馆",       "市教育局人事处", "市发改委综合处", "市统计局综合科",
    "市司法局办公室", "市交通局运输科", "市民政局社救科", "市文旅局宣传科", "市税务局征管科"};
const std::vector<std::string> kChannels = {"hotline", "hotline", "hotline",   "email",
                                            "web",     "walk-in", "monitoring"};

class Gen {
 public:
  Gen(std::vector<Case> cases, unsigned seed, std::int64_t now)
      : cases_(std::move(cases)), rng_(seed), now_(now) {}

  // One ticket created at `created`: its ID and file text.
  std::pair<std::string, std::string> ticket(std::int64_t created) {
    const Case& c = cases_[rng_() % cases_.size()];
    std::string id = object_id(created);
    events_.clear();
    cur_ = sdesk::Ticket{};
    cur_.id = id;
    std::string owner = staff("l1", c[0].owner);
    Json e = event(created, owner, "new");
    e["title"] = pick(kTitles);
    int p = static_cast<int>(rng_() % 100);
    e["priority"] = p < 2 ? "P1" : p < 20 ? "P2" : p < 80 ? "P3" : "P4";
    e["channel"] = pick(kChannels);
    e["major"] = false;
    e["customer"] = pick(kCustomers);
    e["contact"] = "138" + std::to_string(10000000 + rng_() % 89999999);
    e["need"] = "恢复正常使用";
    e["required_by"] = stamp(created + 3 * 86400);
    e["environment"] = Json::object({{"os", rng_() % 2 ? "Windows11" : "麒麟V10"}});
    push(e);
    for (const Row& r : c) {
      std::int64_t at = created + (r.t - c[0].t);
      if (at >= now_) break;
      replay(r, at);
    }
    sdesk::Ticket t = sdesk::fold_ticket(id, events_);
    if (!t.illegal.empty()) throw std::runtime_error(id + ": generated an illegal event");
    return {id, sdesk::ticket_yaml(t)};
  }

 private:
  std::string pick(const std::vector<std::string>& v) { return v[rng_() % v.size()]; }

  // A staff id of a tier for a BPIC owner name (the same name maps to the same person).
  std::string staff(const std::string& tier, const std::string& name) {
    unsigned h = static_cast<unsigned>(std::hash<std::string>{}(name));
    char buf[16];
    std::snprintf(buf, sizeof buf, "%s-%02u", tier.c_str(), h % 12 + 1);
    return buf;
  }

  std::string object_id(std::int64_t t) {
    std::time_t s = t;
    std::tm tm{};
    gmtime_r(&s, &tm);
    std::tm start = tm;
    start.tm_mday = 1;
    start.tm_hour = start.tm_min = start.tm_sec = 0;
    std::int64_t into = t - timegm(&start);
    char ym[32];
    std::snprintf(ym, sizeof ym, "%02d%02d", tm.tm_year % 100, tm.tm_mon + 1);
    std::string id;
    do {
      id = std::string("T-") + ym + "-" + sdesk::base32(static_cast<std::uint64_t>(into++), 5) +
           "BN";
    } while (!ids_.insert(id).second);
    return id;
  }

  Json event(std::int64_t at, const std::string& by, const std::string& action) {
    std::int64_t ms = at * 1000;
    while (!event_ms_.insert(ms).second) ++ms;
    Json e = Json::object();
    e["id"] = sdesk::base32(static_cast<std::uint64_t>(ms), 9) + "BN";
    e["at"] = stamp(at);
    e["by"] = by;
    e["action"] = action;
    return e;
  }

  // Appends the event when it is legal now.
  bool push(const Json& e) {
    if (!sdesk::why_illegal(cur_, e).empty()) return false;
    sdesk::apply_event(cur_, e);
    events_.push_back(e);
    return true;
  }

  std::string worker() const { return cur_.assignee.empty() ? "pm1" : cur_.assignee; }
  std::string tier_staff(const std::string& name) {
    return staff(cur_.tier == "l1" ? "l1" : "l2", name);
  }

  // Makes sure someone works the ticket (take, then start) before an action that needs it.
  void get_going(const Row& r, std::int64_t at) {
    if (cur_.status == "new") push(event(at, tier_staff(r.owner), "take"));
    if (cur_.status == "assigned") push(event(at, worker(), "start"));
    if (cur_.status == "pending") push(event(at, worker(), "resume"));
  }

  void replay(const Row& r, std::int64_t at) {
    const std::string& s = r.status;
    const std::string& st = cur_.status;
    if (s == "Accepted+In Progress") {
      if (st == "resolved" || st == "closed") {
        Json e = event(at, cur_.owner, "reopen");
        e["reason"] = "客户反馈问题仍存在";
        push(e);
      } else if (st == "in_progress") {
        Json e = event(at, worker(), "note");
        e["text"] = "继续处理中";
        e["customer"] = false;
        push(e);
      } else {
        get_going(r, at);
      }
    } else if (s == "Accepted+Assigned") {
      if (st == "new" || st == "assigned" || st == "in_progress") {
        Json e = event(at, "pm1", "assign");
        e["assignee"] = tier_staff(r.owner);
        push(e);
      }
    } else if (s.rfind("Accepted+Wait", 0) == 0) {
      if (st == "new" || st == "assigned") get_going(r, at);
      if (cur_.status != "in_progress") return;
      Json e = event(at, worker(), "pending");
      e["reason"] = s == "Accepted+Wait - User" || s == "Accepted+Wait - Customer" ? "customer"
                    : s == "Accepted+Wait - Vendor"                                ? "vendor"
                                                                                   : "third-party";
      e["text"] = "等待答复";
      push(e);
    } else if (s == "Queued+Awaiting Assignment") {
      if (!sdesk::is_open_status(st)) return;
      if (cur_.tier == "l1") {
        Json e = event(at, worker(), "escalate");
        e["to"] = "l2";
        e["reason"] = "需要二线支持";
        e["done"] = "已完成初步排查并记录日志";
        push(e);
      } else if (cur_.tier == "vendor") {
        Json e = event(at, worker(), "de-escalate");
        e["to"] = "l2";
        e["reason"] = "厂商已提供修复";
        push(e);
      } else if (rng_() % 10 == 0 && !cur_.assignee.empty()) {
        Json e = event(at, worker(), "escalate");
        e["to"] = "vendor";
        e["vendor"] = rng_() % 2 ? "acme" : "globex";
        e["reason"] = "疑似产品缺陷";
        e["done"] = "已收集日志并复现";
        push(e);
      } else if (st != "pending") {
        Json e = event(at, "pm1", "assign");
        e["assignee"] = staff("l2", r.owner);
        push(e);
      }
    } else if (s == "Completed+Resolved" || s == "Completed+In Call") {
      if (!sdesk::is_open_status(st)) return;
      if (st == "new" || st == "assigned") get_going(r, at);
      Json e = event(at, worker(), "resolve");
      e["solution"] = "已按知识库步骤处理并验证恢复";
      push(e);
    } else if (s == "Completed+Closed") {
      if (st != "resolved") return;
      Json e = event(at, cur_.owner, "close");
      e["confirmed_by"] = "客户";
      push(e);
    } else if (s == "Completed+Cancelled") {
      if (!sdesk::is_open_status(st)) return;
      Json e = event(at, worker(), "cancel");
      e["reason"] = "客户撤回";
      push(e);
    }
  }

  std::vector<Case> cases_;
  std::mt19937_64 rng_;
  std::int64_t now_;
  sdesk::Ticket cur_;
  std::vector<Json> events_;
  std::unordered_set<std::string> ids_;
  std::unordered_set<std::int64_t> event_ms_;
};

void data_block(std::string& out, const std::string& bytes) {
  out += "data " + std::to_string(bytes.size()) + "\n" + bytes + "\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::string csv, branch = "refs/heads/main", now_s = "2026-11-01T00:00:00+08:00";
  long count = 1000, per_month = 300, batch = 1000;
  unsigned seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--csv")
      csv = v;
    else if (k == "--count")
      count = std::stol(v);
    else if (k == "--seed")
      seed = static_cast<unsigned>(std::stoul(v));
    else if (k == "--per-month")
      per_month = std::stol(v);
    else if (k == "--now")
      now_s = v;
    else if (k == "--batch")
      batch = std::stol(v);
    else if (k == "--branch")
      branch = v;
    else {
      std::cerr << "sdesk_bench_gen: unknown option " << k << "\n";
      return 2;
    }
  }
  if (csv.empty() || count <= 0 || per_month <= 0) {
    std::cerr << "usage: sdesk_bench_gen --csv incidents.csv --count N [--seed S] "
                 "[--per-month M] [--now ISO] [--batch B] [--branch REF]\n";
    return 2;
  }
  try {
    std::int64_t now = parse_utc(now_s.substr(0, 19)) - 8 * 3600;
    Gen gen(read_cases(csv), seed, now);
    // Months back from --now's month; at least 2001 so that YYMM IDs stay in this century.
    long months = (count + per_month - 1) / per_month;
    std::time_t nt = now;
    std::tm ntm{};
    gmtime_r(&nt, &ntm);
    long first = (ntm.tm_year + 1900) * 12 + ntm.tm_mon - months;
    if (first < 2001 * 12) {
      first = 2001 * 12;
      months = (ntm.tm_year + 1900) * 12 + ntm.tm_mon - first;
    }
    std::mt19937_64 rng(seed ^ 0x5eed);
    std::string out;
    long in_batch = 0, commits = 0;
    auto flush = [&]() {
      if (in_batch == 0) return;
      std::string head = "commit " + branch + "\ncommitter sdesk bench <bench@sdesk> " +
                         std::to_string(now) + " +0800\n";
      std::string msg = "bench: " + std::to_string(in_batch) + " generated tickets\n";
      head += "data " + std::to_string(msg.size()) + "\n" + msg;
      if (commits++ == 0) head += "from " + branch + "^0\n";
      std::cout << head << out << "\n";
      out.clear();
      in_batch = 0;
    };
    for (long i = 0; i < count; ++i) {
      long m = first + i * months / count;
      std::tm tm{};
      tm.tm_year = static_cast<int>(m / 12) - 1900;
      tm.tm_mon = static_cast<int>(m % 12);
      tm.tm_mday = 1;
      std::int64_t start = timegm(&tm);
      tm.tm_mon += 1;
      std::int64_t end = std::min<std::int64_t>(timegm(&tm), now);
      std::int64_t created = start + static_cast<std::int64_t>(rng() % (end - start));
      auto [id, text] = gen.ticket(created);
      out += "M 100644 inline " + sdesk::ticket_path(id) + "\n";
      data_block(out, text);
      if (++in_batch == batch) flush();
    }
    flush();
  } catch (const std::exception& e) {
    std::cerr << "sdesk_bench_gen: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
