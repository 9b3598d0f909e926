#include "cli/commands.hpp"

namespace sdesk::cli {

void register_kb(CLI::App&, Globals&) {}

}  // namespace sdesk::cli
