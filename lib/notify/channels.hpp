// Notification channels: WeCom, DingTalk and Feishu group robots, e-mail over SMTP and a
// generic JSON webhook, sent through libcurl. Secrets come from the environment only.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "lib/util/time.hpp"
#include "lib/util/yaml.hpp"

namespace sdesk {

// One channel of desk.yaml's notify.channels.
struct Channel {
  std::string name;              // the key in notify.channels
  std::string type;              // wecom, dingtalk, feishu, email, webhook
  std::string format = "text";   // text or markdown (wecom, dingtalk)
  std::string url_env;           // the variable holding the webhook URL
  std::string secret_env;        // the variable holding the signing secret (dingtalk, feishu)
  std::string smtp_env;          // the variable holding smtp[s]://user:password@host:port
  std::vector<std::string> to;   // e-mail recipients
  std::string from;              // e-mail sender
  std::string tls = "starttls";  // e-mail: starttls (required), try, or none
  int per_minute = 0;            // at most this many messages a minute (0: no limit)
};

// What one notification says, whatever the channel.
struct Message {
  std::string key;                          // the event or threshold, unique: the delivery key
  std::string kind;                         // new, escalate, sla_at_risk, daily, …
  std::vector<std::string> tags;            // what rules' `on` match: new:P1, major, …
  std::string object;                       // the object it is about (a ticket ID, …)
  std::string title;                        // a short headline (the mail subject)
  std::string text;                         // the body, a few short lines
  std::vector<std::string> phones;          // people to @mention by phone
  std::vector<std::string> mail_to;         // extra e-mail recipients (a vendor's contact)
  std::map<std::string, std::string> vars;  // the fields its wording fills in ({id}, {due}, …)
};

// A request made for a channel, before it is sent.
struct Outgoing {
  std::string url;                   // where it goes (holds secrets: never shown)
  std::string body;                  // the JSON body, or the mail text
  std::vector<std::string> headers;  // extra headers
  std::vector<std::string> rcpt;     // mail recipients
  std::string from;                  // mail sender
};

// The channels of a notify: block; exit 4 naming a bad one.
std::map<std::string, Channel> parse_channels(const Json& notify);
// A message as JSON and back, for the delivery log.
Json message_json(const Message& m);
// The message a delivery log entry holds.
Message message_from_json(const Json& j);
// The request for a channel: the payload of its type, signed with `secret` at `now`.
Outgoing build_request(const Channel& c, const Message& m, const std::string& url,
                       const std::string& secret, Time now);
// Sends a message on a channel (its secrets read from the environment now); exit 1 with a
// message that names the channel and never a secret when it fails.
void send_message(const Channel& c, const Message& m, Time now);

}  // namespace sdesk
