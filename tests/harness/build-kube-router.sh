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
cache_root=${FLOE_CONTROLPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/floe/controlplane}
dir="$cache_root/kube-router-${KUBE_ROUTER_VERSION}"
if [ "${1:-}" = "--print-dir" ]; then echo "$dir"; exit 0; fi
if [ -x "$dir/kube-router" ]; then
  echo "kube-router binary present: $dir" >&2
  exit 0
fi
command -v go >/dev/null || { echo "build-kube-router: 'go' not found on PATH; install Go >= 1.25" >&2; exit 3; }

started=$(date +%s)
mkdir -p "$cache_root"
work=$(mktemp -d "$cache_root/.build-kube-router-XXXXXX")
trap 'rm -rf "$work"' EXIT
export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=readonly -trimpath"
# The same -X flags as kube-router's Makefile, so `kube-router --version` names the release.
build_date=$(cd "$here/go/kube-router" && go mod download -json "github.com/cloudnativelabs/kube-router/v2@${KUBE_ROUTER_VERSION}" \
  | sed -n 's/.*"Info": "\(.*\)",/\1/p' | xargs sed -n 's/.*"Time":"\([^"]*\)".*/\1/p')
pkg=github.com/cloudnativelabs/kube-router/v2/pkg/version
echo "building kube-router ${KUBE_ROUTER_VERSION} (about 3 minutes the first time)..." >&2
(cd "$here/go/kube-router" && go build -ldflags "-s -w -X ${pkg}.Version=${KUBE_ROUTER_VERSION} -X ${pkg}.BuildDate=${build_date}" \
  -o "$work/kube-router" github.com/cloudnativelabs/kube-router/v2/cmd/kube-router)

rm -rf "$dir.old"; [ -d "$dir" ] && mv "$dir" "$dir.old"
mv "$work" "$dir"; rm -rf "$dir.old"
trap - EXIT
echo "kube-router built in $(( $(date +%s) - started ))s: $dir ($(du -sh "$dir" | cut -f1))" >&2
