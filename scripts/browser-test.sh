#!/usr/bin/env bash
# Starts `catalyst dev` on a fresh data folder, waits for its demo data, and runs the browser
# tests in ui/browser against it with Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v chromium >/dev/null || { echo "chromium is not installed: apt-get install chromium" >&2; exit 1; }
[ -d ui/node_modules/playwright-core ] || (cd ui && npm ci --no-audit --no-fund --loglevel=error)

work=$(mktemp -d /tmp/catalyst-browser.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
if [ -n "${CATALYST_BIN:-}" ]; then cp "$CATALYST_BIN" "$work/catalyst"; else go build -o "$work/catalyst" ./cmd/catalyst; fi
mailport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$work/catalyst" dev --data "$work/data" --addr "127.0.0.1:$port" --mail "127.0.0.1:$mailport" >"$work/out.log" 2>"$work/err.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT

for _ in $(seq 1 240); do
  grep -q "Demo data loaded" "$work/out.log" && break
  if ! kill -0 $pid 2>/dev/null; then cat "$work/out.log" "$work/err.log"; exit 1; fi
  sleep 0.5
done
grep -q "Demo data loaded" "$work/out.log" || { echo "demo data did not load"; cat "$work/out.log" "$work/err.log"; exit 1; }

# axe checks each distinct page state once in the whole run (ui/browser/journey.mjs).
mkdir -p "$work/axe"
status=0
CATALYST_URL="http://127.0.0.1:$port" CATALYST_MAIL_URL="http://127.0.0.1:$mailport" CATALYST_AXE_SEEN="$work/axe" \
  node --test --test-concurrency="${CATALYST_BROWSER_JOBS:-2}" ui/browser/ || status=$?
checks=$(cat "$work/axe/checks" 2>/dev/null | wc -l)
distinct=$(find "$work/axe" -type f ! -name checks | wc -l)
echo "axe: $distinct distinct page states checked, of $checks states reached"
exit $status
