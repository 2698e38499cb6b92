#!/usr/bin/env bash
# The test bed's one command: `up` (default) provisions idempotently, `down` stops what it started,
# `status` reports without changing anything. Run through `npm run testbed [-- down|status]`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/env.sh"
. "$here/lib.sh"
. "$here/apt.sh"
. "$here/tools.sh"
. "$here/dockerd.sh"
. "$here/nat.sh"
. "$here/registry.sh"
. "$here/buildkitd.sh"
. "$here/buildx.sh"
. "$here/rootfs.sh"
. "$here/images.sh"
. "$here/sbom-scanner.sh"
. "$here/down.sh"

usage() {
  printf 'usage: npm run testbed [-- up|down|status]\n' >&2
  exit 2
}

command="${1:-up}"
case "$command" in up | down | status) ;; *) usage ;; esac

if ((EUID != 0)); then
  printf 'testbed: must run as root (it installs packages and starts daemons); try: sudo npm run testbed\n' >&2
  exit 1
fi

mkdir -p "$GOPHERFILE_RUN_DIR" "$GOPHERFILE_LOG_DIR"
# One provisioner at a time: several checkouts on one machine share the same daemons.
exec 9>"$GOPHERFILE_RUN_DIR/testbed.lock"
if ! flock -n 9; then
  note "another \`npm run testbed\` holds $GOPHERFILE_RUN_DIR/testbed.lock; waiting for it"
  flock 9
fi

started=$SECONDS
case "$command" in
  up)
    ensure_packages
    require_go
    prefetch_sbom_scanner_modules
    ensure_buildkit_tools
    ensure_buildx_tool
    ensure_sbom_scanner_tool
    ensure_dockerd
    ensure_nat
    ensure_registry
    ensure_buildkitd
    ensure_buildx_builder
    ensure_images
    ensure_sbom_scanner_image
    note "ready in $((SECONDS - started))s; logs in $GOPHERFILE_LOG_DIR; stop with \`npm run testbed -- down\`"
    ;;
  down)
    testbed_down
    ;;
  status)
    testbed_status
    ;;
esac
