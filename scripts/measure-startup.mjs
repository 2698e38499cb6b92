// Measures the frontend's start-up on a cached build, on both daemons: process start → first gRPC
// request (Ping) and → ready to Return, read from the timings vertex the frontend shows when built
// with GOPHERFILE_DEBUG_TIMINGS=1. Prints the median, min and max of N runs per daemon.
// Usage: node scripts/measure-startup.mjs [runs=10]   (needs the test bed and the frontend image)
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const runs = Number(process.argv[2] ?? 10);
const env = Object.fromEntries(
  execFileSync("bash", ["-c", ". scripts/testbed/env.sh && env"], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l.startsWith("GOPHERFILE_"))
    .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
);
const frontend = process.env.GOPHERFILE_FRONTEND_IMAGE ?? `${env.GOPHERFILE_REGISTRY}/gopherfile/gopherfile:dev`;
const dir = mkdtempSync(join(tmpdir(), "gopherfile-startup-"));
cpSync("test/fixtures/cache-edit", dir, { recursive: true });
const spec = join(dir, "Gopherfile.yaml");
writeFileSync(spec, readFileSync(spec, "utf8").replace(/^# syntax=.*$/m, `# syntax=${frontend}`));
// No GOPHERFILE_GO_IMAGE: the default golang:<go.mod's version>, which the test bed serves.
const args = { GOPHERFILE_DEBUG_TIMINGS: "1" };

const daemons = {
  "docker 20.10 (BuildKit v0.8)": () =>
    output(
      env.GOPHERFILE_DOCKER,
      [
        "build",
        "--progress",
        "plain",
        "-f",
        spec,
        ...Object.entries(args).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]),
        "-o",
        `type=local,dest=${join(dir, "out")}`,
        dir,
      ],
      {
        env: { ...process.env, DOCKER_HOST: `unix://${env.GOPHERFILE_DOCKER_SOCKET}`, DOCKER_BUILDKIT: "1" },
      },
    ),
  [`buildkitd ${env.GOPHERFILE_BUILDKIT_VERSION}`]: () =>
    output(
      env.GOPHERFILE_BUILDCTL,
      [
        "--addr",
        `unix://${env.GOPHERFILE_BUILDKITD_SOCKET}`,
        "build",
        "--progress",
        "plain",
        "--frontend",
        "gateway.v0",
        "--opt",
        `source=${frontend}`,
        "--opt",
        "filename=Gopherfile.yaml",
        ...Object.entries(args).flatMap(([k, v]) => ["--opt", `build-arg:${k}=${v}`]),
        "--local",
        `context=${dir}`,
        "--local",
        `dockerfile=${dir}`,
        "--output",
        `type=local,dest=${join(dir, "out")}`,
      ],
      {},
    ),
};

/** Progress goes to stderr: the output is both streams; a failed build is an error. */
function output(file, argv, options = {}) {
  const r = spawnSync(file, argv, { ...options, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${file} failed:\n${(r.stderr ?? "").slice(-2000)}`);
  return `${r.stdout}${r.stderr}`;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
};
for (const [name, build] of Object.entries(daemons)) {
  build(); // warm: the measured builds are all cached
  const first = [],
    ready = [],
    wall = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const out = build();
    wall.push(performance.now() - t0);
    const m = /timings: first-request=([\d.]+)ms return=([\d.]+)ms/.exec(out);
    if (!m) throw new Error(`no timings line in the output of ${name}:\n${out.slice(-2000)}`);
    first.push(Number(m[1]));
    ready.push(Number(m[2]));
  }
  const f = stats(first),
    r = stats(ready),
    w = stats(wall);
  console.log(
    `${name}: ${runs} cached builds: start→first request median ${f.median.toFixed(0)} ms (${f.min.toFixed(0)}–${f.max.toFixed(0)}), start→Return median ${r.median.toFixed(0)} ms (${r.min.toFixed(0)}–${r.max.toFixed(0)}), client wall median ${w.median.toFixed(0)} ms`,
  );
}
