#!/usr/bin/env bash
# Regenerates the wrapper modules' go.mod/go.sum from versions.env.
# k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them
# with ./staging/...; a consumer must replace each one with the published
# v0.X.Y tag. The list is read from the release's own go.mod, not typed here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
staging_version="v0.${KUBERNETES_VERSION#v1.}"

cd "$here/kube-apiserver"
rm -f go.mod go.sum
go mod init floe.dev/harness/kube-apiserver >/dev/null
gomod=$(go mod download -json "k8s.io/kubernetes@${KUBERNETES_VERSION}" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')
mapfile -t staging < <(sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$gomod")
[ "${#staging[@]}" -gt 10 ] || { echo "pin.sh: found only ${#staging[@]} staging modules in $gomod" >&2; exit 1; }
for m in "${staging[@]}"; do
  go mod edit -replace "${m}=${m}@${staging_version}"
done
go get -tool "k8s.io/kubernetes/cmd/kube-apiserver@${KUBERNETES_VERSION}"
go get -tool "k8s.io/kubernetes/cmd/kubectl@${KUBERNETES_VERSION}"
go mod tidy

cd "$here/etcd"
rm -f go.mod go.sum
go mod init floe.dev/harness/etcd >/dev/null
go get "go.etcd.io/etcd/server/v3@${ETCD_VERSION}"
go mod tidy
cd "$here/kube-router"
rm -f go.mod go.sum
go mod init floe.dev/harness/kube-router >/dev/null
go get -tool "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@${KUBE_ROUTER_VERSION}"
go mod tidy
echo "pinned kubernetes ${KUBERNETES_VERSION} (${#staging[@]} staging modules at ${staging_version}), etcd ${ETCD_VERSION}, kube-router ${KUBE_ROUTER_VERSION}"
