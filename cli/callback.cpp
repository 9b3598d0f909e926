#include "cli/commands.hpp"

namespace sdesk::cli {

void register_callback(CLI::App&, Globals&) {}

}  // namespace sdesk::cli
