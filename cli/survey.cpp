#include "cli/commands.hpp"

namespace sdesk::cli {

void register_survey(CLI::App&, Globals&) {}

}  // namespace sdesk::cli
