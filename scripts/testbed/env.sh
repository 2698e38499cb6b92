# Names, paths and pins of the gopherfile test bed; source it: `. scripts/testbed/env.sh`.
# testbed/testbed.ts holds the same values for TypeScript (a unit test keeps the two equal).
# Everything lives under its own names so it never collides with a developer's own Docker,
# BuildKit or registry: /run/gopherfile, /var/lib/gopherfile, bridge gopherfile0.

export GOPHERFILE_STATE_DIR=/var/lib/gopherfile
export GOPHERFILE_RUN_DIR=/run/gopherfile
export GOPHERFILE_LOG_DIR=/var/lib/gopherfile/logs
# With HOME unset (some CI runners), ~ still expands to the user's home from the password database.
export GOPHERFILE_CACHE="${GOPHERFILE_CACHE:-${HOME:-$(echo ~)}/.cache/gopherfile}"

export GOPHERFILE_BUILDKIT_VERSION=v0.32.2
export GOPHERFILE_BUILDX_VERSION=v0.36.1
export GOPHERFILE_BUILDKIT_BIN="$GOPHERFILE_CACHE/tools/buildkit-$GOPHERFILE_BUILDKIT_VERSION"
export GOPHERFILE_BUILDX_BIN="$GOPHERFILE_CACHE/tools/buildx-$GOPHERFILE_BUILDX_VERSION"
export GOPHERFILE_BUILDCTL="$GOPHERFILE_BUILDKIT_BIN/buildctl"
# The SBOM generator BuildKit runs for --sbom=true: tools/sbom-scanner on this syft version.
export GOPHERFILE_SYFT_VERSION=v1.57.2
export GOPHERFILE_SBOM_SCANNER_BIN="$GOPHERFILE_CACHE/tools/sbom-scanner-syft-$GOPHERFILE_SYFT_VERSION"

export GOPHERFILE_DOCKER_SOCKET=/run/gopherfile/docker.sock
export GOPHERFILE_BUILDKITD_SOCKET=/run/gopherfile/buildkitd.sock
export GOPHERFILE_REGISTRY=127.0.0.1:5000
export GOPHERFILE_BRIDGE=gopherfile0
export GOPHERFILE_BRIDGE_CIDR=10.213.213.1/24

# Debian's Docker 20.10 client runs both `docker build` and `docker buildx` (with our plugin).
export GOPHERFILE_DOCKER=/usr/bin/docker
export GOPHERFILE_DOCKER_CONFIG=/var/lib/gopherfile/docker-config
export GOPHERFILE_BUILDX_BUILDER=gopherfile

# Base images: one reference that works on dockerd (imported) and on buildkitd (pulled).
GOPHERFILE_GO_VERSION="$(go env GOVERSION 2>/dev/null | sed -n 's/^go\([0-9][0-9.]*\).*/\1/p')"
export GOPHERFILE_GO_VERSION
export GOPHERFILE_GOLANG_IMAGE="$GOPHERFILE_REGISTRY/gopherfile/golang:$(sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$GOPHERFILE_GO_VERSION")"
export GOPHERFILE_GOLANG_IMAGE_FULL="$GOPHERFILE_REGISTRY/gopherfile/golang:$GOPHERFILE_GO_VERSION"
GOPHERFILE_NODE_MAJOR="$(node --version 2>/dev/null | sed -n 's/^v\([0-9]*\)\..*/\1/p')"
export GOPHERFILE_NODE_MAJOR
export GOPHERFILE_NODE_IMAGE="$GOPHERFILE_REGISTRY/gopherfile/node:$GOPHERFILE_NODE_MAJOR"
export GOPHERFILE_NODE_BUILD_IMAGE="$GOPHERFILE_REGISTRY/gopherfile/node-build:$GOPHERFILE_NODE_MAJOR"
export GOPHERFILE_BUSYBOX_IMAGE="$GOPHERFILE_REGISTRY/gopherfile/busybox:latest"
export GOPHERFILE_DOCKERFILE_IMAGE="$GOPHERFILE_REGISTRY/gopherfile/dockerfile:$GOPHERFILE_BUILDKIT_VERSION"
export GOPHERFILE_SBOM_SCANNER_IMAGE="$GOPHERFILE_REGISTRY/gopherfile/sbom-scanner:syft-$GOPHERFILE_SYFT_VERSION"
# The frontend's published name (examples' `# syntax=` line) and where buildkitd's ghcr.io mirror finds
# it; scripts/build-frontend.sh --as-published serves this checkout's frontend under both.
export GOPHERFILE_PUBLISHED_FRONTEND_IMAGE=ghcr.io/gopherfile/gopherfile:1
export GOPHERFILE_PUBLISHED_FRONTEND_MIRROR="$GOPHERFILE_REGISTRY/gopherfile/gopherfile:1"

# What a shell needs to use the test bed's clients the way the e2e tests do.
export GOPHERFILE_CLIENT_ENV="DOCKER_HOST=unix://$GOPHERFILE_DOCKER_SOCKET DOCKER_CONFIG=$GOPHERFILE_DOCKER_CONFIG BUILDKIT_HOST=unix://$GOPHERFILE_BUILDKITD_SOCKET BUILDX_BUILDER=$GOPHERFILE_BUILDX_BUILDER DOCKER_BUILDKIT=1"
