# Builds the pinned BuildKit and buildx binaries with `go install` from our tools modules, once.
# A warm run compiles nothing: binaries that exist and report the pinned version are kept.

require_go() {
  command -v go >/dev/null ||
    fail go "" "no \`go\` on PATH; install Go >= 1.26.3 (it builds BuildKit and becomes the golang base image)"
  [[ -n "$GOPHERFILE_GO_VERSION" ]] || fail go "" "could not read \`go env GOVERSION\`; check the Go installation"
  report go "$GOPHERFILE_GO_VERSION" "$(go env GOROOT)"
}

# Succeeds if every named binary exists in DIR and `DIR/BIN SUBCOMMAND` prints the pinned VERSION.
tools_current() {
  local dir="$1" version="$2" subcommand="$3" bin
  shift 3
  for bin in "$@"; do
    [[ -x "$dir/$bin" ]] || return 1
    # shellcheck disable=SC2086 # subcommand is empty or one word
    [[ "$("$dir/$bin" $subcommand 2>/dev/null)" == *" $version"* ]] || return 1
  done
}

# go install into a scratch dir, then move into place, so an interrupted build never looks cached.
# Usage: go_install_tools COMPONENT MODULE DIR LDFLAGS default|static PACKAGES...
go_install_tools() {
  local component="$1" module="$2" dir="$3" ldflags="$4" cgo tags=""
  cgo="$(go env CGO_ENABLED)"
  if [[ "$5" == static ]]; then cgo=0 tags="netgo osusergo static_build"; fi
  shift 5
  local log tmp start
  log="$(log_path "$component")"
  tmp="$dir.partial"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  start=$SECONDS
  note "compiling $* (cold: several minutes on 2 cores; log: $log)"
  printf '[testbed %s] go install %s\n' "$(date -u +%FT%TZ)" "$*" >>"$log"
  # GOWORK=off: a developer's go.work must not pull our tools module into theirs.
  # -buildvcs=false: the module sits inside our git checkout, whose state must not matter.
  if ! (cd "$TESTBED_DIR/tools/$module" &&
    GOWORK=off GOBIN="$tmp" GOFLAGS=-mod=readonly CGO_ENABLED="$cgo" go install -buildvcs=false \
      -tags "$tags" -ldflags "$ldflags" "$@") >>"$log" 2>&1; then
    rm -rf "$tmp"
    fail "$component" "$log" "go install failed"
  fi
  mkdir -p "$dir"
  mv -f "$tmp"/* "$dir"/
  rmdir "$tmp"
  note "compiled in $((SECONDS - start))s"
}

ensure_buildkit_tools() {
  local v="$GOPHERFILE_BUILDKIT_VERSION" dir="$GOPHERFILE_BUILDKIT_BIN" state=cached
  if ! tools_current "$dir" "$v" --version buildkitd buildctl; then
    rotate_log buildkit
    go_install_tools buildkit buildkit "$dir" "-X github.com/moby/buildkit/version.Version=$v" default \
      github.com/moby/buildkit/cmd/buildkitd github.com/moby/buildkit/cmd/buildctl
    tools_current "$dir" "$v" --version buildkitd buildctl ||
      fail buildkit "$(log_path buildkit)" "built binaries do not report $v"
    state=built
  fi
  # The Dockerfile frontend runs inside an image without libc, hence static (as upstream ships it).
  if ! [[ -x "$dir/dockerfile-frontend" && -s "$dir/dockerfile-frontend.version" &&
    "$(<"$dir/dockerfile-frontend.version")" == "$v" ]]; then
    [[ "$state" == built ]] || rotate_log buildkit
    go_install_tools buildkit buildkit "$dir" "-X main.Version=$v" static \
      github.com/moby/buildkit/frontend/dockerfile/cmd/dockerfile-frontend
    printf '%s\n' "$v" >"$dir/dockerfile-frontend.version"
    state=built
  fi
  report buildkit "$v" "$dir ($state)"
}

ensure_buildx_tool() {
  local v="$GOPHERFILE_BUILDX_VERSION" dir="$GOPHERFILE_BUILDX_BIN" state=cached
  if ! tools_current "$dir" "$v" version buildx; then
    rotate_log buildx
    go_install_tools buildx buildx "$dir" "-X github.com/docker/buildx/version.Version=$v" default \
      github.com/docker/buildx/cmd/buildx
    tools_current "$dir" "$v" version buildx ||
      fail buildx "$(log_path buildx)" "built binary does not report $v"
    state=built
  fi
  report buildx "$v" "$dir ($state)"
}

# BuildKit's SBOM generator for `--sbom=true` (tools/sbom-scanner: the scanning protocol on the syft
# library). Static, so its image needs no libc. Rebuilt only when the module's files change.
sbom_scanner_inputs() {
  local module="$TESTBED_DIR/tools/sbom-scanner"
  cat "$module/go.mod" "$module/go.sum" "$module/main.go" | sha256_of
}

sbom_scanner_current() {
  local dir="$GOPHERFILE_SBOM_SCANNER_BIN"
  [[ -x "$dir/sbom-scanner" && "$(cat "$dir/sbom-scanner.inputs" 2>/dev/null)" == "$(sbom_scanner_inputs)" ]]
}

# Cold, the scanner's modules take about a minute to download (1.9 GB unpacked): fetch them in the
# background while BuildKit compiles, so the network wait overlaps the CPU-bound part.
SBOM_SCANNER_PREFETCH_PID=""
prefetch_sbom_scanner_modules() {
  sbom_scanner_current && return 0
  (cd "$TESTBED_DIR/tools/sbom-scanner" && GOWORK=off GOFLAGS=-mod=readonly go list -deps . >/dev/null) \
    >"$(log_path sbom-scanner-modules)" 2>&1 9>&- &
  SBOM_SCANNER_PREFETCH_PID=$!
}

ensure_sbom_scanner_tool() {
  local dir="$GOPHERFILE_SBOM_SCANNER_BIN" state=cached
  # A failed prefetch only means go install downloads (and reports) it itself.
  if [[ -n "$SBOM_SCANNER_PREFETCH_PID" ]]; then wait "$SBOM_SCANNER_PREFETCH_PID" || true; fi
  if ! sbom_scanner_current; then
    rotate_log sbom-scanner
    go_install_tools sbom-scanner sbom-scanner "$dir" "-s -w" static .
    sbom_scanner_inputs >"$dir/sbom-scanner.inputs"
    state=built
  fi
  report sbom-scan "syft $GOPHERFILE_SYFT_VERSION" "$dir ($state)"
}
