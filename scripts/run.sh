#!/usr/bin/env bash
# Start the web server, a Celery worker and Celery beat together; Ctrl-C stops all three.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

pids=()
stop() {
  trap - INT TERM EXIT
  kill "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
}
trap stop INT TERM EXIT

"$BIN/celery" -A qaf worker --loglevel=INFO --concurrency=2 & pids+=($!)
"$BIN/celery" -A qaf beat --loglevel=INFO & pids+=($!)
"$BIN/python" manage.py runserver "$HOST:$PORT" & pids+=($!)
(
  sleep 5
  echo
  echo "QAF is running on http://$HOST:$PORT/ with a Celery worker and beat. Ctrl-C stops all three."
  echo "Log in as qa.manager@demo.qaf.example, password qaf-demo-password (all demo log-ins: make demo)."
  if [ "${QAF_REQUIRE_2FA:-true}" = false ]; then
    echo "Two-factor authentication is off for the demo (QAF_REQUIRE_2FA=false); production requires it."
  fi
  echo
) &
# If any of the three stops, stop the others too rather than run half a system.
wait -n
