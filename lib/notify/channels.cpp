#include "lib/notify/channels.hpp"

#include <curl/curl.h>

#include <cstdlib>
#include <memory>
#include <mutex>

#include "lib/notify/sign.hpp"
#include "lib/util/error.hpp"

namespace sdesk {

namespace {

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct CurlStrFree {
  void operator()(char* s) const { curl_free(s); }
};
using CurlPtr = std::unique_ptr<CURL, CurlFree>;          // an easy handle
using SlistPtr = std::unique_ptr<curl_slist, SlistFree>;  // a header or recipient list
using CurlStr = std::unique_ptr<char, CurlStrFree>;       // a string curl allocated

CurlPtr make_curl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CurlPtr c(curl_easy_init());
  if (!c) internal_error("cannot start libcurl");
  return c;
}

std::string url_escape(const std::string& s) {
  CurlPtr c = make_curl();
  CurlStr e(curl_easy_escape(c.get(), s.c_str(), static_cast<int>(s.size())));
  return e ? std::string(e.get()) : std::string();
}

std::vector<std::string> list_of(const Json& j, const char* key) {
  std::vector<std::string> out;
  if (j.contains(key) && j[key].is_array())
    for (const auto& v : j[key])
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

// The mail text (RFC 5322, UTF-8 in base64) of a message.
std::string mail_text(const std::string& from, const std::vector<std::string>& to, const Message& m,
                      Time now) {
  std::string date = date::format("%a, %d %b %Y %H:%M:%S +0000", now);
  std::string rcpt;
  for (const auto& r : to) rcpt += (rcpt.empty() ? "" : ", ") + r;
  std::string body = base64(m.text + "\n");
  std::string wrapped;
  for (size_t i = 0; i < body.size(); i += 76) wrapped += body.substr(i, 76) + "\r\n";
  return "Date: " + date + "\r\nFrom: " + from + "\r\nTo: " + rcpt + "\r\nSubject: =?UTF-8?B?" +
         base64(m.title) +
         "?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
         "Content-Transfer-Encoding: base64\r\nX-Sdesk-Key: " +
         m.key + "\r\n\r\n" + wrapped;
}

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

struct Upload {
  const std::string* text;
  size_t at = 0;
};

size_t feed(char* buf, size_t size, size_t n, void* in) {
  auto* u = static_cast<Upload*>(in);
  size_t len = std::min(size * n, u->text->size() - u->at);
  std::copy_n(u->text->data() + u->at, len, buf);
  u->at += len;
  return len;
}

std::string env_value(const Channel& c, const std::string& var, const char* what) {
  if (var.empty()) return "";
  const char* v = std::getenv(var.c_str());
  if (!v || !*v) internal_error("channel {}: the {} variable {} is not set", c.name, what, var);
  return v;
}

}  // namespace

std::map<std::string, Channel> parse_channels(const Json& notify) {
  std::map<std::string, Channel> out;
  if (!notify.is_object() || !notify.contains("channels")) return out;
  const Json& chans = notify["channels"];
  if (!chans.is_object()) refuse("desk.yaml: notify.channels: expected a mapping of channels");
  for (auto it = chans.begin(); it != chans.end(); ++it) {
    const Json& j = it.value();
    Channel c;
    c.name = it.key();
    if (!j.is_object()) refuse("desk.yaml: notify.channels.{}: expected a mapping", c.name);
    c.type = str(j, "type");
    static const std::vector<std::string> types = {"wecom", "dingtalk", "feishu", "email",
                                                   "webhook"};
    if (std::find(types.begin(), types.end(), c.type) == types.end())
      refuse(
          "desk.yaml: notify.channels.{}.type: '{}' is not one of wecom, dingtalk, feishu, "
          "email, webhook",
          c.name, c.type);
    if (j.contains("format")) c.format = str(j, "format");
    if (c.format != "text" && c.format != "markdown")
      refuse("desk.yaml: notify.channels.{}.format: '{}' is not text or markdown", c.name,
             c.format);
    c.url_env = str(j, "url_env");
    c.secret_env = str(j, "secret_env");
    c.smtp_env = str(j, "smtp_env");
    c.to = list_of(j, "to");
    if (j.contains("to") && j["to"].is_string()) c.to = {j["to"].get<std::string>()};
    c.from = str(j, "from");
    if (j.contains("tls")) c.tls = str(j, "tls");
    if (c.tls != "starttls" && c.tls != "try" && c.tls != "none")
      refuse("desk.yaml: notify.channels.{}.tls: '{}' is not starttls, try or none", c.name, c.tls);
    c.per_minute = c.type == "wecom" || c.type == "dingtalk" ? 20 : 0;
    if (j.contains("per_minute") && j["per_minute"].is_number_integer())
      c.per_minute = j["per_minute"].get<int>();
    if (c.type == "email") {
      if (c.smtp_env.empty()) refuse("desk.yaml: notify.channels.{}: email needs smtp_env", c.name);
      if (c.from.empty()) c.from = "sdesk@localhost";
    } else if (c.url_env.empty()) {
      refuse("desk.yaml: notify.channels.{}: {} needs url_env", c.name, c.type);
    }
    out[c.name] = std::move(c);
  }
  return out;
}

Json message_json(const Message& m) {
  return {{"key", m.key},       {"kind", m.kind},       {"tags", m.tags},
          {"object", m.object}, {"title", m.title},     {"text", m.text},
          {"phones", m.phones}, {"mail_to", m.mail_to}, {"fields", m.vars}};
}

Message message_from_json(const Json& j) {
  Message m;
  m.key = str(j, "key");
  m.kind = str(j, "kind");
  m.tags = list_of(j, "tags");
  m.object = str(j, "object");
  m.title = str(j, "title");
  m.text = str(j, "text");
  m.phones = list_of(j, "phones");
  m.mail_to = list_of(j, "mail_to");
  if (j.contains("fields") && j["fields"].is_object())
    for (const auto& [k, v] : j["fields"].items())
      if (v.is_string()) m.vars[k] = v.get<std::string>();
  return m;
}

Outgoing build_request(const Channel& c, const Message& m, const std::string& url,
                       const std::string& secret, Time now) {
  Outgoing o;
  o.url = url;
  o.headers = {"Content-Type: application/json; charset=utf-8"};
  std::string plain = m.title + "\n" + m.text;
  std::string md = "### " + m.title + "\n" + m.text;
  Json body;
  if (c.type == "wecom") {
    if (c.format == "markdown") {
      body = {{"msgtype", "markdown"}, {"markdown", {{"content", md}}}};
    } else {
      body = {{"msgtype", "text"}, {"text", {{"content", plain}}}};
      if (!m.phones.empty()) body["text"]["mentioned_mobile_list"] = m.phones;
    }
  } else if (c.type == "dingtalk") {
    std::string ats;
    for (const auto& p : m.phones) ats += " @" + p;
    Json at = {{"atMobiles", m.phones}, {"isAtAll", false}};
    if (c.format == "markdown")
      body = {{"msgtype", "markdown"},
              {"markdown", {{"title", m.title}, {"text", md + (ats.empty() ? "" : "\n" + ats)}}},
              {"at", at}};
    else
      body = {{"msgtype", "text"}, {"text", {{"content", plain + ats}}}, {"at", at}};
    if (!secret.empty()) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
      std::string ts = std::to_string(ms.count());
      std::string sign = base64(hmac_sha256(secret, ts + "\n" + secret));
      o.url += std::string(url.find('?') == std::string::npos ? "?" : "&") + "timestamp=" + ts +
               "&sign=" + url_escape(sign);
    }
  } else if (c.type == "feishu") {
    body = {{"msg_type", "text"}, {"content", {{"text", plain}}}};
    if (!secret.empty()) {
      std::string ts = std::to_string(now.time_since_epoch().count());
      body["timestamp"] = ts;
      body["sign"] = base64(hmac_sha256(ts + "\n" + secret, ""));
    }
  } else if (c.type == "webhook") {
    body = {{"key", m.key},       {"kind", m.kind},
            {"object", m.object}, {"title", m.title},
            {"text", m.text},     {"mentions", m.phones},
            {"fields", m.vars},   {"sent_at", format_time(now, date::locate_zone("UTC"))}};
  }
  if (c.type == "email") {
    o.headers.clear();
    o.from = c.from;
    o.rcpt = c.to;
    for (const auto& r : m.mail_to)
      if (std::find(o.rcpt.begin(), o.rcpt.end(), r) == o.rcpt.end()) o.rcpt.push_back(r);
    o.body = mail_text(c.from, o.rcpt, m, now);
    return o;
  }
  o.body = body.dump();
  if (c.type == "webhook" && !secret.empty()) {
    std::string mac = hmac_sha256(secret, o.body), hex;
    for (unsigned char ch : mac) hex += fmt::format("{:02x}", ch);
    o.headers.push_back("X-Sdesk-Signature: sha256=" + hex);
  }
  return o;
}

void send_message(const Channel& c, const Message& m, Time now) {
  std::string url =
      env_value(c, c.type == "email" ? c.smtp_env : c.url_env, c.type == "email" ? "SMTP" : "URL");
  std::string secret = env_value(c, c.secret_env, "secret");
  Outgoing o = build_request(c, m, url, secret, now);
  if (c.type == "email" && o.rcpt.empty()) internal_error("channel {}: no recipient", c.name);
  CurlPtr curl = make_curl();
  CURL* h = curl.get();
  std::string answer;
  SlistPtr headers;
  for (const auto& line : o.headers)
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  SlistPtr rcpt;
  for (const auto& r : o.rcpt)
    rcpt.reset(curl_slist_append(rcpt.release(), ("<" + r + ">").c_str()));
  Upload up{&o.body};
  curl_easy_setopt(h, CURLOPT_URL, o.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 15L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer);
  if (c.type == "email") {
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, ("<" + o.from + ">").c_str());
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt.get());
    curl_easy_setopt(h, CURLOPT_READFUNCTION, feed);
    curl_easy_setopt(h, CURLOPT_READDATA, &up);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    long ssl = c.tls == "starttls" ? CURLUSESSL_ALL
               : c.tls == "try"    ? CURLUSESSL_TRY
                                   : CURLUSESSL_NONE;
    curl_easy_setopt(h, CURLOPT_USE_SSL, ssl);
  } else {
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, o.body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(o.body.size()));
  }
  CURLcode rc = curl_easy_perform(h);
  // curl's own text names the failure, never the URL or its credentials.
  if (rc != CURLE_OK) internal_error("channel {}: {}", c.name, curl_easy_strerror(rc));
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (c.type == "email") return;
  if (status < 200 || status >= 300) internal_error("channel {}: HTTP {}", c.name, status);
  // The robots answer 200 with an error code of their own (e.g. a rate limit or a bad sign).
  Json a = Json::parse(answer, nullptr, false);
  if (a.is_object()) {
    for (const char* k : {"errcode", "code", "StatusCode"})
      if (a.contains(k) && a[k].is_number_integer() && a[k].get<long>() != 0)
        internal_error("channel {}: the robot answered {} {}: {}", c.name, k, a[k].get<long>(),
                       str(a, "errmsg") + str(a, "msg"));
  }
}

}  // namespace sdesk
