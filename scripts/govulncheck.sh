#!/usr/bin/env bash
# Runs govulncheck over Catalyst against the Go vulnerability database of the pinned
# golang.org/x/vulndb (the module proxy serves it; vuln.go.dev cannot be reached here): fails on
# anything the code reaches that has a fix, or has none and is not assessed in SECURITY.md.
# Built from tools/vulncheck. Move the pin forward to take newer entries.
#   scripts/govulncheck.sh                    the source of every package, calls traced (minutes)
#   scripts/govulncheck.sh -binary catalyst   what was linked into a built binary (seconds; CI)
set -euo pipefail
export GOTOOLCHAIN=go1.27.3 # the Go that go.mod needs, from the module proxy (README)
cd "$(dirname "$0")/.."
vulndb=v0.0.0-20261105234957-e22db6528018
dir=$(go mod download -json "golang.org/x/vulndb@$vulndb" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$dir/data/osv" ] || { echo "golang.org/x/vulndb@$vulndb has no data/osv" >&2; exit 1; }
bin=$(mktemp -d)/vulncheck
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -C tools/vulncheck -o "$bin" .
"$bin" -vulndb "$dir" -assessed SECURITY.md "${@:-./...}"
