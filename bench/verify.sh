#!/bin/sh
# bench/verify.sh — `sdesk verify` of a pushed range and of a whole history, on a desk of N
# commits made by sdesk (default 1000: tickets, each noted, taken and started). Prints commits
# per second for both. Usage: bench/verify.sh [SDESK_BINARY] [N]
set -eu
SDESK=$(realpath "${1:-build/sdesk}")
N=${2:-1000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1 SDESK_NOW=2026-03-02T09:00:00+08:00
ms() { date +%s%N | cut -c1-13; }
cd "$tmp"
"$SDESK" init desk --name bench >/dev/null
cd desk
"$SDESK" staff add pm1 --name PM --role pm >/dev/null
export SDESK_USER=pm1
"$SDESK" staff add l1a --name L1 --role l1 >/dev/null
base=$(git rev-parse HEAD)
made=0
while [ "$made" -lt "$N" ]; do
  id=$("$SDESK" new --title "bench $made" --customer c --contact 1 --channel hotline \
    --priority P3 --need n --required-by 2026-03-05 --env os=w --as l1a)
  "$SDESK" take "$id" --as l1a >/dev/null
  "$SDESK" note "$id" "note $made" --as l1a >/dev/null
  "$SDESK" start "$id" --as l1a >/dev/null
  made=$((made + 4))
done
range=$(git rev-list --count "$base..HEAD")
all=$(git rev-list --count HEAD)
t0=$(ms)
"$SDESK" verify --range "$base..HEAD" >/dev/null
t1=$(ms)
"$SDESK" verify >/dev/null
t2=$(ms)
rate() { echo "$1 $2" | awk '{ printf "%.0f", $1 * 1000 / ($2 > 0 ? $2 : 1) }'; }
echo "range: $range commits in $((t1 - t0)) ms ($(rate "$range" $((t1 - t0))) commits/s)"
echo "full:  $all commits in $((t2 - t1)) ms ($(rate "$all" $((t2 - t1))) commits/s)"
