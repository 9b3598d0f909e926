#include "tests/helpers.hpp"

#include <doctest/doctest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace sdesk::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() / ("sdesk-test-" + std::to_string(rd()) + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

nlohmann::json Run::json() const {
  return nlohmann::json::parse(out);
}

std::string Run::line() const {
  std::string s = out;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string q(const std::string& arg) {
  std::string o = "'";
  for (char c : arg) o += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return o + "'";
}

static std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Run sh(const fs::path& dir, const std::string& command,
       const std::map<std::string, std::string>& env) {
  TempDir tmp;
  std::string vars;
  for (const auto& [k, v] : env) vars += k + "=" + q(v) + " ";
  std::string full = "cd " + q(dir.string()) + " && env " + vars +
                     "GIT_CONFIG_NOSYSTEM=1 HOME=" + q(tmp.path().string()) + " NO_COLOR=1 " +
                     command + " </dev/null >" + q((tmp.path() / "out").string()) + " 2>" +
                     q((tmp.path() / "err").string());
  int status = std::system(full.c_str());
  Run r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(tmp.path() / "out");
  r.err = slurp(tmp.path() / "err");
  return r;
}

std::string read_file(const fs::path& p) {
  return slurp(p);
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

void force_identity(const fs::path& dir, const std::string& node) {
  Run st = sh(dir, "stat -c '%d %i' .git");
  fs::create_directories(dir / ".git" / "sdesk");
  std::ofstream(dir / ".git" / "sdesk" / "clone")
      << "00000000000" << node << " " << st.line() << "\n";
}

Run run_sdesk(const fs::path& dir, const std::string& args,
              const std::map<std::string, std::string>& env) {
  return sh(dir, std::string(SDESK_BINARY) + " " + args, env);
}

TestDesk::TestDesk(const std::string& now, bool with_staff) : now_(now) {
  Run r = sh(dir(), std::string(SDESK_BINARY) + " init . --name 测试服务台", {{"SDESK_NOW", now_}});
  if (r.code != 0) throw std::runtime_error("init failed: " + r.err);
  if (!with_staff) return;
  for (const auto& cmd : {
           "staff add pm1 --name 王经理 --role pm --email pm1@example.com",
           "staff add l1a --name 张三 --role l1 --email l1a@example.com",
           "staff add l1b --name 李四 --role l1",
           "staff add l2a --name 王五 --role l2 --skills 网络,数据库",
           "staff add l2b --name 赵六 --role l2",
           "vendor add acme --name 某厂商 --contact 400-100-2000",
       }) {
    Run s = sdesk(cmd);
    if (s.code != 0) throw std::runtime_error(std::string(cmd) + ": " + s.err);
  }
}

TestDesk::~TestDesk() {
  Run r = git("fsck --no-progress --strict");
  CHECK_MESSAGE(r.code == 0, "git fsck failed on a test desk: " << r.err);
}

Run TestDesk::sdesk(const std::string& args, const std::string& as) const {
  std::map<std::string, std::string> env{{"SDESK_NOW", now_}};
  if (!as.empty()) env["SDESK_USER"] = as;
  return sh(dir(), std::string(SDESK_BINARY) + " " + args, env);
}

Run TestDesk::git(const std::string& args) const {
  return sh(dir(), "git " + args);
}

int TestDesk::commits() const {
  return std::stoi(git("rev-list --count HEAD").line());
}

bool TestDesk::clean() const {
  Run r = git("status --porcelain");
  return r.code == 0 && r.out.empty();
}

std::string TestDesk::new_ticket(const std::string& priority, const std::string& title) const {
  Run r = sdesk("new --title " + q(title) +
                    " --customer 财务部 --contact 13800000000 --channel hotline --priority " +
                    priority + " --need " + q("恢复打印") +
                    " --required-by 2026-12-31 --env os=Windows11",
                "l1a");
  if (r.code != 0) throw std::runtime_error("new failed: " + r.err);
  return r.line();
}

}  // namespace sdesk::test
