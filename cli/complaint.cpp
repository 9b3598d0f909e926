#include "cli/commands.hpp"

namespace sdesk::cli {

void register_complaint(CLI::App&, Globals&) {}

}  // namespace sdesk::cli
