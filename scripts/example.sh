#!/usr/bin/env bash
# Builds and runs the frontend on examples/hello: provisions the test bed, builds the frontend image
# and serves it as ghcr.io/gopherfile/gopherfile:1, builds the example exactly as committed with plain
# `docker build` (Docker 20.10 + its `# syntax=` line; golang:1.22 from go.mod comes from the test
# bed's Docker Hub names), and runs the image it made.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/testbed/up.sh
. scripts/testbed/env.sh
bash scripts/build-frontend.sh --as-published

export DOCKER_HOST="unix://$GOPHERFILE_DOCKER_SOCKET" DOCKER_BUILDKIT=1
echo "--- docker build -f Gopherfile.yaml (examples/hello)"
"$GOPHERFILE_DOCKER" build -f examples/hello/Gopherfile.yaml --build-arg VERSION=v1.0.0 \
  -t gopherfile-example/hello:latest examples/hello
echo "--- docker run gopherfile-example/hello"
"$GOPHERFILE_DOCKER" run --rm --network none gopherfile-example/hello:latest world
