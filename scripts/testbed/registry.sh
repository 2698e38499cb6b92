# Starts Debian's docker-registry on 127.0.0.1:5000 with the test bed's own config and storage.

REGISTRY_BIN=/usr/bin/docker-registry

registry_healthy() {
  [[ "$(timeout 5 busybox wget -q -Y off -O - "http://$GOPHERFILE_REGISTRY/v2/" 2>/dev/null)" == "{}" ]]
}

registry_version() {
  "$REGISTRY_BIN" --version 2>/dev/null | awk '{print $3}'
}

ensure_registry() {
  local config port="${GOPHERFILE_REGISTRY##*:}" pid=""
  config="$(install_config registry.yml)"
  mkdir -p "$GOPHERFILE_STATE_DIR/registry"
  pid="$(daemon_pid registry "$REGISTRY_BIN")" || pid=""
  require_port_free_or_ours registry "$port" "$pid"
  ensure_daemon registry registry_healthy 30 "$(cat "$config")" "$REGISTRY_BIN" serve "$config"
  report registry "$(registry_version)" "http://$GOPHERFILE_REGISTRY (pid $DAEMON_PID, $DAEMON_STATE)"
}
