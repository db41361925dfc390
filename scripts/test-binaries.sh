#!/usr/bin/env bash
# Runs packages' test binaries, built once by `go test -c -o DIR/ ./...`, as go test runs them:
# each in its package's folder, N at a time (default 2), printing go test's line for each and,
# for one that failed, all it said. Linking a test binary of the whole stack (the Temporal
# server is in it) takes a core most of a minute: CI links each once and runs it in every suite
# that needs it, instead of go test linking it again in each.
#   scripts/test-binaries.sh DIR [-j N] PKG... -- TESTFLAGS...    (TESTFLAGS as -test.run=…)
set -euo pipefail
export GOTOOLCHAIN=go1.27.3 # the Go that go.mod needs, from the module proxy (README)
bin_dir=$(cd "$1" && pwd); shift
jobs=2
if [ "${1:-}" = -j ]; then jobs=$2; shift 2; fi
pkgs=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do pkgs+=("$1"); shift; done
[ $# -gt 0 ] && shift
flags=(-test.paniconexit0 -test.timeout=20m "$@")
module=$(go list -m)

run_one() {
  local rel=${1#./} bin log t0 status=0
  bin="$bin_dir/$(basename "$rel").test"
  if [ ! -x "$bin" ]; then echo "FAIL	$module/$rel	[no test binary in $bin_dir]"; return 1; fi
  log=$(mktemp)
  t0=$(date +%s%N)
  (cd "$rel" && "$bin" "${flags[@]}") >"$log" 2>&1 || status=$?
  local took=$(( ($(date +%s%N) - t0) / 1000000 ))
  if [ $status = 0 ]; then
    printf 'ok  \t%s\t%d.%03ds\n' "$module/$rel" $((took / 1000)) $((took % 1000))
  else
    cat "$log"
    printf 'FAIL\t%s\t%d.%03ds\n' "$module/$rel" $((took / 1000)) $((took % 1000))
  fi
  rm -f "$log"
  return $status
}

pids=()
for p in "${pkgs[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_one "$p" &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
exit $failed
