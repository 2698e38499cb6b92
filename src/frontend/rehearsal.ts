// A build rehearsed without BuildKit, so the frontend image's V8 code cache holds what every build runs.
import { Readable, Writable } from "node:stream";
import { FsContextReader } from "../context/fs-reader.js";
import type { ContextReader } from "../context/reader.js";
import {
  answerCall,
  FrontendCap,
  GatewayEnvVar,
  GrpcCode,
  GrpcError,
  isBridgeMethod,
  runFrontend,
  type BridgeAnswer,
  type BridgeConnection,
  type BridgeHandlers,
  type FrontendHandler,
} from "../gateway/index.js";
import { outcomeName, RECORD_ENV } from "../golang/report/index.js";
import { Caps, decodeDefinition, type DecodedDefinition } from "../llb/index.js";

/** The argument that makes the frontend rehearse instead of serving BuildKit (scripts/bundle.mjs passes it). */
export const REHEARSE_ARG = "--rehearse";

/** LLB caps of a daemon without the merge op, copy patterns and mount content caching (BuildKit v0.8, Docker 20.10's). */
const OLD_DAEMON_CAPS: readonly string[] = Object.values(Caps).filter(
  (c) => c !== Caps.mergeOp && c !== Caps.fileCopyIncludeExcludePatterns && c !== Caps.execMountContentCache,
);

/**
 * The builds rehearsed. V8 compiles a function on its first call, so a function no rehearsed build
 * calls is compiled in every real one. The spec's default (its image) and every binary on a current daemon, and the
 * default on an old one, where the frontend takes its other path (the module mounted, fewer reads and tests at once).
 */
const REHEARSALS: readonly { readonly target: string | undefined; readonly llbCaps: readonly string[] }[] = [
  { target: undefined, llbCaps: Object.values(Caps) },
  { target: "binaries", llbCaps: Object.values(Caps) },
  { target: undefined, llbCaps: OLD_DAEMON_CAPS },
];

/**
 * Runs the frontend's whole build of the module in `moduleDir` (its spec `Gopherfile.yaml`; the bundle
 * passes examples/hello), once per {@link REHEARSALS} entry, against an in-memory BuildKit that
 * answers as a daemon with those capabilities does for a build cached throughout.
 * Rejects when a rehearsed build does not end in a result, since a rehearsal that stops early
 * would leave the rest of the frontend out of the cache unnoticed.
 */
export async function rehearse(handler: FrontendHandler, moduleDir: string): Promise<void> {
  for (const { target, llbCaps } of REHEARSALS) {
    const options: Record<string, string> = { filename: "Gopherfile.yaml", ...(target === undefined ? {} : { target }) };
    const env: Record<string, string> = {
      [GatewayEnvVar.sessionId]: "rehearsal",
      [GatewayEnvVar.workers]: JSON.stringify([{ ID: "rehearsal", Platforms: [{ OS: "linux", Architecture: "amd64" }] }]),
    };
    Object.entries(options).forEach(([key, value], i) => {
      env[`${GatewayEnvVar.optionPrefix}${i}`] = `${key}=${value}`;
    });
    const said: string[] = [];
    const stderr = new Writable({
      write(chunk: Buffer, _encoding, done) {
        said.push(chunk.toString());
        done();
      },
    });
    const bridge = new RehearsalBridge(llbCaps, new FsContextReader(moduleDir));
    const code = await runFrontend(handler, {
      env,
      arch: "x64",
      // Nothing reads or writes the real stdio: the bridge is in memory and the log is kept for the error.
      stdio: { stdin: Readable.from([]), stdout: new Writable({ write: (_chunk, _encoding, done) => done() }), stderr },
      exit: () => undefined,
      uptimeMs: () => process.uptime() * 1000,
      bridge: () => bridge,
    });
    if (code !== 0) {
      const daemon = llbCaps === OLD_DAEMON_CAPS ? " on an old daemon" : "";
      throw new Error(`the rehearsed build of target ${target ?? "(default)"}${daemon} ended with ${code}: ${bridge.returnedError ?? said.join("")}`);
    }
  }
}

const MODE_DIR = 0x80000000;
const encoder = new TextEncoder();
/** The config every image resolves to: enough for the Go image's environment and a base image's. */
const IMAGE_CONFIG = {
  architecture: "amd64",
  os: "linux",
  config: { Env: ["PATH=/usr/local/go/bin:/usr/bin:/bin"] },
  rootfs: { type: "layers", diff_ids: [] },
};

/** The rehearsal's BuildKit: each request decoded and each answer encoded as on the wire. */
class RehearsalBridge implements BridgeConnection {
  readonly #context: ContextReader;
  /** The packages whose test steps each solved reference holds, for its outcome listing. */
  readonly #tested = new Map<string, readonly string[]>();
  #solves = 0;
  /** The message the build returned instead of a result, if it did. */
  returnedError: string | undefined;
  readonly #handlers: BridgeHandlers;

  /** `context` is what both local sources (the spec's and the build context) hold. */
  constructor(llbCaps: readonly string[], context: ContextReader) {
    this.#context = context;
    this.#handlers = {
      Ping: () => ({
        FrontendAPICaps: Object.values(FrontendCap).map((ID) => ({ ID, Enabled: true })),
        LLBCaps: llbCaps.map((ID) => ({ ID, Enabled: true })),
      }),
      Solve: (req) => ({ result: { result: { case: "ref", value: { id: this.#solve(req.Definition) } } } }),
      ReadDir: async (req) => ({ entries: await this.#readDir(req.Ref, req.DirPath === "." ? "" : req.DirPath) }),
      ReadFile: async (req) => {
        const limit = req.Range === undefined ? undefined : Number(req.Range.Length);
        const data = req.Ref.startsWith("local:") ? await this.#context.readFile(req.FilePath, limit) : encoder.encode("0\n");
        // As BuildKit answers for a file the context lacks (an absent .dockerignore, say).
        if (data === undefined) throw new GrpcError(GrpcCode.NOT_FOUND, `open ${req.FilePath}: no such file or directory`, "ReadFile");
        return { Data: data };
      },
      StatFile: (req) => ({ stat: { path: req.Path, mode: MODE_DIR + 0o755 } }),
      ResolveImageConfig: (req) => ({ Ref: req.Ref, Digest: `sha256:${"0".repeat(64)}`, Config: encoder.encode(JSON.stringify(IMAGE_CONFIG)) }),
      Warn: () => ({}),
      Inputs: () => ({}),
      Return: (req) => {
        if (req.error !== undefined && req.error.code !== 0) this.returnedError = req.error.message;
        return {};
      },
    };
  }

  async unary(method: string, request: Uint8Array): Promise<Uint8Array> {
    const answer = isBridgeMethod(method) ? await answerCall(this.#handlers, method, request) : undefined;
    if (answer === undefined) throw new Error(`rehearsal: no answer for ${method}`);
    return answer;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  destroy(): void {}

  /** A reference to the solved Definition: `local:<name>` for a local source, which reads come from the module. */
  #solve(definition: Parameters<typeof decodeDefinition>[0] | undefined): string {
    if (definition === undefined) throw new Error("rehearsal: a solve without a Definition");
    const decoded = decodeDefinition(definition);
    const head = decoded.result === undefined ? undefined : decoded.ops.get(decoded.result.digest)?.op.op;
    if (head?.case === "source" && head.value.identifier.startsWith("local://")) return `local:${head.value.identifier.slice("local://".length)}`;
    const ref = `rehearsal-${++this.#solves}`;
    this.#tested.set(ref, testedPackages(decoded));
    return ref;
  }

  /** A local source's directory, or a test result's listing: each package's outcome, passed just now. */
  async #readDir(ref: string, path: string): Promise<NonNullable<BridgeAnswer<"ReadDir">["entries"]>> {
    if (ref.startsWith("local:")) {
      const entries = await this.#context.readDir(path);
      return entries.map((e) => ({ path: e.name, mode: e.kind === "dir" ? MODE_DIR + 0o755 : 0o644 }));
    }
    const now = Math.floor(Date.now() / 1000);
    return (this.#tested.get(ref) ?? []).map((pkg) => ({ path: outcomeName(pkg, 0, now), mode: 0o644 }));
  }
}

/** The packages whose test steps a Definition holds (their record environment names them). */
function testedPackages(definition: DecodedDefinition): string[] {
  const packages = new Set<string>();
  for (const { op } of definition.ops.values()) {
    if (op.op.case !== "exec") continue;
    const entry = op.op.value.meta?.env.find((e) => e.startsWith(`${RECORD_ENV.pkg}=`));
    if (entry !== undefined) packages.add(entry.slice(RECORD_ENV.pkg.length + 1));
  }
  return [...packages].sort();
}
