# Base images: rootfs → `docker import` into our dockerd → `docker push` to our registry, so one
# reference works on both daemons. An image is rebuilt only when the hash of its inputs changes.

IMAGE_LABEL=dev.gopherfile.testbed.inputs
# Bump when the way a rootfs becomes an image changes (tar flags, import); rootfs.sh is hashed as is.
IMAGE_RECIPE=1
MANIFEST_TYPES='application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json'

# The digest the registry serves for a reference, or nothing.
registry_digest() {
  local ref="$1" repo tag
  repo="${ref#"$GOPHERFILE_REGISTRY"/}"
  tag="${repo##*:}"
  repo="${repo%:*}"
  timeout 10 busybox wget -Y off -S -O /dev/null --header "Accept: $MANIFEST_TYPES" \
    "http://$GOPHERFILE_REGISTRY/v2/$repo/manifests/$tag" 2>&1 |
    awk 'tolower($1) == "docker-content-digest:" {print $2}' | tr -d '\r'
}

# The digest dockerd recorded when it last pushed this image, or nothing.
pushed_digest() {
  local repo="${1%:*}"
  docker_client image inspect -f '{{range .RepoDigests}}{{println .}}{{end}}' "$1" 2>/dev/null |
    sed -n "s|^$repo@||p" | head -n 1
}

image_hash() {
  docker_client image inspect -f "{{index .Config.Labels \"$IMAGE_LABEL\"}}" "$1" 2>/dev/null
}

# Usage: ensure_image NAME REF [REF...] -- CHANGE...   (CHANGEs are `docker import --change` lines)
# Uses inputs_NAME and make_rootfs_NAME from rootfs.sh. Prints one report line.
ensure_image() {
  local name="$1" refs=() changes=() hash ref change log state=cached work
  shift
  while (($#)) && [[ "$1" != -- ]]; do refs+=("$1"); shift; done
  shift
  changes=("$@")
  log="$(log_path "image-${name//_/-}")"
  # Inputs: the files an image is made from, its config, and the recipe (rootfs.sh + IMAGE_RECIPE).
  hash="$({ "inputs_$name"; printf '%s\n' "${changes[@]}" "$IMAGE_RECIPE"; cat "$TESTBED_DIR/rootfs.sh"; } | sha256_of)"

  local current=1
  for ref in "${refs[@]}"; do [[ "$(image_hash "$ref")" == "$hash" ]] || current=""; done
  if [[ -z "$current" ]]; then
    rotate_log "image-${name//_/-}"
    work="$GOPHERFILE_STATE_DIR/tmp/rootfs-$name"
    rm -rf "$work"
    mkdir -p "$work"
    "make_rootfs_$name" "$work" >>"$log" 2>&1 || fail "image $name" "$log" "could not assemble its root filesystem"
    local args=()
    for change in "${changes[@]}" "LABEL $IMAGE_LABEL=$hash"; do args+=(--change "$change"); done
    # Fixed owner and mtime so identical inputs give an identical layer.
    tar -C "$work" --sort=name --numeric-owner --owner=0 --group=0 --mtime=@0 -cf - . |
      docker_client import "${args[@]}" - "${refs[0]}" >>"$log" 2>&1 ||
      fail "image $name" "$log" "docker import failed"
    rm -rf "$work"
    for ref in "${refs[@]:1}"; do docker_client tag "${refs[0]}" "$ref" >>"$log" 2>&1; done
    state=built
  fi

  local digest
  for ref in "${refs[@]}"; do
    digest="$(pushed_digest "$ref")"
    if [[ -z "$digest" || "$(registry_digest "$ref")" != "$digest" ]]; then
      docker_client push "$ref" >>"$log" 2>&1 || fail "image $name" "$log" "docker push $ref failed"
      [[ "$state" == built ]] || state=pushed
    fi
  done
  local size
  size="$(docker_client image inspect -f '{{.Size}}' "${refs[0]}" | awk '{printf "%d MB", $1 / 1e6}')"
  report "${name//_/-}" "$size" "${refs[*]} ($state)"
}

# Copies a manifest inside the registry: mounts its blobs into the target repository (no layer
# moves) and PUTs the same bytes under each tag, so every tag has the source's digest.
# Usage: registry_copy FROM_REPO FROM_TAG TO_REPO TAG...
registry_copy() {
  local from_repo="$1" from_tag="$2" to_repo="$3" base="http://$GOPHERFILE_REGISTRY/v2" work type blob tag status
  shift 3
  work="$(mktemp -d)"
  curl -fsS --noproxy '*' -H "Accept: $MANIFEST_TYPES" -D "$work/headers" -o "$work/manifest" \
    "$base/$from_repo/manifests/$from_tag" || { rm -rf "$work"; return 1; }
  type="$(awk 'tolower($1) == "content-type:" {print $2}' "$work/headers" | tr -d '\r')"
  for blob in $(grep -o 'sha256:[0-9a-f]\{64\}' "$work/manifest" | sort -u); do
    # 201: mounted. Anything else (202 opens an upload) means the blob is not where we said.
    status="$(curl -sS --noproxy '*' -o /dev/null -w '%{http_code}' -X POST \
      "$base/$to_repo/blobs/uploads/?mount=$blob&from=$from_repo")"
    [[ "$status" == 201 ]] || { printf 'mounting %s from %s into %s: HTTP %s\n' "$blob" "$from_repo" "$to_repo" "$status"; rm -rf "$work"; return 1; }
  done
  for tag in "$@"; do
    curl -fsS --noproxy '*' -o /dev/null -X PUT -H "Content-Type: $type" --data-binary "@$work/manifest" \
      "$base/$to_repo/manifests/$tag" || { rm -rf "$work"; return 1; }
  done
  rm -rf "$work"
}

# Serves an image under the names users write (Docker Hub's `golang:1.22`, `busybox`): as tags in
# dockerd's store, which its embedded BuildKit and `docker run` resolve before any registry, and in
# the registry at the path a docker.io mirror asks for (127.0.0.1:5000/library/golang:1.22). A warm
# run only compares: one `docker image ls` and one HEAD per tag; it tags and copies what differs.
# Usage: ensure_aliases NAME SOURCE_REF REGISTRY_REPO LOCAL_REPO TAG...
ensure_aliases() {
  local name="$1" source="$2" repo="$3" local_repo="$4" log id digest tag ref image_id tagged=() copied=()
  shift 4
  log="$(log_path "image-${name//_/-}")"
  local -A have=()
  id="$(docker_client image inspect -f '{{.Id}}' "$source")" || fail "image $name" "" "$source is not in dockerd"
  while read -r ref image_id; do have[$ref]="$image_id"; done < <(
    docker_client image ls --no-trunc --format '{{.Repository}}:{{.Tag}} {{.ID}}' "$local_repo"
  )
  for tag in "$@"; do
    if [[ "${have[$local_repo:$tag]:-}" != "$id" ]]; then
      docker_client tag "$source" "$local_repo:$tag" >>"$log" 2>&1 || fail "image $name" "$log" "docker tag $source $local_repo:$tag failed"
      tagged+=("$tag")
    fi
  done
  digest="$(registry_digest "$source")"
  [[ -n "$digest" ]] || fail "image $name" "$log" "$source is not in the registry"
  for tag in "$@"; do
    [[ "$(registry_digest "$GOPHERFILE_REGISTRY/$repo:$tag")" == "$digest" ]] || copied+=("$tag")
  done
  if ((${#copied[@]})); then
    local source_repo="${source#"$GOPHERFILE_REGISTRY"/}"
    registry_copy "${source_repo%:*}" "${source_repo##*:}" "$repo" "${copied[@]}" >>"$log" 2>&1 ||
      fail "image $name" "$log" "copying $source to $GOPHERFILE_REGISTRY/$repo failed"
  fi
  local state=current
  if ((${#tagged[@]} + ${#copied[@]})); then state="tagged ${#tagged[@]}, copied ${#copied[@]}"; fi
  local names="$local_repo:$1"
  (($# == 1)) || names+=" … $local_repo:${*: -1}"
  report docker.io "$local_repo, $# tag$( (($# == 1)) || printf s)" "$names in dockerd, $GOPHERFILE_REGISTRY/$repo in the registry ($state)"
}

# Every golang tag the test bed serves: 1.13 … 1.<the machine's minor>, the full version, latest.
# All are the machine's Go: a module whose go.mod says `go 1.22` gets Go 1.26 under GOTOOLCHAIN=local.
golang_alias_tags() {
  local major minor i
  IFS=. read -r major minor _ <<<"$GOPHERFILE_GO_VERSION"
  for ((i = 13; i <= minor; i++)); do printf '%s.%s\n' "$major" "$i"; done
  printf '%s\nlatest\n' "$GOPHERFILE_GO_VERSION"
}

ensure_images() {
  local path=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  mkdir -p "$GOPHERFILE_STATE_DIR/tmp"
  ensure_image busybox "$GOPHERFILE_BUSYBOX_IMAGE" -- "ENV $path" 'CMD ["/bin/sh"]'
  ensure_image golang "$GOPHERFILE_GOLANG_IMAGE" "$GOPHERFILE_GOLANG_IMAGE_FULL" -- \
    "ENV PATH=/go/bin:/usr/local/go/bin:${path#PATH=}" "ENV GOPATH=/go" "ENV GOTOOLCHAIN=local" \
    "ENV GOLANG_VERSION=$GOPHERFILE_GO_VERSION" "WORKDIR /go" 'CMD ["/bin/sh"]'
  # shellcheck disable=SC2046 # one tag per line
  ensure_aliases golang "$GOPHERFILE_GOLANG_IMAGE" library/golang golang $(golang_alias_tags)
  ensure_aliases busybox "$GOPHERFILE_BUSYBOX_IMAGE" library/busybox busybox latest
  ensure_image node "$GOPHERFILE_NODE_IMAGE" -- \
    "ENV $path" "ENV NODE_VERSION=$(node --version | sed 's/^v//')" 'CMD ["node"]'
  ensure_image node_build "$GOPHERFILE_NODE_BUILD_IMAGE" -- \
    "ENV $path" "ENV NODE_VERSION=$(node --version | sed 's/^v//')" \
    "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt" "ENV NPM_CONFIG_UPDATE_NOTIFIER=false" 'CMD ["/bin/sh"]'
  ensure_image dockerfile "$GOPHERFILE_DOCKERFILE_IMAGE" -- \
    'LABEL moby.buildkit.frontend.network.none="true"' \
    'LABEL moby.buildkit.frontend.caps="moby.buildkit.frontend.inputs,moby.buildkit.frontend.subrequests,moby.buildkit.frontend.contexts"' \
    'ENTRYPOINT ["/bin/dockerfile-frontend"]'
}
