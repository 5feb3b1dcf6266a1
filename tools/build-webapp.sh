#!/usr/bin/env bash
# `next build` of the web UI, skipped while the last build is newer than its sources and the
# api-client it uses (a full build takes about a minute on 2 cores).
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT/apps/webapp"
stamp=.next/BUILD_ID
if [ -f "$stamp" ] && [ -z "$(find src next.config.ts package.json ../../libs/api-client/dist ../../libs/config/dist -newer "$stamp" -print -quit)" ]; then
  exit 0
fi
log "building the web UI (next build)"
NEXT_TELEMETRY_DISABLED=1 npx next build > "$REPO_ROOT/.next-build.log" 2>&1 || { cat "$REPO_ROOT/.next-build.log" >&2; exit 1; }
