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

ensure_images() {
  local path=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  mkdir -p "$GOPHERFILE_STATE_DIR/tmp"
  ensure_image busybox "$GOPHERFILE_BUSYBOX_IMAGE" -- "ENV $path" 'CMD ["/bin/sh"]'
  ensure_image golang "$GOPHERFILE_GOLANG_IMAGE" "$GOPHERFILE_GOLANG_IMAGE_FULL" -- \
    "ENV PATH=/go/bin:/usr/local/go/bin:${path#PATH=}" "ENV GOPATH=/go" "ENV GOTOOLCHAIN=local" \
    "ENV GOLANG_VERSION=$GOPHERFILE_GO_VERSION" "WORKDIR /go" 'CMD ["/bin/sh"]'
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
