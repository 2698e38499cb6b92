#!/usr/bin/env bash
# Publishes the gopherfile frontend image for linux/amd64 and linux/arm64 as one OCI image index,
# tagged :MAJOR, :MAJOR.MINOR and :MAJOR.MINOR.PATCH (a pre-release such as 1.4.0-rc.1 gets only
# its own tag), and pushes it to the repository given.
#
# Usage: scripts/release.sh <registry>/<repository> <version>
#   e.g. scripts/release.sh ghcr.io/gopherfile/gopherfile 1.4.2
#
# It builds frontend.Dockerfile, the file scripts/build-frontend.sh builds for the test bed, with the
# test bed's buildx builder (BuildKit v0.32; `npm run testbed` first). The bundle is built once on
# the build platform (it is JavaScript); each platform's image is the bundle on that platform's Node
# runtime (scripts/release/runtime.sh), so nothing is emulated. Credentials for a registry other
# than the test bed's: `DOCKER_CONFIG=/var/lib/gopherfile/docker-config docker login <registry>`.
set -euo pipefail
cd "$(dirname "$0")/.."
RELEASE_DIR="$PWD/scripts/release"
. scripts/testbed/env.sh
. scripts/testbed/lib.sh
. scripts/testbed/rootfs.sh
. scripts/testbed/images.sh
. scripts/release/runtime.sh

usage() {
  printf 'usage: scripts/release.sh <registry>/<repository> <version>   (e.g. ghcr.io/gopherfile/gopherfile 1.4.2)\n' >&2
  exit 2
}
(($# == 2)) || usage
repository="$1"
version="${2#v}"
# A repository, not an image reference: the tags are this script's to choose.
[[ "$repository" =~ ^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._/-]+$ ]] ||
  { printf 'release: %q is not <registry>/<repository> (lower case, no tag or digest)\n' "$repository" >&2; exit 2; }
if [[ "$version" =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]]; then
  tags=("${BASH_REMATCH[1]}" "${BASH_REMATCH[1]}.${BASH_REMATCH[2]}" "$version")
elif [[ "$version" =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)-[0-9A-Za-z.-]+$ ]]; then
  tags=("$version")
else
  printf 'release: version %q is not MAJOR.MINOR.PATCH[-PRERELEASE]\n' "$2" >&2
  exit 2
fi

buildx_release() {
  env $GOPHERFILE_CLIENT_ENV "$GOPHERFILE_DOCKER" buildx --builder "$GOPHERFILE_BUILDX_BUILDER" "$@"
}

start=$SECONDS
mkdir -p "$GOPHERFILE_LOG_DIR"
runtime="$(ensure_runtime_index)"
names="$(printf "$repository:%s," "${tags[@]}")"
log="$GOPHERFILE_LOG_DIR/release.log"
# One build, both platforms, pushed as one index under every tag. Provenance (mode=min, buildx's
# default) is attached per platform; labels say what was released from which commit.
revision="$(git rev-parse HEAD 2>/dev/null || printf unknown)"
# A release from a checkout with changes says so: the commit alone would not reproduce it.
if [[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then revision+="-dirty"; fi
if ! buildx_release build --progress plain --platform linux/amd64,linux/arm64 -f frontend.Dockerfile \
  --build-arg "NODE_BUILD_IMAGE=$GOPHERFILE_NODE_BUILD_IMAGE" --build-arg "NODE_RUNTIME_IMAGE=$runtime" \
  --label "org.opencontainers.image.version=$version" --label "org.opencontainers.image.revision=$revision" \
  --metadata-file "$GOPHERFILE_LOG_DIR/release-metadata.json" \
  --output "type=image,\"name=${names%,}\",push=true,oci-mediatypes=true" . >"$log" 2>&1; then
  printf 'release: build failed; last lines of %s:\n' "$log" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
digest="$(sed -n 's/.*"containerimage.digest": *"\(sha256:[0-9a-f]*\)".*/\1/p' "$GOPHERFILE_LOG_DIR/release-metadata.json" | head -n 1)"
printf 'released %s (linux/amd64, linux/arm64; runtime %s) as %s in %ss\n' \
  "$repository@$digest" "$runtime" "$(printf "$repository:%s, " "${tags[@]}" | sed 's/, $//')" "$((SECONDS - start))"
