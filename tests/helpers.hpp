// Test helpers: temporary directories, running the built sdesk and git, reading results.
#pragma once
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sdesk::test {

// A temporary directory removed at the end of the test.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  // The directory.
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// What a command printed and how it ended.
struct Run {
  int code = -1;    // exit status
  std::string out;  // stdout
  std::string err;  // stderr
  // stdout parsed as JSON.
  nlohmann::json json() const;
  // stdout without the trailing newline.
  std::string line() const;
};

// Runs a shell command line in dir with extra environment variables; stdin is empty.
Run sh(const std::filesystem::path& dir, const std::string& command,
       const std::map<std::string, std::string>& env = {});
// Runs the built sdesk with args in dir (no SDESK_NOW or SDESK_USER unless given in env).
Run run_sdesk(const std::filesystem::path& dir, const std::string& args,
              const std::map<std::string, std::string>& env = {});
// Gives the clone at dir the identity "00000000000" + node (two characters), bound to its
// .git directory, so that tests can make two clones share an ID node.
void force_identity(const std::filesystem::path& dir, const std::string& node);
// The bytes of a file (empty when it cannot be read).
std::string read_file(const std::filesystem::path& p);
// Writes a file's bytes, replacing what it held.
void write_file(const std::filesystem::path& p, const std::string& text);
// Quotes one argument for the shell.
std::string q(const std::string& arg);

// A desk in a temporary directory with a PM, two l1, two l2 and a vendor, driven by the real
// sdesk binary at a fixed SDESK_NOW.
class TestDesk {
 public:
  // Makes the desk (init + staff + vendor) at now.
  explicit TestDesk(const std::string& now = "2026-03-02T09:00:00+08:00", bool with_staff = true);
  // Checks that `git fsck` passes on the desk before it is removed.
  ~TestDesk();
  // Runs `sdesk ARGS` in the desk as `as` (empty: no --as) at the current SDESK_NOW.
  Run sdesk(const std::string& args, const std::string& as = "pm1") const;
  // Runs `git ARGS` in the desk.
  Run git(const std::string& args) const;
  // Sets SDESK_NOW for later commands.
  void at(const std::string& now) { now_ = now; }
  // The number of commits on HEAD.
  int commits() const;
  // Whether `git status --porcelain` is empty.
  bool clean() const;
  // Creates a complete ticket as l1a and returns its ID.
  std::string new_ticket(const std::string& priority = "P3",
                         const std::string& title = "打印机脱机") const;
  // The desk directory.
  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  TempDir dir_;
  std::string now_;
};

}  // namespace sdesk::test
