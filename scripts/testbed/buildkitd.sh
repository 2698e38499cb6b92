# Starts the pinned buildkitd (OCI worker, Debian's runc, host network) on the test bed's unix socket.

buildctl_client() {
  "$GOPHERFILE_BUILDCTL" --addr "unix://$GOPHERFILE_BUILDKITD_SOCKET" "$@"
}

buildkitd_healthy() {
  buildctl_client --timeout 3 debug workers | grep -q 'linux/amd64'
}

buildkitd_version() {
  buildctl_client --timeout 3 debug info 2>/dev/null | awk '/^BuildKit:/ {print $3}'
}

ensure_buildkitd() {
  local config bin="$GOPHERFILE_BUILDKIT_BIN/buildkitd"
  config="$(install_config buildkitd.toml)"
  mkdir -p "$GOPHERFILE_STATE_DIR/buildkit"
  ensure_daemon buildkitd buildkitd_healthy 60 "$(cat "$config")" "$bin" --config "$config"
  report buildkitd "$(buildkitd_version)" "unix://$GOPHERFILE_BUILDKITD_SOCKET (pid $DAEMON_PID, $DAEMON_STATE)"
}
