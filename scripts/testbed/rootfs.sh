# Root filesystems of the base images, made from what the machine has (no registry is reachable).
# Each make_rootfs_* fills an empty directory; each inputs_* prints what its output depends on.

GOROOT_EXCLUDES=(--exclude=./api --exclude=./doc --exclude=./test --exclude=testdata)

file_digest() {
  sha256sum "$(readlink -f "$1")" | cut -c1-64
}

# busybox-static as /bin/busybox with an applet link at each applet's usual path (/bin/sh, /usr/bin/env…),
# plus the few files every image needs: /tmp, /root, and root/nobody in passwd and group.
add_busybox() {
  local root="$1" applet
  install -D -m 0755 "$(readlink -f /bin/busybox)" "$root/bin/busybox"
  while read -r applet; do
    [[ "$applet" == bin/busybox ]] && continue
    mkdir -p "$root/$(dirname "$applet")"
    ln -sf /bin/busybox "$root/$applet"
  done < <(/bin/busybox --list-full)
  add_base_files "$root"
}

add_base_files() {
  local root="$1"
  install -d -m 1777 "$root/tmp"
  install -d -m 0700 "$root/root"
  mkdir -p "$root/etc"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
}

add_ca_certificates() {
  install -D -m 0644 "$(readlink -f /etc/ssl/certs/ca-certificates.crt)" "$1/etc/ssl/certs/ca-certificates.crt"
}

# The node binary and exactly the shared objects it links, at the paths the loader looks in.
add_node() {
  local root="$1" node lib
  node="$(readlink -f "$(command -v node)")"
  install -D -m 0755 "$node" "$root/usr/local/bin/node"
  while read -r lib; do
    install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
  done < <(ldd "$node" | grep -o '/[^ ]*' | sort -u)
}

inputs_busybox() {
  file_digest /bin/busybox
}

make_rootfs_busybox() {
  add_busybox "$1"
}

inputs_golang() {
  local goroot
  goroot="$(go env GOROOT)"
  printf '%s\n' "$goroot" "$(go env GOVERSION)" "$(file_digest "$goroot/bin/go")" \
    "$(file_digest "$goroot/pkg/tool/$(go env GOHOSTOS)_$(go env GOHOSTARCH)/compile")" \
    "$(file_digest /bin/busybox)" "$(file_digest /etc/ssl/certs/ca-certificates.crt)" "${GOROOT_EXCLUDES[*]}"
}

# The machine's GOROOT at /usr/local/go with symlinks resolved (Debian's Go keeps src as a
# symlink), without the parts a build never reads (api, doc, test, testdata).
make_rootfs_golang() {
  local root="$1" goroot
  goroot="$(go env GOROOT)"
  add_busybox "$root"
  add_ca_certificates "$root"
  mkdir -p "$root/usr/local/go"
  tar -C "$(readlink -f "$goroot")" --dereference "${GOROOT_EXCLUDES[@]}" -cf - . |
    tar -C "$root/usr/local/go" -xf -
  install -d -m 1777 "$root/go" "$root/go/bin" "$root/go/src"
}

inputs_node() {
  local node
  node="$(command -v node)"
  printf '%s\n' "$(file_digest "$node")" "$(ldd "$node" | grep -o '/[^ ]*' | sort -u | xargs -r sha256sum)"
}

# Runtime for the frontend image: node and its libraries only (no shell, no package manager).
make_rootfs_node() {
  add_node "$1"
  add_base_files "$1"
}

# The machine's npm package directory, found without running npm (which may warn about user config).
npm_dir() {
  dirname "$(dirname "$(readlink -f "$(command -v npm)")")"
}

inputs_node_build() {
  inputs_node
  file_digest /bin/busybox
  file_digest /etc/ssl/certs/ca-certificates.crt
  (cd "$(npm_dir)" && find . -type f -printf '%p %s %T@\n' | sort | sha256_of)
}

# Build stages of the frontend image: node + npm + busybox sh + CA certificates.
make_rootfs_node_build() {
  local root="$1"
  add_busybox "$root"
  add_node "$root"
  add_ca_certificates "$root"
  mkdir -p "$root/usr/local/lib/node_modules"
  cp -rL "$(npm_dir)" "$root/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
}

inputs_dockerfile() {
  file_digest "$GOPHERFILE_BUILDKIT_BIN/dockerfile-frontend"
}

# BuildKit's own Dockerfile frontend (pinned, built by tools.sh) as a `# syntax=` image: lets the
# e2e suite exercise the gateway path of every client before gopherfile's own image exists.
make_rootfs_dockerfile() {
  install -D -m 0755 "$GOPHERFILE_BUILDKIT_BIN/dockerfile-frontend" "$1/bin/dockerfile-frontend"
  install -d -m 1777 "$1/tmp"
}
