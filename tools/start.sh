#!/usr/bin/env bash
# `npm start`: install what is missing, build, then run the embedded Tributary stack in the
# foreground (PostgreSQL, Temporal dev server, bootloader, Config API, worker) until Ctrl-C.
# See tools/stack/ and the README for the environment overrides.
#
# `npm start -- demo` runs the older data-plane demo instead (airbyte-source-faker synced
# into the local Postgres by the tributary-sync CLI, no API); `npm start -- stop` stops the
# Postgres server the demo leaves running.
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

DATA_DIR="${TRIBUTARY_DATA_DIR:-$REPO_ROOT/.data}"
PG_DIR="$DATA_DIR/postgres"
PG_PORT="${TRIBUTARY_POSTGRES_PORT:-15432}"

run_demo() {
  local faker="pypi:airbyte-source-faker==7.2.1"
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT (data: $PG_DIR)"
  local pg_url
  pg_url=$(bash tools/postgres.sh start "$PG_DIR" "$PG_PORT")
  log "demo sync: airbyte-source-faker -> destination-postgres (schema 'demo')"
  log "the first run installs the connector into $TRIBUTARY_CACHE_DIR/connectors (about a minute)"
  TRIBUTARY_DATA_DIR="$TRIBUTARY_CACHE_DIR" node apps/cli/dist/bin/tributary-sync.js \
    --source "$faker" --source-config '{"count": 5000, "seed": 42}' \
    --destination destination-postgres \
    --destination-config "{\"host\":\"127.0.0.1\",\"port\":$PG_PORT,\"database\":\"postgres\",\"username\":\"postgres\",\"password\":\"\",\"schema\":\"demo\"}" \
    --state "$DATA_DIR/demo-state.json"
  log "rows now in Postgres ($pg_url):"
  psql "$pg_url" -Atc "select 'demo.users', count(*) from demo.users union all select 'demo.products', count(*) from demo.products union all select 'demo.purchases', count(*) from demo.purchases" | sed 's/|/: /'
  log "run 'npm start -- demo' again for an incremental sync; 'npm start -- stop' stops Postgres"
}

case "${1:-}" in
  stop)
    bash tools/postgres.sh stop "$PG_DIR"
    log "Postgres in $PG_DIR stopped"
    exit 0
    ;;
  demo | "") ;;
  *)
    log "usage: npm start [-- demo | stop]"
    exit 2
    ;;
esac

ensure_system_deps
ensure_node_modules
log "building"
npm run -s build
npm run -s bundle -w @tributary/worker
bash tools/build-webapp.sh

if [ "${1:-}" = demo ]; then
  run_demo
  exit 0
fi
# built once into the cache on a fresh machine (minutes): said here, before the stack starts
if [ -z "${TEMPORAL_ADDRESS:-}" ] && [ -z "${TEMPORAL_CLI:-}" ]; then
  TEMPORAL_CLI="$(bash tools/ensure-temporal.sh)"
  export TEMPORAL_CLI
fi
exec node tools/stack/main.mjs
