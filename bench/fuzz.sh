#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ with clang (ASan + UBSan) and runs each for a
# while, at most two at a time, then prints per target: executions, executions per second,
# corpus size, coverage and findings (inputs that crashed, leaked, hung or ran out of memory).
#
# Usage: bench/fuzz.sh [--time SECONDS] [--jobs N] [--build DIR] [--out DIR] [TARGET...]
#   --time   seconds per target (libFuzzer -max_total_time; default 600)
#   --jobs   targets run at once (default 2: one per core of a 2-core machine)
#   --build  build directory, configured here with -DSDESK_FUZZ=ON (default: build-fuzz)
#   --out    where each target's grown corpus, log and findings go (default: BUILD/fuzz-out);
#            the seed corpus tests/fuzz/corpus/<target>/ is read, never written
#   TARGET   yaml, csv, time, merge (default: all four)
# A finding is left as OUT/<target>/crash-* (or leak-*, timeout-*, oom-*); replay it with
#   BUILD/tests/fuzz/fuzz_<target> FILE
# and, once fixed, copy it into tests/fuzz/corpus/<target>/ so every build replays it.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TIME=600
JOBS=2
BUILD=$ROOT/build-fuzz
OUT=""
TARGETS=()
while [ $# -gt 0 ]; do
  case $1 in
    --time) TIME=$2; shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    yaml|csv|time|merge) TARGETS+=("$1"); shift ;;
    *) echo "usage: $0 [--time SECONDS] [--jobs N] [--build DIR] [--out DIR] [yaml|csv|time|merge]..." >&2; exit 2 ;;
  esac
done
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(yaml csv time merge)
OUT=${OUT:-$BUILD/fuzz-out}

# clang and its libFuzzer runtime (Debian: clang-14, libclang-rt-14-dev).
"$ROOT/scripts/setup.sh" --fuzz --packages-only
CXX=$(command -v clang++ || command -v clang++-14)
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$CXX" \
  -DSDESK_FUZZ=ON >/dev/null
cmake --build "$BUILD" -j"$JOBS" --target "${TARGETS[@]/#/fuzz_}"

export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

run_one() {
  local t=$1 dir=$OUT/$1
  mkdir -p "$dir/corpus"
  rm -f "$dir/log"
  # The grown corpus comes first (libFuzzer adds new inputs there), the seeds second.
  "$BUILD/tests/fuzz/fuzz_$t" -max_total_time="$TIME" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$dir/" "$dir/corpus" "$ROOT/tests/fuzz/corpus/$t" >"$dir/log" 2>&1 || true
}

echo "fuzzing ${TARGETS[*]} for ${TIME} s each, ${JOBS} at a time (logs in $OUT/<target>/log)"
running=0
for t in "${TARGETS[@]}"; do
  if [ "$running" -ge "$JOBS" ]; then
    wait -n
    running=$((running - 1))
  fi
  run_one "$t" &
  running=$((running + 1))
done
wait

printf '%-6s %12s %8s %8s %8s %9s\n' target execs exec/s corpus cov findings
for t in "${TARGETS[@]}"; do
  dir=$OUT/$t
  log=$dir/log
  stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
  execs=$(stat number_of_executed_units)
  rate=$(stat average_exec_per_sec)
  # A run stopped by a finding prints no final stats: take its last status line.
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  [ -n "$execs" ] || execs=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$last")
  [ -n "$rate" ] || rate=$(sed -nE 's/.*exec\/s: ([0-9]+).*/\1/p' <<<"$last")
  corpus=$(sed -nE 's/.*corp: ([0-9]+)\/.*/\1/p' <<<"$last")
  cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$last")
  findings=$(find "$dir" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o \
    -name 'timeout-*' -o -name 'oom-*' -o -name 'slow-unit-*' \) | wc -l)
  printf '%-6s %12s %8s %8s %8s %9s\n' "$t" "${execs:-?}" "${rate:-?}" "${corpus:-?}" \
    "${cov:-?}" "$findings"
  if [ "$findings" -gt 0 ]; then
    find "$dir" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
      -o -name 'oom-*' -o -name 'slow-unit-*' \) -printf '       %p\n'
    grep -m1 -E 'ERROR: |fuzz finding:|runtime error:|terminate called' "$log" | sed 's/^/       /' || true
  fi
done
