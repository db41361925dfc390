#!/usr/bin/env bash
# Runs Temporal's workflowcheck over the workflow code: any call that is not deterministic
# (time.Now, a map's order, a goroutine, I/O) fails it. Built from tools/workflowcheck.
set -euo pipefail
export GOTOOLCHAIN=go1.27.3 # the Go that go.mod needs, from the module proxy (README)
cd "$(dirname "$0")/.."
bin=$(mktemp -d)/workflowcheck
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -C tools/workflowcheck -o "$bin" .
"$bin" ./workflows/...
echo "workflowcheck: the workflows are deterministic"
