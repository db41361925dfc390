#!/usr/bin/env bash
# Lints the API's OpenAPI document with Redocly's recommended rules (from ui/'s pinned npm
# packages). Warnings fail too: a generated client suffers from each of them.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x ui/node_modules/.bin/redocly ] || (cd ui && npm ci --no-audit --no-fund --loglevel=error)
out=$(ui/node_modules/.bin/redocly lint --format=stylish api/openapi.json 2>&1) || { echo "$out"; exit 1; }
if grep -Eq '^\s+[0-9]+:[0-9]+\s+(warning|error)' <<<"$out"; then
  echo "$out"
  echo "api/openapi.json has warnings under Redocly's recommended rules" >&2
  exit 1
fi
echo "api/openapi.json passes Redocly's recommended rules"
