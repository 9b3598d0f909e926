// The one error type of sdesk: every failure carries the exit code of CONTRACT.md §3.
#pragma once
#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace sdesk {

// Exit codes of the contract; the CLI returns them as they are.
enum class Exit { ok = 0, internal = 1, usage = 2, not_found = 3, refused = 4, conflict = 5 };

// A failure with its exit code, a one-line message and an optional hint line.
class Error : public std::runtime_error {
 public:
  // Makes an error with an exit code, a message and an optional hint.
  Error(Exit code, std::string message, std::string hint = {})
      : std::runtime_error(std::move(message)), code_(code), hint_(std::move(hint)) {}
  // The exit code this error maps to.
  Exit code() const { return code_; }
  // A second line telling the operator what to do, or empty.
  const std::string& hint() const { return hint_; }

 private:
  Exit code_;
  std::string hint_;
};

// Throws a "refused by a rule" error (exit 4).
template <typename... A>
[[noreturn]] void refuse(fmt::format_string<A...> f, A&&... a) {
  throw Error(Exit::refused, fmt::format(f, std::forward<A>(a)...));
}
// Throws a "not found" error (exit 3).
template <typename... A>
[[noreturn]] void not_found(fmt::format_string<A...> f, A&&... a) {
  throw Error(Exit::not_found, fmt::format(f, std::forward<A>(a)...));
}
// Throws a usage error (exit 2).
template <typename... A>
[[noreturn]] void usage_error(fmt::format_string<A...> f, A&&... a) {
  throw Error(Exit::usage, fmt::format(f, std::forward<A>(a)...));
}
// Throws an internal or I/O error (exit 1).
template <typename... A>
[[noreturn]] void internal_error(fmt::format_string<A...> f, A&&... a) {
  throw Error(Exit::internal, fmt::format(f, std::forward<A>(a)...));
}

}  // namespace sdesk
