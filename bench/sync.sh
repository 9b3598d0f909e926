#!/bin/sh
# bench/sync.sh — a sync of N new tickets made offline in each of two clones (default 1000),
# beside the same work done by plain git. Usage: bench/sync.sh [SDESK_BINARY] [N]
set -eu
SDESK=$(realpath "${1:-build/sdesk}")
N=${2:-1000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1 SDESK_NOW=2026-03-02T09:00:00+08:00
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com

ms() { date +%s%N | cut -c1-13; }
cd "$tmp"
"$SDESK" init seed --name bench >/dev/null
(cd seed && "$SDESK" staff add pm1 --name PM --role pm >/dev/null &&
  "$SDESK" staff add l1a --name L1 --role l1 --as pm1 >/dev/null)
git init -q --bare -b main desk.git
git -C seed push -q "$tmp/desk.git" main
for c in a b; do
  git clone -q "$tmp/desk.git" "$c"
  mkdir -p "$c/.git/sdesk"
  echo "$(echo $c | tr ab AB)1 0 0" >"$c/.git/sdesk/clock"
done

make_tickets() {
  start=$(ms)
  i=0
  while [ $i -lt "$N" ]; do
    (cd "$1" && SDESK_USER=l1a "$SDESK" new --title "bench $i" --customer c --contact 1 \
      --channel hotline --priority P3 --need n --required-by 2026-12-31 --env os=x >/dev/null)
    i=$((i + 1))
  done
  echo "$1: $N x sdesk new: $(($(ms) - start)) ms"
}
make_tickets a
make_tickets b
cp -r b b-git  # the same state, for plain git

t=$(ms); (cd a && SDESK_USER=pm1 "$SDESK" sync >/dev/null); echo "a: sdesk sync (push $N tickets): $(($(ms) - t)) ms"
t=$(ms); (cd b-git && git pull -q --no-rebase --no-edit origin main && git push -q origin HEAD:refs/heads/git-bench) \
  ; echo "b: plain git pull + push (same work, reference): $(($(ms) - t)) ms"
t=$(ms); (cd b && SDESK_USER=pm1 "$SDESK" sync >/dev/null); echo "b: sdesk sync (fetch $N, merge, push $N): $(($(ms) - t)) ms"
t=$(ms); (cd a && SDESK_USER=pm1 "$SDESK" sync >/dev/null); echo "a: sdesk sync (fast-forward $N): $(($(ms) - t)) ms"
[ "$(git -C a rev-parse HEAD^{tree})" = "$(git -C b rev-parse HEAD^{tree})" ] && echo "trees agree"
echo "tickets: $(git -C a ls-files tickets | wc -l)"
