#!/usr/bin/env bash
# Prints the path of a Temporal CLI (for `temporal server start-dev`): from PATH, or built
# once with `go install` into the per-user cache. v1.5.1 is pinned: newer tags carry a
# replace directive and refuse `go install`.
source "$(dirname "$0")/lib.sh"
TEMPORAL_CLI_VERSION="${TEMPORAL_CLI_VERSION:-v1.5.1}"
if command -v temporal >/dev/null 2>&1; then command -v temporal; exit 0; fi
bin_dir="$TRIBUTARY_CACHE_DIR/temporal-$TEMPORAL_CLI_VERSION/bin"
if [ ! -x "$bin_dir/temporal" ]; then
  mkdir -p "$bin_dir"
  # test files start servers in parallel: one build, the others wait for it
  exec 9>"$bin_dir/../build.lock"
  flock 9
  if [ ! -x "$bin_dir/temporal" ]; then
    go="$(go_cmd)"
    go_env
    log "building the Temporal CLI $TEMPORAL_CLI_VERSION with go install (once; a few minutes)"
    started=$SECONDS
    GOBIN="$bin_dir" "$go" install -trimpath -ldflags="-s -w" "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" >&2
    log "Temporal CLI built in $((SECONDS - started)) s: $bin_dir/temporal"
  fi
fi
echo "$bin_dir/temporal"
