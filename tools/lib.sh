# Shared shell helpers for tools/*.sh (sourced, not run).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Per-user cache for slow downloads/builds (virtualenvs, Temporal CLI, MinIO): survives fresh clones.
export TRIBUTARY_CACHE_DIR="${TRIBUTARY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tributary}"
mkdir -p "$TRIBUTARY_CACHE_DIR"

log() { printf '\033[1m[tributary]\033[0m %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

APT_UPDATED=""
# apt_install PKG... : installs Debian packages that are missing (one apt-get update per run).
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# ensure_node_modules: npm ci when node_modules is missing or older than the lockfile.
ensure_node_modules() {
  local stamp="$REPO_ROOT/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$REPO_ROOT/package-lock.json" -nt "$stamp" ]; then
    log "npm ci"
    (cd "$REPO_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# ensure_system_deps: what tests and the embedded stack need from Debian.
ensure_system_deps() {
  command -v python3 >/dev/null || apt_install python3
  python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install postgresql
  command -v etcd >/dev/null || apt_install etcd-server # the Kubernetes tests' kube-apiserver stores in it
  # the web UI's browser tests drive Debian's Chromium (playwright-core never downloads one)
  [ -x /usr/bin/chromium ] || apt_install chromium
}

# go_cmd: prints a Go toolchain new enough for the tools built from source (kube-apiserver,
# helm; helm 4.3 needs Go >= 1.26). PATH first, then /usr/local/go; Debian bookworm's
# golang-go (1.19) is too old, so otherwise the official toolchain, published as the Go
# module golang.org/toolchain, is fetched once from the Go module proxy into the cache.
GO_TOOLCHAIN_VERSION="${GO_TOOLCHAIN_VERSION:-1.26.8}"
go_cmd() {
  local candidate
  for candidate in "$(command -v go || true)" /usr/local/go/bin/go "$TRIBUTARY_CACHE_DIR/go-toolchain-$GO_TOOLCHAIN_VERSION/go/bin/go"; do
    [ -x "$candidate" ] || continue
    # `go env GOVERSION` is go1.N.M; anything >= 1.26 builds them all
    local minor; minor="$("$candidate" env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
    if [ -n "$minor" ] && [ "$minor" -ge 26 ]; then echo "$candidate"; return 0; fi
  done
  local dir="$TRIBUTARY_CACHE_DIR/go-toolchain-$GO_TOOLCHAIN_VERSION" arch
  arch="$(dpkg --print-architecture)"
  mkdir -p "$dir"
  (
    flock 9
    if [ ! -x "$dir/go/bin/go" ]; then
      command -v curl >/dev/null || apt_install curl
      command -v unzip >/dev/null || apt_install unzip
      log "fetching the Go $GO_TOOLCHAIN_VERSION toolchain from the Go module proxy (once)"
      local zip="$dir/toolchain.zip" module_dir="golang.org/toolchain@v0.0.1-go$GO_TOOLCHAIN_VERSION.linux-$arch"
      curl -fsSL -o "$zip" "${GOPROXY_URL:-https://proxy.golang.org}/golang.org/toolchain/@v/v0.0.1-go$GO_TOOLCHAIN_VERSION.linux-$arch.zip"
      rm -rf "$dir/unpack" && unzip -q "$zip" -d "$dir/unpack" && rm -f "$zip"
      rm -rf "$dir/go" && mv "$dir/unpack/$module_dir" "$dir/go" && rm -rf "$dir/unpack"
      chmod +x "$dir/go/bin/"* "$dir/go/pkg/tool/"*/* 2>/dev/null || true
    fi
  ) 9>"$dir/fetch.lock"
  echo "$dir/go/bin/go"
}

# go_env: the module and build caches every Go build of ours shares (in the per-user cache).
go_env() {
  export GOMODCACHE="$TRIBUTARY_CACHE_DIR/go/mod" GOCACHE="$TRIBUTARY_CACHE_DIR/go/build" GOFLAGS=-mod=mod GOTOOLCHAIN=local
}

# start_tool_builds: builds the slow cached tools (Temporal CLI, MinIO, kube-apiserver, helm, Schemathesis)
# in the background, niced, one after another, so a cold cache builds them while npm ci, typecheck,
# lint and the TypeScript build run (those are mostly single-threaded). Each ensure script takes a
# lock, so the foreground call that needs a tool later just waits for it; a failed background build
# is simply tried again there, where its error shows.
start_tool_builds() {
  [ -n "${TRIBUTARY_TOOL_BUILDS_STARTED:-}" ] && return 0
  export TRIBUTARY_TOOL_BUILDS_STARTED=1
  local build_log="$TRIBUTARY_CACHE_DIR/tool-builds.log"
  log "building cached tools in the background (log: $build_log)"
  (
    for tool in temporal minio kube-apiserver helm schemathesis; do
      nice -n 10 bash "$REPO_ROOT/tools/ensure-$tool.sh" >/dev/null || true
    done
  ) </dev/null >/dev/null 2>>"$build_log" &
}
