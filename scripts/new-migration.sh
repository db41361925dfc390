#!/usr/bin/env bash
# Writes the next migration files from the Ent schema, for SQLite and PostgreSQL, against a
# throwaway PostgreSQL: change ent/schema, `go generate ./ent`, then
#   scripts/new-migration.sh add_bid_index
# and commit the new files under ent/migrations with the schema change.
set -euo pipefail
export GOTOOLCHAIN=go1.27.3 # the Go that go.mod needs, from the module proxy (README)
cd "$(dirname "$0")/.."
exec scripts/with-postgres.sh go run ./ent/migrations/gen "$@"
