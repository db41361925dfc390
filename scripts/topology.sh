#!/usr/bin/env bash
# The production topology from this machine's own parts (no container engine runs here), then a
# deadline rush through it with one API and one worker killed part way:
#
#   PostgreSQL (initdb, pg_ctl: durable, fsync on)
#   a Temporal server persisted in that PostgreSQL (`catalyst part temporal`: its databases set
#     up by Temporal's own SQL tool code, as docker-compose's temporal-schema does)
#   an S3 server (`catalyst part s3`), a test SMTP server (`catalyst part mail`)
#   `catalyst migrate`, then two `catalyst api` and two `catalyst worker` processes
#
# The rush (BenchmarkDeadlineRush with -rush.urls) sends N suppliers' uploads and submits to
# both APIs at once, each client moving to the other API when its own stops answering. KILL_AT
# seconds after the rush starts, api 1 and worker 1 are SIGKILLed; they start again RESTART_AFTER
# seconds later. Afterwards the rush checks that nothing acknowledged was lost and sees the
# lifecycle on: the close, the eligibility check and assignment.
#
#   scripts/topology.sh [SUPPLIERS [MB]]        defaults: 2000 suppliers, 5 MB each
#   CLIENTS=64 KILL_AT=never scripts/topology.sh 1000 1
#                                              64 at once, and nothing killed
#   KEEP=1 scripts/topology.sh 200 1           keep the folder with every process's log
#   PROFILE=1 KILL_AT=never scripts/topology.sh 1000 1
#                                              and print each Catalyst process's CPU profile
#
# Every run prints where the CPU went while the submits ran, by kind of process
# (scripts/cpu-by-process.py): on one machine, whether the processes or the database bound it.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3 # the Go that go.mod needs, from the module proxy (README)
n=${1:-2000}
mb=${2:-5}
window=${WINDOW:-180s}
kill_at=${KILL_AT:-30}
clients=${CLIENTS:-32}
restart_after=${RESTART_AFTER:-5}

dir=$(mktemp -d /tmp/catalyst-topology.XXXXXX)
chmod 755 "$dir"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
pgbin=$(dirname "$(readlink -f "$(command -v initdb)")")
as_pg=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  mkdir -p "$dir/pg" && chown postgres "$dir/pg"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/pg/data" -m fast stop >/dev/null 2>&1 || true
  if [ "${KEEP:-}" = 1 ]; then echo "Logs kept in $dir"; else rm -rf "$dir"; fi
}
trap cleanup EXIT

echo "== building catalyst and the rush driver"
go build -o "$dir/catalyst" ./cmd/catalyst
go test -c -o "$dir/rush.test" ./cmd/catalyst
cat=$dir/catalyst

echo "== PostgreSQL"
pgport=$(free_port)
"${as_pg[@]}" "$pgbin/initdb" -D "$dir/pg/data" -U postgres -A trust -E UTF8 >"$dir/initdb.log" 2>&1
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -t 60 \
  -o "-h 127.0.0.1 -p $pgport -k $dir/pg -c max_connections=300" start >/dev/null
pg="postgres://postgres@127.0.0.1:$pgport"
"$pgbin/psql" -q "$pg/postgres?sslmode=disable" -c "CREATE DATABASE catalyst"
db="$pg/catalyst?sslmode=disable"

wait_for() { # file text seconds
  for _ in $(seq 1 "$3"); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 1; done
  echo "no \"$2\" in $1 after $3 s:"; tail -20 "$1"; exit 1
}

echo "== Temporal in PostgreSQL"
tport=$(free_port)
"$cat" part temporal --postgres "$pg/postgres?sslmode=disable" --frontend "127.0.0.1:$tport" --log "$dir" >"$dir/temporal.out" 2>&1 &
pids+=($!)
wait_for "$dir/temporal.out" "Temporal frontend" 120

echo "== S3"
"$cat" part s3 --data "$dir/s3" >"$dir/s3.out" 2>&1 &
pids+=($!)
wait_for "$dir/s3.out" "S3 secret key" 60

echo "== a test SMTP server (GOV.UK Notify or a department's relay in production)"
"$cat" part mail --data "$dir/mail" >"$dir/mail.out" 2>&1 &
pids+=($!)
wait_for "$dir/mail.out" "SMTP URL" 30
export CATALYST_SMTP_URL=$(sed -n 's/^SMTP URL: //p' "$dir/mail.out")
export CATALYST_MAIL_FROM=catalyst@topology.test

[ "${PROFILE:-}" = 1 ] && export CATALYST_CPU_PROFILE_DIR=$dir/profiles

export CATALYST_DATABASE_URL=$db
export CATALYST_TEMPORAL_ADDRESS=127.0.0.1:$tport
export CATALYST_S3_ENDPOINT=$(sed -n 's/^S3 endpoint: //p' "$dir/s3.out")
export CATALYST_S3_ACCESS_KEY=$(sed -n 's/^S3 access key: //p' "$dir/s3.out")
export CATALYST_S3_SECRET_KEY=$(sed -n 's/^S3 secret key: //p' "$dir/s3.out")
export CATALYST_CLAMD=${CATALYST_CLAMD:-none} # no clamd in the topology: documents are kept as not checked
export CATALYST_SESSION_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
# The rush opens its competition for WINDOW only; production keeps a day at least.
export CATALYST_SHORTEST_OPEN=${SHORTEST_OPEN:-30s}
# The workers keep the public transparency log, as production does.
export $("$cat" log key --origin topology.test/log)

echo "== catalyst migrate"
"$cat" migrate

api_ports=("$(free_port)" "$(free_port)")
worker_ports=("$(free_port)" "$(free_port)")
api_pid=()
worker_pid=()
start_api() {
  CATALYST_ADDR=127.0.0.1:${api_ports[$1]} CATALYST_PUBLIC_URL=http://127.0.0.1:${api_ports[$1]} \
    "$cat" api >>"$dir/api$1.log" 2>&1 &
  api_pid[$1]=$!
  pids+=($!)
}
start_worker() {
  CATALYST_WORKER_HEALTH_ADDR=127.0.0.1:${worker_ports[$1]} CATALYST_PUBLIC_URL=http://127.0.0.1:${api_ports[0]} "$cat" worker >>"$dir/worker$1.log" 2>&1 &
  worker_pid[$1]=$!
  pids+=($!)
}
ready() {
  for _ in $(seq 1 60); do
    "$cat" probe "http://127.0.0.1:${api_ports[$1]}/readyz" >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "api $1 not ready:"; tail -20 "$dir/api$1.log"; exit 1
}
echo "== two catalyst api, two catalyst worker"
for i in 0 1; do start_api $i; start_worker $i; done
for i in 0 1; do ready $i; done

killing="api 0 and worker 0 killed at ${kill_at}s"
[ "$kill_at" = never ] && killing="nothing killed"
scripts/cpu-by-process.py sample "$dir/cpu.tsv" &
pids+=($!)
echo "== the rush: $n suppliers, $mb MB each, $clients at once, against both APIs; $killing"
"$dir/rush.test" -test.v -test.run '^$' -test.bench BenchmarkDeadlineRush -test.benchtime 1x -test.timeout 40m \
  -rush.urls "http://127.0.0.1:${api_ports[0]},http://127.0.0.1:${api_ports[1]}" -rush.database "$db" \
  -rush.suppliers "$n" -rush.mb "$mb" -rush.clients "$clients" -rush.window "$window" -rush.finish >"$dir/rush.out" 2>&1 &
rush=$!
started=$SECONDS
# Until the kill, or the rush's end if sooner (KILL_AT=never: a rush with nothing killed).
while kill -0 "$rush" 2>/dev/null && { [ "$kill_at" = never ] || [ $((SECONDS - started)) -lt "$kill_at" ]; }; do sleep 1; done
if [ "$kill_at" != never ] && kill -0 "$rush" 2>/dev/null; then
  kill -9 "${api_pid[0]}" "${worker_pid[0]}"
  echo "   killed api 0 and worker 0 at $((SECONDS - started)) s"
  sleep "$restart_after"
  start_api 0
  start_worker 0
  ready 0
  echo "   api 0 and worker 0 started again and ready at $((SECONDS - started)) s"
else
  echo "   the rush ended before the kill"
fi
status=0
wait "$rush" || status=$?
grep -v '^Using sidecar\|^No IAM' "$dir/rush.out" | sed -n '/^Benchmark/,$p'
read -r from to < <(sed -n 's/.*submits window (Unix time): //p' "$dir/rush.out") || true
[ -n "${from:-}" ] && scripts/cpu-by-process.py report "$dir/cpu.tsv" "$from" "$to"
if [ "${PROFILE:-}" = 1 ]; then
  # A clean stop writes each profile (the whole of each process's life, the uploads included).
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
  for f in "$dir"/profiles/*.pprof; do
    echo "== $(basename "$f" .pprof): where its CPU went"
    go tool pprof -top -nodecount=25 "$f" 2>/dev/null | sed -n '4,30p'
  done
fi
exit $status
