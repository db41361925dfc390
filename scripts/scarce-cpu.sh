#!/usr/bin/env bash
# Runs a command with the CPU made scarce: the command and a process spinning without pause share
# one core (taskset), so the command gets about half of one core of a machine that has two.
# What a quiet machine hides shows here: a deadline reckoned before a slow request, an update
# that times out, a demo that half-loads.
#   scripts/scarce-cpu.sh go test -count=1 -run TestCrashAtAnyMoment ./cmd/catalyst
set -euo pipefail
command -v taskset >/dev/null || { echo "taskset (util-linux) is needed" >&2; exit 1; }
core=${CATALYST_SCARCE_CORE:-0}
taskset -c "$core" sh -c 'while :; do :; done' &
spinner=$!
trap 'kill $spinner 2>/dev/null || true' EXIT
echo "CPU made scarce: core $core only, shared with a spinning process ($spinner)"
taskset -c "$core" "$@"
