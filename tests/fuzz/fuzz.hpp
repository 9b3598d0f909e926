// Helpers shared by the fuzz targets: what counts as an expected refusal and what is a finding.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "lib/util/error.hpp"

namespace sdesk::fuzz {

// The input bytes as a string.
inline std::string text_of(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// Runs f; true when it returns, false when it refuses the input with sdesk::Error (the
// contract's answer to bad input). Any other exception escapes and is a finding.
template <typename F>
bool accepted(F&& f) {
  try {
    f();
    return true;
  } catch (const Error&) {
    return false;
  }
}

// Aborts with a message when a property that must hold for every input does not.
inline void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz finding: %s\n", what);
  std::abort();
}

// Likewise, also printing detail(), which is called only when the property fails.
template <typename F>
void check(bool ok, const char* what, F&& detail) {
  if (ok) return;
  std::string d = detail();
  std::fprintf(stderr, "fuzz finding: %s\n%s\n", what, d.c_str());
  std::abort();
}

}  // namespace sdesk::fuzz
