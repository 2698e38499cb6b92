# Stops what `up` started, by pid file, in reverse order; idempotent. Keeps logs, images and caches.

stopped_state() {
  if [[ -n "$STOPPED_PID" ]]; then printf 'stopped'; else printf 'was not running'; fi
}

testbed_down() {
  stop_daemon buildkitd "$GOPHERFILE_BUILDKIT_BIN/buildkitd" 30
  report buildkitd "$(stopped_state)" "unix://$GOPHERFILE_BUILDKITD_SOCKET${STOPPED_PID:+ (pid $STOPPED_PID)}"
  stop_daemon registry "$REGISTRY_BIN" 10
  report registry "$(stopped_state)" "http://$GOPHERFILE_REGISTRY${STOPPED_PID:+ (pid $STOPPED_PID)}"
  # dockerd stops its own containerd and unmounts; give it time.
  stop_daemon dockerd "$DOCKERD_BIN" 60
  remove_nat
  remove_bridge
  report dockerd "$(stopped_state)" "unix://$GOPHERFILE_DOCKER_SOCKET${STOPPED_PID:+ (pid $STOPPED_PID)}"
  note "down; logs kept in $GOPHERFILE_LOG_DIR, images and state in $GOPHERFILE_STATE_DIR"
}

testbed_status() {
  local down=0 name binary pid
  for name in dockerd registry buildkitd; do
    case "$name" in
      dockerd) binary="$DOCKERD_BIN" ;;
      registry) binary="$REGISTRY_BIN" ;;
      buildkitd) binary="$GOPHERFILE_BUILDKIT_BIN/buildkitd" ;;
    esac
    if pid="$(daemon_pid "$name" "$binary")" && "${name}_healthy" >/dev/null 2>&1; then
      report "$name" running "pid $pid, log $(log_path "$name")"
    else
      report "$name" "not running" "log $(log_path "$name")"
      down=1
    fi
  done
  if iptables -w 10 -t nat -C POSTROUTING -j "$NAT_POSTROUTING_CHAIN" 2>/dev/null &&
    iptables -w 10 -C FORWARD -j "$NAT_FORWARD_CHAIN" 2>/dev/null; then
    report nat set "$(bridge_subnet) via $NAT_POSTROUTING_CHAIN and $NAT_FORWARD_CHAIN"
  else
    report nat "not set" "RUN steps under dockerd (no --network host) are offline"
    down=1
  fi
  return "$down"
}
