#!/usr/bin/env bash
# bench/soak.sh — the store's promises under abuse: kills at every step of a write, eight
# writers at once beside a stale lock, three clones (two on one ID node) syncing at random.
#
# Usage: bench/soak.sh [SDESK_BINARY] [--trials N] [--seed S] [--rounds R] [--writers W]
#                      [--notes M] [--per-desk P] [--check-every K] [--keep]
#   SDESK_BINARY   default build/sdesk (an already built binary; nothing is built here)
#   --trials N     kill trials (part 1; default 1000, or env TRIALS)
#   --seed S       the random seed (default: from the clock; printed first, so a run repeats)
#   --rounds R     rounds of random work and syncs in three clones (part 3; default 30)
#   --writers W    parallel writers (part 2; default 8), --notes M notes each (default 100)
#   --per-desk P   kill trials on one desk before a fresh one is made (default 100)
#   --check-every K  every K trials (and at the end of each desk, with sdesk verify) every ticket is
#                  checked; in between only the tickets the trial touched (default 25)
#   --keep         keep the temporary directory (printed) for a look afterwards
#
# Counts, for each part and in total: acknowledged events lost, duplicated, desks stuck, fsck
# failures, and wrong outcomes (a kill at ref or later whose change is missing, a kill before
# ref whose change is there, a write refused with exit 5 that was written anyway). A command
# that exited 0 is acknowledged. Exits 1 when any count is not 0.
set -eu

SDESK=build/sdesk
TRIALS=${TRIALS:-1000}
SEED=""
ROUNDS=30
WRITERS=8
NOTES=100
PER_DESK=100
CHECK_EVERY=25
KEEP=0
usage() { sed -n '5,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --trials) TRIALS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --writers) WRITERS=$2; shift 2 ;;
    --notes) NOTES=$2; shift 2 ;;
    --per-desk) PER_DESK=$2; shift 2 ;;
    --check-every) CHECK_EVERY=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) SDESK=$1; shift ;;
  esac
done
SDESK=$(realpath "$SDESK")
[ -x "$SDESK" ] || { echo "soak: $SDESK is not an executable" >&2; exit 2; }
command -v jq >/dev/null || { echo "soak: needs jq" >&2; exit 2; }
[ -n "$SEED" ] || SEED=$(( $(date +%s%N | cut -c8-13) % 32768 ))
RANDOM=$SEED

tmp=$(mktemp -d)
if [ "$KEEP" = 1 ]; then trap 'echo "kept $tmp" >&2' EXIT; else trap 'rm -rf "$tmp"' EXIT; fi
trap 'exit 130' INT TERM
export HOME="$tmp" GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1 SDESK_NOW=2026-03-02T09:00:00+08:00
export GIT_AUTHOR_NAME=soak GIT_AUTHOR_EMAIL=soak@example.com
export GIT_COMMITTER_NAME=soak GIT_COMMITTER_EMAIL=soak@example.com
unset SDESK_USER SDESK_DIR SDESK_CRASH_AT
w=$tmp/work
mkdir -p "$w"
echo "soak: seed $SEED, $TRIALS kill trials, $WRITERS writers x $NOTES notes, 3 clones x $ROUNDS rounds"
echo "soak: rerun with --seed $SEED"

STEPS=(locked objects journal ref worktree index "done")
BASE=$(date -u -d 2026-03-02T01:00:00Z +%s)  # 09:00 +08:00
# SDESK_NOW = the base time plus $1 minutes.
at() { export SDESK_NOW; SDESK_NOW=$(date -u -d "@$((BASE + 8 * 3600 + $1 * 60))" +%Y-%m-%dT%H:%M:%S+08:00); }
# R = a random number in [0, $1) (set in this shell: $RANDOM in $(...) would not advance ours).
rnd() { R=$((RANDOM % $1)); }
ms() { date +%s%N | cut -c1-13; }

# Counts of the current part (L lost, D duplicated, S stuck, F fsck, W wrong) and in total.
L=0 D=0 S=0 F=0 W=0 TL=0 TD=0 TS=0 TF=0 TW=0 TT=0 TSEC=0
where="" # what is running, for the messages
fail() { echo "soak: FAIL seed $SEED $where: $*" >&2; }

# A desk with pm1 and l1a, made with sdesk: $1 the directory.
make_desk() {
  "$SDESK" init "$1" --name soak >/dev/null
  "$SDESK" -C "$1" staff add pm1 --name PM --role pm >/dev/null
  SDESK_USER=pm1 "$SDESK" -C "$1" staff add l1a --name A --role l1 >/dev/null
}
# new ticket in desk $1 with title $2 (more sdesk arguments after it); prints the ID.
NEW_ARGS=(--customer C --contact 1380000 --channel hotline --priority P3 --need N
  --required-by 2026-03-05 --env os=win --as l1a)

# Collects into $w/act the lines "KEY<TAB>TEXT" of desk $1 for the keys after it: a ticket ID
# gives its notes, "title" the titles of all tickets, "note" the notes of every ticket (keyed
# "note"); $w/chk lists the keys collected. Returns 1 when a command failed.
collect() {
  local dir=$1 k id all=0
  shift
  : >"$w/act"
  : >"$w/chk"
  : >"$w/shows"
  : >"$w/list"
  for k in "$@"; do
    ! grep -qxF -- "$k" "$w/chk" || continue  # a key once
    case $k in
      title)
        "$SDESK" -C "$dir" list --json >"$w/list" 2>"$w/err" || { fail "list: $(head -c 300 "$w/err")"; return 1; } ;;
      note)
        all=1
        for id in $(git -C "$dir" ls-files tickets | sed 's|.*/||; s|\.yaml$||'); do
          "$SDESK" -C "$dir" show "$id" --json >>"$w/shows" 2>"$w/err" || { fail "show $id: $(head -c 300 "$w/err")"; return 1; }
        done ;;
      *)
        "$SDESK" -C "$dir" show "$k" --json >>"$w/shows" 2>"$w/err" || { fail "show $k: $(head -c 300 "$w/err")"; return 1; } ;;
    esac
    echo "$k" >>"$w/chk"
  done
  # One jq for all (a jq start costs as much as a show).
  [ ! -s "$w/list" ] || jq -r '.[] | "title\t" + .title' "$w/list" >>"$w/act"
  [ ! -s "$w/shows" ] || jq -r --argjson all "$all" '.id as $id | .events[] | select(.action == "note")
    | (if $all == 1 then "note" else $id end) + "\t" + .text' "$w/shows" >>"$w/act"
}
# Compares the expectations in file $1 ("ack|land|gone<TAB>KEY<TAB>TEXT": ack and land must be
# there exactly once, gone not at all) for the keys collected; counts and reports each failure
# once (a reported expectation is dropped from the file).
tally() {
  awk -F'\t' -v chk="$w/chk" -v act="$w/act" '
    BEGIN { while ((getline l < chk) > 0) c[l] = 1; while ((getline l < act) > 0) n[l]++ }
    ($2 in c) { k = $2 "\t" $3; m = n[k] + 0
      if ($1 == "gone") { if (m > 0) print "wrong\t" $0 }
      else if (m == 0) print ($1 == "ack" ? "lost" : "wrong") "\t" $0
      else if (m > 1) print "dup\t" $0 }' "$1" >"$w/bad"
  [ -s "$w/bad" ] || return 0
  local a b c
  a=$(grep -c '^lost' "$w/bad" || true); b=$(grep -c '^dup' "$w/bad" || true); c=$(grep -c '^wrong' "$w/bad" || true)
  L=$((L + a)) D=$((D + b)) W=$((W + c))
  while IFS= read -r line; do fail "$(echo "$line" | tr '\t' ' ')"; done <"$w/bad"
  cut -f2- "$w/bad" >"$w/badexp"
  grep -vxF -f "$w/badexp" "$1" >"$w/keep" || true
  mv "$w/keep" "$1"
}
# git fsck --strict of each repository given; counts failures.
fsck() {
  local r
  for r in "$@"; do
    git -C "$r" fsck --strict --no-progress >"$w/fsck" 2>&1 || { F=$((F + 1)); fail "git fsck $r: $(head -c 300 "$w/fsck")"; }
  done
}
# Whether desk $1 is clean: git status --porcelain is empty.
clean() { [ -z "$(git -C "$1" status --porcelain 2>&1)" ]; }

part_start() { L=0 D=0 S=0 F=0 W=0; P0=$(ms); }
part_end() { # $1 name, $2 trials, $3 extra text
  local sec
  sec=$(( ($(ms) - P0 + 500) / 1000 ))
  printf '%-8s lost %d, duplicated %d, stuck %d, fsck failures %d, wrong outcomes %d; %d trials, %d s%s\n' \
    "$1" "$L" "$D" "$S" "$F" "$W" "$2" "$sec" "${3:-}"
  TL=$((TL + L)) TD=$((TD + D)) TS=$((TS + S)) TF=$((TF + F)) TW=$((TW + W)) TT=$((TT + $2)) TSEC=$((TSEC + sec))
}

# ---------------------------------------------------------------------------------------------
# Part 1: kill trials. A desk k$n: a seed desk with three tickets pushed to k$n/k.git, cloned to
# d (where the kills happen) and o (the other clone, whose notes make d's sync a real merge).
part_start
n=0
kd="" # the current kill desk
new_kill_desk() {
  n=$((n + 1))
  kd=$tmp/k$n
  mkdir -p "$kd"
  make_desk "$kd/seed" || { fail "cannot make desk $kd"; exit 1; }
  : >"$kd/ids"
  for i in 1 2 3; do
    "$SDESK" -C "$kd/seed" new --title "seed $i" "${NEW_ARGS[@]}" >>"$kd/ids"
  done
  git init -q --bare -b main "$kd/k.git"
  git -C "$kd/seed" push -q "$kd/k.git" main
  git clone -q "$kd/k.git" "$kd/d"
  git clone -q "$kd/k.git" "$kd/o"
  cp "$kd/ids" "$kd/seed_ids"
  : >"$kd/exp"      # d: ack/land/gone  KEY  TEXT
  : >"$kd/o_pend"   # o's acknowledged notes, not yet pushed
  : >"$kd/o_pushed" # pushed to k.git, not yet in d
  desk_trials=0
}
# Every ticket of d, every title, fsck of the three repositories; verify with $1 = verify.
full_check() {
  local ids
  ids=$(git -C "$kd/d" ls-files tickets | sed 's|.*/||; s|\.yaml$||' | tr '\n' ' ')
  # shellcheck disable=SC2086
  if collect "$kd/d" title $ids; then tally "$kd/exp"; else S=$((S + 1)); fi
  fsck "$kd/d" "$kd/o" "$kd/k.git"
  [ "${1:-}" != verify ] || "$SDESK" -C "$kd/d" verify >"$w/v" 2>&1 ||
    { F=$((F + 1)); fail "sdesk verify: $(head -c 300 "$w/v")"; }
}
# A random ticket ID of this desk into T ($1 = seed: one of the three seed tickets).
pick_ticket() {
  local f=$kd/ids
  [ "${1:-}" = seed ] && f=$kd/seed_ids
  local c
  c=$(wc -l <"$f")
  rnd "$c"
  T=$(sed -n "$((R + 1))p" "$f")
}
# Runs sdesk in d killed as $kill; sets rc and out.
killed() {
  rc=0
  if [ "$kill" = delay ]; then
    out=$(cd "$kd/d" && timeout -s KILL "$delay" "$SDESK" "$@" 2>"$w/kerr") || rc=$?
  else
    out=$(cd "$kd/d" && SDESK_CRASH_AT=$kill "$SDESK" "$@" 2>"$w/kerr") || rc=$?
  fi
}
# Whether the step $kill means the commit landed (ref or later); "" for a random delay.
landed() {
  case $kill in
    delay) echo "" ;;
    locked|objects|journal) echo gone ;;
    *) echo land ;;
  esac
}

new_kill_desk
stuck_desk=0
t=1
while [ "$t" -le "$TRIALS" ]; do
  if [ "$desk_trials" -ge "$PER_DESK" ] || [ "$stuck_desk" = 1 ]; then
    full_check verify
    rm -rf "$kd"
    new_kill_desk
    stuck_desk=0
  fi
  desk_trials=$((desk_trials + 1))
  at "$t"
  rnd 3; cmd=$(echo new note sync | cut -d' ' -f$((R + 1)))
  rnd 8
  if [ "$R" = 7 ]; then
    kill=delay; rnd 99; delay=$(printf '0.0%02ds' $((R + 1)))
  else
    kill=${STEPS[$R]}; delay=""
  fi
  where="trial $t ($cmd killed at $kill${delay:+ $delay})"
  touched=""
  next_ok=1
  case $cmd in
    new)
      killed new --title "k$t" "${NEW_ARGS[@]}"
      outcome=$(landed)
      if [ "$rc" = 0 ]; then
        printf 'ack\ttitle\tk%s\n' "$t" >>"$kd/exp"
        echo "$out" >>"$kd/ids"
        [ "$outcome" = "" ] || { W=$((W + 1)); fail "exited 0 though killed"; }
      elif [ -n "$outcome" ]; then
        printf '%s\ttitle\tk%s\n' "$outcome" "$t" >>"$kd/exp"
      fi
      touched=title
      pick_ticket
      nrc=0; "$SDESK" -C "$kd/d" note "$T" "n$t" --as l1a >/dev/null 2>"$w/nerr" || nrc=$?
      if [ "$nrc" = 0 ]; then printf 'ack\t%s\tn%s\n' "$T" "$t" >>"$kd/exp"; else next_ok=0; fi
      touched="$touched $T" ;;
    note)
      pick_ticket
      killed note "$T" "k$t" --as l1a
      outcome=$(landed)
      if [ "$rc" = 0 ]; then
        printf 'ack\t%s\tk%s\n' "$T" "$t" >>"$kd/exp"
        [ "$outcome" = "" ] || { W=$((W + 1)); fail "exited 0 though killed"; }
      elif [ -n "$outcome" ]; then
        printf '%s\t%s\tk%s\n' "$outcome" "$T" "$t" >>"$kd/exp"
      fi
      touched=$T
      pick_ticket
      nrc=0; "$SDESK" -C "$kd/d" note "$T" "n$t" --as l1a >/dev/null 2>"$w/nerr" || nrc=$?
      if [ "$nrc" = 0 ]; then printf 'ack\t%s\tn%s\n' "$T" "$t" >>"$kd/exp"; else next_ok=0; fi
      touched="$touched $T" ;;
    sync)
      # One local note in d, one in o pushed to k.git: the sync merges, commits and pushes.
      pick_ticket seed
      prc=0; "$SDESK" -C "$kd/d" note "$T" "s$t" --as l1a >/dev/null 2>"$w/nerr" || prc=$?
      if [ "$prc" = 0 ]; then printf 'ack\t%s\ts%s\n' "$T" "$t" >>"$kd/exp"; else S=$((S + 1)); fail "note before sync: $(head -c 300 "$w/nerr")"; fi
      pick_ticket seed
      prc=0; "$SDESK" -C "$kd/o" note "$T" "o$t" --as l1a >/dev/null 2>"$w/nerr" || prc=$?
      if [ "$prc" = 0 ]; then printf 'ack\t%s\to%s\n' "$T" "$t" >>"$kd/o_pend"; else S=$((S + 1)); fail "note in o: $(head -c 300 "$w/nerr")"; fi
      prc=0; "$SDESK" -C "$kd/o" sync --as pm1 >/dev/null 2>"$w/nerr" || prc=$?
      if [ "$prc" = 0 ]; then cat "$kd/o_pend" >>"$kd/o_pushed"; : >"$kd/o_pend"; else S=$((S + 1)); fail "sync in o: $(head -c 300 "$w/nerr")"; fi
      killed sync --as pm1
      nrc=0; "$SDESK" -C "$kd/d" sync --as pm1 >/dev/null 2>"$w/nerr" || nrc=$?
      if [ "$nrc" = 0 ]; then
        cat "$kd/o_pushed" >>"$kd/exp"; : >"$kd/o_pushed"
        if [ "$(git -C "$kd/d" rev-parse HEAD)" != "$(git -C "$kd/k.git" rev-parse main)" ]; then
          next_ok=0; echo "d's HEAD is not k.git's main after sync" >"$w/nerr"
        fi
      else
        next_ok=0
      fi
      touched=$(tr '\n' ' ' <"$kd/seed_ids") ;;
  esac
  if [ "$next_ok" = 0 ] || ! clean "$kd/d"; then
    S=$((S + 1)); stuck_desk=1
    fail "the next command exited $nrc: $(head -c 300 "$w/nerr" | tr '\n' ' ')status: $(git -C "$kd/d" status --porcelain | head -5 | tr '\n' ' ')"
    # Counted as stuck either way; say whether waiting, then sdesk doctor, brings the desk back
    # (the desk is replaced by a fresh one before the next trial).
    for how in "after 3 s" "after sdesk doctor"; do
      if [ "$how" = "after 3 s" ]; then sleep 3; else "$SDESK" -C "$kd/d" doctor >/dev/null 2>&1 || true; fi
      rrc=0
      if [ "$cmd" = sync ]; then
        "$SDESK" -C "$kd/d" sync --as pm1 >/dev/null 2>"$w/rerr" || rrc=$?
        [ "$rrc" != 0 ] || { cat "$kd/o_pushed" >>"$kd/exp"; : >"$kd/o_pushed"; }
      else
        "$SDESK" -C "$kd/d" note "$T" "r$t-${how##* }" --as l1a >/dev/null 2>"$w/rerr" || rrc=$?
        [ "$rrc" != 0 ] || printf 'ack\t%s\tr%s-%s\n' "$T" "$t" "${how##* }" >>"$kd/exp"
      fi
      if [ "$rrc" = 0 ] && clean "$kd/d"; then
        echo "soak:   $where: the same command again $how: exit 0, clean" >&2; break
      fi
      echo "soak:   $where: the same command again $how: exit $rrc: $(head -c 200 "$w/rerr" | tr '\n' ' ')" >&2
    done
  fi
  if [ "$t" = "$TRIALS" ]; then
    full_check verify
  elif [ $((t % CHECK_EVERY)) = 0 ]; then
    full_check
  else
    # shellcheck disable=SC2086
    if collect "$kd/d" $touched; then tally "$kd/exp"; else S=$((S + 1)); stuck_desk=1; fi
    fsck "$kd/d"
    [ "$cmd" != sync ] || fsck "$kd/k.git"
  fi
  [ $((t % 100)) != 0 ] || echo "  ... $t trials, $(( ($(ms) - P0) / 1000 )) s" >&2
  t=$((t + 1))
done
where="part 1 end"
rm -rf "$kd"
part_end kill "$TRIALS"

# ---------------------------------------------------------------------------------------------
# Part 2: WRITERS writers x NOTES notes on one ticket, a stale lock file (a dead pid) present.
part_start
where="writers"
p=$tmp/p
make_desk "$p"
export SDESK_NOW=2026-03-02T09:20:00+08:00
id=$("$SDESK" -C "$p" new --title writers "${NEW_ARGS[@]}")
before=$(git -C "$p" rev-list --count HEAD)
echo 999999999 >"$p/.git/sdesk.lock"
for i in $(seq 1 "$WRITERS"); do
  (
    for j in $(seq 1 "$NOTES"); do
      rc=0; "$SDESK" -C "$p" note "$id" "w$i-$j" --as l1a >/dev/null 2>>"$w/w$i.err" || rc=$?
      printf '%s\tw%s-%s\n' "$rc" "$i" "$j"
    done >"$w/w$i.rc"
  ) &
done
wait
cat "$w"/w*.rc >"$w/rcs"
ok=$(awk -F'\t' '$1 == 0' "$w/rcs" | wc -l)
busy=$(awk -F'\t' '$1 == 5' "$w/rcs" | wc -l)
other=$(awk -F'\t' '$1 != 0 && $1 != 5' "$w/rcs" | wc -l)
awk -F'\t' -v id="$id" '$1 == 0 { print "ack\t" id "\t" $2 } $1 == 5 { print "gone\t" id "\t" $2 }' "$w/rcs" >"$w/pexp"
if [ "$other" -gt 0 ]; then
  S=$((S + other))
  fail "$other notes exited neither 0 nor 5: $(awk -F'\t' '$1 != 0 && $1 != 5 { printf "%s(exit %s) ", $2, $1 }' "$w/rcs" | head -c 300)"
  fail "$(grep -hv 'holds the desk lock\|^hint: wait' "$w"/w*.err | head -3 | tr '\n' ' ')"
fi
if collect "$p" "$id"; then tally "$w/pexp"; else S=$((S + 1)); fi
after=$(git -C "$p" rev-list --count HEAD)
[ "$after" = $((before + ok)) ] || { W=$((W + 1)); fail "$((after - before)) commits for $ok acknowledged notes"; }
clean "$p" || { S=$((S + 1)); fail "status not clean: $(git -C "$p" status --porcelain | head -3)"; }
fsck "$p"
part_end writers $((WRITERS * NOTES)) "; refused (busy) $busy"

# ---------------------------------------------------------------------------------------------
# Part 3: three clones of one bare repository, a and b forced onto one ID node (their ticket
# and event IDs collide), random work and syncs, then sync until they agree.
part_start
where="clones"
m=$tmp/m
make_desk "$m/seed"
git init -q --bare -b main "$m/desk.git"
git -C "$m/seed" push -q "$m/desk.git" main
CLONES=(a b c)
for c in "${CLONES[@]}"; do git clone -q "$m/desk.git" "$m/$c"; done
for c in a b; do
  mkdir -p "$m/$c/.git/sdesk"
  echo "00000000000A1 $(stat -c '%d %i' "$m/$c/.git")" >"$m/$c/.git/sdesk/clone"
  echo "A1 0 0" >"$m/$c/.git/sdesk/clock"
done
: >"$m/exp"
op=0
for r in $(seq 1 "$ROUNDS"); do
  at "$r"
  rnd 3; ops=$((R + 1))
  for _ in $(seq 1 "$ops"); do
    op=$((op + 1))
    rnd 3; c=${CLONES[$R]}
    mapfile -t ids < <(git -C "$m/$c" ls-files tickets | sed 's|.*/||; s|\.yaml$||')
    rnd 3
    if [ "${#ids[@]}" = 0 ] || [ "$R" = 0 ]; then
      where="round $r ($c: new m$op)"
      rc=0; "$SDESK" -C "$m/$c" new --title "m$op" "${NEW_ARGS[@]}" >/dev/null 2>"$w/err" || rc=$?
      [ "$rc" != 0 ] || printf 'ack\ttitle\tm%s\n' "$op" >>"$m/exp"
    else
      rnd "${#ids[@]}"; T=${ids[$R]}
      where="round $r ($c: note $T m$op)"
      rc=0; "$SDESK" -C "$m/$c" note "$T" "m$op" --as l1a >/dev/null 2>"$w/err" || rc=$?
      [ "$rc" != 0 ] || printf 'ack\tnote\tm%s\n' "$op" >>"$m/exp"
    fi
    [ "$rc" = 0 ] || { S=$((S + 1)); fail "exit $rc: $(head -c 300 "$w/err")"; }
  done
  rnd 3; c=${CLONES[$R]}
  where="round $r ($c: sync)"
  rc=0; "$SDESK" -C "$m/$c" sync --as pm1 >/dev/null 2>"$w/err" || rc=$?
  [ "$rc" = 0 ] || { S=$((S + 1)); fail "sync exit $rc: $(head -c 300 "$w/err")"; }
done
where="clones, final syncs"
at $((ROUNDS + 1))
agree=0
for pass in 1 2 3 4 5; do
  for c in "${CLONES[@]}"; do
    rc=0; "$SDESK" -C "$m/$c" sync --as pm1 >/dev/null 2>"$w/err" || rc=$?
    [ "$rc" = 0 ] || { S=$((S + 1)); fail "pass $pass, $c: sync exit $rc: $(head -c 300 "$w/err")"; }
  done
  trees=$(for c in "${CLONES[@]}"; do git -C "$m/$c" rev-parse 'HEAD^{tree}'; done | sort -u | wc -l)
  [ "$trees" != 1 ] || { agree=1; break; }
done
[ "$agree" = 1 ] || { S=$((S + 1)); fail "the clones do not agree after $pass passes"; }
for c in "${CLONES[@]}"; do
  where="clones, check of $c"
  cp "$m/exp" "$m/exp.$c"
  if collect "$m/$c" title note; then tally "$m/exp.$c"; else S=$((S + 1)); fi
  clean "$m/$c" || { S=$((S + 1)); fail "status not clean"; }
  "$SDESK" -C "$m/$c" verify >"$w/v" 2>&1 || { F=$((F + 1)); fail "sdesk verify: $(head -c 300 "$w/v")"; }
  fsck "$m/$c"
done
fsck "$m/desk.git"
renamed=$(git -C "$m/a" grep -l 'action: alias' -- tickets | wc -l)
part_end clones "$ROUNDS" "; $(grep -c title "$m/exp") tickets and $(grep -c 'ack.note' "$m/exp") notes acknowledged, $renamed IDs renamed on sync, agreed after $pass passes"

printf '%-8s lost %d, duplicated %d, stuck %d, fsck failures %d, wrong outcomes %d; %d trials, %d s\n' \
  total "$TL" "$TD" "$TS" "$TF" "$TW" "$TT" "$TSEC"
[ $((TL + TD + TS + TF + TW)) = 0 ] || { echo "soak: FAILED (seed $SEED)" >&2; exit 1; }
echo "soak: all counts 0"
