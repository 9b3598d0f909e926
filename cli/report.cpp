#include "cli/commands.hpp"

namespace sdesk::cli {

void register_report(CLI::App&, Globals&) {}

}  // namespace sdesk::cli
