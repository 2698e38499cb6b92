# The SBOM generator image: tools/sbom-scanner's static binary (built by tools.sh) as an image that
# BuildKit runs for `--sbom=true`. Served as gopherfile/sbom-scanner and under the name BuildKit asks
# for by default, docker/buildkit-syft-scanner:stable-1 (through the docker.io mirror), so a user's
# plain `--sbom=true` works here as it does against Docker Hub. Docker's own image is not fetched:
# its module is not on the Go module proxy; this one follows the same protocol with the same library.
# Kept out of rootfs.sh, whose hash is an input of every base image (editing it rebuilds them all).

inputs_sbom_scanner() {
  file_digest "$GOPHERFILE_SBOM_SCANNER_BIN/sbom-scanner"
  cat "${BASH_SOURCE[0]}"
}

# Only the scanner and a writable /tmp (BuildKit mounts a tmpfs there too, syft needs one).
make_rootfs_sbom_scanner() {
  install -D -m 0755 "$GOPHERFILE_SBOM_SCANNER_BIN/sbom-scanner" "$1/bin/sbom-scanner"
  add_base_files "$1"
}

ensure_sbom_scanner_image() {
  ensure_image sbom_scanner "$GOPHERFILE_SBOM_SCANNER_IMAGE" -- \
    "LABEL org.opencontainers.image.description=\"BuildKit SBOM generator on syft $GOPHERFILE_SYFT_VERSION, built by the gopherfile test bed\"" \
    'ENTRYPOINT ["/bin/sbom-scanner"]'
  ensure_aliases sbom_scanner "$GOPHERFILE_SBOM_SCANNER_IMAGE" docker/buildkit-syft-scanner docker/buildkit-syft-scanner stable-1 latest
}
