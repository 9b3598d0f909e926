#!/usr/bin/env bash
# Times the bulk commands: `import tickets` of N generated rows, `import events` of the whole
# BPIC 2013 log, and N notes through one `sdesk batch`; prints the replay's `report kpi` for one
# month. Each import is one commit; each batch line is its own commit.
#
# Usage: bench/bulk.sh [--sdesk BIN] [--csv FILE] [--tickets N] [--notes N] [--month YYYY-MM]
#                      [--work DIR]
#   --sdesk  the sdesk binary (default: build/sdesk)
#   --csv    the BPIC 2013 incidents (default: ../shared/data/bpic2013-incidents/incidents.csv
#            relative to the repository)
#   --work   where the desks are made (default: $TMPDIR or /tmp; removed at the end)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SDESK=$ROOT/build/sdesk
CSV=$ROOT/../shared/data/bpic2013-incidents/incidents.csv
TICKETS=10000
NOTES=1000
MONTH=2012-05
WORK=${TMPDIR:-/tmp}
while [ $# -gt 0 ]; do
  case $1 in
    --sdesk) SDESK=$2; shift 2 ;;
    --csv) CSV=$2; shift 2 ;;
    --tickets) TICKETS=$2; shift 2 ;;
    --notes) NOTES=$2; shift 2 ;;
    --month) MONTH=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    *) echo "usage: $0 [--sdesk BIN] [--csv FILE] [--tickets N] [--notes N] [--month YYYY-MM] [--work DIR]" >&2; exit 2 ;;
  esac
done
[ -x "$SDESK" ] || { echo "bench: no sdesk at $SDESK (build first or pass --sdesk)" >&2; exit 2; }
[ -r "$CSV" ] || { echo "bench: cannot read $CSV (pass --csv)" >&2; exit 2; }
DIR=$(mktemp -d "$WORK/sdesk-bulk-XXXXXX")
trap 'rm -rf "$DIR" 2>/dev/null || true' EXIT
export SDESK_NOW=2026-11-02T09:00:00+08:00 SDESK_USER=pm1

desk() {  # a desk with the staff the rows name
  "$SDESK" init "$1" --name 批量导入测试 >/dev/null
  "$SDESK" -C "$1" staff add pm1 --name 王经理 --role pm --email pm1@example.com >/dev/null
  for i in 01 02 03 04; do
    "$SDESK" -C "$1" staff add "l1-$i" --name "一线$i" --role l1 >/dev/null
  done
}

# Seconds taken by a command (wall clock), its output kept in $DIR/out.
timed() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >"$DIR/out"
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}

# 1. N tickets from a CSV in UTF-8, spread over the last months with the intake fields filled.
awk -v n="$TICKETS" 'BEGIN {
  srand(1);
  split("打印机脱机,邮件无法发送附件,VPN 拨号失败,OA流程审批卡住,电脑蓝屏,账号被锁定", titles, ",");
  split("市财政局财务处,市人社局办公室,市卫健委信息科,市政务服务中心,市档案馆", customers, ",");
  split("hotline,email,web,walk-in,monitoring", channels, ",");
  print "title,customer,contact,channel,priority,need,required_by,environment,created_at,created_by";
  for (i = 0; i < n; i++) {
    m = 1 + int(i * 10 / n); d = 1 + int(rand() * 27); h = 8 + int(rand() * 10);
    printf "%s,%s,138%08d,%s,P%d,恢复正常使用,2026/%d/%d 18:00,os=Windows11,2026/%d/%d %d:%02d,l1-0%d\n",
      titles[1 + i % 6], customers[1 + i % 5], i, channels[1 + i % 5], 1 + i % 4,
      m, d, m, d, h, int(rand() * 60), 1 + i % 4;
  }
}' >"$DIR/tickets.csv"
desk "$DIR/t"
echo "import tickets: $TICKETS rows"
s=$(timed "$SDESK" -C "$DIR/t" import tickets "$DIR/tickets.csv")
cat "$DIR/out"
echo "  ${s} s"
echo "  git status: $(git -C "$DIR/t" status --porcelain | wc -l) changed files; commits: $(git -C "$DIR/t" rev-list --count HEAD)"

# 2. N notes through one batch on that desk, each its own commit.
"$SDESK" -C "$DIR/t" list --json --status new --limit "$NOTES" |
  grep -o '"id": "T-[^"]*"' | cut -d'"' -f4 | awk '{ printf "note %s \"批量备注 %d\" --as pm1\n", $1, NR }' >"$DIR/notes.txt"
echo "batch: $(wc -l <"$DIR/notes.txt") notes"
s=$(timed sh -c "'$SDESK' -C '$DIR/t' batch <'$DIR/notes.txt'")
echo "  $(grep -c '^ok' "$DIR/out") ok, $(grep -c '^error' "$DIR/out" || true) errors; ${s} s"

# 3. The whole BPIC log replayed through a status map.
cat >"$DIR/bpic.yaml" <<'MAP'
case: case
status: status
owner: owner
time: timestamp
timezone: UTC
columns: {case: title}
defaults: {priority: P1, channel: hotline, customer: Volvo IT}
statuses:
  Accepted+In Progress: start
  Accepted+Assigned: assign
  Accepted+Wait - User: pending:customer
  Accepted+Wait - Customer: pending:customer
  Accepted+Wait - Vendor: pending:vendor
  Accepted+Wait - Implementation: pending:third-party
  Accepted+Wait: pending:third-party
  Queued+Awaiting Assignment: escalate:l2
  Completed+In Call: resolve
  Completed+Resolved: resolve
  Completed+Closed: close
  Completed+Cancelled: cancel
  Unmatched+Unmatched: ignore
MAP
desk "$DIR/b"
echo "import events: $(($(wc -l <"$CSV") - 1)) rows of $(basename "$CSV")"
s=$(timed "$SDESK" -C "$DIR/b" import events "$CSV" --map "$DIR/bpic.yaml")
cat "$DIR/out"
echo "  ${s} s"
echo "report kpi --period $MONTH on the replay:"
"$SDESK" -C "$DIR/b" report kpi --period "$MONTH" --json
