// The whole command line: the application with every command group, and one run of it, shared
// by main and by `sdesk batch`.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/commands.hpp"
#include "lib/util/error.hpp"
#include "lib/util/text.hpp"

namespace sdesk::cli {

namespace {

// Edit distance counting a swap of neighbours as one edit ("lsit" is one from "list").
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

// "did you mean" for an unknown command word, as ninja does.
std::string suggestion(const CLI::App& app, const std::vector<std::string>& args) {
  for (const auto& word : args) {
    if (word.empty() || word[0] == '-') continue;
    std::string best;
    size_t best_d = 3;
    for (const auto* sub : app.get_subcommands({})) {
      size_t d = edit_distance(word, sub->get_name());
      if (d == 0) return "";
      if (d < best_d) best_d = d, best = sub->get_name();
    }
    if (!best.empty()) return "did you mean `sdesk " + best + "`?";
  }
  return "see `sdesk --help`";
}

// Every value of every option and positional argument, in every command, must be UTF-8: the
// check runs first while parsing (before the command), exit 4 naming the option.
void require_utf8(CLI::App* app) {
  for (CLI::Option* o : app->get_options()) {
    if (o->get_expected_max() == 0) continue;  // a flag takes no text
    std::string name = o->get_name();
    if (name.empty()) name = o->get_name(true);
    o->transform(CLI::Validator(
        [name](std::string& v) {
          if (!sdesk::valid_utf8(v)) sdesk::refuse("{} is not valid UTF-8", name);
          return std::string();
        },
        "", "utf8"));
  }
  for (CLI::App* sub : app->get_subcommands([](CLI::App*) { return true; })) require_utf8(sub);
}

// The first argument that is not UTF-8 (1-based), or 0.
int non_utf8_argument(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i)
    if (!sdesk::valid_utf8(args[i])) return static_cast<int>(i + 1);
  return 0;
}

void build_app(CLI::App& app, Globals& g) {
  app.name("sdesk");
  app.require_subcommand(1);
  app.fallthrough(true);
  app.add_option("-C", g.dir, "run on the desk at DIR");
  app.add_option("--as", g.as, "act as this staff member");
  app.set_version_flag("--version", std::string("sdesk 0.1.0"));
  register_desk(app, g);
  register_ticket(app, g);
  register_sla(app, g);
  register_kb(app, g);
  register_callback(app, g);
  register_complaint(app, g);
  register_survey(app, g);
  register_report(app, g);
  register_duty(app, g);
  register_sync(app, g);
  register_bulk(app, g);
  register_notify(app, g);
  require_utf8(&app);
}

}  // namespace

void print_error(const std::string& msg, const std::string& hint) {
  std::fprintf(stderr, "sdesk: error: %s\n", sdesk::printable(msg, false).c_str());
  if (!hint.empty()) std::fprintf(stderr, "hint: %s\n", sdesk::printable(hint, false).c_str());
}

int run_command(const std::vector<std::string>& args, const Globals& base,
                const std::function<void(const std::string&, const std::string&)>& error) {
  CLI::App app{"sdesk — a service desk (运维服务台) kept as YAML files in a git repository"};
  Globals g = base;
  build_app(app, g);
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (int i = non_utf8_argument(args)) {  // a stray word no option took
      error(fmt::format("argument {} is not valid UTF-8", i), "");
      return static_cast<int>(Exit::refused);
    }
    std::string msg = e.what();
    error(msg, msg.find("not expected") != std::string::npos ||
                       msg.find("subcommand") != std::string::npos
                   ? suggestion(app, args)
                   : "see `sdesk --help`");
    return 2;
  } catch (const ExitCode& e) {
    return e.code;
  } catch (const Error& e) {
    error(e.what(), e.hint());
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    error(std::string("internal: ") + e.what(), "");
    return 1;
  }
  return 0;
}

}  // namespace sdesk::cli
