// Notifications and routine work: notify test|log|push, schedule add|list, and `sweep`, which
// cron runs on the central desk (complaints overdue, scheduled tickets, thresholds).
#include "lib/notify/notify.hpp"

#include "cli/commands.hpp"
#include "lib/notify/schedule.hpp"
#include "lib/quality/complaints.hpp"
#include "lib/store/calendar.hpp"
#include "lib/util/error.hpp"

namespace sdesk::cli {

namespace {

struct ScheduleOptions {
  std::string name, every, at, template_name;
};

struct PushOptions {
  std::string old_commit, new_commit, ref;
};

void warn_failures(const NotifyResult& r) {
  for (const auto& e : r.errors) warn("notify: " + e);
}

Json result_json(const NotifyResult& r) {
  return {{"sent", r.sent}, {"failed", r.failed}, {"deferred", r.deferred}};
}

// Run by the post-receive hook: the events of one pushed ref. Never fails the hook.
void run_push(const Globals& g, const PushOptions& o) {
  Desk desk = open_desk(g, true);
  warn_failures(notify_push(desk, o.old_commit, o.new_commit, o.ref));
}

void run_sweep(const Globals& g) {
  Format f = output_format(g);
  Desk desk = open_desk(g, true);
  if (desk.operator_named()) desk.op();  // an unknown --as or SDESK_USER is exit 4, as anywhere
  // Each duty runs whatever another one met: the first failure is the exit code, at the end.
  std::optional<Error> failed;
  auto duty = [&](auto&& work) {
    try {
      work();
    } catch (const Error& e) {
      warn(e.what());
      if (!failed) failed = e;
    }
  };
  int escalated = 0;
  std::vector<Ticket> made;
  duty([&] { escalated = sweep_overdue(desk); });
  duty([&] { made = run_schedules(desk); });
  NotifyResult r;
  NotifyConfig cfg = notify_config(desk.settings());
  if (!cfg.channels.empty())
    duty([&] {
      r = notify_sweep(desk, cfg);
      warn_failures(r);
    });
  Json ids = Json::array();
  for (const auto& t : made) ids.push_back(t.id);
  if (f == Format::json) {
    emit_json(g, {{"escalated", escalated}, {"created", ids}, {"notified", result_json(r)}});
    if (failed) throw *failed;
    return;
  }
  std::string out = fmt::format("{} complaint{} escalated\n", escalated, escalated == 1 ? "" : "s");
  out += fmt::format("{} scheduled ticket{} created\n", made.size(), made.size() == 1 ? "" : "s");
  for (const auto& t : made) out += "  " + t.id + "  " + t.title + "\n";
  if (!cfg.channels.empty())
    out += fmt::format("{} notification{} sent, {} failed, {} deferred\n", r.sent,
                       r.sent == 1 ? "" : "s", r.failed, r.deferred);
  emit(g, out);
  if (failed) throw *failed;
}

void run_log(const Globals& g) {
  Desk desk = open_desk(g, true);
  Table t{{"AT", "STATUS", "CHANNEL", "KEY", "TRIES", "ERROR"}, {}, {}};
  Json arr = Json::array();
  for (const auto& d : DeliveryLog(desk.repo().gitdir(), false).all()) {
    arr.push_back(delivery_json(d));
    t.rows.push_back({d.at, d.status, d.channel, d.key, std::to_string(d.attempts), d.error});
  }
  emit_rows(g, t, arr);
}

Json schedule_json(const Schedule& s, const Desk& desk) {
  Json j = {{"name", s.name},
            {"every", s.every},
            {"at", s.at},
            {"template", s.template_name},
            {"created_at", s.created_at},
            {"created_by", s.created_by},
            {"next", nullptr}};
  Calendar cal(desk.settings());
  date::local_days today = local_day(desk.now(), desk.zone());
  for (const auto& o : occurrences(s, cal, today - date::days(7), today + date::days(62))) {
    Time at = std::chrono::time_point_cast<std::chrono::seconds>(desk.zone()->to_sys(
        date::local_seconds(o.day) + std::chrono::hours(std::stoi(s.at.substr(0, 2))) +
            std::chrono::minutes(std::stoi(s.at.substr(3))),
        date::choose::earliest));
    if (at >= desk.now()) {
      j["next"] = desk.stamp(at);
      break;
    }
  }
  return j;
}

void run_schedule_list(const Globals& g) {
  Desk desk = open_desk(g, true);
  Table t{{"NAME", "EVERY", "AT", "TEMPLATE", "NEXT"}, {}, {}};
  Json arr = Json::array();
  for (const auto& s : list_schedules(desk)) {
    Json j = schedule_json(s, desk);
    arr.push_back(j);
    t.rows.push_back({s.name, s.every, s.at, s.template_name,
                      j["next"].is_string() ? j["next"].get<std::string>() : "—"});
  }
  emit_rows(g, t, arr);
}

}  // namespace

void register_notify(CLI::App& app, Globals& g) {
  auto* notify =
      app.add_subcommand("notify", "notifications of the central desk")->require_subcommand(1);
  auto channel = std::make_shared<std::string>();
  auto* test = notify->add_subcommand("test", "send a test message on a channel");
  test->add_option("CHANNEL", *channel, "a channel of desk.yaml notify.channels")->required();
  test->callback([&g, channel] {
    Desk desk = open_desk(g, true);
    notify_test(desk, *channel);
    emit(g, fmt::format("sent a test message to {}\n", *channel));
  });
  auto* log = notify->add_subcommand("log", "deliveries: what went to which channel, and failures");
  add_format_flags(log, g);
  log->callback([&g] { run_log(g); });
  auto po = std::make_shared<PushOptions>();
  auto* push = notify->add_subcommand("push", "");  // hidden: run by the post-receive hook
  push->group("");
  push->add_option("OLD", po->old_commit)->required();
  push->add_option("NEW", po->new_commit)->required();
  push->add_option("REF", po->ref)->required();
  push->callback([&g, po] {
    try {
      run_push(g, *po);
    } catch (const Error& e) {
      warn(std::string("notify: ") + e.what());  // a push is never held up by notifying
    }
  });

  auto* schedule =
      app.add_subcommand("schedule", "routine work (巡检) that sweep turns into tickets")
          ->require_subcommand(1);
  auto so = std::make_shared<ScheduleOptions>();
  auto* add = schedule->add_subcommand("add", "add routine work; prints its name");
  add->add_option("NAME", so->name, "the schedule's name")->required();
  add->add_option("--every", so->every, "daily, weekly:<mon..sun> or monthly:<1..28>")->required();
  add->add_option("--at", so->at, "HH:MM, desk time")->required();
  add->add_option("--template", so->template_name, "templates/<NAME>.yaml")->required();
  add->callback([&g, so] {
    Desk desk = open_desk(g);
    Schedule s = add_schedule(desk, so->name, so->every, so->at, so->template_name);
    after_write(desk);
    emit(g, s.name + "\n");
  });
  auto* list = schedule->add_subcommand("list", "routine work and when it next falls");
  add_format_flags(list, g);
  list->callback([&g] { run_schedule_list(g); });

  auto* sweep = app.add_subcommand(
      "sweep",
      "escalate overdue complaints, create scheduled tickets, send threshold notifications "
      "(idempotent; for cron)");
  add_format_flags(sweep, g);
  sweep->callback([&g] { run_sweep(g); });
}

}  // namespace sdesk::cli
