// Real git servers for the sync tests, each started by the test on 127.0.0.1 at a free port with
// its configuration in a temporary directory, and stopped when it goes: `git daemon`, OpenSSH's
// sshd (key authentication) and lighttpd running `git http-backend` (basic authentication).
// A server that cannot start fails the test.
#pragma once
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace sdesk::test {

// A free TCP port on 127.0.0.1 (free when asked; the server binds it just after).
int free_port();

// A server process in the foreground, its output in a log file; stopped (SIGTERM, then SIGKILL
// after 2 s) and reaped when it goes.
class Process {
 public:
  // Starts argv (argv[0] an absolute path) with stdin from /dev/null and output to log.
  Process(const std::vector<std::string>& argv, const std::filesystem::path& log);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  // Waits up to 10 s until something accepts connections on port; fails the test (with the log)
  // if the process ends first or the time runs out.
  void require_listening(int port) const;

 private:
  pid_t pid_ = -1;
  std::filesystem::path log_;
};

// A `git daemon` serving every repository below base, with push enabled.
class GitDaemon {
 public:
  // Starts the daemon (its log in base/daemon.log).
  explicit GitDaemon(const std::filesystem::path& base);
  // The git:// URL of a repository below base.
  std::string url(const std::string& repo) const;

 private:
  int port_;
  Process process_;
};

// sshd with a generated host key, accepting one generated user key for the current user and
// nothing else (no password); git runs on it as on any SSH git server.
class SshServer {
 public:
  // Starts sshd with keys and configuration in dir.
  explicit SshServer(const std::filesystem::path& dir);
  // The port it listens on.
  int port() const { return port_; }
  // The user it lets in (the current user).
  const std::string& user() const { return user_; }
  // `ssh://USER@127.0.0.1:PORT/ABS-PATH` for a repository.
  std::string url(const std::filesystem::path& repo) const;
  // `deskserver:ABS-PATH`: the host alias of config() (the way an operator's ~/.ssh/config names
  // the company server).
  std::string alias_url(const std::filesystem::path& repo) const;
  // An ssh client configuration (for `ssh -F`) that defines the alias and trusts the host key
  // only through its own known_hosts; with the user key, or with a key the server does not know.
  std::filesystem::path config(bool right_key = true) const;
  // The GIT_SSH_COMMAND that uses config(right_key).
  std::string ssh_command(bool right_key = true) const;

 private:
  std::filesystem::path dir_;
  int port_;
  std::string user_;
  // Generates the keys, authorized_keys, known_hosts and both client configurations; returns
  // the sshd configuration file.
  std::filesystem::path write_keys_and_config();
  Process process_;
};

// lighttpd running `git http-backend` (smart HTTP) for every repository below root, behind
// basic authentication of one user; pushes are allowed to that user.
class HttpServer {
 public:
  // Starts lighttpd with its configuration and password file in dir.
  HttpServer(const std::filesystem::path& dir, const std::filesystem::path& root,
             const std::string& user, const std::string& password);
  // `http://127.0.0.1:PORT/git/REPO`, with `USER:PASSWORD@` when credentials are asked for.
  std::string url(const std::string& repo, bool with_credentials = false) const;
  // A line for a `git credential-store` file holding this server's user and the password given.
  std::string credential_line(const std::string& password) const;

 private:
  std::filesystem::path dir_;
  int port_;
  std::string user_, password_;
  // Writes the password file and the lighttpd configuration; returns the configuration file.
  std::filesystem::path write_config(const std::filesystem::path& root);
  Process process_;
};

// A python3 http.server on 127.0.0.1 that records every POST (path with query, headers, body)
// as one JSON line and answers with the codes of `plan` in turn ("500,500"), then 200 with
// {"errcode":0,"code":0}. With a secret it checks DingTalk, Feishu and webhook signatures itself
// (python's hmac) and records `sign_ok` (true, false, or null when the request carries none).
class HttpReceiver {
 public:
  // Starts the server with its script and records in dir.
  HttpReceiver(const std::filesystem::path& dir, const std::string& secret = "",
               const std::string& plan = "");
  // `http://127.0.0.1:PORT/PATH`.
  std::string url(const std::string& path) const;
  // What arrived so far, oldest first, each as a JSON text: {path, headers, body, sign_ok, code}.
  std::vector<std::string> requests() const;

 private:
  std::filesystem::path dir_;
  int port_;
  std::filesystem::path write_script(const std::string& secret, const std::string& plan);
  Process process_;
};

// An SMTP sink (Debian's python3-aiosmtpd) on 127.0.0.1 delivering into a maildir.
class SmtpSink {
 public:
  // Starts the sink with its maildir in dir.
  explicit SmtpSink(const std::filesystem::path& dir);
  // `smtp://127.0.0.1:PORT`.
  std::string url() const;
  // The raw messages received so far.
  std::vector<std::string> messages() const;

 private:
  std::filesystem::path dir_;
  int port_;
  Process process_;
};

}  // namespace sdesk::test
