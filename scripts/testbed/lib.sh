# Shared helpers of the test bed scripts: reporting, failure with log tails, daemon lifecycle by pid file.
# Sourced by up.sh after env.sh; every function here is safe to call again (idempotent).

TESTBED_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TESTBED_ETC="$GOPHERFILE_STATE_DIR/etc"
TESTBED_TAIL_LINES="${GOPHERFILE_TAIL_LINES:-40}"

# One line per component: name, version, address/details. The format is stable for people and CI logs.
report() {
  printf 'testbed: %-10s %-22s %s\n' "$1" "$2" "$3"
}

note() {
  printf 'testbed: %s\n' "$*" >&2
}

# Fails the run for one component: what went wrong, what to do, and the end of that component's log.
fail() {
  local component="$1" log="$2"
  shift 2
  printf 'testbed: %s FAILED: %s\n' "$component" "$*" >&2
  if [[ -n "$log" && -s "$log" ]]; then
    printf -- '--- last %s lines of %s ---\n' "$TESTBED_TAIL_LINES" "$log" >&2
    tail -n "$TESTBED_TAIL_LINES" "$log" >&2
    printf -- '--- end of %s ---\n' "$log" >&2
  fi
  printf 'testbed: logs are kept in %s; `npm run testbed -- down` stops what is still running\n' "$GOPHERFILE_LOG_DIR" >&2
  exit 1
}

log_path() {
  printf '%s/%s.log' "$GOPHERFILE_LOG_DIR" "$1"
}

# Keeps the previous log as .1 so the log of a failed start survives the next attempt.
rotate_log() {
  local log
  log="$(log_path "$1")"
  if [[ -s "$log" ]]; then mv -f "$log" "$log.1"; fi
  : >"$log"
}

sha256_of() {
  sha256sum | cut -c1-64
}

pid_file() {
  printf '%s/%s.pid' "$GOPHERFILE_RUN_DIR" "$1"
}

# Prints the pid recorded for a daemon if that process is alive and runs the expected binary.
# A recycled pid (another program) counts as not running, so we never signal a stranger.
daemon_pid() {
  local name="$1" binary="$2" file pid exe
  file="$(pid_file "$name")"
  [[ -f "$file" ]] || return 1
  pid="$(<"$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null)" || return 1
  # An upgraded package leaves the old process running a deleted file: still ours, still to be stopped.
  [[ "${exe% (deleted)}" == "$(readlink -f "$binary")" ]] || return 1
  printf '%s' "$pid"
}

# Stops a daemon we started: SIGTERM, wait, then SIGKILL. Only ever the pid from our pid file.
# Sets STOPPED_PID to the pid it stopped, or to nothing if none was running.
stop_daemon() {
  local name="$1" binary="$2" wait_s="${3:-30}" pid i
  STOPPED_PID=""
  if pid="$(daemon_pid "$name" "$binary")"; then
    STOPPED_PID="$pid"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < wait_s * 10; i++)); do
      [[ -d "/proc/$pid" ]] || break
      sleep 0.1
    done
    if [[ -d "/proc/$pid" ]]; then
      note "$name (pid $pid) ignored SIGTERM for ${wait_s}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
  fi
  rm -f "$(pid_file "$name")" "$(pid_file "$name").config"
}

# Starts a daemon in its own session (so Ctrl-C in a test run does not reach it) unless an identical
# one already runs and is healthy. "Identical" means the same binary and arguments and the same
# config fingerprint; a changed config restarts it. Usage:
#   ensure_daemon NAME HEALTH_FN TIMEOUT_S FINGERPRINT BINARY ARGS...
# Sets DAEMON_STATE to "running" or "started"; on failure stops the half-started daemon and fails.
ensure_daemon() {
  local name="$1" health="$2" timeout_s="$3" fingerprint="$4" binary="$5"
  shift 5
  local file log pid config i
  file="$(pid_file "$name")"
  log="$(log_path "$name")"
  config="$(printf '%s\n' "$fingerprint" "$binary" "$(stat -c '%s %Y' "$(readlink -f "$binary")")" "$@" | sha256_of)"
  if pid="$(daemon_pid "$name" "$binary")"; then
    if [[ "$(cat "$file.config" 2>/dev/null)" == "$config" ]] && "$health" >/dev/null 2>&1; then
      DAEMON_STATE=running
      DAEMON_PID="$pid"
      return 0
    fi
    note "$name (pid $pid) has another configuration or is unhealthy; restarting it"
    stop_daemon "$name" "$binary"
  fi
  rm -f "$file" "$file.config"
  rotate_log "$name"
  printf '[testbed %s] %s %s\n' "$(date -u +%FT%TZ)" "$binary" "$*" >>"$log"
  # 9>&-: the daemon must not inherit (and so hold forever) up.sh's lock on fd 9.
  setsid "$binary" "$@" </dev/null >>"$log" 2>&1 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$file"
  for ((i = 0; i < timeout_s * 5; i++)); do
    if ! [[ -d "/proc/$pid" ]]; then
      rm -f "$file"
      fail "$name" "$log" "exited during start-up"
    fi
    if "$health" >/dev/null 2>&1; then
      printf '%s\n' "$config" >"$file.config"
      DAEMON_STATE=started
      DAEMON_PID="$pid"
      return 0
    fi
    sleep 0.2
  done
  stop_daemon "$name" "$binary" 10
  fail "$name" "$log" "not ready after ${timeout_s}s; stopped it"
}

# Copies a committed config file into the test bed's etc/ (daemons must not depend on the checkout).
install_config() {
  local source="$TESTBED_DIR/conf/$1" target="$TESTBED_ETC/$1"
  if ! cmp -s "$source" "$target"; then
    install -D -m 0644 "$source" "$target"
  fi
  printf '%s' "$target"
}

# Fails unless the TCP port on 127.0.0.1 is free or held by the given pid (ours).
require_port_free_or_ours() {
  local component="$1" port="$2" ours="${3:-}" owner
  owner="$(ss -Hltnp "sport = :$port" 2>/dev/null | head -n 1)"
  [[ -z "$owner" ]] && return 0
  if [[ -n "$ours" && "$owner" == *"pid=$ours,"* ]]; then return 0; fi
  fail "$component" "" "port $port is already in use ($owner); stop that service or free the port"
}
