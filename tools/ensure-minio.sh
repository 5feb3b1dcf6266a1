#!/usr/bin/env bash
# Prints the path of a MinIO server for the S3 storage tests: MINIO_SERVER when set, else built
# once with `go install github.com/minio/minio@<version>` into the per-user cache (several
# minutes on 2 cores). MinIO's release tags are not semver, so the Go module proxy serves it
# as a pseudo-version: this one is the `@latest` of 2026-02 (go 1.24, no replace directive).
source "$(dirname "$0")/lib.sh"
MINIO_VERSION="${MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}"
if [ -n "${MINIO_SERVER:-}" ]; then echo "$MINIO_SERVER"; exit 0; fi
bin_dir="$TRIBUTARY_CACHE_DIR/minio-$MINIO_VERSION/bin"
if [ ! -x "$bin_dir/minio" ]; then
  mkdir -p "$bin_dir"
  # test files start servers in parallel: one build, the others wait for it
  exec 9>"$bin_dir/../build.lock"
  flock 9
  if [ ! -x "$bin_dir/minio" ]; then
    go="$(go_cmd)"
    go_env
    log "building the MinIO server $MINIO_VERSION with go install (once; several minutes)"
    started=$SECONDS
    GOBIN="$bin_dir" "$go" install -trimpath -ldflags=-s "github.com/minio/minio@$MINIO_VERSION" >&2
    log "MinIO built in $((SECONDS - started)) s: $bin_dir/minio"
  fi
fi
echo "$bin_dir/minio"
