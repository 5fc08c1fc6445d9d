#!/usr/bin/env bash
# `make run`: the portal, a mail catcher on loopback and the mail worker, for development only.
# The portal's mail goes to the catcher (nothing leaves this computer); read it at
# http://127.0.0.1:$PORT/admin/mail/dev-inbox (PORT: 5000 unless set) as an administrator (lvisser).
# Ctrl-C stops all three.
set -euo pipefail

BIN=${BIN:-.venv/bin}
export FLASK_APP=${FLASK_APP:-wsgi}
export PORTAL_ENV=development PORTAL_DEV_MAIL=1
export PORTAL_SMTP_HOST=127.0.0.1 PORTAL_SMTP_PORT=${PORTAL_DEV_MAIL_PORT:-8025}
export PORTAL_SMTP_USER= PORTAL_SMTP_STARTTLS=0
PORT=${PORT:-5000}
# links in mails and .ics files point at this portal (an explicitly set PORTAL_BASE_URL is kept)
export PORTAL_BASE_URL=${PORTAL_BASE_URL:-http://127.0.0.1:$PORT}

pids=()
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$BIN/flask" portal dev-mail --port "$PORTAL_SMTP_PORT" & pids+=($!)
# the worker's first pass must find the catcher listening (a refused first try waits a minute)
for _ in $(seq 50); do
  if { exec 3<>"/dev/tcp/127.0.0.1/$PORTAL_SMTP_PORT"; } 2>/dev/null; then exec 3>&-; break; fi
  kill -0 "${pids[0]}" 2>/dev/null || exit 1
  sleep 0.2
done
"$BIN/flask" portal worker --interval 2 & pids+=($!)
"$BIN/flask" run --host 127.0.0.1 --port "$PORT" & pids+=($!)
echo "portal: http://127.0.0.1:$PORT  mail: http://127.0.0.1:$PORT/admin/mail/dev-inbox  (Ctrl-C stops everything)"
# the first of the three to end (or Ctrl-C) ends the others
wait -n
