#!/usr/bin/env bash
# Builds kube-apiserver, kubectl and etcd from the Go module proxy into a cache
# keyed by version, outside the repository. Does nothing when the cache is full.
# Also builds kube-router (the NetworkPolicy enforcer of tests/enforcement) via
# build-kube-router.sh, into the same cache.
# Usage: build-controlplane.sh [--print-dir]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=go/versions.env
source "$here/go/versions.env"
cache_root=${FLOE_CONTROLPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/floe/controlplane}
dir="$cache_root/kubernetes-${KUBERNETES_VERSION}-etcd-${ETCD_VERSION}"
if [ "${1:-}" = "--print-dir" ]; then echo "$dir"; exit 0; fi

if [ -x "$dir/kube-apiserver" ] && [ -x "$dir/kubectl" ] && [ -x "$dir/etcd" ]; then
  echo "control plane binaries present: $dir" >&2
  exec bash "$here/build-kube-router.sh"
fi
command -v go >/dev/null || { echo "build-controlplane: 'go' not found on PATH; install Go >= 1.25 (the polyglot machine ships it)" >&2; exit 3; }

started=$(date +%s)
mkdir -p "$cache_root"
work=$(mktemp -d "$cache_root/.build-XXXXXX")
trap 'rm -rf "$work"' EXIT
export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=readonly -trimpath"

# /version must report the real release: the same -X flags as hack/lib/version.sh.
minor=${KUBERNETES_VERSION#v1.}; minor=${minor%%.*}
build_date=$(cd "$here/go/kube-apiserver" && go mod download -json "k8s.io/kubernetes@${KUBERNETES_VERSION}" \
  | sed -n 's/.*"Info": "\(.*\)",/\1/p' | xargs sed -n 's/.*"Time":"\([^"]*\)".*/\1/p')
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X ${pkg}.gitVersion=${KUBERNETES_VERSION} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${minor}"
  ldflags+=" -X ${pkg}.gitTreeState=clean -X ${pkg}.buildDate=${build_date}"
done

echo "building kube-apiserver and kubectl ${KUBERNETES_VERSION} (first build takes several minutes)..." >&2
(cd "$here/go/kube-apiserver" && go build -ldflags "$ldflags" -o "$work/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl)
echo "building etcd ${ETCD_VERSION}..." >&2
(cd "$here/go/etcd" && go build -ldflags "-s -w" -o "$work/etcd" .)

rm -rf "$dir.old"; [ -d "$dir" ] && mv "$dir" "$dir.old"
mv "$work" "$dir"; rm -rf "$dir.old"
trap - EXIT
echo "control plane binaries built in $(( $(date +%s) - started ))s: $dir ($(du -sh "$dir" | cut -f1))" >&2
bash "$here/build-kube-router.sh"
