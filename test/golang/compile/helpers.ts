// Test helper: runs the real pipeline (parse → discover → compile) on a spec and a fixed context, then marshals it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fromBinary, type JsonValue } from "@bufbuild/protobuf";
import type { CompiledTarget, CompileOutcome, ImageResolver } from "../../../src/golang/compile/index.js";
import type { ContextReader } from "../../../src/context/reader.js";
import { openFsContext } from "../../../src/context/fs-reader.js";
import type { ImageConfig } from "../../../src/image/config.js";
import { MemoryContextReader } from "../../../src/context/memory-reader.js";
import { definitionToJSON, encodeCanonical, formatPlatform, marshal, type NetworkMode, type Platform } from "../../../src/llb/index.js";
import { convert, formatUserErrors } from "../../../src/pipeline/index.js";
import { DefinitionSchema, type Definition } from "../../../src/proto/pb/ops_pb.js";

export const AMD64: Platform = { os: "linux", architecture: "amd64" };
export const ARM64: Platform = { os: "linux", architecture: "arm64" };
export const ARMV7: Platform = { os: "linux", architecture: "arm", variant: "v7" };

/** The build platform of every case: all Go steps must run here, whatever the target platform. */
export const BUILD_PLATFORM = AMD64;

export const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures");

/** A hand-written config for any `golang:*` image: the variables the real image sets. */
export function goImageConfig(version: string): ImageConfig {
  return {
    architecture: "amd64",
    os: "linux",
    config: {
      Env: ["PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", `GOLANG_VERSION=${version}`, "GOPATH=/go"],
      WorkingDir: "/go",
      Cmd: ["bash"],
    },
    rootfs: { type: "layers", diff_ids: ["sha256:1111111111111111111111111111111111111111111111111111111111111111"] },
  };
}

/** Base images the fake resolver knows besides Go's; anything else resolves to undefined. */
export const BASE_CONFIGS: Readonly<Record<string, ImageConfig>> = {
  "gcr.io/distroless/static-debian12": {
    architecture: "amd64",
    os: "linux",
    config: {
      User: "0",
      Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"],
      WorkingDir: "/",
      Labels: { "com.example.base": "distroless" },
    },
    rootfs: { type: "layers", diff_ids: ["sha256:2222222222222222222222222222222222222222222222222222222222222222"] },
  },
  "alpine:3.20": {
    architecture: "amd64",
    os: "linux",
    config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["/bin/sh"] },
    rootfs: { type: "layers", diff_ids: ["sha256:3333333333333333333333333333333333333333333333333333333333333333"] },
  },
};

/** A deterministic ImageResolver that records what it was asked, so tests can check which images were resolved. */
export class FakeImageResolver implements ImageResolver {
  readonly calls: string[] = [];

  resolve(ref: string, platform: Platform): Promise<ImageConfig | undefined> {
    this.calls.push(`${ref} ${formatPlatform(platform)}`);
    const go = /^(?:.*\/)?golang:([^@]+)$/.exec(ref);
    if (go?.[1] !== undefined) return Promise.resolve(goImageConfig(go[1]));
    const base = BASE_CONFIGS[ref];
    if (base === undefined) return Promise.resolve(undefined);
    return Promise.resolve({ ...base, architecture: platform.architecture, ...(platform.variant !== undefined ? { variant: platform.variant } : {}) });
  }
}

/** A context tree: path → file text. */
export type Tree = Readonly<Record<string, string>>;

/** One compilation: a spec and either an in-memory module or a fixture directory. */
export interface Case {
  readonly spec: string;
  /** In-memory module; exclusive with `fixture`. */
  readonly tree?: Tree;
  /** Name of a directory under test/fixtures. */
  readonly fixture?: string;
  readonly specFile?: string;
  readonly target?: string;
  /** `--platform`; default none (the spec's, else the build platform). */
  readonly platforms?: readonly Platform[];
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** Platforms the worker runs; default only the build platform. */
  readonly runnable?: readonly Platform[];
  readonly resolver?: FakeImageResolver;
  /** Packages whose test vertex is a retry, by retry key (what the frontend compiles with after a re-run). */
  readonly testRetries?: ReadonlyMap<string, string>;
  /** At most this many test steps at once (what the frontend asks of an old daemon). */
  readonly testLanes?: number;
  /** The client's `--network` (force-network-mode). */
  readonly networkMode?: NetworkMode;
  /** False: what the frontend does on a daemon without copy include patterns (every Go step mounts the module). */
  readonly exactInputs?: boolean;
  /** False: what the frontend does on a daemon without merge ops or content-cache control (a copy per step). */
  readonly layeredInputs?: boolean;
  /** True: what the frontend does on a daemon without merge ops (steps run on the Go image unpacked by a file op). */
  readonly materializeGoImage?: boolean;
}

/** Runs `convert()` exactly as the frontend does, with a fixed build platform and fake image configs. */
export async function run(c: Case): Promise<CompileOutcome> {
  const reader = await readerFor(c);
  return convert({
    specFile: c.specFile ?? "Gopherfile.yaml",
    specText: c.spec,
    buildArgs: new Map(Object.entries(c.buildArgs ?? {})),
    reader: reader.reader,
    context: { name: "context", excludes: reader.excludes },
    target: c.target,
    platforms: c.platforms ?? [],
    buildPlatform: BUILD_PLATFORM,
    runnablePlatforms: c.runnable ?? [BUILD_PLATFORM],
    images: c.resolver ?? new FakeImageResolver(),
    testRetries: c.testRetries,
    testLanes: c.testLanes,
    networkMode: c.networkMode,
    exactInputs: c.exactInputs,
    layeredInputs: c.layeredInputs,
    materializeGoImage: c.materializeGoImage,
  });
}

/** Like {@link run}, but fails the test with the formatted user errors when compilation failed. */
export async function compileOk(c: Case): Promise<CompiledTarget> {
  const out = await run(c);
  if (!out.ok) throw new Error(`expected the case to compile, got:\n${formatUserErrors(out.errors)}`);
  return out.value;
}

/** Like {@link run}, but returns the formatted user errors and fails when compilation succeeded. */
export async function compileErrors(c: Case): Promise<string> {
  const out = await run(c);
  if (out.ok) throw new Error(`expected user errors, but target ${out.value.target} compiled`);
  return formatUserErrors(out.errors);
}

async function readerFor(c: Case): Promise<{ reader: ContextReader; excludes: readonly string[] }> {
  if (c.tree !== undefined && c.fixture !== undefined) throw new Error("give a case either tree or fixture, not both");
  if (c.tree !== undefined) return { reader: new MemoryContextReader(c.tree), excludes: [] };
  if (c.fixture === undefined) throw new Error("give a case a tree or a fixture");
  const opened = await openFsContext(join(FIXTURES, c.fixture));
  if (!opened.ok) throw new Error(`fixture ${c.fixture} has a bad .dockerignore`);
  return opened.value;
}

/** Reads a fixture's own Gopherfile.yaml. */
export function fixtureSpec(name: string): string {
  return readFileSync(join(FIXTURES, name, "Gopherfile.yaml"), "utf8");
}

/** The Definition of each platform result, marshalled as the frontend does (default platform = build platform). */
export function definitions(target: CompiledTarget): Definition[] {
  return target.results.map((r) => marshal(r.state, { platform: BUILD_PLATFORM }));
}

/** The canonical bytes of `def`. */
export function bytesOf(def: Definition): Uint8Array {
  return encodeCanonical(DefinitionSchema, def);
}

/** The canonical bytes of `def` without its source map (which embeds the spec text). */
export function bytesWithoutSource(def: Definition): Uint8Array {
  const copy = fromBinary(DefinitionSchema, bytesOf(def));
  copy.Source = undefined;
  return encodeCanonical(DefinitionSchema, copy);
}

/** The whole compiled target as reviewable JSON: target facts, its tests, and per platform its config and LLB. */
export function renderTarget(target: CompiledTarget): JsonValue {
  return {
    target: target.target,
    kind: target.kind,
    multiPlatform: target.multiPlatform,
    // Notes are rendered with the warnings: both reach the user the same way in a build.
    warnings: [...target.warnings, ...target.notes],
    // What the frontend reads to report on tests; the runs themselves appear in the LLB when they are built.
    tests: { packages: target.tests.plan.runs.map((r) => r.pkg), gated: target.tests.gated, location: target.tests.location },
    results: target.results.map((r) => ({
      platform: formatPlatform(r.platform),
      ...(r.config !== undefined ? { config: JSON.parse(JSON.stringify(r.config)) as JsonValue } : {}),
      llb: definitionToJSON(marshal(r.state, { platform: BUILD_PLATFORM })),
    })),
  };
}
