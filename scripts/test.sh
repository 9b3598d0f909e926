#!/usr/bin/env bash
# Set-up (scripts/setup.sh) then every test: unit, command and sync suites through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cd build
ctest --output-on-failure
