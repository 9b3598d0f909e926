#!/bin/sh
# bench/pack.sh — housekeeping: the size of .git after N commits made by sdesk (default 4000),
# beside the same repository packed by `git gc --aggressive`. sdesk starts `git gc --auto` at
# its own threshold (about 1,000 loose objects, 8 packs), so .git should stay within about 2x of
# the packed size.
# Usage: bench/pack.sh [SDESK_BINARY] [N]
set -eu
SDESK=$(realpath "${1:-build/sdesk}")
N=${2:-4000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1 SDESK_NOW=2026-03-02T09:00:00+08:00
cd "$tmp"
"$SDESK" init desk --name bench >/dev/null
cd desk
"$SDESK" staff add pm1 --name PM --role pm >/dev/null
export SDESK_USER=pm1
"$SDESK" staff add l1a --name L1 --role l1 >/dev/null
ids=""
for t in 1 2 3 4 5 6 7 8 9 10; do
  ids="$ids $("$SDESK" new --title "bench $t" --customer c --contact 1 --channel hotline \
    --priority P3 --need n --required-by 2026-03-05 --env os=w --as l1a)"
done
start=$(date +%s)
i=0
while [ "$i" -lt "$N" ]; do
  for id in $ids; do
    [ "$i" -lt "$N" ] || break
    "$SDESK" note "$id" "note $i" --as l1a >/dev/null
    i=$((i + 1))
  done
done
secs=$(($(date +%s) - start))
# A detached `git gc --auto` may still be packing: it holds .git/gc.pid while it runs.
w=0
while [ -e .git/gc.pid ] && [ "$w" -lt 120 ]; do sleep 1; w=$((w + 1)); done
commits=$(git rev-list --count HEAD)
loose=$(git count-objects -v | awk '/^count:/ {print $2}')
packs=$(git count-objects -v | awk '/^packs:/ {print $2}')
kept=$(du -sk .git | cut -f1)
git gc -q --aggressive --prune=now
packed=$(du -sk .git | cut -f1)
echo "commits: $commits ($N notes in ${secs}s)"
echo "loose objects left: $loose, packs: $packs"
echo ".git as sdesk left it: ${kept} KiB"
echo ".git packed by git gc --aggressive: ${packed} KiB"
awk -v a="$kept" -v b="$packed" 'BEGIN { printf "ratio: %.2fx\n", a / b }'
