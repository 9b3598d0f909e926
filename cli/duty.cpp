#include "cli/commands.hpp"

namespace sdesk::cli {

void register_duty(CLI::App&, Globals&) {}

}  // namespace sdesk::cli
