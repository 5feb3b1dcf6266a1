#!/usr/bin/env bash
# `npm run bench:pyairbyte`: the same airbyte-source-faker records into Postgres with
# PyAirbyte (its Postgres cache) and with Tributary (engine + destination-postgres), in one
# run against one PostgreSQL server. Both use the same faker executable (installed once in
# the cache) so only the pipelines differ. BENCH_COUNT (faker users, default 20000) scales it.
# Last line: {"bench":"pyairbyte","records":N,"pyairbyte_s":..,"tributary_s":..,"ratio":..}
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
COUNT="${BENCH_COUNT:-20000}"
STREAMS="${BENCH_STREAMS:-users,products,purchases}"
FAKER_VERSION=7.2.1
PYAIRBYTE_VERSION=0.71.3

ensure_system_deps
ensure_node_modules
[ -f apps/cli/dist/bin/tributary-sync.js ] || npm run -s build

venv="$TRIBUTARY_CACHE_DIR/bench/pyairbyte-$PYAIRBYTE_VERSION"
if [ ! -f "$venv/.installed" ]; then
  log "installing PyAirbyte $PYAIRBYTE_VERSION into $venv (once)"
  rm -rf "$venv"; python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "airbyte==$PYAIRBYTE_VERSION"
  touch "$venv/.installed"
fi

work=$(mktemp -d); chmod 755 "$work"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { bash tools/postgres.sh stop "$work/pg" || true; rm -rf "$work"; }
trap cleanup EXIT
url=$(bash tools/postgres.sh start "$work/pg" "$port")
psql -q "$url" -c "create database bench" >/dev/null
db_url="${url%/postgres}/bench"

sync=(node apps/cli/dist/bin/tributary-sync.js --data-dir "$TRIBUTARY_CACHE_DIR" --quiet
  --source "pypi:airbyte-source-faker==$FAKER_VERSION" --source-config "{\"count\":$COUNT,\"seed\":1}"
  --destination destination-postgres --streams "$STREAMS" --mode full_refresh_overwrite)
pg_config="{\"host\":\"127.0.0.1\",\"port\":$port,\"database\":\"bench\",\"username\":\"postgres\",\"password\":\"\",\"schema\":\"tributary\"}"

log "warming up: install faker once, both sides' first start"
"${sync[@]}" --destination-config "$pg_config" >/dev/null
faker="$(ls "$TRIBUTARY_CACHE_DIR"/connectors/pypi/airbyte-source-faker-$FAKER_VERSION/bin/source-faker)"

count_rows() { # schema
  local sql="" s
  for s in ${STREAMS//,/ }; do sql+="${sql:+ + }(select count(*) from \"$1\".\"$s\")"; done
  psql -Atq "$db_url" -c "select $sql"
}

log "PyAirbyte: faker count=$COUNT streams=$STREAMS -> PostgresCache"
py=$(cd "$work" && AIRBYTE_OFFLINE_MODE=1 DO_NOT_TRACK=1 BENCH_COUNT=$COUNT BENCH_STREAMS=$STREAMS FAKER_EXECUTABLE=$faker PG_PORT=$port PG_DATABASE=bench \
  "$venv/bin/python" "$REPO_ROOT/tools/bench/pyairbyte_read.py" 2>"$work/pyairbyte.log" | tail -n 1) \
  || { tail -n 30 "$work/pyairbyte.log" >&2; exit 1; }
py_s=$(python3 -c "import json,sys; print(round(json.loads(sys.argv[1])['seconds'], 3))" "$py")
py_rows=$(count_rows pyairbyte)
log "PyAirbyte: ${py_s}s, $py_rows rows"

log "Tributary: same faker, engine + destination-postgres"
t0=$(date +%s.%N)
"${sync[@]}" --destination-config "$pg_config" --json > "$work/tributary.json"
t1=$(date +%s.%N)
tr_s=$(python3 -c "print(round($t1 - $t0, 3))")
tr_rows=$(count_rows tributary)
log "Tributary: ${tr_s}s, $tr_rows rows ($(python3 -c "print(round($tr_rows / ($t1 - $t0)))") rows/s end to end)"

[ "$py_rows" = "$tr_rows" ] || log "WARNING: row counts differ (PyAirbyte $py_rows, Tributary $tr_rows)"
python3 -c "import json; print(json.dumps({'bench':'pyairbyte','records':$tr_rows,'pyairbyte_records':$py_rows,'pyairbyte_s':$py_s,'tributary_s':$tr_s,'ratio':round($tr_s/$py_s,3)}))"
