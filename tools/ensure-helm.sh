#!/usr/bin/env bash
# Prints the path of a helm binary for the chart tests: HELM when set, else built once with
# `go install helm.sh/helm/v4/cmd/helm@<version>` into the per-user cache (a few minutes).
# Not taken from PATH: the tests need Helm 4 and would silently run whatever is installed.
source "$(dirname "$0")/lib.sh"
HELM_VERSION="${HELM_VERSION:-v4.3.2}"
if [ -n "${HELM:-}" ]; then echo "$HELM"; exit 0; fi
bin_dir="$TRIBUTARY_CACHE_DIR/helm-$HELM_VERSION/bin"
if [ ! -x "$bin_dir/helm" ]; then
  mkdir -p "$bin_dir"
  # test files run in parallel: one build, the others wait for it
  exec 9>"$bin_dir/../build.lock"
  flock 9
  if [ ! -x "$bin_dir/helm" ]; then
    go="$(go_cmd)"
    go_env
    log "building helm $HELM_VERSION with go install (once; a few minutes)"
    started=$SECONDS
    # stamped like a release build, so `helm version` says which one
    GOBIN="$bin_dir" "$go" install -trimpath -ldflags="-s -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION" \
      "helm.sh/helm/v4/cmd/helm@$HELM_VERSION" >&2
    log "helm built in $((SECONDS - started)) s: $bin_dir/helm"
  fi
fi
echo "$bin_dir/helm"
