#!/usr/bin/env bash
# Builds two small helpers from Cilium's own release (the Go module proxy) into
# the control-plane binary cache, keyed by version, and writes Cilium's CRDs there:
#   cilium-crds      writes the CRDs embedded in pkg/k8s/apis/cilium.io/client/crds/v2
#                    (the files the Cilium operator installs); run once here, its output
#                    is crds/*.yaml, which tests/harness/crds.ts installs on the test cluster
#   cilium-sanitize  Cilium's pkg/policy/api Rule.Sanitize() over CiliumNetworkPolicy specs
#                    (tests/integration/cilium-*.test.ts)
# Pinned by go/cilium-crds and go/cilium-sanitize go.mod + go.sum (regenerate with
# go/pin.sh). Does nothing when the cache is full. Called by build-controlplane.sh.
# Usage: build-cilium.sh [--print-dir]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=go/versions.env
source "$here/go/versions.env"
# shellcheck source=cache.sh
source "$here/cache.sh"
dir="$cache_root/cilium-${CILIUM_VERSION}"
crds=(ciliumnetworkpolicies.yaml ciliumclusterwidenetworkpolicies.yaml)
if [ "${1:-}" = "--print-dir" ]; then echo "$dir"; exit 0; fi
complete=1
for f in cilium-sanitize "${crds[@]/#/crds/}"; do [ -s "$dir/$f" ] || complete=0; done
if [ "$complete" = 1 ]; then
  echo "cilium helpers and CRDs present: $dir" >&2
  exit 0
fi
require_go build-cilium

started=$(date +%s)
start_work build-cilium
export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=readonly -trimpath"
echo "building Cilium ${CILIUM_VERSION} helpers (about a minute the first time)..." >&2
(cd "$here/go/cilium-crds" && go build -ldflags "-s -w" -o "$work/cilium-crds" .)
(cd "$here/go/cilium-sanitize" && go build -ldflags "-s -w" -o "$work/cilium-sanitize" .)
"$work/cilium-crds" "$work/crds" "${crds[@]}"

publish "$dir"
echo "cilium helpers built and CRDs written in $(( $(date +%s) - started ))s: $dir ($(du -sh "$dir" | cut -f1))" >&2
