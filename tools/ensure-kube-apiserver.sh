#!/usr/bin/env bash
# Prints the path of a kube-apiserver for the Kubernetes tests, built once from the Go module
# in tools/kube-apiserver into the per-user cache (about 8 minutes on 2 cores, 2 GB RSS), and
# makes sure Debian's etcd-server (the store it needs) is installed.
# KUBE_APISERVER overrides the binary (e.g. one from a Kubernetes release).
source "$(dirname "$0")/lib.sh"
command -v etcd >/dev/null || apt_install etcd-server
if [ -n "${KUBE_APISERVER:-}" ]; then echo "$KUBE_APISERVER"; exit 0; fi

module="$REPO_ROOT/tools/kube-apiserver"
version="$(sed -n 's/^[[:space:]]*k8s.io\/kubernetes \(v[0-9.]*\).*/\1/p' "$module/go.mod" | head -1)"
# a change to the module or to this script's build builds a new binary beside the old one
digest="$(cat "$module/go.mod" "$module/go.sum" "$module/main.go" "$0" | sha256sum | cut -c1-12)"
dir="$TRIBUTARY_CACHE_DIR/kube-apiserver-$version-$digest"
if [ ! -x "$dir/kube-apiserver" ]; then
  mkdir -p "$dir"
  # test files start API servers in parallel: one build, the others wait for it
  exec 9>"$dir/build.lock"
  flock 9
  if [ ! -x "$dir/kube-apiserver" ]; then
    go="$(go_cmd)"
    go_env
    log "building kube-apiserver $version from tools/kube-apiserver (once; about 8 minutes)"
    started=$SECONDS
    # the version /version reports (clients such as helm check it), as Kubernetes' release build stamps it
    minor="$(echo "$version" | cut -d. -f2)"
    stamp="-X k8s.io/component-base/version.gitVersion=$version -X k8s.io/component-base/version.gitMajor=1"
    stamp="$stamp -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
    "$go" build -C "$module" -mod=readonly -trimpath -ldflags="-s $stamp" -o "$dir/kube-apiserver.partial" . >&2
    mv "$dir/kube-apiserver.partial" "$dir/kube-apiserver"
    log "kube-apiserver built in $((SECONDS - started)) s: $dir/kube-apiserver"
  fi
fi
echo "$dir/kube-apiserver"
