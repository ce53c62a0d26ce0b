#!/usr/bin/env bash
# Fetches the network-policy-api CRDs (ClusterNetworkPolicy from NETWORK_POLICY_API_VERSION,
# AdminNetworkPolicy and BaselineAdminNetworkPolicy from NETWORK_POLICY_API_V1ALPHA1_VERSION)
# from the Go module proxy, checked against go/network-policy-api*/go.sum, into the
# control-plane binary cache. tests/harness/network-policy-api-crds.ts installs them on cluster start.
# Called by build-controlplane.sh (so by `pnpm cluster:build`). Does nothing when cached.
# Usage: fetch-network-policy-api.sh [--print-dir]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=go/versions.env
source "$here/go/versions.env"
# shellcheck source=cache.sh
source "$here/cache.sh"
dir="$cache_root/network-policy-api-${NETWORK_POLICY_API_VERSION}-${NETWORK_POLICY_API_V1ALPHA1_VERSION}"
if [ "${1:-}" = "--print-dir" ]; then echo "$dir"; exit 0; fi
if [ -f "$dir/.complete" ]; then
  echo "network-policy-api CRDs present: $dir" >&2
  exit 0
fi
require_go fetch-network-policy-api

# module_dir WRAPPER VERSION: the module's extracted source, verified against WRAPPER's go.sum.
module_dir() {
  local wrapper=$1 version=$2 out
  out=$(cd "$here/go/$wrapper" && go mod download -json "sigs.k8s.io/network-policy-api@${version}")
  sed -n 's/.*"Dir": "\(.*\)",/\1/p' <<<"$out"
}
v1=$(module_dir network-policy-api "$NETWORK_POLICY_API_VERSION")
v1alpha1=$(module_dir network-policy-api-v1alpha1 "$NETWORK_POLICY_API_V1ALPHA1_VERSION")
[ -d "$v1/config/crd/standard" ] && [ -d "$v1alpha1/config/crd" ] || { echo "fetch-network-policy-api: CRD directories missing in $v1 or $v1alpha1" >&2; exit 1; }

start_work fetch-npapi
mkdir -p "$work/standard" "$work/experimental" "$work/v1alpha1" "$work/conformance"
cp "$v1"/config/crd/standard/policy.networking.k8s.io_*.yaml "$work/standard/"
cp "$v1"/config/crd/experimental/policy.networking.k8s.io_*.yaml "$work/experimental/"
cp "$v1alpha1"/config/crd/policy.networking.k8s.io_*.yaml "$work/v1alpha1/"
# The conformance scenarios the engine's table tests transcribe (packages/floe-core/test/policy/tiers-conformance.test.ts).
cp -r "$v1/conformance/tests" "$v1/conformance/base" "$work/conformance/"
chmod -R u+w "$work"
touch "$work/.complete"
publish "$dir"
echo "network-policy-api CRDs ${NETWORK_POLICY_API_VERSION} + ${NETWORK_POLICY_API_V1ALPHA1_VERSION}: $dir" >&2
