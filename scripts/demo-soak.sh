#!/usr/bin/env bash
# Starts `catalyst dev` on a fresh data folder N times and reports whether, and how fast, the
# demo data loaded each time. With BUSY=k it first starts k busy loops to hold the CPU, which
# is how a lifecycle race that a quiet machine hides shows itself.
#   scripts/demo-soak.sh 20          BUSY=2 scripts/demo-soak.sh 20
set -uo pipefail
export GOTOOLCHAIN=go1.27.3 # the Go that go.mod needs, from the module proxy (README)
cd "$(dirname "$0")/.."
n=${1:-10}
work=$(mktemp -d /tmp/catalyst-soak.XXXXXX)
go build -o "$work/catalyst" ./cmd/catalyst || exit 1
busy=()
for _ in $(seq 1 "${BUSY:-0}"); do (while :; do :; done) & busy+=($!); done
trap 'kill "${busy[@]}" 2>/dev/null; rm -rf "$work"' EXIT
failed=0
for i in $(seq 1 "$n"); do
  d="$work/run$i"; mkdir -p "$d"
  start=$(date +%s.%N)
  "$work/catalyst" dev --data "$d/data" --addr 127.0.0.1:0 >"$d/out.log" 2>"$d/err.log" &
  pid=$!
  result=timeout
  for _ in $(seq 1 900); do
    if grep -q "Demo data loaded" "$d/out.log"; then result=ok; break; fi
    if grep -q "loading demo data" "$d/err.log"; then result=FAILED; break; fi
    sleep 0.2
  done
  printf 'run %d: %s after %.1f s\n' "$i" "$result" "$(awk "BEGIN{print $(date +%s.%N) - $start}")"
  if [ "$result" != ok ]; then failed=$((failed + 1)); grep 'level=ERROR' "$d/err.log" | tail -3; fi
  kill $pid; wait $pid 2>/dev/null
  rm -rf "$d"
done
echo "$((n - failed)) of $n runs loaded the demo data"
[ "$failed" = 0 ]
