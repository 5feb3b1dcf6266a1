#!/usr/bin/env bash
# `npm start`. Until the Config API lands this runs the data-plane demo: a real PyPI
# connector (airbyte-source-faker) synced into a local PostgreSQL through Tributary.
# `npm start -- stop` stops the demo's Postgres server.
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

DATA_DIR="${TRIBUTARY_DATA_DIR:-$REPO_ROOT/.data}"
PG_DIR="$DATA_DIR/postgres"
PG_PORT="${TRIBUTARY_DEMO_PG_PORT:-15432}"
FAKER="pypi:airbyte-source-faker==7.2.1"

if [ "${1:-}" = stop ]; then
  bash tools/postgres.sh stop "$PG_DIR"
  log "demo Postgres stopped"
  exit 0
fi

ensure_system_deps
ensure_node_modules
log "building"
npm run -s build

log "starting PostgreSQL on 127.0.0.1:$PG_PORT (data: $PG_DIR)"
PG_URL=$(bash tools/postgres.sh start "$PG_DIR" "$PG_PORT")

log "demo sync: airbyte-source-faker -> destination-postgres (schema 'demo'); the Config API comes later"
log "the first run installs the connector into $TRIBUTARY_CACHE_DIR/connectors (about a minute)"
TRIBUTARY_DATA_DIR="$TRIBUTARY_CACHE_DIR" node apps/cli/dist/bin/tributary-sync.js \
  --source "$FAKER" --source-config '{"count": 5000, "seed": 42}' \
  --destination destination-postgres \
  --destination-config "{\"host\":\"127.0.0.1\",\"port\":$PG_PORT,\"database\":\"postgres\",\"username\":\"postgres\",\"password\":\"\",\"schema\":\"demo\"}" \
  --state "$DATA_DIR/demo-state.json"

log "rows now in Postgres ($PG_URL):"
psql "$PG_URL" -Atc "select 'demo.users', count(*) from demo.users union all select 'demo.products', count(*) from demo.products union all select 'demo.purchases', count(*) from demo.purchases" | sed 's/|/: /'
log "run 'npm start' again for an incremental sync; 'npm start -- stop' stops Postgres"
