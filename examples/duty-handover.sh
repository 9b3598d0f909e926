#!/bin/sh
# Records the shift handover (交接班) at the end of a shift and mails or posts it.
#
# Run it from cron as the staff member going off duty, e.g. at 18:00 and 09:00:
#   0 18 * * *  SDESK_DIR=/srv/desk SDESK_USER=l1a /usr/local/bin/duty-handover.sh
#
# Environment:
#   SDESK_DIR       the desk (else the current directory)
#   SDESK_USER      who hands over (else git's user.email decides)
#   HANDOVER_TO     who takes over (default: whoever `sdesk duty who` lists for the next hour)
#   HANDOVER_NOTE   a note for the next shift (optional)
#   HANDOVER_MAIL   mail the handover to this address with mail(1) (optional)
#   HANDOVER_HOOK   POST the Markdown to this URL with curl, e.g. a chat webhook (optional)
#   SDESK           the sdesk binary (default: sdesk on PATH)
set -eu

SDESK=${SDESK:-sdesk}
to=${HANDOVER_TO:-}
if [ -z "$to" ]; then
  # The first person on duty one hour from now who is not the one handing over. sdesk reads
  # "+1h" on its own clock (SDESK_NOW when set) in the desk's zone, whatever the machine's zone.
  to=$("$SDESK" duty who --at "+1h" --format csv | tail -n +2 | cut -d, -f1 |
       grep -v -x "${SDESK_USER:-}" | head -n 1 || true)
fi
if [ -z "$to" ]; then
  echo "duty-handover: nobody is on duty next; set HANDOVER_TO" >&2
  exit 2
fi

report=$(mktemp)
trap 'rm -f "$report"' EXIT
"$SDESK" handover --to "$to" --note "${HANDOVER_NOTE:-}" --format md >"$report"

if [ -n "${HANDOVER_MAIL:-}" ]; then
  mail -s "交接班 / shift handover → $to" "$HANDOVER_MAIL" <"$report"
fi
if [ -n "${HANDOVER_HOOK:-}" ]; then
  curl -fsS -X POST -H 'Content-Type: text/markdown; charset=utf-8' \
       --data-binary "@$report" "$HANDOVER_HOOK" >/dev/null
fi
if [ -z "${HANDOVER_MAIL:-}" ] && [ -z "${HANDOVER_HOOK:-}" ]; then
  cat "$report"
fi
