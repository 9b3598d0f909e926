// sdesk: argv -> one command group -> lib -> rendered output -> exit code.
#include <string>
#include <vector>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return sdesk::cli::run_command(args, {}, sdesk::cli::print_error);
}
