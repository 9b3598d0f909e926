#include "tests/servers.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "tests/helpers.hpp"

extern char** environ;

namespace sdesk::test {

namespace fs = std::filesystem;

namespace {

// A socket, closed when it goes.
struct Socket {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  Socket() = default;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
};

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  return a;
}

bool can_connect(int port) {
  Socket s;
  sockaddr_in a = loopback(port);
  return ::connect(s.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
}

// The first space-separated words of a public key file: "TYPE BASE64".
std::string key_of(const fs::path& pub) {
  std::string text = read_file(pub);
  size_t first = text.find(' ');
  size_t second = first == std::string::npos ? first : text.find_first_of(" \n", first + 1);
  return text.substr(0, second);
}

std::string current_user() {
  const passwd* pw = ::getpwuid(::getuid());
  REQUIRE_MESSAGE(pw != nullptr, "the current user has no passwd entry");
  return pw->pw_name;
}

}  // namespace

int free_port() {
  Socket s;
  sockaddr_in a = loopback(0);
  REQUIRE(::bind(s.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(s.fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  return ntohs(a.sin_port);
}

Process::Process(const std::vector<std::string>& argv, const fs::path& log) : log_(log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
  int rc = ::posix_spawnp(&pid_, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) pid_ = -1;
  REQUIRE_MESSAGE(rc == 0, "cannot start " << argv[0] << ": " << std::strerror(rc));
}

Process::~Process() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 200; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

void Process::require_listening(int port) const {
  for (int i = 0; i < 500; ++i) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_)
      FAIL("the server ended before it listened (status " << status << "): " << read_file(log_));
    if (can_connect(port)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL("the server did not listen on port " << port << " within 10 s: " << read_file(log_));
}

GitDaemon::GitDaemon(const fs::path& base)
    : port_(free_port()),
      process_({"git", "daemon", "--reuseaddr", "--export-all", "--enable=receive-pack",
                "--listen=127.0.0.1", "--port=" + std::to_string(port_),
                "--base-path=" + base.string(), base.string()},
               base / "daemon.log") {
  process_.require_listening(port_);
}

std::string GitDaemon::url(const std::string& repo) const {
  return "git://127.0.0.1:" + std::to_string(port_) + "/" + repo;
}

SshServer::SshServer(const fs::path& dir)
    : dir_(dir),
      port_(free_port()),
      user_(current_user()),
      process_({"/usr/sbin/sshd", "-D", "-e", "-f", write_keys_and_config().string()},
               dir / "sshd.log") {
  process_.require_listening(port_);
}

fs::path SshServer::write_keys_and_config() {
  fs::create_directories(dir_);
  for (const char* key : {"host_key", "user_key", "wrong_key"}) {
    Run r = sh(dir_, std::string("ssh-keygen -q -t ed25519 -N '' -C sdesk-test -f ") + key);
    REQUIRE_MESSAGE(r.code == 0, "ssh-keygen: " << r.err);
  }
  write_file(dir_ / "authorized_keys", read_file(dir_ / "user_key.pub"));
  write_file(dir_ / "known_hosts",
             "[127.0.0.1]:" + std::to_string(port_) + " " + key_of(dir_ / "host_key.pub") + "\n");
  // sshd run by root checks its privilege-separation directory, which the system's ssh service
  // makes when it starts; a machine that never ran that service has none yet.
  if (::geteuid() == 0 && !fs::exists("/run/sshd")) {
    fs::create_directories("/run/sshd");
    ::chmod("/run/sshd", 0755);
  }
  std::string d = dir_.string();
  std::string port = std::to_string(port_);
  write_file(dir_ / "sshd_config",
             "Port " + port + "\nListenAddress 127.0.0.1\nHostKey " + d + "/host_key\nPidFile " +
                 d + "/sshd.pid\nAuthorizedKeysFile " + d +
                 "/authorized_keys\nStrictModes no\nUsePAM no\nPubkeyAuthentication yes\n"
                 "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
                 "PermitRootLogin prohibit-password\nAllowUsers " +
                 user_ + "\nLogLevel VERBOSE\n");
  for (bool right : {true, false})
    write_file(config(right), "Host deskserver\n  HostName 127.0.0.1\n  Port " + port +
                                  "\n  User " + user_ + "\nHost *\n  IdentityFile " + d +
                                  (right ? "/user_key" : "/wrong_key") +
                                  "\n  IdentitiesOnly yes\n  IdentityAgent none\n"
                                  "  UserKnownHostsFile " +
                                  d +
                                  "/known_hosts\n  GlobalKnownHostsFile /dev/null\n"
                                  "  StrictHostKeyChecking yes\n  BatchMode yes\n"
                                  "  LogLevel ERROR\n");
  return dir_ / "sshd_config";
}

std::string SshServer::url(const fs::path& repo) const {
  return "ssh://" + user_ + "@127.0.0.1:" + std::to_string(port_) + fs::absolute(repo).string();
}

std::string SshServer::alias_url(const fs::path& repo) const {
  return "deskserver:" + fs::absolute(repo).string();
}

fs::path SshServer::config(bool right_key) const {
  return dir_ / (right_key ? "ssh_config" : "ssh_config_wrong_key");
}

std::string SshServer::ssh_command(bool right_key) const {
  return "ssh -F " + config(right_key).string();
}

HttpServer::HttpServer(const fs::path& dir, const fs::path& root, const std::string& user,
                       const std::string& password)
    : dir_(dir),
      port_(free_port()),
      user_(user),
      password_(password),
      process_({"/usr/sbin/lighttpd", "-D", "-f", write_config(root).string()},
               dir / "lighttpd.log") {
  process_.require_listening(port_);
}

fs::path HttpServer::write_config(const fs::path& root) {
  fs::create_directories(dir_);
  write_file(dir_ / "users", user_ + ":" + password_ + "\n");
  std::string d = dir_.string();
  std::string backend = "/usr/lib/git-core/git-http-backend";
  REQUIRE_MESSAGE(fs::exists(backend), backend << " is missing");
  write_file(
      dir_ / "lighttpd.conf",
      "server.modules = (\"mod_alias\", \"mod_setenv\", \"mod_auth\", \"mod_authn_file\", "
      "\"mod_cgi\")\nserver.document-root = \"" +
          d + "\"\nserver.bind = \"127.0.0.1\"\nserver.port = " + std::to_string(port_) +
          "\nserver.errorlog = \"" + d + "/lighttpd-error.log\"\nalias.url = (\"/git/\" => \"" +
          backend + "/\")\n$HTTP[\"url\"] =~ \"^/git/\" {\n  cgi.assign = (\"\" => \"\")\n" +
          "  setenv.set-environment = (\"GIT_PROJECT_ROOT\" => \"" + fs::absolute(root).string() +
          "\", \"GIT_HTTP_EXPORT_ALL\" => \"1\")\n}\nauth.backend = \"plain\"\n" +
          "auth.backend.plain.userfile = \"" + d +
          "/users\"\nauth.require = (\"/git/\" => (\"method\" => \"basic\", \"realm\" => "
          "\"desk\", \"require\" => \"valid-user\"))\n");
  return dir_ / "lighttpd.conf";
}

std::string HttpServer::url(const std::string& repo, bool with_credentials) const {
  std::string auth = with_credentials ? user_ + ":" + password_ + "@" : std::string();
  return "http://" + auth + "127.0.0.1:" + std::to_string(port_) + "/git/" + repo;
}

std::string HttpServer::credential_line(const std::string& password) const {
  return "http://" + user_ + ":" + password + "@127.0.0.1:" + std::to_string(port_) + "\n";
}

HttpReceiver::HttpReceiver(const fs::path& dir, const std::string& secret, const std::string& plan)
    : dir_(dir),
      port_(free_port()),
      process_({"/usr/bin/python3", write_script(secret, plan).string(), std::to_string(port_)},
               dir / "receiver.log") {
  process_.require_listening(port_);
}

fs::path HttpReceiver::write_script(const std::string& secret, const std::string& plan) {
  fs::create_directories(dir_);
  write_file(dir_ / "secret", secret);
  write_file(dir_ / "plan", plan);
  fs::path script = dir_ / "receiver.py";
  write_file(script, R"(import base64, hashlib, hmac, http.server, json, os, sys, urllib.parse
here = os.path.dirname(os.path.abspath(__file__))
secret = open(os.path.join(here, 'secret')).read()
plan = [int(x) for x in open(os.path.join(here, 'plan')).read().split(',') if x.strip()]
def mac(key, msg):
    return hmac.new(key.encode(), msg.encode(), hashlib.sha256).digest()
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', 0))).decode()
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        ok = None
        if secret and 'sign' in q:
            ts = q['timestamp'][0]
            ok = q['sign'][0] == base64.b64encode(mac(secret, ts + '\n' + secret)).decode()
        elif secret and self.headers.get('X-Sdesk-Signature'):
            ok = self.headers['X-Sdesk-Signature'] == 'sha256=' + hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
        else:
            try:
                j = json.loads(body)
            except ValueError:
                j = {}
            if secret and isinstance(j, dict) and 'sign' in j:
                ok = j['sign'] == base64.b64encode(mac(j['timestamp'] + '\n' + secret, '')).decode()
        code = plan.pop(0) if plan else 200
        with open(os.path.join(here, 'requests.jsonl'), 'a') as f:
            f.write(json.dumps({'path': self.path, 'headers': dict(self.headers), 'body': body,
                                'sign_ok': ok, 'code': code}, ensure_ascii=False) + '\n')
        self.send_response(code)
        self.send_header('Content-Type', 'application/json')
        self.end_headers()
        self.wfile.write(b'{"errcode":0,"code":0}' if code == 200 else b'{"errcode":500}')
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
)");
  return script;
}

std::string HttpReceiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/" + path;
}

std::vector<std::string> HttpReceiver::requests() const {
  std::vector<std::string> out;
  std::string text = read_file(dir_ / "requests.jsonl");
  size_t at = 0;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    if (nl == std::string::npos) nl = text.size();
    if (nl > at) out.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  return out;
}

SmtpSink::SmtpSink(const fs::path& dir)
    : dir_((fs::create_directories(dir), dir)),
      port_(free_port()),
      process_(
          {"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(port_),
           "-c", "aiosmtpd.handlers.Mailbox", (dir / "maildir").string()},
          dir / "smtp.log") {
  process_.require_listening(port_);
}

std::string SmtpSink::url() const {
  return "smtp://127.0.0.1:" + std::to_string(port_);
}

std::vector<std::string> SmtpSink::messages() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const char* sub : {"new", "cur"})
    for (const auto& e : fs::directory_iterator(dir_ / "maildir" / sub, ec))
      out.push_back(read_file(e.path()));
  return out;
}

}  // namespace sdesk::test
