// Hostile input, generated: every spec, build arg, target and context ends in located errors or valid
// LLB — no exception, no hang — and no user value becomes a flag of go or a path outside the module.
// GOPHERFILE_FUZZ_RUNS=<n> runs each property n times (the long mode); the default keeps CI under a minute.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { MemoryContextReader } from "../../src/context/memory-reader.js";
import { decodeDefinition, marshal, type Platform } from "../../src/llb/index.js";
import { convert, formatUserErrors } from "../../src/pipeline/index.js";
import type { CompileOutcome } from "../../src/golang/compile/index.js";
import { splitQuoted } from "../../src/spec/flag-fields.js";

const RUNS = Number(process.env["GOPHERFILE_FUZZ_RUNS"] ?? "150");
/** Per property: generous, because a shared machine may be slow; each case's own CPU bound is what is asserted. */
const PROPERTY_TIMEOUT_MS = 120_000;
const AMD64: Platform = { os: "linux", architecture: "amd64" };
const FILE = "Gopherfile.yaml";

const MAIN = "package main\n\nfunc main() {}\n";
const BASE_TREE: Readonly<Record<string, string>> = {
  "go.mod": "module example.com/shop\n\ngo 1.22\n",
  "cmd/server/main.go": MAIN,
  "cmd/client/main.go": MAIN,
  "internal/store/store.go": "package store\n",
  "internal/store/store_test.go": "package store\n",
  "README.md": "# shop\n",
};

/** Counts of what the cases ended as, reported when the file ends (the issue asks for them). */
const tally = { cases: 0, built: 0, located: 0, slowest: 0 };

afterAll(() => {
  console.log(
    `hostile input: ${tally.cases} cases, ${tally.built} built, ${tally.located} located errors, 0 crashes, 0 hangs; slowest ${tally.slowest.toFixed(0)} ms`,
  );
});

/** Strings a hostile user or CI system might pass: flags, escapes, separators, odd characters, sizes. */
const hostileString = fc.oneof(
  fc.constantFrom(
    "-toolexec=/tmp/x.sh",
    "-exec=/tmp/evil.sh",
    "-modfile=evil.mod",
    "--",
    "-",
    "../outside",
    "/etc",
    "cmd/...",
    "./cmd/server",
    "cmd/server",
    "example.com/shop/cmd/server",
    ".",
    "$${X}",
    "${V}",
    "${NOPE}",
    "${",
    "$$",
    "a b",
    "a,b",
    "'",
    '"',
    "a'b \"c d",
    "1.0 -X main.admin=true",
    "v1 -linkmode=external -extld=/tmp/evil",
    "5m; rm -rf /",
    "99999999999h",
    "NOT VALID",
    "golang:",
    "busybox@sha256:abc",
    "scratch",
    "linux/amd64",
    "linux/../amd64",
    "foo/bar",
    "linux/arm64/v9",
    "8080",
    "65536",
    "-1",
    "99999999999999999999",
    "",
    " ",
    "\t",
    "\u0000",
    "\u202e",
    "ünïcödé",
    "test",
    "binaries",
    "lint",
    "x".repeat(5000),
  ),
  fc.string({ maxLength: 40 }),
);

const hostileScalar = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    hostileScalar,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(hostileString, tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** Known spec keys with hostile values, so the schema, substitution and compiler all get exercised. */
const specObject = fc.record(
  {
    version: fc.oneof(fc.constant(1), hostileValue),
    args: fc.oneof(fc.constant({ V: "v1", X: "x" }), fc.dictionary(hostileString, hostileScalar, { maxKeys: 3 })),
    go: fc.record(
      {
        version: hostileValue,
        image: hostileValue,
        env: hostileValue,
        ldflags: fc.oneof(fc.constant("-X main.v=${V}"), hostileString),
        tags: hostileValue,
        vcs: hostileValue,
      },
      { requiredKeys: [] },
    ),
    module: hostileValue,
    platforms: fc.oneof(fc.array(hostileString, { maxLength: 3 }), hostileValue),
    binaries: fc.oneof(
      fc.dictionary(
        hostileString,
        fc.oneof(hostileString, fc.record({ package: hostileString, output: hostileString, ldflags: hostileString }, { requiredKeys: [] })),
        { maxKeys: 3 },
      ),
      hostileValue,
    ),
    tests: fc.record(
      { packages: fc.oneof(fc.array(hostileString, { maxLength: 3 }), hostileValue), timeout: hostileString, gate: hostileValue, network: hostileValue },
      { requiredKeys: [] },
    ),
    lint: fc.record(
      { vet: hostileValue, golangci: fc.record({ image: hostileString, args: fc.array(hostileString, { maxLength: 2 }) }) },
      { requiredKeys: [] },
    ),
    images: fc.oneof(
      fc.dictionary(
        fc.oneof(fc.constantFrom("app", "test", "binaries"), hostileString),
        fc.record(
          {
            base: hostileString,
            user: hostileScalar,
            ports: fc.array(hostileScalar, { maxLength: 2 }),
            entrypoint: fc.array(hostileString, { maxLength: 2 }),
            check: hostileValue,
            binaries: hostileValue,
          },
          { requiredKeys: [] },
        ),
        { maxKeys: 2 },
      ),
      hostileValue,
    ),
    default: hostileValue,
  },
  { requiredKeys: [] },
);

const target = fc.option(fc.oneof(fc.constantFrom("binaries", "test", "test-report", "vet", "lint", "app", "server"), hostileString), { nil: undefined });
const buildArgs = fc.dictionary(fc.constantFrom("V", "X", "NOPE", "GOPHERFILE_GO_IMAGE", "HTTP_PROXY"), hostileString, { maxKeys: 3 });

async function run(
  specText: string,
  tree: Readonly<Record<string, string>>,
  args: Readonly<Record<string, string>>,
  t: string | undefined,
): Promise<{ outcome: CompileOutcome; ms: number }> {
  // CPU time, not wall time: the bound is about the work a case costs, not about a busy machine.
  const started = process.cpuUsage();
  const outcome = await convert({
    specFile: FILE,
    specText,
    buildArgs: new Map(Object.entries(args)),
    reader: new MemoryContextReader(tree),
    context: { name: "context", excludes: [] },
    target: t,
    platforms: [],
    buildPlatform: AMD64,
    runnablePlatforms: [AMD64],
    images: { resolve: () => Promise.resolve(undefined) },
  });
  const used = process.cpuUsage(started);
  return { outcome, ms: (used.user + used.system) / 1000 };
}

// `Gopherfile.yaml:3:7: key: message` or, for a file of the context, `go.mod:2:1: …` / `go.mod: …`.
const LOCATED = /^[^\s:][^:\n]*(?::\d+:\d+)?: \S/;
// What go may get as a package: the module's `.`/`./dir`, or another module's import path; never a flag.
const PACKAGE = /^(?:\.|\.\/[^\s-][^\s]*|[A-Za-z0-9][A-Za-z0-9\-._~+/]*)$/;

/** The properties every case must have; returns the go argv seen, for case-specific checks. */
function expectSound(outcome: CompileOutcome, ms: number): string[][] {
  tally.cases++;
  tally.slowest = Math.max(tally.slowest, ms);
  expect(ms, "a case took too much CPU time").toBeLessThan(2_000);
  if (!outcome.ok) {
    tally.located++;
    expect(outcome.errors.length).toBeGreaterThan(0);
    for (const line of formatUserErrors(outcome.errors).split("\n")) expect(line).toMatch(LOCATED);
    return [];
  }
  tally.built++;
  const argvs: string[][] = [];
  for (const r of outcome.value.results) {
    for (const { op } of decodeDefinition(marshal(r.state, { platform: AMD64 })).ops.values()) {
      if (op.op.case !== "exec") continue;
      const args = op.op.value.meta?.args ?? [];
      if (args[0] === "go" && (args[1] === "build" || args[1] === "vet")) {
        argvs.push(args);
        expect(args.at(-1)).toMatch(PACKAGE);
      } else if (args[3] === "go-test") {
        argvs.push(args.slice(4));
        expect(args.at(-1)).toMatch(/^\.(?:\/[^\s-]\S*)?$/);
      }
    }
  }
  return argvs;
}

describe("hostile input, generated", () => {
  it(
    "any spec, target and build args end in located errors or LLB whose go steps take no flag from a value",
    async () => {
      await fc.assert(
        fc.asyncProperty(specObject, target, buildArgs, async (spec, t, args) => {
          const { outcome, ms } = await run(`# syntax=x\n${stringify(spec)}`, BASE_TREE, args, t);
          expectSound(outcome, ms);
        }),
        { numRuns: RUNS * 2 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "a build arg substituted into -ldflags stays one value, whatever it holds",
    async () => {
      await fc.assert(
        fc.asyncProperty(hostileString, async (value) => {
          const spec = "# syntax=x\nargs: { V: v1 }\nbinaries:\n  server:\n    package: ./cmd/server\n    ldflags: -X main.version=${V}\n";
          const { outcome, ms } = await run(spec, BASE_TREE, { V: value }, "binaries");
          const argvs = expectSound(outcome, ms);
          if (!outcome.ok) return;
          const ldflags =
            argvs
              .flat()
              .find((a) => a.startsWith("-ldflags="))
              ?.slice("-ldflags=".length) ?? "";
          // The default -s -w, then exactly one -X whose value is the build arg.
          expect(splitQuoted(ldflags)).toEqual(["-s", "-w", "-X", `main.version=${value}`]);
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "a package path from a build arg is a package of the module or an error, never a flag",
    async () => {
      await fc.assert(
        fc.asyncProperty(hostileString, hostileString, async (pkg, tested) => {
          const spec = "# syntax=x\nargs: { P: ./cmd/server, T: ./internal/store }\nbinaries:\n  server: ${P}\ntests:\n  packages: [${T}]\n";
          for (const t of ["binaries", "test"]) expectSound((await run(spec, BASE_TREE, { P: pkg, T: tested }, t)).outcome, 0);
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "a hostile module (odd names, garbage go.mod and Go files, deep build constraints) ends in located errors or LLB",
    async () => {
      const name = fc.oneof(
        fc.constantFrom("a b", "!x", "*", "[", "ü", "-x", "..x", ".hidden", "_skip", "testdata", "vendor", "cmd"),
        fc.stringMatching(/^[a-z]{1,6}$/),
      );
      const goFile = fc.oneof(
        fc.constantFrom(
          MAIN,
          "package x\n",
          "package x_test\n",
          "//go:build linux && !cgo\n\npackage x\n",
          `//go:build ${"(".repeat(2_000)}x${")".repeat(2_000)}\n\npackage x\n`,
          "// +build ignore\n\npackage x\n",
          "package\n",
          "",
        ),
        fc.string({ maxLength: 200 }),
      );
      const goMod = fc.oneof(
        fc.constant(BASE_TREE["go.mod"]!),
        fc.constantFrom("module ..\n", "module /\n", "module x\ngo\n", "go 1.22\n", "module x\nreplace a => ../../..\n", ""),
        fc.string({ maxLength: 100 }),
      );
      const tree = fc.record({
        goMod,
        files: fc.dictionary(
          fc.tuple(name, name).map(([d, f]) => `${d}/${f}.go`),
          goFile,
          { maxKeys: 6 },
        ),
      });
      await fc.assert(
        fc.asyncProperty(tree, target, async ({ goMod: mod, files }, t) => {
          const { outcome, ms } = await run("# syntax=x\n", { ...files, "go.mod": mod }, {}, t);
          expectSound(outcome, ms);
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
