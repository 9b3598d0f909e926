#!/usr/bin/env bash
# Times sdesk on generated desks of 1,000 / 10,000 / … tickets beside plain git doing the same
# file work, prints the figures and ratios, and says what grows with desk size.
#
# Usage: bench/run.sh [--sizes "1000 10000"] [--csv FILE] [--build DIR] [--work DIR] [--runs N]
#                     [--sdesk BIN --gen BIN]   (already built binaries: no cmake step)
#   --csv    the BPIC 2013 incidents (default: ../shared/data/bpic2013-incidents/incidents.csv
#            relative to the repository)
#   --build  a build directory (configured here with -DSDESK_BENCH=ON; default: build-bench-tools)
#   --work   where the bench desks live (default: $TMPDIR or /tmp); a desk of the same size and
#            generator is reused, since making a 100k desk takes a while
# Needs hyperfine (installed with apt-get when missing and run as root); falls back to a loop
# timed with date +%s%N.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZES="1000 10000"
SDESK=""
GEN=""
CSV=$ROOT/../shared/data/bpic2013-incidents/incidents.csv
BUILD=$ROOT/build-bench-tools
WORK=${TMPDIR:-/tmp}
RUNS=20
while [ $# -gt 0 ]; do
  case $1 in
    --sizes) SIZES=$2; shift 2 ;;
    --csv) CSV=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --sdesk) SDESK=$2; shift 2 ;;
    --gen) GEN=$2; shift 2 ;;
    *) echo "usage: $0 [--sizes \"1000 10000\"] [--csv FILE] [--build DIR] [--work DIR] [--runs N]" >&2; exit 2 ;;
  esac
done
[ -r "$CSV" ] || { echo "bench: cannot read $CSV (pass --csv)" >&2; exit 2; }

if ! command -v hyperfine >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get install -y hyperfine >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y hyperfine >/dev/null 2>&1; } || true
fi

if [ -z "${SDESK:-}" ] || [ -z "${GEN:-}" ]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSDESK_BENCH=ON >/dev/null
  cmake --build "$BUILD" -j2 --target sdesk sdesk_bench_gen >/dev/null
  SDESK=$BUILD/sdesk
  GEN=$BUILD/sdesk_bench_gen
  [ -x "$GEN" ] || GEN=$BUILD/bench/sdesk_bench_gen
fi

export GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
export SDESK_USER=pm1
NOW_SETUP=2026-01-05T09:00:00+08:00
export SDESK_NOW=2026-11-02T10:00:00+08:00

# make_desk N DIR: sdesk init + staff, then N generated tickets through git fast-import.
make_desk() {
  local n=$1 dir=$2 stampf=$2/.git/sdesk-bench
  local want="$n $(sha1sum "$GEN" | cut -c1-12)"
  if [ -f "$stampf" ] && [ "$(cat "$stampf")" = "$want" ]; then
    git -C "$dir" reset -q --hard && return 0
  fi
  rm -rf "$dir"
  SDESK_NOW=$NOW_SETUP "$SDESK" init "$dir" --name 基准测试服务台 >/dev/null
  (
    cd "$dir"
    git config user.name bench && git config user.email bench@sdesk
    export SDESK_NOW=$NOW_SETUP
    "$SDESK" staff add pm1 --name 王经理 --role pm --email pm1@example.cn >/dev/null
    for i in $(seq -w 1 12); do
      "$SDESK" staff add "l1-$i" --name "一线$i" --role l1 >/dev/null
      "$SDESK" staff add "l2-$i" --name "二线$i" --role l2 >/dev/null
    done
    "$SDESK" vendor add acme --name 某数据库厂商 >/dev/null
    "$SDESK" vendor add globex --name 某网络设备厂商 >/dev/null
  )
  local t0 t1
  t0=$(date +%s%N)
  "$GEN" --csv "$CSV" --count "$n" --now 2026-11-01T00:00:00+08:00 | git -C "$dir" fast-import --quiet
  git -C "$dir" reset -q --hard
  t1=$(date +%s%N)
  echo "$want" >"$stampf"
  echo "  generated $n tickets in $(( (t1 - t0) / 1000000 )) ms"
}

# time_cmd NAME PREPARE COMMAND: mean milliseconds of COMMAND (run in the desk), after PREPARE.
time_cmd() {
  local name=$1 prepare=$2 cmd=$3 out
  out=$(mktemp)
  if command -v hyperfine >/dev/null 2>&1; then
    local args=(--style none --warmup 3 --runs "$RUNS" --export-json "$out")
    [ -n "$prepare" ] && args+=(--prepare "$prepare")
    hyperfine "${args[@]}" "$cmd" >/dev/null 2>&1
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f %.1f" % (r["mean"]*1000, (r["user"]+r["system"])*1000))' "$out"
  else
    local total=0 i t0 t1
    for i in $(seq 1 "$RUNS"); do
      [ -n "$prepare" ] && sh -c "$prepare"
      t0=$(date +%s%N)
      sh -c "$cmd" >/dev/null 2>&1
      t1=$(date +%s%N)
      total=$((total + t1 - t0))
    done
    awk -v t="$total" -v n="$RUNS" 'BEGIN { printf "%.1f 0\n", t / n / 1e6 }'
  fi
  rm -f "$out"
}

declare -A RESULT
report_row() {  # name sdesk-key git-key: wall and CPU (user+sys) milliseconds, CPU ratio
  local ratio
  ratio=$(awk -v a="${cpu[$2]}" -v b="${cpu[$3]}" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "—" }')
  printf "| %-22s | %7s | %7s | %7s | %7s | %7s |\n" "$1" "${ms[$2]}" "${cpu[$2]}" "${ms[$3]}" "${cpu[$3]}" "$ratio"
}

for n in $SIZES; do
  dir=$WORK/sdesk-bench-$n
  echo "== $n tickets ($dir)"
  make_desk "$n" "$dir"
  cd "$dir"
  files=$(git ls-files tickets | wc -l)
  open=$("$SDESK" list --open --format csv | tail -n +2 | wc -l)
  idx=$(stat -c %s .git/index)
  id=$("$SDESK" list --open --format csv | sed -n 2p | cut -d, -f1)
  path=$(git ls-files "tickets/*/$id.yaml")
  other=$(git ls-files tickets | sed -n 1p)
  echo "  $files ticket files, $open open, .git/index $((idx / 1024)) KiB; note/show on $id"
  S="$SDESK"
  NEWARGS="--title 打印机脱机 --customer 财务处 --contact 13800000000 --channel hotline --priority P3 --need 恢复打印 --required-by 2026-11-09T18:00 --env os=Windows11"
  tmpl=$(mktemp)
  cp "$path" "$tmpl"
  mkdir -p tickets/2026/11
  declare -A ms cpu
  read -r ms[start] cpu[start] < <(time_cmd start "" "$S --version")
  read -r ms[new] cpu[new] < <(time_cmd new "" "$S new $NEWARGS")
  read -r ms[note] cpu[note] < <(time_cmd note "" "$S note $id 已电话联系客户")
  read -r ms[show] cpu[show] < <(time_cmd show "" "$S show $id")
  read -r ms[showj] cpu[showj] < <(time_cmd show "" "$S show $id --json")
  read -r ms[cold] cpu[cold] < <(time_cmd cold "rm -f .git/sdesk/tickets.*" "$S list --open")
  read -r ms[warm] cpu[warm] < <(time_cmd warm "" "$S list --open")
  read -r ms[all] cpu[all] < <(time_cmd all "" "$S list --json")
  read -r ms[kpi] cpu[kpi] < <(time_cmd kpi "" "$S report kpi --period 2026-09 --json")
  read -r ms[gstart] cpu[gstart] < <(time_cmd gstart "" "git --version")
  read -r ms[gnew] cpu[gnew] < <(time_cmd gnew "" "f=\$(mktemp tickets/2026/11/T-XXXXXX.yaml) && cat $tmpl >\$f && git add \$f && git commit -q -m new")
  read -r ms[gnote] cpu[gnote] < <(time_cmd gnote "" "printf '# note\n' >>$other && git add $other && git commit -q -m note")
  read -r ms[gshow] cpu[gshow] < <(time_cmd gshow "" "git show HEAD:$path")
  read -r ms[ggrep] cpu[ggrep] < <(time_cmd ggrep "" "git grep -l -E '^status: (new|assigned|in_progress|pending)\$' HEAD -- tickets")
  read -r ms[ggrepw] cpu[ggrepw] < <(time_cmd ggrepw "" "git grep -l -E '^status: (new|assigned|in_progress|pending)\$' -- tickets")
  read -r ms[gkpi] cpu[gkpi] < <(time_cmd gkpi "" "git grep -h -E '^(status|priority|created_at|responded_at|resolved_at|closed_at):' HEAD -- tickets/2026/09 || true")
  rm -f "$tmpl"
  echo
  echo "| $n tickets | sdesk wall ms | sdesk cpu ms | git wall ms | git cpu ms | cpu ratio |"
  echo "|---|---|---|---|---|---|"
  report_row "process start" start gstart
  report_row "new" new gnew
  report_row "note (state change)" note gnote
  report_row "show" show gshow
  report_row "show --json" showj gshow
  report_row "list --open, cold" cold ggrep
  report_row "list --open, warm" warm ggrepw
  report_row "list --json (all)" all ggrep
  report_row "report kpi (a month)" kpi gkpi
  echo
  for k in start new note show showj cold warm all kpi gnew gnote gshow ggrep ggrepw gkpi; do RESULT[$n.$k]=${cpu[$k]}; done
  git status --porcelain | head -n 3
  cd - >/dev/null
done

# What grows: each figure at the largest size over the smallest.
set -- $SIZES
small=$1
large=${!#}
if [ "$small" != "$large" ]; then
  echo "== growth of CPU time from $small to $large tickets (×$((large / small)) tickets)"
  for k in start new note show cold warm all kpi gnew gnote gshow ggrep ggrepw gkpi; do
    awk -v k="$k" -v a="${RESULT[$small.$k]}" -v b="${RESULT[$large.$k]}" \
      'BEGIN { g = (a > 0 ? b / a : 0); printf "  %-7s %8.1f -> %8.1f ms  ×%.1f%s\n", k, a, b, g, (g > 1.5 ? "  grows" : "") }'
  done
fi
