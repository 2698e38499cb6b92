// Invariance: what must not matter (key order, comments, unused args, non-Go files) leaves the Definition byte-identical.
import { fromBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { definitionToJSON } from "../../../src/llb/index.js";
import { DefinitionSchema, type Definition } from "../../../src/proto/pb/ops_pb.js";
import { ARM64, bytesOf, bytesWithoutSource, compileOk, definitions, type Case } from "./helpers.js";
import { SYNTAX, TWO_MAINS } from "./modules.js";

/** A spec that uses every map the user can reorder: args, go.env, binaries, binary env, images, image env and labels. */
const SPEC = `${SYNTAX}args:
  VERSION: v0.0.0+unknown
  COMMIT: none
  UNUSED: nobody reads this
go:
  env: { GOPROXY: https://proxy.example.com, GOFLAGS: -mod=readonly, CGO_ENABLED: "0" }
  ldflags: -s -w -X main.commit=\${COMMIT}
platforms: [linux/amd64, linux/arm64]
binaries:
  server:
    package: ./cmd/server
    ldflags: -X main.version=\${VERSION}
    env: { GOEXPERIMENT: loopvar, GODEBUG: http2client=0 }
  client: ./cmd/client
images:
  server:
    binaries: [server]
    env: { TZ: UTC, APP_MODE: prod }
    labels: { org.opencontainers.image.version: "\${VERSION}", org.opencontainers.image.source: https://example.com/shop }
    ports: [8080, 9090]
  bundle:
    base: alpine:3.20
    check: [/server, --version]
default: bundle
`;

/** The same spec with every map written in another order, plus comments, blank lines and other quoting. */
const REORDERED = `${SYNTAX}
# The images come first here.
images:
  bundle:
    check: [/server, --version]   # runs inside the image
    base: "alpine:3.20"
  server:
    ports: [9090, 8080]
    labels:
      org.opencontainers.image.source: https://example.com/shop
      org.opencontainers.image.version: \${VERSION}
    env: { APP_MODE: prod, TZ: UTC }
    binaries: [server]

default: bundle
binaries:
  client: ./cmd/client
  server:
    env: { GODEBUG: http2client=0, GOEXPERIMENT: loopvar }
    ldflags: "-X main.version=\${VERSION}"
    package: ./cmd/server
platforms: [linux/amd64, linux/arm64]
go:
  ldflags: -s -w -X main.commit=\${COMMIT}
  env:
    CGO_ENABLED: "0"
    GOFLAGS: -mod=readonly
    GOPROXY: https://proxy.example.com
args: { UNUSED: nobody reads this, COMMIT: none, VERSION: v0.0.0+unknown }
`;

const TARGETS = ["bundle", "server", "binaries", "test", "test-report", "vet", "lint"] as const;

async function defs(c: Case): Promise<Definition[]> {
  return definitions(await compileOk(c));
}

/** Asserts `a` and `b` are byte-identical except for the source map, and that the maps differ only in the spec text and line numbers. */
function expectSameExceptSource(a: readonly Definition[], b: readonly Definition[], textA: string, textB: string): void {
  expect(a.length).toBeGreaterThan(0);
  expect(b).toHaveLength(a.length);
  a.forEach((da, i) => {
    const db = b[i]!;
    // JSON first, for a readable diff; then the bytes, which are what BuildKit keys on.
    expect(definitionToJSON(bytesWithoutSource(db))).toEqual(definitionToJSON(bytesWithoutSource(da)));
    expect(Buffer.from(bytesWithoutSource(db)).equals(Buffer.from(bytesWithoutSource(da)))).toBe(true);
    // The maps embed each text and point at the same ops; putting b's map into a gives b exactly.
    expect(new TextDecoder().decode(da.Source?.infos[0]?.data)).toBe(textA);
    expect(new TextDecoder().decode(db.Source?.infos[0]?.data)).toBe(textB);
    expect(Object.keys(db.Source?.locations ?? {}).sort()).toEqual(Object.keys(da.Source?.locations ?? {}).sort());
    const swapped = fromBinary(DefinitionSchema, bytesOf(da));
    swapped.Source = db.Source;
    expect(Buffer.from(bytesOf(swapped)).equals(Buffer.from(bytesOf(db)))).toBe(true);
  });
}

function expectIdentical(a: readonly Definition[], b: readonly Definition[]): void {
  expect(a.length).toBeGreaterThan(0);
  expect(b.map((d) => Buffer.from(bytesOf(d)).toString("hex"))).toEqual(a.map((d) => Buffer.from(bytesOf(d)).toString("hex")));
}

describe("invariance", () => {
  for (const target of TARGETS) {
    it(`reordering maps and adding comments changes only the source map (--target ${target})`, async () => {
      const a = await defs({ spec: SPEC, tree: TWO_MAINS, target });
      const b = await defs({ spec: REORDERED, tree: TWO_MAINS, target });
      expectSameExceptSource(a, b, SPEC, REORDERED);
    });
  }

  it("the source map does change with the spec text (the check above can fail)", async () => {
    const a = await defs({ spec: SPEC, tree: TWO_MAINS });
    const b = await defs({ spec: REORDERED, tree: TWO_MAINS });
    expect(Buffer.from(bytesOf(b[0]!)).equals(Buffer.from(bytesOf(a[0]!)))).toBe(false);
    // And a change that matters changes more than the source map.
    const c = await defs({ spec: SPEC.replace("-s -w", "-w"), tree: TWO_MAINS });
    expect(Buffer.from(bytesWithoutSource(c[0]!)).equals(Buffer.from(bytesWithoutSource(a[0]!)))).toBe(false);
  });

  it("compiling the same request 100 times gives identical bytes", async () => {
    const first = await defs({ spec: SPEC, tree: TWO_MAINS });
    const expected = first.map((d) => Buffer.from(bytesOf(d)).toString("hex"));
    for (let i = 0; i < 100; i++) {
      const again = await defs({ spec: SPEC, tree: TWO_MAINS });
      expect(again.map((d) => Buffer.from(bytesOf(d)).toString("hex"))).toEqual(expected);
    }
  }, 60_000);

  it("a build arg that no string uses leaves the LLB unchanged", async () => {
    const base = await defs({ spec: SPEC, tree: TWO_MAINS });
    expectIdentical(base, await defs({ spec: SPEC, tree: TWO_MAINS, buildArgs: { UNUSED: "something else" } }));
    // An undeclared build arg has no effect either.
    expectIdentical(base, await defs({ spec: SPEC, tree: TWO_MAINS, buildArgs: { NOT_DECLARED: "x" } }));
    // Editing the unused default changes the spec text, so only the source map.
    const edited = SPEC.replace("nobody reads this", "still nobody");
    expectSameExceptSource(base, await defs({ spec: edited, tree: TWO_MAINS }), SPEC, edited);
    // A used one does change the LLB (so the comparison above is meaningful).
    const used = await defs({ spec: SPEC, tree: TWO_MAINS, buildArgs: { VERSION: "v9" } });
    expect(Buffer.from(bytesWithoutSource(used[0]!)).equals(Buffer.from(bytesWithoutSource(base[0]!)))).toBe(false);
  });

  it("files the graph does not key on (Markdown contents, Go function bodies) leave the LLB unchanged", async () => {
    const withDocs = { ...TWO_MAINS, "README.md": "# shop\n", "docs/guide.md": "# guide\n" };
    for (const target of TARGETS) {
      const base = await defs({ spec: SPEC, tree: withDocs, target });
      const readme = await defs({ spec: SPEC, tree: { ...withDocs, "README.md": "# shop\n\nNow with a longer introduction.\n" }, target });
      expectIdentical(base, readme);
      const docs = await defs({ spec: SPEC, tree: { ...withDocs, "docs/guide.md": "# guide\n\nStep one.\n" }, target });
      expectIdentical(base, docs);
      const body = await defs({ spec: SPEC, tree: { ...withDocs, "cmd/server/main.go": 'package main\n\nfunc main() { println("changed") }\n' }, target });
      expectIdentical(base, body);
    }
  });

  it("a platform from --platform or from the spec gives the same graph for it", async () => {
    const spec = SPEC.replace("platforms: [linux/amd64, linux/arm64]\n", "");
    const a = await compileOk({ spec, tree: TWO_MAINS, platforms: [ARM64] });
    const b = await compileOk({ spec: SPEC, tree: TWO_MAINS });
    // The arm64 graph is the same whether arm64 came from --platform or from the spec (except the spec text).
    expectSameExceptSource(definitions(a), [definitions(b)[1]!], spec, SPEC);
  });
});
