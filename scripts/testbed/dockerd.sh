# Starts the test bed's own dockerd (Docker 20.10 from Debian) next to any Docker the developer runs.
# Own socket, data root, exec root, config file, containerd namespace and bridge; dockerd writes no
# iptables rules (nat.sh NATs the bridge with rules of the test bed's own).

DOCKERD_BIN=/usr/sbin/dockerd

docker_client() {
  DOCKER_HOST="unix://$GOPHERFILE_DOCKER_SOCKET" DOCKER_CONFIG="$GOPHERFILE_DOCKER_CONFIG" \
    "$GOPHERFILE_DOCKER" "$@"
}

dockerd_healthy() {
  docker_client version --format '{{.Server.Version}}'
}

# Builds without --network host still get a network namespace on a bridge; dockerd's default
# bridge would be docker0 (a developer's), so we make our own. nat.sh gives it outbound NAT.
ensure_bridge() {
  if ! ip link show "$GOPHERFILE_BRIDGE" >/dev/null 2>&1; then
    ip link add name "$GOPHERFILE_BRIDGE" type bridge ||
      fail dockerd "" "cannot create bridge $GOPHERFILE_BRIDGE (needs root and the bridge kernel module)"
  fi
  if ! ip -4 addr show dev "$GOPHERFILE_BRIDGE" | grep -q "inet $GOPHERFILE_BRIDGE_CIDR"; then
    ip addr add "$GOPHERFILE_BRIDGE_CIDR" dev "$GOPHERFILE_BRIDGE" ||
      fail dockerd "" "cannot address bridge $GOPHERFILE_BRIDGE with $GOPHERFILE_BRIDGE_CIDR"
  fi
  ip link set "$GOPHERFILE_BRIDGE" up
}

ensure_dockerd() {
  local config
  config="$(install_config dockerd.json)"
  ensure_bridge
  mkdir -p "$GOPHERFILE_STATE_DIR/docker" "$GOPHERFILE_RUN_DIR/docker-exec" "$GOPHERFILE_DOCKER_CONFIG"
  # --config-file: never read a developer's /etc/docker/daemon.json. The containerd namespaces
  # matter if a system containerd runs: dockerd would share it, and must not see moby's objects.
  ensure_daemon dockerd dockerd_healthy 60 "$(cat "$config")" "$DOCKERD_BIN" \
    --config-file "$config" \
    --host "unix://$GOPHERFILE_DOCKER_SOCKET" \
    --data-root "$GOPHERFILE_STATE_DIR/docker" \
    --exec-root "$GOPHERFILE_RUN_DIR/docker-exec" \
    --pidfile "$GOPHERFILE_RUN_DIR/docker-exec/dockerd.pid" \
    --containerd-namespace gopherfile \
    --containerd-plugins-namespace gopherfile-plugins \
    --bridge "$GOPHERFILE_BRIDGE" \
    --iptables=false \
    --ip-forward=false \
    --ip-masq=false \
    --userland-proxy=false
  report dockerd "$(dockerd_healthy)" "unix://$GOPHERFILE_DOCKER_SOCKET (pid $DAEMON_PID, $DAEMON_STATE)"
}

remove_bridge() {
  if ip link show "$GOPHERFILE_BRIDGE" >/dev/null 2>&1; then
    ip link delete "$GOPHERFILE_BRIDGE" type bridge
  fi
}
