#!/usr/bin/env bash
# Starts `catalyst dev` on a fresh data folder, waits for its demo data, and runs the browser
# tests in ui/browser against it with Debian's Chromium.
#   scripts/browser-test.sh            all of it
#   scripts/browser-test.sh start DIR  only starts `catalyst dev` in DIR, loading its demo, and
#                                      returns at once (the load mostly waits on its short
#                                      deadlines, so CI starts it before its other steps)
#   scripts/browser-test.sh ready DIR  waits for that demo to be loaded
#   scripts/browser-test.sh run DIR    waits for that demo, runs the tests, and stops it
set -euo pipefail
export GOTOOLCHAIN=go1.27.3 # the Go that go.mod needs, from the module proxy (README)
cd "$(dirname "$0")/.."

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start() {
  local dir=$1
  mkdir -p "$dir"
  if [ -n "${CATALYST_BIN:-}" ]; then cp "$CATALYST_BIN" "$dir/catalyst"; else go build -o "$dir/catalyst" ./cmd/catalyst; fi
  free_port >"$dir/port"
  free_port >"$dir/mailport"
  "$dir/catalyst" dev --data "$dir/data" --addr "127.0.0.1:$(cat "$dir/port")" --mail "127.0.0.1:$(cat "$dir/mailport")" \
    >"$dir/out.log" 2>"$dir/err.log" &
  echo $! >"$dir/pid"
}

# stop ends `catalyst dev` (a child of this shell or not) and removes its folder.
stop() {
  local dir=$1 pid
  pid=$(cat "$dir/pid" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  rm -rf "$dir"
}

# ready waits for the demo. A demo load that fails stops `catalyst dev`, which this sees at once;
# a slow one is waited for.
ready() {
  local dir=$1 pid
  pid=$(cat "$dir/pid")
  for _ in $(seq 1 1200); do
    grep -q "Demo data loaded" "$dir/out.log" && return 0
    if ! kill -0 "$pid" 2>/dev/null; then echo "catalyst dev stopped before its demo data loaded"; why "$dir"; exit 1; fi
    sleep 0.5
  done
  echo "demo data did not load"; why "$dir"; exit 1
}

# why prints what a failed start says, briefly: its log holds thousands of lines of Temporal's,
# which would bury the reason. The whole log is kept beside it (err.log).
why() {
  local dir=$1
  echo "-- the last lines it printed:"; tail -n 5 "$dir/out.log"
  echo "-- its errors and warnings (the last 40), and how it ended:"
  grep -E 'level=(ERROR|WARN)|panic|fatal|could not|^catalyst:' "$dir/err.log" | tail -n 40 | cut -c1-600
  tail -n 15 "$dir/err.log" | cut -c1-600
  cp "$dir/err.log" "${TMPDIR:-/tmp}/catalyst-dev-err.log" 2>/dev/null && echo "-- the whole log: ${TMPDIR:-/tmp}/catalyst-dev-err.log"
}

run() {
  local dir=$1 pid
  pid=$(cat "$dir/pid")
  trap "stop '$dir'" EXIT
  command -v chromium-headless-shell >/dev/null || command -v chromium >/dev/null ||
    { echo "chromium is not installed: apt-get install chromium-headless-shell" >&2; exit 1; }
  [ -d ui/node_modules/playwright-core ] || (cd ui && npm ci --no-audit --no-fund --loglevel=error)
  ready "$dir"

  # axe checks each distinct page state once in the whole run (ui/browser/journey.mjs).
  mkdir -p "$dir/axe"
  local status=0
  CATALYST_URL="http://127.0.0.1:$(cat "$dir/port")" CATALYST_MAIL_URL="http://127.0.0.1:$(cat "$dir/mailport")" CATALYST_AXE_SEEN="$dir/axe" \
    node --test --test-concurrency="${CATALYST_BROWSER_JOBS:-2}" ui/browser/ || status=$?
  local checks distinct
  checks=$(cat "$dir/axe/checks" 2>/dev/null | wc -l)
  distinct=$(find "$dir/axe" -type f ! -name checks | wc -l)
  echo "axe: $distinct distinct page states checked, of $checks states reached"
  if [ "$status" != 0 ]; then echo "-- what catalyst dev said while the tests ran:"; why "$dir"; fi
  exit $status
}

case "${1:-}" in
  start) start "$2" ;;
  ready) ready "$2" ;;
  run) run "$2" ;;
  "")
    dir=$(mktemp -d /tmp/catalyst-browser.XXXXXX)
    start "$dir"
    run "$dir"
    ;;
  *) echo "usage: $0 [start DIR | ready DIR | run DIR]" >&2; exit 2 ;;
esac
