// Notifications of a central desk: rules of desk.yaml's notify:, the events of a pushed range,
// the thresholds crossed by time alone, and delivery exactly once per event and channel.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "lib/notify/channels.hpp"
#include "lib/notify/deliveries.hpp"
#include "lib/store/desk.hpp"

namespace sdesk {

// One rule of notify.rules: these events go to these channels.
struct NotifyRule {
  std::vector<std::string> on;  // new:P1..new:P4, major, escalate, sla_at_risk, sla_breached,
                                // complaint_due, complaint_overdue, handover, daily
  std::vector<std::string> to;  // channel names
  std::string at;               // HH:MM of the daily summary (rules with `daily`)
};

// How one kind of message reads: a title and a text with {placeholders}.
struct Wording {
  std::string title;  // the headline (the mail subject)
  std::string text;   // the body
};

// The notify: block of a desk.
struct NotifyConfig {
  std::map<std::string, Channel> channels;  // by name
  std::vector<NotifyRule> rules;            // in file order
  std::map<std::string, Wording> wording;   // notify.messages: the desk's own wording, by kind
};

// What one notification run did.
struct NotifyResult {
  int sent = 0;                     // deliveries made
  int failed = 0;                   // deliveries that failed (retried by a later sweep)
  int deferred = 0;                 // deliveries held back by a channel's rate limit
  std::vector<std::string> errors;  // one line per failure, without secrets
};

// The desk's notify: block; exit 4 naming what is wrong (an unknown channel in a rule, …).
NotifyConfig notify_config(const Settings& s);
// The messages for the events that a push from `old_commit` (nullopt: a new branch) to
// `new_commit` added: new P1..P4 and major incidents, escalations, handovers. Events older
// than a day are not news and are left out.
std::vector<Message> pushed_messages(const Desk& desk, const std::optional<git_oid>& old_commit,
                                     const git_oid& new_commit);
// The messages for thresholds crossed by the desk's now: SLA at risk and breached, complaints
// due within a day and overdue, and the daily summary once its time has come.
std::vector<Message> threshold_messages(const Desk& desk, const NotifyConfig& cfg);
// Delivers messages by the rules, once per message key and channel (the delivery log below the
// git directory), retrying failures with backoff and holding back what a rate limit forbids;
// first retries what earlier runs left failed or deferred. A failing channel is reported in the
// result, never thrown.
NotifyResult deliver(const Desk& desk, const NotifyConfig& cfg, const std::vector<Message>& msgs);
// What the post-receive hook does for one pushed ref (old and new commits as hex; all zeros for
// a new branch or a deletion): the events of the push to the desk's own branch, delivered.
NotifyResult notify_push(const Desk& desk, const std::string& old_hex, const std::string& new_hex,
                         const std::string& ref);
// What a sweep tells: the events of the commits since the last sweep (what no hook told: the
// sweep's own commits, a push through a server without the post-receive hook, a failed hook)
// and the thresholds crossed by the desk's now; delivered as `deliver` does.
NotifyResult notify_sweep(const Desk& desk, const NotifyConfig& cfg);
// Sends a test message on one channel now (not logged); exit 3 for an unknown channel, exit 1
// naming the channel's failure.
void notify_test(const Desk& desk, const std::string& channel);
// The post-receive hook of a central desk: notifies the events of each push to the desk's
// branch, reading channel secrets from notify.env in the repository when it is there.
std::string post_receive_hook(const std::string& exe);

}  // namespace sdesk
