#!/usr/bin/env bash
# Runs a command with the CPU made scarce: the command is confined to one core (taskset), which
# a process spinning without pause shares, so the command gets about half of one core. What a
# quiet machine hides shows here: a deadline reckoned before a slow request, an update that
# times out, a demo that half-loads. CATALYST_SCARCE_SPIN=0 leaves the spinner out, for when
# other work already keeps that core busy (CI runs its other suites beside it).
#   scripts/scarce-cpu.sh go test -count=1 -run TestCrashAtAnyMoment ./cmd/catalyst
set -euo pipefail
export GOTOOLCHAIN=go1.27.3 # the Go that go.mod needs, from the module proxy (README)
command -v taskset >/dev/null || { echo "taskset (util-linux) is needed" >&2; exit 1; }
core=${CATALYST_SCARCE_CORE:-0}
if [ "${CATALYST_SCARCE_SPIN:-1}" != 0 ]; then
  taskset -c "$core" sh -c 'while :; do :; done' &
  spinner=$!
  trap 'kill $spinner 2>/dev/null || true' EXIT
  echo "CPU made scarce: core $core only, shared with a spinning process"
else
  echo "CPU made scarce: core $core only, shared with the rest of the run"
fi
taskset -c "$core" "$@"
