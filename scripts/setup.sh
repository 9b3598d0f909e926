#!/usr/bin/env bash
# Installs what sdesk needs on Debian 12 (as root) and builds it into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(cmake g++ make pkg-config git libgit2-dev libyaml-cpp-dev libfmt-dev libcli11-dev
      doctest-dev nlohmann-json3-dev libutf8proc-dev libhowardhinnant-date-dev libvalijson-dev
      tzdata)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
