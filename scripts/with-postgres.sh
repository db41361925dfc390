#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL on 127.0.0.1, from the machine's own binaries
# (initdb, pg_ctl), and CATALYST_TEST_DATABASE_URL pointing at it. The server and its files are
# removed afterwards, whatever the command's result.
#   scripts/with-postgres.sh go test ./...
set -euo pipefail
export GOTOOLCHAIN=go1.27.3 # the Go that go.mod needs, from the module proxy (README)

bin=$(dirname "$(readlink -f "$(command -v initdb)")")
dir=$(mktemp -d /tmp/catalyst-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# initdb will not run as root; run the server as the postgres user when we are root.
as_pg=()
if [ "$(id -u)" = 0 ]; then
  user=postgres
  id "$user" >/dev/null 2>&1 || useradd --system --no-create-home "$user"
  chown "$user" "$dir"
  as_pg=(runuser -u "$user" --)
fi

cleanup() {
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log"; exit 1; }
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null \
  || { cat "$dir/server.log"; exit 1; }

export CATALYST_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
"$@"
