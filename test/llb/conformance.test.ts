// Conformance: BuildKit's own Go code must re-marshal every op we emit to the same bytes and digest.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { create, toBinary, type DescFile } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { file_errdefs_errdefs } from "../../src/proto/errdefs/errdefs_pb.js";
import { file_fsutil_types_stat } from "../../src/proto/fsutil/types/stat_pb.js";
import { file_google_rpc_status } from "../../src/proto/google/rpc/status_pb.js";
import { file_moby_buildkit_v1_apicaps_caps } from "../../src/proto/moby/buildkit/v1/apicaps/caps_pb.js";
import { file_moby_buildkit_v1_frontend_gateway } from "../../src/proto/moby/buildkit/v1/frontend/gateway_pb.js";
import { file_moby_buildkit_v1_types_worker } from "../../src/proto/moby/buildkit/v1/types/worker_pb.js";
import { file_pb_ops } from "../../src/proto/pb/ops_pb.js";

const GENERATED_FILES = [
  file_pb_ops,
  file_moby_buildkit_v1_frontend_gateway,
  file_moby_buildkit_v1_apicaps_caps,
  file_moby_buildkit_v1_types_worker,
  file_fsutil_types_stat,
  file_google_rpc_status,
  file_errdefs_errdefs,
];
import { DefinitionSchema } from "../../src/proto/pb/ops_pb.js";
import { encodeCanonical, image, marshal } from "../../src/llb/index.js";
import { corpus } from "./corpus.js";

const repo = resolve(import.meta.dirname, "../..");
const goModule = join(repo, "test/conformance");
// Outside the repo so nothing built from BuildKit's code lands in the tree; `go build` is
// incremental, so after the first (slow) build this costs about a second.
const binDir = join(tmpdir(), "gopherfile-conformance");
const bin = join(binDir, "conformance");
let work: string;

function run(cmd: string, args: readonly string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`cannot run ${cmd}: ${r.error.message}; install it or put it on PATH`);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

beforeAll(() => {
  mkdirSync(binDir, { recursive: true });
  work = mkdtempSync(join(tmpdir(), "gopherfile-corpus-"));
  const built = run("go", ["build", "-o", bin, "."], goModule);
  if (built.status !== 0) throw new Error(`building the Go conformance checker failed:\n${built.out}`);
}, 900_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("conformance with BuildKit's Go pb package", () => {
  it("has a corpus of at least 20 distinct graphs", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(20);
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
  });

  it("re-marshals every op of every corpus graph to identical bytes and digests", () => {
    const dir = join(work, "corpus");
    mkdirSync(dir);
    let ops = 0;
    for (const entry of corpus) {
      const def = entry.build();
      ops += def.def.length;
      writeFileSync(join(dir, `${entry.name}.pb`), encodeCanonical(DefinitionSchema, def));
    }
    const r = run(bin, ["defs", dir], repo);
    expect(r.out).toContain(`checked ${corpus.length} definitions, ${ops} ops`);
    expect(r.out).toContain("OK");
    expect(r.status, r.out).toBe(0);
  });

  it("reports a non-canonical op (so a pass above means something)", () => {
    const dir = join(work, "tampered");
    mkdirSync(dir);
    const good = marshal(image("busybox"), { platform: { os: "linux", architecture: "amd64" } });
    const first = good.def[0];
    if (!first) throw new Error("expected a source op");
    // Go writes platform (10) and constraints (11) before the oneof body (source = 3). Re-order
    // the same fields by number, as a naive encoder would: same message, different bytes.
    const split = first.findIndex((b, i) => b === 0x5a && first[i + 1] === 0x00) + 2;
    expect(first[0]).toBe(0x52);
    expect(first[split]).toBe(0x1a);
    const swapped = new Uint8Array([...first.slice(split), ...first.slice(0, split)]);
    const bad = create(DefinitionSchema, { def: [swapped, ...good.def.slice(1)] });
    writeFileSync(join(dir, "bad.pb"), encodeCanonical(DefinitionSchema, bad));
    const r = run(bin, ["defs", dir], repo);
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/bad\.pb op\[0\] sha256:[0-9a-f]{64}: bytes differ at offset 0/);
    expect(r.out).toContain("input sha256:");
  });

  it("matches BuildKit's descriptors for every message, enum and service in proto/", () => {
    const fds = join(work, "fds.binpb");
    // The descriptors embedded in the generated code are what we ship, so those are compared.
    writeFileSync(fds, toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: descriptorProtos(GENERATED_FILES) })));
    const r = run(bin, ["descriptors", fds], repo);
    expect(r.out).toMatch(/checked \d+ messages, enums and services/);
    expect(r.status, r.out).toBe(0);
  });
});

/** Every generated file and its imports (google/protobuf/*), each once, imports first. */
function descriptorProtos(files: readonly DescFile[]): FileDescriptorProto[] {
  const seen = new Set<string>();
  const out: FileDescriptorProto[] = [];
  const visit = (f: DescFile): void => {
    if (seen.has(f.name)) return;
    seen.add(f.name);
    f.dependencies.forEach(visit);
    out.push(f.proto);
  };
  files.forEach(visit);
  return out;
}
