#!/usr/bin/env bash
# Builds and runs the frontend on examples/hello: provisions the test bed, builds the frontend image,
# builds the example's image with plain `docker build` (Docker 20.10 + `# syntax=`), and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/testbed/up.sh
. scripts/testbed/env.sh
bash scripts/build-frontend.sh
frontend="${GOPHERFILE_FRONTEND_IMAGE:-$GOPHERFILE_REGISTRY/gopherfile/gopherfile:dev}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r examples/hello/. "$work/"
# The example names the published image; point it at the one just built.
sed -i "1s|.*|# syntax=$frontend|" "$work/Gopherfile.yaml"

export DOCKER_HOST="unix://$GOPHERFILE_DOCKER_SOCKET" DOCKER_BUILDKIT=1
echo "--- docker build -f Gopherfile.yaml (examples/hello)"
"$GOPHERFILE_DOCKER" build -f "$work/Gopherfile.yaml" \
  --build-arg "GOPHERFILE_GO_IMAGE=$GOPHERFILE_GOLANG_IMAGE" --build-arg VERSION=v1.0.0 \
  -t gopherfile-example/hello:latest "$work"
echo "--- docker run gopherfile-example/hello"
"$GOPHERFILE_DOCKER" run --rm --network none gopherfile-example/hello:latest world
