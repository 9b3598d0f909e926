// Running a helper program (ssh-keygen, git) with its input given and its output captured.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace sdesk {

// What a finished program said.
struct ProcessResult {
  int status = -1;  // its exit status; -1 when it could not start or was killed
  std::string out;  // what it wrote to standard output
  std::string err;  // what it wrote to standard error
};

// Runs argv[0] (looked up on PATH) with argv, writing input to its standard input and
// collecting both outputs; waits for it to end.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input = "");
// One word for a POSIX shell: the text in single quotes, each ' written as '\''.
std::string shell_quote(const std::string& text);

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
