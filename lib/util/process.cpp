#include "lib/util/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>

#include "lib/util/error.hpp"

extern char** environ;

namespace sdesk {

namespace {
// A pipe whose ends close with it.
struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (::pipe2(fd, O_CLOEXEC) != 0) fd[0] = fd[1] = -1;
  }
  ~Pipe() {
    close(0);
    close(1);
  }
  void close(int i) {
    if (fd[i] >= 0) ::close(fd[i]);
    fd[i] = -1;
  }
  bool ok() const { return fd[0] >= 0 && fd[1] >= 0; }
};
}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& how) {
  ProcessResult res;
  Pipe in, out, err;
  if (argv.empty() || !in.ok() || !out.ok() || !err.ok()) return res;
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> env;
  for (char** e = environ; e && *e; ++e)
    if (!how.env_drop || !how.env_drop(*e)) env.push_back(*e);
  for (const auto& e : how.env_add) env.push_back(const_cast<char*>(e.c_str()));
  env.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in.fd[0], 0);
  if (how.discard_output) {
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  } else {
    posix_spawn_file_actions_adddup2(&fa, out.fd[1], 1);
    posix_spawn_file_actions_adddup2(&fa, how.merge_output ? out.fd[1] : err.fd[1], 2);
  }
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&fa);
  in.close(0);
  out.close(1);
  err.close(1);
  if (how.discard_output) out.close(0);
  if (how.discard_output || how.merge_output) err.close(0);
  if (rc != 0) return res;
  // A reader that went away must not kill us with SIGPIPE while we feed it.
  struct sigaction ignore {
  }, old{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &old);
  size_t written = 0;
  if (how.input.empty()) in.close(1);
  while (out.fd[0] >= 0 || err.fd[0] >= 0) {
    pollfd fds[3];
    int n = 0;
    auto watch = [&](int fd, short ev) {
      if (fd >= 0) fds[n++] = {fd, ev, 0};
    };
    watch(in.fd[1], POLLOUT);
    watch(out.fd[0], POLLIN);
    watch(err.fd[0], POLLIN);
    if (::poll(fds, static_cast<nfds_t>(n), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < n; ++i) {
      if (!fds[i].revents) continue;
      int fd = fds[i].fd;
      if (fd == in.fd[1]) {
        ssize_t w = ::write(fd, how.input.data() + written, how.input.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if (w < 0 || written == how.input.size()) in.close(1);
        continue;
      }
      char buf[65536];
      ssize_t r = ::read(fd, buf, sizeof buf);
      if (r > 0) {
        std::string_view piece(buf, static_cast<size_t>(r));
        (fd == out.fd[0] ? res.out : res.err).append(piece);
        if (fd == out.fd[0] && how.on_output) how.on_output(piece);
      } else if (r == 0 || errno != EINTR) {
        (fd == out.fd[0] ? out : err).close(0);
      }
    }
  }
  in.close(1);
  ::sigaction(SIGPIPE, &old, nullptr);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  res.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return res;
}

TempFiles::TempFiles() {
  std::error_code ec;
  std::string tmpl = (std::filesystem::temp_directory_path(ec) / "sdesk-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) internal_error("cannot make a temporary directory {}", tmpl);
  dir_ = tmpl;
}

TempFiles::~TempFiles() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string TempFiles::write(const std::string& name, const std::string& text) {
  std::filesystem::path p = dir_ / name;
  {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) internal_error("cannot write {}", p.string());
  }
  std::filesystem::permissions(
      p, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return p.string();
}

}  // namespace sdesk
