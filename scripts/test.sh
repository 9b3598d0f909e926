#!/usr/bin/env bash
# Set-up (scripts/setup.sh) then every test through ctest: the unit, command and sync suites and
# the fuzz corpus replays (tests/fuzz/), in the normal build (build/, warnings are errors), after
# the format check. With --sanitize (or SDESK_SANITIZE=1) the same tests run again in an
# AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/), whose tests run the sanitized
# sdesk binary; any sanitizer report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh -DSDESK_WERROR=ON
# The monthly report's browser test needs Debian's chromium (the test fails without it), and a
# CJK font so that its screenshot shows the Chinese page as a reader sees it.
if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium \
    fonts-noto-cjk >/dev/null
fi
cmake --build build --target check-format
(cd build && ctest --output-on-failure)
if [ "${1:-}" != "--sanitize" ] && [ "${SDESK_SANITIZE:-0}" != 1 ]; then exit 0; fi

echo "== sanitizers: ASan + UBSan build in build-asan/"
# Without -Werror: gcc's sanitizer instrumentation brings warnings of its own (maybe-uninitialized,
# stringop-overflow) that the normal build above does not have.
# -O1 -g1: line numbers in reports, at a fraction of the compile time of -O2 -g.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DSDESK_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$(nproc)"
# Reports go to files (one per process) so that none is lost in a subprocess's stderr that a
# test reads, and so that a report fails the run even where the exit code was expected.
logs=$PWD/build-asan/sanitizer-logs
rm -rf "$logs" && mkdir -p "$logs"
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:log_path=$logs/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$logs/ubsan"
status=0
(cd build-asan && ctest --output-on-failure) || status=$?
if [ -n "$(ls -A "$logs")" ]; then
  echo "sanitizer reports:" >&2
  for f in "$logs"/*; do echo "--- $f" >&2; cat "$f" >&2; done
  status=1
fi
exit $status
