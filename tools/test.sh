#!/usr/bin/env bash
# `npm test`: install what is missing, build, run every test (unit + integration + e2e).
# Extra arguments go to vitest, e.g. `npm test -- --project replication`.
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
ensure_system_deps
ensure_node_modules
log "building"
npx tsc -b tsconfig.build.json
bash tools/build-webapp.sh
log "running tests (connector virtualenvs cached in $TRIBUTARY_CACHE_DIR)"
exec npx vitest run "$@"
