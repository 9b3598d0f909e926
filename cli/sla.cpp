#include "cli/commands.hpp"

namespace sdesk::cli {

void register_sla(CLI::App&, Globals&) {}

}  // namespace sdesk::cli
