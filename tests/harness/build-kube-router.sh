#!/usr/bin/env bash
# Builds kube-router (used only for its NetworkPolicy firewall, by tests/enforcement)
# from the Go module proxy into the control-plane binary cache, keyed by version.
# Pinned by go/kube-router/go.mod + go.sum (regenerate with go/pin.sh). Does nothing
# when the binary is already cached. Called by build-controlplane.sh.
# Usage: build-kube-router.sh [--print-dir]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=go/versions.env
source "$here/go/versions.env"
# shellcheck source=cache.sh
source "$here/cache.sh"
dir="$cache_root/kube-router-${KUBE_ROUTER_VERSION}"
if [ "${1:-}" = "--print-dir" ]; then echo "$dir"; exit 0; fi
if [ -x "$dir/kube-router" ]; then
  echo "kube-router binary present: $dir" >&2
  exit 0
fi
require_go build-kube-router

started=$(date +%s)
start_work build-kube-router
export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=readonly -trimpath"
# The same -X flags as kube-router's Makefile, so `kube-router --version` names the release.
build_date=$(cd "$here/go/kube-router" && go mod download -json "github.com/cloudnativelabs/kube-router/v2@${KUBE_ROUTER_VERSION}" \
  | sed -n 's/.*"Info": "\(.*\)",/\1/p' | xargs sed -n 's/.*"Time":"\([^"]*\)".*/\1/p')
pkg=github.com/cloudnativelabs/kube-router/v2/pkg/version
echo "building kube-router ${KUBE_ROUTER_VERSION} (about 3 minutes the first time)..." >&2
(cd "$here/go/kube-router" && go build -ldflags "-s -w -X ${pkg}.Version=${KUBE_ROUTER_VERSION} -X ${pkg}.BuildDate=${build_date}" \
  -o "$work/kube-router" github.com/cloudnativelabs/kube-router/v2/cmd/kube-router)

publish "$dir"
echo "kube-router built in $(( $(date +%s) - started ))s: $dir ($(du -sh "$dir" | cut -f1))" >&2
