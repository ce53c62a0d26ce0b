#!/usr/bin/env bash
# Builds the local control planes from the Go module proxy into a cache keyed by
# version, outside the repository: the newest Kubernetes (kube-apiserver, kubectl,
# etcd) and the oldest supported minor (kube-apiserver, etcd; the tests use the
# newest kubectl for both). Does nothing for a control plane whose cache is full.
# Also builds kube-router (the NetworkPolicy enforcer of tests/enforcement) via
# build-kube-router.sh, into the same cache; fetches the network-policy-api CRDs
# (fetch-network-policy-api.sh) that network-policy-api-crds.ts installs on the newest control plane,
# and builds Cilium's CRDs and rule validator via build-cilium.sh.
# Usage: build-controlplane.sh [newest|oldest]       build both (default), or one
#        build-controlplane.sh --print-dir [newest|oldest]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=go/versions.env
source "$here/go/versions.env"
# shellcheck source=cache.sh
source "$here/cache.sh"
cache_dir() { echo "$cache_root/kubernetes-$1-etcd-$2"; }
newest_dir=$(cache_dir "$KUBERNETES_VERSION" "$ETCD_VERSION")
oldest_dir=$(cache_dir "$KUBERNETES_OLDEST_VERSION" "$ETCD_OLDEST_VERSION")
usage() { echo "usage: build-controlplane.sh [newest|oldest] | --print-dir [newest|oldest]" >&2; exit 2; }

if [ "${1:-}" = "--print-dir" ]; then
  case "${2:-newest}" in newest) echo "$newest_dir" ;; oldest) echo "$oldest_dir" ;; *) usage ;; esac
  exit 0
fi
which=${1:-all}
case "$which" in all | newest | oldest) ;; *) usage ;; esac

# build KUBERNETES_VERSION ETCD_VERSION APISERVER_MODULE ETCD_MODULE CMD...: build CMDs of
# k8s.io/kubernetes and etcd into cache_dir, unless every binary is there already.
build() {
  local kube=$1 etcd=$2 kube_mod=$3 etcd_mod=$4; shift 4
  local dir cmd missing=0
  dir=$(cache_dir "$kube" "$etcd")
  for cmd in "$@" etcd; do [ -x "$dir/$cmd" ] || missing=1; done
  if [ "$missing" = 0 ]; then echo "control plane binaries present: $dir" >&2; return; fi
  require_go build-controlplane

  local started minor build_date ldflags pkg
  started=$(date +%s)
  start_work build
  # /version must report the real release: the same -X flags as hack/lib/version.sh.
  minor=${kube#v1.}; minor=${minor%%.*}
  build_date=$(cd "$here/go/$kube_mod" && go mod download -json "k8s.io/kubernetes@${kube}" \
    | sed -n 's/.*"Info": "\(.*\)",/\1/p' | xargs sed -n 's/.*"Time":"\([^"]*\)".*/\1/p')
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X ${pkg}.gitVersion=${kube} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${minor}"
    ldflags+=" -X ${pkg}.gitTreeState=clean -X ${pkg}.buildDate=${build_date}"
  done
  echo "building $* ${kube} (first build takes several minutes)..." >&2
  (cd "$here/go/$kube_mod" && go build -ldflags "$ldflags" -o "$work/" "${@/#/k8s.io/kubernetes/cmd/}")
  echo "building etcd ${etcd}..." >&2
  (cd "$here/go/$etcd_mod" && go build -ldflags "-s -w" -o "$work/etcd" .)

  publish "$dir"
  echo "control plane binaries built in $(( $(date +%s) - started ))s: $dir ($(du -sh "$dir" | cut -f1))" >&2
}

export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=readonly -trimpath"
if [ "$which" != oldest ]; then
  build "$KUBERNETES_VERSION" "$ETCD_VERSION" kube-apiserver etcd kube-apiserver kubectl
fi
if [ "$which" != newest ]; then
  build "$KUBERNETES_OLDEST_VERSION" "$ETCD_OLDEST_VERSION" kube-apiserver-oldest etcd-oldest kube-apiserver
fi
[ "$which" = oldest ] || bash "$here/build-kube-router.sh"
[ "$which" = oldest ] || bash "$here/fetch-network-policy-api.sh"
[ "$which" = oldest ] || bash "$here/build-cilium.sh"
