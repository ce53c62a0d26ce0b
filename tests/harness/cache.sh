# Sourced by the harness's build and fetch scripts: the cache they share (keyed by
# version, outside the repository) and how an entry is built and published.
# shellcheck shell=bash
cache_root=${FLOE_CONTROLPLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/floe/controlplane}

# require_go NAME: exit 3, naming the script, when there is no Go to build with.
require_go() {
  command -v go >/dev/null || { echo "$1: 'go' not found on PATH; install Go >= 1.25 (the polyglot machine ships it)" >&2; exit 3; }
}

# start_work NAME: sets $work to a fresh directory inside the cache (same file system, so
# publishing is a rename), removed on exit unless published.
start_work() {
  mkdir -p "$cache_root"
  work=$(mktemp -d "$cache_root/.$1-XXXXXX")
  trap 'rm -rf "$work"' EXIT
}

# publish DIR: $work becomes DIR, replacing what was there.
publish() {
  rm -rf "$1.old"
  if [ -d "$1" ]; then mv "$1" "$1.old"; fi
  mv "$work" "$1"
  rm -rf "$1.old"
  trap - EXIT
}
