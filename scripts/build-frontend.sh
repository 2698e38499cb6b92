#!/usr/bin/env bash
# Builds the gopherfile frontend image from this checkout with the test bed's Docker 20.10,
# tags it for dockerd's store and pushes it to the local registry for buildkitd and buildx.
# Usage: scripts/build-frontend.sh [--as-published] [image-ref]   (default: $GOPHERFILE_FRONTEND_IMAGE)
# --as-published: also serve it under its published name, ghcr.io/gopherfile/gopherfile:1, so a
# spec's unchanged `# syntax=` line finds it: tagged so in dockerd, pushed as
# 127.0.0.1:5000/gopherfile/gopherfile:1 for buildkitd's ghcr.io mirror. Every checkout on the machine
# shares that name; the last one to run this wins.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/testbed/env.sh
published=""
if [[ "${1:-}" == --as-published ]]; then
  published=1
  shift
fi
image="${1:-${GOPHERFILE_FRONTEND_IMAGE:-$GOPHERFILE_REGISTRY/gopherfile/gopherfile:dev}}"
log="$GOPHERFILE_LOG_DIR/frontend-build.log"
mkdir -p "$GOPHERFILE_LOG_DIR"

start=$(date +%s.%N)
# Host networking: the build stage runs `npm ci` against the npm registry, and the test bed's
# dockerd keeps its own bridge off the developer's networks.
if ! env DOCKER_HOST="unix://$GOPHERFILE_DOCKER_SOCKET" DOCKER_BUILDKIT=1 \
  "$GOPHERFILE_DOCKER" build --network host --progress plain \
  -f frontend.Dockerfile \
  --build-arg "NODE_BUILD_IMAGE=$GOPHERFILE_NODE_BUILD_IMAGE" \
  --build-arg "NODE_RUNTIME_IMAGE=$GOPHERFILE_NODE_IMAGE" \
  -t "$image" . >"$log" 2>&1; then
  echo "frontend image: build failed; last lines of $log:" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
if ! env DOCKER_HOST="unix://$GOPHERFILE_DOCKER_SOCKET" "$GOPHERFILE_DOCKER" push "$image" >>"$log" 2>&1; then
  echo "frontend image: push to $GOPHERFILE_REGISTRY failed; last lines of $log:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
if [[ -n "$published" ]]; then
  for ref in "$GOPHERFILE_PUBLISHED_FRONTEND_IMAGE" "$GOPHERFILE_PUBLISHED_FRONTEND_MIRROR"; do
    env DOCKER_HOST="unix://$GOPHERFILE_DOCKER_SOCKET" "$GOPHERFILE_DOCKER" tag "$image" "$ref" >>"$log" 2>&1
  done
  if ! env DOCKER_HOST="unix://$GOPHERFILE_DOCKER_SOCKET" "$GOPHERFILE_DOCKER" push "$GOPHERFILE_PUBLISHED_FRONTEND_MIRROR" >>"$log" 2>&1; then
    echo "frontend image: push of $GOPHERFILE_PUBLISHED_FRONTEND_MIRROR failed; last lines of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  image+=" as $GOPHERFILE_PUBLISHED_FRONTEND_IMAGE"
fi
printf 'frontend image  %s  built and pushed in %.1fs\n' "$image" "$(echo "$(date +%s.%N) - $start" | bc)"
