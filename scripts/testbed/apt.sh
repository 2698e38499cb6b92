# Installs the Debian packages the test bed runs on, without letting apt start their stock services.

TESTBED_PACKAGES=(
  docker.io       # dockerd + Docker 20.10 client (embedded BuildKit v0.8): the floor we support
  containerd      # dockerd's runtime; dockerd runs its own instance under our exec-root
  runc            # OCI runtime for dockerd and for buildkitd's OCI worker
  docker-registry # distribution 2.8, serves the base images on 127.0.0.1:5000
  busybox-static  # shell + applets for the base images; its wget probes the registry
  ca-certificates # CA bundle copied into the golang and node-build images
  curl            # copies manifests between repositories of the registry (Docker Hub names)
  openssh-client  # ssh-agent, ssh-keygen, ssh-add for the --ssh builds of test/e2e/secrets.e2e.ts
  iptables        # dockerd's network code expects the binaries even with --iptables=false
  iproute2        # ip (our bridge) and ss (who holds a port)
  util-linux      # flock, setsid
  tar
  gzip
)

ensure_packages() {
  local log missing=() pkg
  log="$(log_path apt)"
  for pkg in "${TESTBED_PACKAGES[@]}"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]]; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]} == 0)); then
    report apt "${#TESTBED_PACKAGES[@]} packages" "installed (docker.io $(dpkg-query -W -f='${Version}' docker.io))"
    return 0
  fi
  command -v apt-get >/dev/null || fail apt "" "missing packages (${missing[*]}) and no apt-get; install them by hand"
  note "installing ${missing[*]} (log: $log)"
  rotate_log apt
  # Stock services would take :5000 and /run/docker.sock; we start our own instances instead.
  local policy=/usr/sbin/policy-rc.d added_policy=""
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\n# written by the gopherfile test bed during apt-get install\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
    added_policy=1
  fi
  local status=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get update &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  } >>"$log" 2>&1 || status=$?
  if [[ -n "$added_policy" ]]; then rm -f "$policy"; fi
  ((status == 0)) || fail apt "$log" "apt-get install ${missing[*]} exited with $status"
  report apt "${#TESTBED_PACKAGES[@]} packages" "installed now: ${missing[*]}"
}
