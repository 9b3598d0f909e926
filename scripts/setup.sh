#!/usr/bin/env bash
# Installs what sdesk needs on Debian 12 (as root) and builds it into build/.
#
# Usage: scripts/setup.sh [--fuzz] [--packages-only] [CMAKE_ARGS...]
#   --fuzz           also install clang and its libFuzzer runtime (bench/fuzz.sh)
#   --packages-only  install packages, configure and build nothing
#   CMAKE_ARGS       passed to cmake when configuring build/ (scripts/test.sh: -DSDESK_WERROR=ON)
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(cmake g++ make pkg-config git libgit2-dev libyaml-cpp-dev libfmt-dev libcli11-dev
      doctest-dev nlohmann-json3-dev libutf8proc-dev libhowardhinnant-date-dev libvalijson-dev
      libxlsxwriter-dev libminizip-dev libpugixml-dev  # XLSX export, and reading XLSX imports
      tzdata libcurl4-openssl-dev                       # notification channels
      python3 python3-aiosmtpd                          # the notify tests' SMTP sink
      openssh-server openssh-client lighttpd util-linux)  # the sync tests' sshd and HTTP server
build=1
cmake_args=()
for a in "$@"; do
  case $a in
    --fuzz) pkgs+=(clang-14 libclang-rt-14-dev) ;;
    --packages-only) build=0 ;;
    *) cmake_args+=("$a") ;;
  esac
done
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ "$build" = 1 ] || exit 0
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo ${cmake_args[@]+"${cmake_args[@]}"} >/dev/null
cmake --build build -j"$(nproc)"
