#include "cli/commands.hpp"

namespace sdesk::cli {

void register_sync(CLI::App&, Globals&) {}

}  // namespace sdesk::cli
