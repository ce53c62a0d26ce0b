#!/usr/bin/env bash
# Regenerates the wrapper modules' go.mod/go.sum from versions.env: the newest
# control plane (go/kube-apiserver, go/etcd), the oldest supported one
# (go/kube-apiserver-oldest, go/etcd-oldest), kube-router (go/kube-router) and the
# network-policy-api CRD sources (go/network-policy-api, go/network-policy-api-v1alpha1).
# k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them
# with ./staging/...; a consumer must replace each one with the published
# v0.X.Y tag. The list is read from the release's own go.mod, not typed here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"

# pin_kubernetes DIR VERSION TOOL...: a wrapper module requiring k8s.io/kubernetes at VERSION with TOOLs.
pin_kubernetes() {
  local dir=$1 version=$2; shift 2
  local staging_version="v0.${version#v1.}" gomod m tool
  cd "$here/$dir"
  rm -f go.mod go.sum
  go mod init "floe.dev/harness/$dir" >/dev/null
  gomod=$(go mod download -json "k8s.io/kubernetes@${version}" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')
  mapfile -t staging < <(sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$gomod")
  [ "${#staging[@]}" -gt 10 ] || { echo "pin.sh: found only ${#staging[@]} staging modules in $gomod" >&2; exit 1; }
  for m in "${staging[@]}"; do
    go mod edit -replace "${m}=${m}@${staging_version}"
  done
  for tool in "$@"; do
    go get -tool "k8s.io/kubernetes/cmd/${tool}@${version}"
  done
  go mod tidy
  echo "pinned kubernetes ${version} in go/${dir} (${#staging[@]} staging modules at ${staging_version})"
}

# pin_etcd DIR VERSION: a wrapper module whose main.go calls etcdmain of go.etcd.io/etcd/server/v3 at VERSION.
pin_etcd() {
  local dir=$1 version=$2
  cd "$here/$dir"
  rm -f go.mod go.sum
  go mod init "floe.dev/harness/$dir" >/dev/null
  go get "go.etcd.io/etcd/server/v3@${version}"
  go mod tidy
  echo "pinned etcd ${version} in go/${dir}"
}

pin_kubernetes kube-apiserver "$KUBERNETES_VERSION" kube-apiserver kubectl
pin_etcd etcd "$ETCD_VERSION"
pin_kubernetes kube-apiserver-oldest "$KUBERNETES_OLDEST_VERSION" kube-apiserver
pin_etcd etcd-oldest "$ETCD_OLDEST_VERSION"

cd "$here/kube-router"
rm -f go.mod go.sum
go mod init floe.dev/harness/kube-router >/dev/null
go get -tool "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@${KUBE_ROUTER_VERSION}"
go mod tidy
echo "pinned kube-router ${KUBE_ROUTER_VERSION}"

# pin_module DIR VERSION: a wrapper module that only requires sigs.k8s.io/network-policy-api at
# VERSION (its CRDs are copied, nothing is built, so no tidy: it would drop the requirement).
pin_module() {
  local dir=$1 version=$2
  cd "$here/$dir"
  rm -f go.mod go.sum
  go mod init "floe.dev/harness/$dir" >/dev/null
  go mod edit -require "sigs.k8s.io/network-policy-api@${version}"
  go mod download sigs.k8s.io/network-policy-api
  echo "pinned sigs.k8s.io/network-policy-api ${version} in go/${dir}"
}
pin_module network-policy-api "$NETWORK_POLICY_API_VERSION"
pin_module network-policy-api-v1alpha1 "$NETWORK_POLICY_API_V1ALPHA1_VERSION"

# pin_cilium DIR: a helper module whose main.go imports a package of github.com/cilium/cilium at CILIUM_VERSION.
pin_cilium() {
  cd "$here/$1"
  rm -f go.mod go.sum
  go mod init "floe.dev/harness/$1" >/dev/null
  go get "github.com/cilium/cilium@${CILIUM_VERSION}"
  go mod tidy
  echo "pinned cilium ${CILIUM_VERSION} in go/$1"
}
pin_cilium cilium-crds
pin_cilium cilium-sanitize
