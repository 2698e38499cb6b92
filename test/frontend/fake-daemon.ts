// A fake BuildKit for the frontend's whole flow: the fake LLB bridge answering solves of a small module's context,
// test steps with scripted outcomes, early builds that may fail, and recording every solve, warning and the Return.
import type { MessageShape } from "@bufbuild/protobuf";
import { buildGopherfile } from "../../src/frontend/handler.js";
import { runFrontend } from "../../src/gateway/run.js";
import { outcomeName, RECORD_ENV, RECORD_FILES } from "../../src/golang/report/index.js";
import { Caps, decodeDefinition, type DecodedDefinition } from "../../src/llb/index.js";
import type { ReturnRequestSchema } from "../../src/proto/moby/buildkit/v1/frontend/gateway_pb.js";
import { BridgeFailure, CURRENT_FRONTEND_CAPS, fakeBridge, pong } from "../gateway/fake-llb-bridge.js";

/** A test step's recorded outcome. */
export interface Outcome {
  readonly exitCode: number;
  /** Unix seconds; before this process started means "replayed from BuildKit's cache". */
  readonly finishedAt: number;
}

/** When this test process started, as the handler reads it; outcomes before it are stale. */
const STARTED_AT = Math.floor(Date.now() / 1000 - process.uptime());
/** An outcome of this build's own run. */
export const fresh = (exitCode: number): Outcome => ({ exitCode, finishedAt: STARTED_AT + 5 });
/** An outcome an earlier build recorded, which BuildKit replays from its cache. */
export const stale = (exitCode: number): Outcome => ({ exitCode, finishedAt: STARTED_AT - 600 });

/** One main package at the root and one tested package, `./sum`. */
export const CALC: Readonly<Record<string, string>> = {
  "go.mod": "module example.com/calc\n\ngo 1.22\n",
  "main.go": 'package main\n\nimport "example.com/calc/sum"\n\nfunc main() { println(sum.Add(1, 2)) }\n',
  "sum/sum.go": "package sum\n\nfunc Add(a, b int) int { return a + b }\n",
  "sum/sum_test.go": 'package sum\n\nimport "testing"\n\nfunc TestAdd(t *testing.T) {}\n',
};

export interface Scenario {
  /** The spec's text (Gopherfile.yaml); the module is {@link CALC}. */
  readonly spec: string;
  /** Frontend options (`target`, `no-cache`…); `filename` is set. */
  readonly options?: Readonly<Record<string, string>>;
  /** By package: the outcome the test step recorded first, and the one its retry records. */
  readonly tests: Readonly<Record<string, { readonly first: Outcome; readonly retry?: Outcome }>>;
  /** The early build of binaries and checks (`evaluate: true`) fails. */
  readonly earlyBuildFails?: boolean;
  /** The LLB capabilities the daemon offers; default every one the frontend knows. */
  readonly llbCaps?: readonly string[];
}

/** One Solve the frontend sent. */
export interface SolveRecord {
  readonly ref: string;
  readonly evaluate: boolean;
  readonly definition: DecodedDefinition;
  /** Packages whose test step this Definition holds, and the retry keys of retry steps in it. */
  readonly packages: readonly string[];
  readonly retries: readonly string[];
}

export interface Run {
  readonly solves: readonly SolveRecord[];
  readonly warnings: readonly string[];
  /** What the frontend returned: the error message, or undefined for a result. */
  readonly error: string | undefined;
  readonly returned: MessageShape<typeof ReturnRequestSchema>;
  /** The solves of the returned result: neither local sources, nor early builds, nor test results the frontend read. */
  readonly target: readonly SolveRecord[];
  /** Files read from test steps' results, as `<package>:<file>`. */
  readonly reads: readonly string[];
}

const MODE_DIR = 0x80000000;
const encoder = new TextEncoder();

/** The test2json stream of one run of TestAdd. */
function stream(outcome: Outcome): string {
  const action = outcome.exitCode === 0 ? "pass" : "fail";
  const lines = [
    { Action: "run", Package: "example.com/calc/sum", Test: "TestAdd" },
    ...(action === "fail"
      ? [{ Action: "output", Package: "example.com/calc/sum", Test: "TestAdd", Output: "    sum_test.go:5: Add(2, 2) = 5, want 4\n" }]
      : []),
    { Action: action, Package: "example.com/calc/sum", Test: "TestAdd", Elapsed: 0 },
    { Action: action, Package: "example.com/calc/sum", Elapsed: 0 },
  ];
  return `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`;
}

/** Environment entries of every exec op in a Definition. */
function execEnvs(definition: DecodedDefinition): string[][] {
  const out: string[][] = [];
  for (const { op } of definition.ops.values()) if (op.op.case === "exec") out.push(op.op.value.meta?.env ?? []);
  return out;
}

function envValue(env: readonly string[], key: string): string | undefined {
  const entry = env.find((e) => e.startsWith(`${key}=`));
  return entry?.slice(key.length + 1);
}

/** Runs buildGopherfile against the fake daemon, the way BuildKit starts the frontend. */
export async function runScenario(scenario: Scenario): Promise<Run> {
  const files: Record<string, string> = { ...CALC, "Gopherfile.yaml": scenario.spec };
  const solves: SolveRecord[] = [];
  const warnings: string[] = [];
  const reads: string[] = [];
  const readRefs = new Set<string>();
  let returned: MessageShape<typeof ReturnRequestSchema> | undefined;

  const outcomeOf = (record: SolveRecord | undefined): { pkg: string; outcome: Outcome } => {
    const pkg = record?.packages[0];
    const planned = pkg === undefined ? undefined : scenario.tests[pkg];
    if (record === undefined || pkg === undefined || planned === undefined) throw new BridgeFailure(5, "no such file or directory (not a test step's result)");
    if (record.retries.length === 0) return { pkg, outcome: planned.first };
    if (planned.retry === undefined) throw new Error(`the test of ${pkg} was retried, but the scenario has no retry outcome`);
    return { pkg, outcome: planned.retry };
  };

  const bridge = fakeBridge({
    Ping: () => pong(CURRENT_FRONTEND_CAPS, scenario.llbCaps ?? Object.values(Caps)),
    Solve: (req) => {
      if (req.Definition === undefined) throw new Error("a solve without a Definition");
      const definition = decodeDefinition(req.Definition);
      const head = definition.result === undefined ? undefined : definition.ops.get(definition.result.digest)?.op.op;
      const local = head?.case === "source" && head.value.identifier.startsWith("local://") ? head.value.identifier.slice("local://".length) : undefined;
      const envs = execEnvs(definition);
      const packages = [...new Set(envs.flatMap((env) => envValue(env, RECORD_ENV.pkg) ?? []))].sort();
      const retries = envs.flatMap((env) => envValue(env, RECORD_ENV.retry) ?? []);
      const ref = local !== undefined ? `local:${local}` : `ref-${solves.length}`;
      const record = { ref, evaluate: req.Evaluate, definition, packages, retries };
      solves.push(record);
      if (req.Evaluate && scenario.earlyBuildFails === true) throw new BridgeFailure(2, 'process "go build ./" did not complete successfully: exit code: 1');
      return { result: { result: { case: "ref", value: { id: ref } } } };
    },
    ReadDir: (req) => {
      if (req.Ref === "local:context") {
        const dir = req.DirPath === "." ? "" : `${req.DirPath}/`;
        const names = new Set<string>();
        for (const path of Object.keys(files)) if (path.startsWith(dir)) names.add(path.slice(dir.length).split("/")[0] ?? "");
        return {
          entries: [...names]
            .sort()
            .map((name) => ({ path: name, mode: Object.keys(files).some((p) => p.startsWith(`${dir}${name}/`)) ? MODE_DIR + 0o755 : 0o644 })),
        };
      }
      // The outcome listing: one empty file named after each package's first outcome.
      readRefs.add(req.Ref);
      const record = solves.find((s) => s.ref === req.Ref);
      const names = (record?.packages ?? []).flatMap((pkg) => {
        const planned = scenario.tests[pkg];
        return planned === undefined ? [] : [outcomeName(pkg, planned.first.exitCode, planned.first.finishedAt)];
      });
      return { entries: names.map((path) => ({ path, mode: 0o644 })) };
    },
    ReadFile: (req) => {
      if (req.Ref === "local:context" || req.Ref === "local:dockerfile") {
        const text = files[req.FilePath];
        if (text === undefined) throw new BridgeFailure(5, `open ${req.FilePath}: no such file or directory`);
        const bytes = encoder.encode(text);
        return { Data: req.Range === undefined ? bytes : bytes.slice(Number(req.Range.Offset), Number(req.Range.Offset) + Number(req.Range.Length)) };
      }
      readRefs.add(req.Ref);
      const { pkg, outcome } = outcomeOf(solves.find((s) => s.ref === req.Ref));
      reads.push(`${pkg}:${req.FilePath}`);
      const content: Record<string, string> = {
        [RECORD_FILES.exitCode]: `${outcome.exitCode}\n`,
        [RECORD_FILES.finishedAt]: `${outcome.finishedAt}\n`,
        [RECORD_FILES.stream]: stream(outcome),
        [RECORD_FILES.stderr]: "",
      };
      const text = content[req.FilePath];
      if (text === undefined) throw new BridgeFailure(5, `open ${req.FilePath}: no such file or directory`);
      return { Data: encoder.encode(text) };
    },
    StatFile: (req) => ({ stat: { path: req.Path, mode: MODE_DIR + 0o755 } }),
    ResolveImageConfig: (req) => ({
      Ref: req.Ref,
      Digest: "sha256:0000000000000000000000000000000000000000000000000000000000000000",
      Config: encoder.encode(
        JSON.stringify({
          architecture: "amd64",
          os: "linux",
          config: { Env: ["PATH=/usr/local/go/bin:/usr/bin:/bin"] },
          rootfs: { type: "layers", diff_ids: [] },
        }),
      ),
    }),
    Warn: (req) => {
      warnings.push(new TextDecoder().decode(req.short));
      return {};
    },
    Return: (req) => {
      returned = req;
      return {};
    },
  });

  const options = { filename: "Gopherfile.yaml", ...scenario.options };
  const env: Record<string, string> = { BUILDKIT_SESSION_ID: "session" };
  Object.entries(options).forEach(([key, value], i) => {
    env[`BUILDKIT_FRONTEND_OPT_${i}`] = `${key}=${value}`;
  });
  const stderr = new (await import("node:stream")).PassThrough();
  stderr.resume();
  await runFrontend(buildGopherfile, { env, arch: "x64", stdio: { stdin: bridge.stdin, stdout: bridge.stdout, stderr }, exit: () => undefined });
  bridge.server.close();
  if (returned === undefined) throw new Error("the frontend never called Return");
  const error = returned.error === undefined || returned.error.code === 0 ? undefined : returned.error.message;
  const target = solves.filter((s) => !s.evaluate && !s.ref.startsWith("local:") && !readRefs.has(s.ref));
  return { solves, warnings, error, returned, target, reads };
}
