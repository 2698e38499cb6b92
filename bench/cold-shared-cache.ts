// Cold builds of the large module, each on its own fresh buildkitd (empty state: both Go caches
// empty), for frontend images given on the command line, in the order given; the time of every
// `go build`, compile/prepare and `go test` step comes from buildctl's rawjson progress.
// Written for issue 11 (bench/cold-shared-cache.md). Run it through esbuild, as scripts/run-harness.mjs does for bench/run.ts:
//   node_modules/.bin/esbuild bench/cold-shared-cache.ts --bundle --platform=node --format=esm \
//     --target=node20 --outfile=bench/work/cold-shared-cache.mjs
//   node bench/work/cold-shared-cache.mjs --go-image 127.0.0.1:5000/gopherfile/golang:1.26 \
//     before=127.0.0.1:5000/gopherfile/gopherfile:before after=127.0.0.1:5000/gopherfile/gopherfile:after \
//     -- before after after before
// (The bundle must sit two levels under the repository, as bench/work/ is: the fresh-buildkitd
// helper finds the test bed's buildkitd.toml from its own location.)
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { startFreshBuildkitd } from "../test/e2e/fresh-buildkitd.js";
import { BUILDCTL } from "../testbed/testbed.js";
import { execTimed } from "./exec.js";
import { materializeLarge } from "./fixtures.js";

/** One vertex as rawjson last reported it. */
interface Vertex {
  name: string;
  started: number | undefined;
  completed: number | undefined;
  cached: boolean;
  error: string | undefined;
}

interface Steps {
  readonly count: number;
  readonly sumS: number;
  readonly maxS: number;
  /** From the first start to the last end of the group. */
  readonly spanS: number;
}

const GO_BUILD = /^\[build \S+ \S+\] go build /;
const PREPARE = /^\[(?:build \S+|test)\] compile /;
const GO_TEST = /^\[test \S+\] go test$/;

/** Vertices by digest from `buildctl --progress rawjson` (one SolveStatus JSON object a line). */
export function parseRawjson(text: string): Map<string, Vertex> {
  const vertices = new Map<string, Vertex>();
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    let status: { vertexes?: { digest: string; name?: string; started?: string; completed?: string; cached?: boolean; error?: string }[] };
    try {
      status = JSON.parse(line) as typeof status;
    } catch {
      continue;
    }
    for (const v of status.vertexes ?? []) {
      const known = vertices.get(v.digest) ?? { name: v.name ?? "", started: undefined, completed: undefined, cached: false, error: undefined };
      if (v.name !== undefined && v.name !== "") known.name = v.name;
      if (v.started !== undefined) {
        const t = Date.parse(v.started);
        known.started = known.started === undefined ? t : Math.min(known.started, t);
      }
      if (v.completed !== undefined) known.completed = Math.max(known.completed ?? 0, Date.parse(v.completed));
      if (v.cached === true) known.cached = true;
      if (v.error !== undefined && v.error !== "") known.error = v.error;
      vertices.set(v.digest, known);
    }
  }
  return vertices;
}

function steps(vertices: Iterable<Vertex>, pattern: RegExp): Steps & { readonly names: readonly { name: string; s: number }[] } {
  const ran = [...vertices].filter((v) => pattern.test(v.name) && !v.cached && v.started !== undefined && v.completed !== undefined);
  const durations = ran.map((v) => ({ name: v.name, s: ((v.completed ?? 0) - (v.started ?? 0)) / 1000 }));
  const starts = ran.map((v) => v.started ?? 0);
  const ends = ran.map((v) => v.completed ?? 0);
  return {
    count: ran.length,
    sumS: durations.reduce((a, d) => a + d.s, 0),
    maxS: Math.max(0, ...durations.map((d) => d.s)),
    spanS: ran.length === 0 ? 0 : (Math.max(...ends) - Math.min(...starts)) / 1000,
    names: durations.sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const sep = argv.indexOf("--");
  if (sep < 0) throw new Error("usage: --go-image <ref> [--out <dir>] label=image… -- label…");
  const head = argv.slice(0, sep);
  const order = argv.slice(sep + 1);
  let goImage: string | undefined;
  let out = resolve("bench/work/cold-shared-cache");
  const images = new Map<string, string>();
  for (let i = 0; i < head.length; i++) {
    const arg = head[i] ?? "";
    if (arg === "--go-image") goImage = head[++i];
    else if (arg === "--out") out = resolve(head[++i] ?? out);
    else if (arg.includes("=")) images.set(arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1));
    else throw new Error(`unknown argument ${arg}`);
  }
  for (const label of order) if (!images.has(label)) throw new Error(`no image for ${label}`);
  await mkdir(out, { recursive: true });

  // One context per image: the spec's `# syntax=` line names the image under test.
  const contexts = new Map<string, string>();
  for (const [label, image] of images) {
    const fixture = await materializeLarge(join(out, `context-${label}`), { gopherfile: image, dockerfile: "docker/dockerfile:1" });
    // The bench's spec sets go.flags: [-trimpath] (since 6f2a3f4, to match the Dockerfile's bytes);
    // this measurement is about the frontend's own compile flags, so the spec leaves them alone.
    const spec = join(fixture.context, "Gopherfile.yaml");
    await writeFile(spec, (await readFile(spec, "utf8")).replace(/^ {2}flags: .*\n/m, ""));
    contexts.set(label, fixture.context);
    console.log(`${label}: ${fixture.context} (${fixture.packages} packages, ${fixture.testedPackages} tested, ${fixture.binaries.length} binaries)`);
  }

  const results = [];
  for (const [index, label] of order.entries()) {
    const run = index + 1;
    const image = images.get(label) ?? "";
    const context = contexts.get(label) ?? "";
    const dest = join(out, `out-${run}-${label}`);
    await rm(dest, { recursive: true, force: true });
    const load1 = loadavg()[0] ?? 0;
    const date = new Date().toISOString();
    const daemon = await startFreshBuildkitd(`cold-${run}-${label}`);
    const args = [
      "--addr",
      daemon.host,
      "build",
      "--frontend",
      "gateway.v0",
      "--opt",
      `source=${image}`,
      "--local",
      `context=${context}`,
      "--local",
      `dockerfile=${context}`,
      "--opt",
      "filename=Gopherfile.yaml",
      "--opt",
      "target=binaries",
      ...(goImage === undefined ? [] : ["--opt", `build-arg:GOPHERFILE_GO_IMAGE=${goImage}`]),
      "--output",
      `type=local,dest=${dest}`,
      "--progress",
      "rawjson",
    ];
    let result;
    try {
      console.log(`run ${run} (${label}) started ${date}, load ${load1.toFixed(2)}`);
      result = await execTimed(BUILDCTL, args, { timeoutMs: 3_600_000, memoryFloorBytes: 2 * 1024 ** 3 });
    } finally {
      await daemon.stop();
    }
    await writeFile(join(out, `run-${run}-${label}.rawjson`), result.stderr);
    const vertices = parseRawjson(result.stderr);
    const binaries = await readdir(dest).catch(() => []);
    const all = [...vertices.values()];
    const record = {
      run,
      label,
      image,
      date,
      load1,
      exitCode: result.exitCode,
      stopped: result.stopped,
      wallS: result.ms / 1000,
      binaries: binaries.length,
      vertices: all.length,
      ran: all.filter((v) => !v.cached && v.completed !== undefined).length,
      errors: all.filter((v) => v.error !== undefined).map((v) => `${v.name}: ${v.error ?? ""}`),
      goBuild: steps(all, GO_BUILD),
      prepare: steps(all, PREPARE),
      goTest: steps(all, GO_TEST),
      command: [BUILDCTL, ...args],
    };
    results.push(record);
    console.log(
      `run ${run} (${label}): exit ${record.exitCode}, ${record.wallS.toFixed(1)} s, ${record.binaries} binaries, ` +
        `go build ${record.goBuild.count}× sum ${record.goBuild.sumS.toFixed(1)} s max ${record.goBuild.maxS.toFixed(1)} s; ` +
        `prepare ${record.prepare.count}× sum ${record.prepare.sumS.toFixed(1)} s; test ${record.goTest.count}× sum ${record.goTest.sumS.toFixed(1)} s max ${record.goTest.maxS.toFixed(1)} s`,
    );
    await writeFile(join(out, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  }
}

await main();
