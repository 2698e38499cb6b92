// Conformance corpus: graphs covering every op, mount kind and option, checked against BuildKit's Go code.
import type { Definition } from "../../src/proto/pb/ops_pb.js";
import {
  copy,
  image,
  local,
  marshal,
  merge,
  mkdir,
  mkfile,
  parsePlatform,
  rm,
  scratch,
  sourceLocation,
  sourceMap,
  symlink,
  type Platform,
} from "../../src/llb/index.js";

export interface CorpusEntry {
  readonly name: string;
  readonly build: () => Definition;
}

function platform(s: string): Platform {
  const p = parsePlatform(s);
  if (!p.ok) throw new Error(p.message);
  return p.value;
}

const amd64 = platform("linux/amd64");
const arm64 = platform("linux/arm64");
const armv7 = platform("linux/arm/v7");
const golang = () => image("golang:1.23", { name: "golang" });
const ctx = () => local("context", { sessionId: "sess-1", sharedKeyHint: "context" });

/** At least 20 graphs; each name becomes `<name>.pb` for the Go checker. */
export const corpus: readonly CorpusEntry[] = [
  { name: "scratch", build: () => marshal(scratch()) },
  { name: "image-basic", build: () => marshal(image("busybox"), { platform: amd64 }) },
  {
    name: "image-options",
    build: () =>
      marshal(
        image(`ghcr.io/acme/tool@sha256:${"ab".repeat(32)}`, {
          resolveMode: "pull",
          platform: armv7,
          name: "tool image",
          ignoreCache: true,
        }),
      ),
  },
  { name: "image-no-platform", build: () => marshal(image("localhost:5000/go/toolchain:1.23", { resolveMode: "local" })) },
  {
    name: "local-all-options",
    build: () =>
      marshal(
        local("context", {
          include: ["go.mod", "go.sum", "cmd/**/<x>&y"],
          exclude: ["**/*_test.go", ".git"],
          followPaths: ["Gopherfile.yaml"],
          sharedKeyHint: "context",
          sessionId: "abc123",
          differ: { type: "metadata", required: true },
        }),
        { platform: amd64 },
      ),
  },
  { name: "local-unique", build: () => marshal(local("dockerfile", { uniqueId: "u-1", differ: { type: "none" } })) },
  {
    name: "exec-basic",
    build: () =>
      marshal(
        golang().run({
          args: ["go", "version"],
          env: { PATH: "/usr/local/go/bin:/usr/bin:/bin", GOFLAGS: "-mod=mod", "10": "ten", "9": "nine", é: "e-acute", Z: "" },
          cwd: "src/app",
          user: "1000:1000",
          hostname: "builder",
          name: "go version",
        }),
        { platform: amd64 },
      ),
  },
  {
    name: "exec-network-security",
    build: () =>
      marshal(
        golang()
          .run({ args: ["true"], network: "host", security: "insecure" })
          .run({ args: ["ls"], network: "none" }),
        {
          platform: arm64,
        },
      ),
  },
  {
    name: "exec-exit-codes-hosts",
    build: () =>
      marshal(
        golang().run({
          args: ["sh", "-c", "exit 1"],
          validExitCodes: [0, 1, 255],
          extraHosts: [{ host: "registry.local", ip: "10.0.0.2" }],
        }),
        { platform: amd64 },
      ),
  },
  {
    name: "exec-bind-mounts",
    build: () => {
      const src = ctx();
      const run = golang().run({
        args: ["go", "build", "-o", "/out/app", "./cmd/app"],
        mounts: [
          { type: "bind", target: "/src", source: src, readonly: true },
          { type: "bind", target: "/src/go.mod", source: src, selector: "go.mod", readonly: true },
          { type: "bind", target: "/out", source: scratch() },
          { type: "bind", target: "/work", source: src, noOutput: true },
          { type: "bind", target: "/a", source: src },
        ],
        cwd: "/src",
      });
      return marshal(run.output("/out"), { platform: amd64 });
    },
  },
  {
    name: "exec-bind-second-output",
    build: () => {
      const run = golang().run({
        args: ["touch", "/b/x", "/c/y"],
        mounts: [
          { type: "bind", target: "/c", source: scratch() },
          { type: "bind", target: "/b", source: image("alpine:3.20") },
        ],
      });
      const next = image("alpine:3.20").run({ args: ["cat", "/in/x"], mounts: [{ type: "bind", target: "/in", source: run.output("/b"), readonly: true }] });
      return marshal(next.root().file(copy(run.output("/c"), "y", "/y")), { platform: amd64 });
    },
  },
  {
    name: "exec-cache-mounts",
    build: () =>
      marshal(
        golang().run({
          args: ["go", "build", "./..."],
          mounts: [
            { type: "cache", target: "/root/.cache/go-build", id: "gocache", sharing: "shared" },
            { type: "cache", target: "/go/pkg/mod", id: "gomodcache", sharing: "locked" },
            { type: "cache", target: "/tmp/private", id: "p", sharing: "private", contentCache: "off" },
            { type: "cache", target: "/seeded", id: "seeded", source: ctx(), selector: "vendor", contentCache: "on" },
          ],
        }),
        { platform: amd64 },
      ),
  },
  {
    name: "exec-tmpfs",
    build: () =>
      marshal(
        golang().run({
          args: ["true"],
          mounts: [
            { type: "tmpfs", target: "/tmp" },
            { type: "tmpfs", target: "/big", size: 8 * 1024 ** 3 },
          ],
        }),
        { platform: amd64 },
      ),
  },
  {
    name: "exec-secrets",
    build: () =>
      marshal(
        golang().run({
          args: ["go", "mod", "download"],
          mounts: [
            { type: "secret", target: "/run/secrets/netrc", id: "netrc" },
            { type: "secret", target: "/root/.gitconfig", id: "gitconfig", uid: 1000, gid: 1000, mode: 0o444, optional: true },
            { type: "secret", target: "/run/secrets/zero", id: "zero", mode: 0 },
          ],
          secretEnv: [
            { id: "token", name: "GITHUB_TOKEN" },
            { id: "other", name: "OTHER", optional: true },
          ],
        }),
        { platform: amd64 },
      ),
  },
  {
    name: "exec-ssh",
    build: () =>
      marshal(
        golang().run({
          args: ["git", "clone", "git@github.com:acme/private.git"],
          mounts: [{ type: "ssh" }, { type: "ssh", id: "deploy", target: "/run/ssh/deploy.sock", uid: 1000, gid: 1000, mode: 0o660, optional: true }],
        }),
        { platform: amd64 },
      ),
  },
  {
    name: "exec-on-scratch",
    build: () =>
      marshal(scratch().run({ args: ["/bin/static"], mounts: [{ type: "bind", target: "/bin", source: ctx(), readonly: true }] }), { platform: amd64 }),
  },
  {
    name: "exec-readonly-root",
    build: () => {
      const run = golang().run({ args: ["go", "vet", "./..."], readonlyRoot: true, mounts: [{ type: "bind", target: "/out", source: scratch() }] });
      return marshal(run.output("/out"), { platform: amd64 });
    },
  },
  {
    name: "exec-chain-dedupe",
    build: () => {
      const base = golang();
      const mod = base.run({ args: ["go", "mod", "download"], mounts: [{ type: "bind", target: "/src", source: ctx(), readonly: true }] });
      const a = mod.run({ args: ["go", "test", "./a"], mounts: [{ type: "bind", target: "/src", source: ctx(), readonly: true }], name: "[test ./a]" });
      const b = mod.run({ args: ["go", "test", "./b"], mounts: [{ type: "bind", target: "/src", source: ctx(), readonly: true }], name: "[test ./b]" });
      const gate = base.run({
        args: ["true"],
        mounts: [
          { type: "bind", target: "/a", source: a, readonly: true },
          { type: "bind", target: "/b", source: b, readonly: true },
          { type: "bind", target: "/b2", source: b, readonly: true },
        ],
      });
      return marshal(gate, { platform: amd64 });
    },
  },
  {
    name: "file-chain",
    build: () =>
      marshal(
        image("alpine:3.20").file(
          mkdir("/out/bin", 0o755, { makeParents: true, owner: { user: 0, group: 0 } })
            .mkfile("out/etc/passwd", 0o100644, "nobody:x:65534:65534::/:/sbin/nologin\n", {
              owner: { user: "nobody", group: "nogroup" },
              createdTime: new Date(0),
            })
            .mkdir("/out/x/../y/", 0o700, { createdTime: 1_700_000_000_123_456_789n })
            .rm("/out/tmp/*", { allowNotFound: true, allowWildcard: true })
            .mkfile("/empty", 0o600, new Uint8Array()),
          { name: "layout" },
        ),
        { platform: amd64 },
      ),
  },
  {
    name: "merge",
    build: () => {
      // Layers from several ops and a second output of one exec, the same layer twice (kept once), scratch (dropped).
      const a = scratch().file(copy(ctx(), "/a/a.go", "/a/a.go", { createDestPath: true }), { name: "[source ./a]" });
      const b = scratch().file(copy(ctx(), "/b/b.go", "/b/b.go", { createDestPath: true }), { name: "[source ./b]" });
      const out = image("alpine:3.20")
        .run({ args: ["touch", "/out/x"], mounts: [{ type: "bind", target: "/out", source: scratch() }] })
        .output("/out");
      const joined = merge([a, scratch(), b, a, out], { name: "[test ./a] sources", description: { k: "v" } });
      return marshal(
        golang().run({
          args: ["go", "test", "./a"],
          mounts: [{ type: "bind", target: "/src", source: joined, noOutput: true, contentCache: "off" }],
          name: "[test ./a] go test",
        }),
        { platform: amd64 },
      );
    },
  },
  {
    name: "file-copy-options",
    build: () => {
      const bin = ctx();
      return marshal(
        scratch().file(
          copy(bin, "bin/server", "/server", { mode: 0o755, owner: { user: 65532, group: "65532" }, createDestPath: true })
            .copy(bin, "./certs/", "/etc/ssl/certs/", {
              followSymlinks: true,
              copyDirContentsOnly: true,
              allowWildcard: true,
              allowEmptyWildcard: true,
              includePatterns: ["*.pem", "*.crt"],
              excludePatterns: ["old/*"],
              requiredPaths: ["ca.pem"],
              alwaysReplaceExistingDestPaths: true,
              mode: "u+rwx,go+rx",
              createdTime: new Date("2024-01-02T03:04:05Z"),
            })
            .copy(image("alpine:3.20"), "/usr/share/zoneinfo", "/usr/share/zoneinfo/.", { attemptUnpack: true, owner: { user: "root" } })
            .copy(scratch(), "/nothing", "/nothing", { owner: { user: -1 } }),
        ),
        { platform: amd64 },
      );
    },
  },
  {
    name: "file-symlink",
    build: () =>
      marshal(
        scratch().file(
          mkdir("/bin", 0o755)
            .symlink("/bin/app", "/app", { owner: { user: "app", group: 10 } })
            .rm("/tmp"),
        ),
        { platform: arm64 },
      ),
  },
  {
    name: "file-starters",
    build: () => {
      const base = image("alpine:3.20");
      const a = base.file(mkfile("/a", 0o640, "a"));
      const b = a.file(rm("/etc/motd"));
      return marshal(b.file(symlink("/a", "/b")), { platform: amd64 });
    },
  },
  {
    name: "diamond-metadata-merge",
    build: () => {
      const a = image("golang:1.23", {
        name: "golang",
        description: { "9": "nine", "10": "ten", b: "bee", 𝔊: "fraktur", "\uFFFD": "replacement", "": "empty" },
        caps: ["z.custom", "10", "9"],
      });
      const b = image("golang:1.23", { ignoreCache: true, progressGroup: { id: "pg1", name: "toolchain", weak: true } });
      const left = a.run({ args: ["echo", "left"] });
      const right = b.run({ args: ["echo", "right"] });
      const join = scratch().file(copy(left, "/etc/hostname", "/l").copy(right, "/etc/hostname", "/r"));
      return marshal(join, { platform: amd64 });
    },
  },
  {
    name: "source-maps",
    build: () => {
      const spec = sourceMap("Gopherfile.yaml", "version: 1\nbinaries:\n  server: ./cmd/server\n", "yaml");
      const same = sourceMap("Gopherfile.yaml", "version: 1\nbinaries:\n  server: ./cmd/server\n", "yaml");
      const other = sourceMap("go.mod", new TextEncoder().encode("module example.com/x\n\ngo 1.23\n"));
      const loc1 = sourceLocation(spec, { start: { line: 3, character: 2 }, end: { line: 3, character: 24 } });
      const loc2 = sourceLocation(
        same,
        { start: { line: 1, character: 0 }, end: { line: 1, character: 10 } },
        { start: { line: 2, character: 0 }, end: { line: 2, character: 9 } },
      );
      const loc3 = sourceLocation(other, { start: { line: 3, character: 0 }, end: { line: 3, character: 7 } });
      const st = image("golang:1.23", { location: loc3 })
        .run({ args: ["go", "build"], location: [loc1, loc2], name: "[build server linux/amd64]" })
        .root()
        .file(mkdir("/x", 0o755), { location: loc1 });
      return marshal(st, { platform: amd64 });
    },
  },
  {
    name: "platforms",
    build: () => {
      const win: Platform = { os: "windows", architecture: "amd64", osVersion: "10.0.20348.1", osFeatures: ["win32k"] };
      const onArm = image("golang:1.23", { platform: armv7 }).run({ args: ["uname", "-m"] });
      const crossed = image("golang:1.23")
        .withPlatform(arm64)
        .run({ args: ["go", "env"], platform: amd64 });
      const w = image("mcr.microsoft.com/windows/nanoserver:ltsc2022", { platform: win });
      return marshal(scratch().file(copy(onArm, "/a", "/a").copy(crossed, "/b", "/b").copy(w, "/c", "/c")), { platform: amd64 });
    },
  },
  {
    name: "unicode-and-large-values",
    build: () =>
      marshal(
        image("golang:1.23").run({
          args: ["echo", "héllo wörld ✓", "𝔊𝔬", ""],
          env: { Ω: "omega", 𝔊: "fraktur", "\uFFFD": "replacement", A: "a" },
          mounts: [{ type: "tmpfs", target: "/t", size: 2 ** 53 - 1 }],
          name: "名前",
        }),
        { platform: amd64 },
      ),
  },
];
