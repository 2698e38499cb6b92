# Stops what `up` started, by pid file, in reverse order; idempotent. Keeps logs, images and caches.

testbed_down() {
  stop_daemon buildkitd "$GOPHERFILE_BUILDKIT_BIN/buildkitd" 30
  report buildkitd stopped "unix://$GOPHERFILE_BUILDKITD_SOCKET"
  stop_daemon registry "$REGISTRY_BIN" 10
  report registry stopped "http://$GOPHERFILE_REGISTRY"
  # dockerd stops its own containerd; give it time to unmount cleanly.
  stop_daemon dockerd "$DOCKERD_BIN" 60
  remove_bridge
  report dockerd stopped "unix://$GOPHERFILE_DOCKER_SOCKET"
  note "stopped; logs kept in $GOPHERFILE_LOG_DIR, state in $GOPHERFILE_STATE_DIR"
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
  return "$down"
}
