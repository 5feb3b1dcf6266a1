#!/usr/bin/env bash
# `npm test`: install what is missing, build, run every test (unit + integration + e2e).
# Extra arguments go to vitest, e.g. `npm test -- --project replication`.
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
ensure_system_deps
start_tool_builds
ensure_node_modules
log "building"
npm run -s build # tsc -b, then the builtin connectors' bundles
bash tools/build-webapp.sh
# slow one-time builds happen here, not inside a test's time limit (a cold cache builds the Temporal CLI for minutes)
TEMPORAL_CLI="$(bash tools/ensure-temporal.sh)"
export TEMPORAL_CLI
# the Kubernetes tests' kube-apiserver (cold on 2 cores: ~8 min idle, up to 28 loaded) and helm (~8 min), from source
KUBE_APISERVER="$(bash tools/ensure-kube-apiserver.sh)"
HELM="$(bash tools/ensure-helm.sh)"
export KUBE_APISERVER HELM
# the S3 storage tests' MinIO server (cold on 2 cores: ~15 min, from source)
MINIO_SERVER="$(bash tools/ensure-minio.sh)"
export MINIO_SERVER
# the API's property-based test runs Schemathesis from PyPI (a virtualenv in the cache)
SCHEMATHESIS="$(bash tools/ensure-schemathesis.sh)"
export SCHEMATHESIS
log "running tests (connector virtualenvs cached in $TRIBUTARY_CACHE_DIR)"
# besides vitest's own report, a JSON one from which the last line printed is the plain count
# ("N passed, N failed"), the closing line that tools reading this output understand
results="$(mktemp -t tributary-vitest-XXXXXX.json)"
trap 'rm -f "$results"' EXIT
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?
node "$REPO_ROOT/tools/test-summary.mjs" "$results" || true
exit "$status"
