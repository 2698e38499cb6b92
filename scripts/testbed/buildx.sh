# Installs buildx as a docker CLI plugin in the test bed's DOCKER_CONFIG and points a `remote`
# builder named gopherfile at our buildkitd. The developer's ~/.docker is never touched.

buildx_client() {
  DOCKER_HOST="unix://$GOPHERFILE_DOCKER_SOCKET" DOCKER_CONFIG="$GOPHERFILE_DOCKER_CONFIG" \
    "$GOPHERFILE_DOCKER" buildx "$@"
}

ensure_buildx_builder() {
  local plugin="$GOPHERFILE_DOCKER_CONFIG/cli-plugins/docker-buildx" endpoint log inspect
  endpoint="unix://$GOPHERFILE_BUILDKITD_SOCKET"
  log="$(log_path buildx-builder)"
  mkdir -p "$(dirname "$plugin")"
  if [[ "$(readlink "$plugin")" != "$GOPHERFILE_BUILDX_BIN/buildx" ]]; then
    ln -sfn "$GOPHERFILE_BUILDX_BIN/buildx" "$plugin"
  fi
  buildx_client version >/dev/null 2>>"$log" ||
    fail buildx "$log" "$GOPHERFILE_DOCKER does not run the buildx plugin at $plugin"
  inspect="$(buildx_client inspect "$GOPHERFILE_BUILDX_BUILDER" 2>/dev/null || true)"
  if ! grep -q "^Driver: *remote$" <<<"$inspect" || ! grep -q "^Endpoint: *$endpoint$" <<<"$inspect"; then
    buildx_client rm "$GOPHERFILE_BUILDX_BUILDER" >>"$log" 2>&1 || true
    buildx_client create --name "$GOPHERFILE_BUILDX_BUILDER" --driver remote "$endpoint" >>"$log" 2>&1 ||
      fail buildx "$log" "docker buildx create failed"
  fi
  inspect="$(buildx_client inspect --bootstrap "$GOPHERFILE_BUILDX_BUILDER" 2>>"$log")" ||
    fail buildx "$log" "builder $GOPHERFILE_BUILDX_BUILDER does not reach $endpoint"
  grep -q '^Status: *running$' <<<"$inspect" ||
    fail buildx "$log" "builder $GOPHERFILE_BUILDX_BUILDER is not running: $inspect"
  report builder "buildx $(buildx_client version | awk '{print $2}')" \
    "$GOPHERFILE_BUILDX_BUILDER (remote) -> $endpoint via $GOPHERFILE_DOCKER buildx, DOCKER_CONFIG=$GOPHERFILE_DOCKER_CONFIG"
}
