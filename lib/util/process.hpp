// Running a helper program (ssh-keygen, git) with its input given and its output captured.
#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sdesk {

// What a finished program said.
struct ProcessResult {
  int status = -1;  // its exit status, 128 + the signal that killed it, -1 when it did not start
  std::string out;  // what it wrote to standard output (and standard error, merged)
  std::string err;  // what it wrote to standard error, unless merged
};

// How run_process runs a program; the defaults: the caller's environment, no input, both
// outputs captured apart.
struct ProcessOptions {
  std::string input;                          // written to its standard input
  bool merge_output = false;                  // standard error joins `out`, in the order written
  bool discard_output = false;                // both outputs go to /dev/null, nothing captured
  std::function<bool(const char*)> env_drop;  // "NAME=value" entries not passed on
  std::vector<std::string> env_add;           // "NAME=value" entries added
  std::function<void(std::string_view)> on_output;  // each piece of `out` as it arrives
};

// Runs argv[0] (looked up on PATH, no shell) with argv and waits for it to end.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& how = {});

// A private temporary directory for a helper program's files, removed with it.
class TempFiles {
 public:
  // Makes the directory (mode 0700) under the system's temporary directory.
  TempFiles();
  // Removes the directory and everything in it.
  ~TempFiles();
  TempFiles(const TempFiles&) = delete;
  TempFiles& operator=(const TempFiles&) = delete;
  // Writes a file of the directory (mode 0600) and returns its path.
  std::string write(const std::string& name, const std::string& text);

 private:
  std::filesystem::path dir_;
};

}  // namespace sdesk
