// Golden files: a few graphs rendered as readable JSON, reviewed in diffs. UPDATE_GOLDEN=1 rewrites them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { copy, definitionToJSON, image, local, marshal, mkfile, scratch, sourceLocation, sourceMap, type Platform } from "../../src/llb/index.js";

const dir = join(import.meta.dirname, "golden");
const update = process.env["UPDATE_GOLDEN"] === "1";
const amd64: Platform = { os: "linux", architecture: "amd64" };

function golden(name: string, value: unknown): void {
  const file = join(dir, `${name}.json`);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (update) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, text);
  }
  if (!existsSync(file)) throw new Error(`missing golden file ${file}: run UPDATE_GOLDEN=1 npx vitest run test/llb/golden.test.ts and review it`);
  expect(text).toBe(readFileSync(file, "utf8"));
}

const graphs: Record<string, () => unknown> = {
  "go-build": () => {
    const spec = sourceMap("Gopherfile.yaml", "binaries:\n  server: ./cmd/server\n", "yaml");
    const ctx = local("context", { sessionId: "s1", sharedKeyHint: "context", exclude: [".git"] });
    const mods = local("context", { sessionId: "s1", include: ["go.mod", "go.sum"] });
    const go = image("golang:1.23", { name: "golang:1.23" });
    const caches = [
      { type: "cache", target: "/go/pkg/mod", id: "gomodcache", sharing: "shared" },
      { type: "cache", target: "/root/.cache/go-build", id: "gocache", sharing: "shared" },
    ] as const;
    const download = go.run({
      args: ["go", "mod", "download"],
      cwd: "/src",
      mounts: [{ type: "bind", target: "/src", source: mods, readonly: true }, ...caches],
      name: "go mod download",
    });
    const build = download.run({
      args: ["go", "build", "-o", "/out/server", "./cmd/server"],
      cwd: "/src",
      env: { GOOS: "linux", GOARCH: "arm64", CGO_ENABLED: "0" },
      mounts: [{ type: "bind", target: "/src", source: ctx, readonly: true }, { type: "bind", target: "/out", source: scratch() }, ...caches],
      name: "[build server linux/arm64]",
      location: sourceLocation(spec, { start: { line: 2, character: 2 }, end: { line: 2, character: 22 } }),
    });
    return definitionToJSON(marshal(scratch().file(copy(build.output("/out"), "/server", "/server"), { name: "[image server] copy" }), { platform: amd64 }));
  },
  "secrets-ssh": () =>
    definitionToJSON(
      marshal(
        image("alpine:3.20").run({
          args: ["sh", "-c", "git clone $REPO"],
          mounts: [
            { type: "secret", target: "/root/.netrc", id: "netrc", optional: true },
            { type: "ssh", id: "default" },
          ],
          secretEnv: [{ id: "token", name: "TOKEN" }],
          network: "host",
        }),
        { platform: amd64 },
      ),
    ),
  "file-chain": () =>
    definitionToJSON(
      marshal(
        scratch().file(
          mkfile("/etc/passwd", 0o644, "nobody:x:65534:65534::/:/sbin/nologin\n", { owner: { user: 0, group: 0 } }).copy(
            image("alpine:3.20"),
            "/etc/ssl/certs/ca-certificates.crt",
            "/etc/ssl/certs/",
            {
              createDestPath: true,
            },
          ),
        ),
        { platform: amd64 },
      ),
    ),
};

describe("golden LLB", () => {
  for (const [name, build] of Object.entries(graphs)) {
    it(name, () => golden(name, build()));
  }
});
