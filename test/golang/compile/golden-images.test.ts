// Golden spec → LLB cases for images: base image and config, CA bundle and zoneinfo, checks inside the image.
import { describe, expect, it } from "vitest";
import { expectGolden } from "./golden-json.js";
import {
  buildExecs,
  contentCopies,
  expectGatedOnVerdict,
  expectResultWaitsFor,
  expectToolchain,
  expectVerdict,
  graphs,
  imageSources,
  only,
  testExecs,
  waitsFor,
} from "./expect-llb.js";
import { execView, fileBase, mountAt } from "./graph.js";
import { AMD64, ARM64, compileOk, FakeImageResolver, renderTarget } from "./helpers.js";
import { ONE_MAIN, SYNTAX, TWO_MAINS } from "./modules.js";

const DISTROLESS = "gcr.io/distroless/static-debian12";
const GOLANG = "docker-image://docker.io/library/golang:1.22";

describe("golden: image config", () => {
  const spec = `${SYNTAX}binaries:
  server: ./cmd/server
  client: ./cmd/client
images:
  server:
    base: ${DISTROLESS}
    binaries: [server]
    entrypoint: [/server]
    cmd: [--listen=:8080]
    env: { TZ: UTC, APP_MODE: prod }
    user: "65532:65532"
    workdir: /data
    ports: [8080, "9090/udp"]
    labels:
      org.opencontainers.image.source: https://github.com/acme/shop
      com.example.base: overridden
  tools:
    base: alpine:3.20
default: server
`;

  it("lays the binary on the base image and the spec's settings over the base config", async () => {
    const resolver = new FakeImageResolver();
    const t = await compileOk({ spec, tree: TWO_MAINS, resolver });
    expectGolden("image-config", renderTarget(t));
    expect({ target: t.target, kind: t.kind }).toEqual({ target: "server", kind: "image" });
    expect(resolver.calls).toEqual(["golang:1.22 linux/amd64", `${DISTROLESS} linux/amd64`]);
    const g = only(graphs(t));
    expectToolchain(g);
    expect(imageSources(g).sort()).toEqual([GOLANG, `docker-image://${DISTROLESS}:latest`]);
    const assemble = g.named("[image server linux/amd64] assemble");
    const base = fileBase(assemble);
    expect(base?.op.op.value).toMatchObject({ identifier: `docker-image://${DISTROLESS}:latest` });
    expect(base?.op.platform).toMatchObject({ OS: "linux", Architecture: "amd64" });
    expect(contentCopies(assemble).map((c) => [c.from?.name, c.copy.src, c.copy.dest])).toEqual([
      ["[build server linux/amd64] go build ./cmd/server", "/server", "/server"],
    ]);
    expect(buildExecs(g).map((b) => b.node.name)).toEqual(["[build server linux/amd64] go build ./cmd/server"]);
    // The assembly is the result and waits for the verdict over both tested packages.
    expect(g.result.digest).toBe(assemble.digest);
    expect(waitsFor(assemble)).toEqual(["[test] verdict of 2 packages"]);
    const runs = [...testExecs(g).values()];
    expectGatedOnVerdict(g, expectVerdict(g, runs, "[test] verdict of 2 packages"), runs);

    expect(t.results[0]?.config).toEqual({
      architecture: "amd64",
      os: "linux",
      config: {
        User: "65532:65532",
        ExposedPorts: { "8080/tcp": {}, "9090/udp": {} },
        // The base's variables first, in its order; the spec's appended in sorted order.
        Env: [
          "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
          "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
          "APP_MODE=prod",
          "TZ=UTC",
        ],
        Entrypoint: ["/server"],
        Cmd: ["--listen=:8080"],
        WorkingDir: "/data",
        Labels: { "com.example.base": "overridden", "org.opencontainers.image.source": "https://github.com/acme/shop" },
      },
      rootfs: { type: "layers", diff_ids: ["sha256:2222222222222222222222222222222222222222222222222222222222222222"] },
      history: [],
    });
  });

  it("an image with several binaries and no entrypoint keeps the base's entrypoint and cmd", async () => {
    const t = await compileOk({ spec, tree: TWO_MAINS, target: "tools" });
    const g = only(graphs(t));
    const assemble = g.named("[image tools linux/amd64] assemble");
    expect(fileBase(assemble)?.op.op.value).toMatchObject({ identifier: "docker-image://docker.io/library/alpine:3.20" });
    expect(
      contentCopies(assemble)
        .map((c) => c.copy.dest)
        .sort(),
    ).toEqual(["/client", "/server"]);
    expect(t.results[0]?.config?.config).toEqual({ Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["/bin/sh"] });
  });
});

describe("golden: certificates and zoneinfo", () => {
  it("copies the CA bundle and Go's zoneinfo from the Go image and points ZONEINFO at it", async () => {
    const spec = `${SYNTAX}images:\n  hello:\n    certificates: true\n    zoneinfo: true\n`;
    const t = await compileOk({ spec, tree: ONE_MAIN });
    expectGolden("certificates-zoneinfo", renderTarget(t));
    const g = only(graphs(t));
    const assemble = g.named("[image hello linux/amd64] assemble");
    expect(fileBase(assemble)).toBeUndefined();
    const copied = contentCopies(assemble).map((c) => ({
      from: c.from?.op.op.case === "source" ? c.from.op.op.value.identifier : c.from?.name,
      src: c.copy.src,
      dest: c.copy.dest,
      createDestPath: c.copy.createDestPath,
    }));
    expect(copied).toEqual([
      // Every file the image gets is copied the same way, the binary included (since the one-layer assembly).
      { from: "[build hello linux/amd64] go build ./cmd/hello", src: "/hello", dest: "/hello", createDestPath: true },
      { from: GOLANG, src: "/etc/ssl/certs/ca-certificates.crt", dest: "/etc/ssl/certs/ca-certificates.crt", createDestPath: true },
      { from: GOLANG, src: "/usr/local/go/lib/time/zoneinfo.zip", dest: "/usr/local/go/lib/time/zoneinfo.zip", createDestPath: true },
    ]);
    expect(t.results[0]?.config?.config.Env).toEqual([
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "ZONEINFO=/usr/local/go/lib/time/zoneinfo.zip",
    ]);
  });
});

describe("golden: checks", () => {
  const spec = `${SYNTAX}platforms: [linux/amd64, linux/arm64]
images:
  hello:
    user: "65532"
    workdir: /work
    env: { MODE: check }
    check:
      - [/hello, --version]
      - name: config parses
        run: [/hello, check-config]
`;

  it("runs checks inside the image on a runnable platform and skips them with a note on a foreign one", async () => {
    const t = await compileOk({ spec, tree: ONE_MAIN, runnable: [AMD64] });
    expectGolden("checks", renderTarget(t));
    // A note, not a warning: it is about the builder, so --check of the spec does not report it.
    expect(t.warnings).toEqual([]);
    expect(t.notes).toEqual([
      'image hello: check "/hello --version" skipped for linux/arm64: the builder cannot run that platform',
      'image hello: check "config parses" skipped for linux/arm64: the builder cannot run that platform',
    ]);
    const [amd, arm] = graphs(t);
    const assemble = amd!.named("[image hello linux/amd64] assemble");
    const checks = amd!
      .startingWith("[check hello linux/amd64]")
      .map(execView)
      .sort((a, b) => (a.node.name < b.node.name ? -1 : 1));
    expect(checks.map((c) => [c.node.name, c.args])).toEqual([
      ["[check hello linux/amd64] /hello --version", ["/hello", "--version"]],
      ["[check hello linux/amd64] config parses", ["/hello", "check-config"]],
    ]);
    const build = execView(amd!.named("[build hello linux/amd64] go build ./cmd/hello"));
    for (const c of checks) {
      // Inside the image as it ships, without waiting for its assembly: the base (scratch here) with the
      // binary mounted read-only where the image has it, the image's user, workdir and env, on its platform, without network.
      expect(mountAt(c, "/").source).toBeUndefined();
      expect(c.mounts).toHaveLength(2);
      const bin = mountAt(c, "/hello");
      expect({ type: bin.type, readonly: bin.readonly, source: bin.source?.digest, sourceOutput: bin.sourceOutput, selector: bin.selector }).toEqual({
        type: "bind",
        readonly: true,
        source: build.node.digest,
        sourceOutput: mountAt(build, "/out").output,
        selector: "/hello",
      });
      expect(amd!.dependsOn(c.node, assemble)).toBe(false);
      expect({ user: c.user, cwd: c.cwd, platform: c.platform, networkNone: c.networkNone }).toEqual({
        user: "65532",
        cwd: "/work",
        platform: "linux/amd64",
        networkNone: true,
      });
      expect(c.env).toEqual({ PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", MODE: "check" });
    }
    // The assembly is the result and waits for both checks and the verdict.
    expect(amd!.result.digest).toBe(assemble.digest);
    expect(waitsFor(assemble)).toEqual([
      "[check hello linux/amd64] /hello --version",
      "[check hello linux/amd64] config parses",
      "[test] verdict of 1 package",
    ]);
    const amdRuns = [...testExecs(amd!).values()];
    expectGatedOnVerdict(amd!, expectVerdict(amd!, amdRuns, "[test] verdict of 1 package"), amdRuns);
    // The arm64 image has no check vertex, but still waits for the tests.
    expect(arm!.execs().filter((e) => e.args[0] === "/hello")).toEqual([]);
    expect(waitsFor(arm!.result)).toEqual(["[test] verdict of 1 package"]);
    const armRuns = [...testExecs(arm!).values()];
    expectGatedOnVerdict(arm!, expectVerdict(arm!, armRuns, "[test] verdict of 1 package"), armRuns);
  });

  it("runs the foreign platform's checks when the worker can emulate it", async () => {
    const t = await compileOk({ spec, tree: ONE_MAIN, runnable: [AMD64, ARM64] });
    expect(t.warnings).toEqual([]);
    const arm = graphs(t)[1]!;
    const checks = arm.startingWith("[check hello linux/arm64]").map(execView);
    expect(checks.map((c) => c.platform)).toEqual(["linux/arm64", "linux/arm64"]);
    expectResultWaitsFor(
      arm,
      checks.map((c) => c.node),
    );
  });
});
