// Unit tests of telling the two tools' Go build cache mounts apart in `du --verbose` descriptions.
import { describe, expect, it } from "vitest";
import { gocacheOwner } from "../../bench/cache-mounts.js";

describe("gocacheOwner", () => {
  it("reads the cache id where BuildKit v0.32 names it", () => {
    expect(gocacheOwner('cached mount /root/.cache/go-build from exec go build -trimpath -o /out/a ./cmd/a with id "gopherfile-gocache"')).toBe("gopherfile");
    expect(
      gocacheOwner('cached mount /root/.cache/go-build from exec /bin/sh -c go list -export -deps -test ./... >/dev/null with id "/bench-df-gocache"'),
    ).toBe("dockerfile");
    expect(gocacheOwner('cached mount /root/.cache/go-build from exec /bin/sh -c go build with id "//root/.cache/go-build"')).toBeUndefined();
  });

  it("tells the tools apart by command where BuildKit v0.8 names no id", () => {
    expect(gocacheOwner('cached mount /root/.cache/go-build from exec /bin/sh -c printf "%s" x; go test -json "$@" go-test ./internal/api')).toBe("gopherfile");
    expect(gocacheOwner("cached mount /root/.cache/go-build from exec go mod download")).toBe("gopherfile");
    expect(gocacheOwner("cached mount /root/.cache/go-build from exec /bin/sh -c go test ./internal/greet && mkdir -p /passed && touch /passed/greet")).toBe(
      "dockerfile",
    );
    expect(gocacheOwner("cached mount /root/.cache/go-build from exec /bin/sh -c GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/x ./cmd/x")).toBe(
      "dockerfile",
    );
  });

  it("ignores other cache mounts and other projects' Go caches", () => {
    expect(gocacheOwner("cached mount /go/pkg/mod from exec go mod download")).toBeUndefined();
    expect(
      gocacheOwner('cached mount /root/.cache/go-build from exec /bin/sh -c CGO_ENABLED=0 GOOS=linux GOARCH="$GOARCH" go build -o /out/hello .'),
    ).toBeUndefined();
  });
});
