// ExecOp: run a process over a root filesystem and mounts, with Go's mount order and output indexes.
import { create } from "@bufbuild/protobuf";
import {
  CacheSharingOpt,
  ExecOpSchema,
  HostIPSchema,
  MetaSchema,
  MountContentCache,
  MountSchema,
  MountType,
  NetMode,
  ProxyEnvSchema,
  OpSchema,
  SecretEnvSchema,
  SecurityMode,
  WorkerConstraintsSchema,
  type Mount as PbMount,
} from "../proto/pb/ops_pb.js";
import { Caps } from "./caps.js";
import { opLocations, opMetadata, type OpOptions } from "./constraints.js";
import { compareUtf8, sortUtf8 } from "./encode.js";
import type { CacheSharing, ContentCache, Mount, SecretEnv, SecretMount, SSHMount } from "./mounts.js";
import { joinPath } from "./path.js";
import { platformToPb, type Platform } from "./platform.js";
import type { State } from "./state.js";
import { sameOutput, type BuildContext, type BuiltOp, type Output, type Vertex } from "./vertex.js";

export type NetworkMode = "sandbox" | "host" | "none";
export type SecurityModeName = "sandbox" | "insecure";

/**
 * Proxy settings for a run. BuildKit sets them as environment variables (both spellings) but
 * leaves them out of the cache key, so a proxy that differs between machines never re-runs a step.
 */
export interface ProxyEnv {
  readonly httpProxy?: string;
  readonly httpsProxy?: string;
  readonly ftpProxy?: string;
  readonly noProxy?: string;
  readonly allProxy?: string;
}

/** Options of `State.run`. `args` is required; env is emitted sorted by key. */
export interface RunOptions extends OpOptions {
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory; relative paths are taken from "/". Default "/". */
  readonly cwd?: string;
  readonly user?: string;
  readonly hostname?: string;
  readonly network?: NetworkMode;
  readonly security?: SecurityModeName;
  readonly mounts?: readonly Mount[];
  /** Mount the root read-only; the exec then has no root output. */
  readonly readonlyRoot?: boolean;
  readonly secretEnv?: readonly SecretEnv[];
  /** Exit codes that count as success (default: only 0). */
  readonly validExitCodes?: readonly number[];
  readonly extraHosts?: readonly { readonly host: string; readonly ip: string }[];
  /** Proxy variables outside the cache key; an empty object sets none. */
  readonly proxyEnv?: ProxyEnv;
}

/** Root, bind, cache and tmpfs mounts: these are sorted by target and may have outputs. */
interface FsMount {
  readonly target: string;
  readonly kind: "root" | "bind" | "cache" | "tmpfs";
  readonly source: State | undefined;
  readonly readonly: boolean;
  readonly selector: string;
  readonly output: number;
  readonly cache?: { readonly id: string; readonly sharing: CacheSharing };
  readonly tmpfsSize?: number;
  readonly noOutput: boolean;
  readonly contentCache: ContentCache;
}

const byTarget = (a: { target: string }, b: { target: string }): number => compareUtf8(a.target, b.target);

const networkModes: Readonly<Record<NetworkMode, NetMode>> = { sandbox: NetMode.UNSET, host: NetMode.HOST, none: NetMode.NONE };
const sharingModes: Readonly<Record<CacheSharing, CacheSharingOpt>> = {
  shared: CacheSharingOpt.SHARED,
  private: CacheSharingOpt.PRIVATE,
  locked: CacheSharingOpt.LOCKED,
};
const contentCaches: Readonly<Record<ContentCache, MountContentCache>> = {
  default: MountContentCache.DEFAULT,
  on: MountContentCache.ON,
  off: MountContentCache.OFF,
};

/** An exec vertex. Immutable; mounts are sorted and output indexes fixed when it is made. */
export class ExecVertex implements Vertex {
  /** The exec's own platform (option, else the base state's); undefined → marshal platform. */
  readonly platform: Platform | undefined;
  readonly #opts: RunOptions;
  readonly #base: State;
  readonly #fs: readonly FsMount[];
  readonly #secrets: readonly SecretMount[];
  readonly #ssh: readonly (SSHMount & { readonly target: string })[];

  constructor(base: State, opts: RunOptions) {
    if (opts.args.length === 0) throw new Error("exec needs at least one argument in args");
    this.#base = base;
    this.#opts = opts;
    this.platform = opts.platform ?? base.platform;
    const mounts = opts.mounts ?? [];
    this.#secrets = mounts.filter((m): m is SecretMount => m.type === "secret");
    this.#ssh = mounts.filter((m): m is SSHMount => m.type === "ssh").map((m, i) => ({ ...m, target: m.target ?? `/run/buildkit/ssh_agent.${i}` }));
    this.#fs = layoutMounts(base, opts, mounts);
    const targets = [...this.#fs, ...this.#secrets, ...this.#ssh].map((m) => m.target);
    for (const [i, t] of targets.entries()) {
      if (!t.startsWith("/")) throw new Error(`mount target "${t}" must be an absolute path`);
      if (targets.indexOf(t) !== i) throw new Error(`two mounts share the target "${t}"; give each mount its own path`);
    }
  }

  /** The root filesystem after the run: a new output, or the base's when the root is read-only. */
  rootOutput(): Output | undefined {
    const root = this.#fs.find((m) => m.kind === "root");
    if (!root || root.output < 0) return this.#base.out;
    return { vertex: this, index: root.output };
  }

  /** What `ExecState.output(target)` refers to. Throws for mounts without an output. */
  mountOutput(target: string): { kind: "source"; state: State } | { kind: "output"; out: Output; platform: Platform | undefined } {
    const m = this.#fs.find((x) => x.target === target && x.kind !== "root");
    if (m?.kind === "bind" && m.source && m.readonly) return { kind: "source", state: m.source };
    if (m?.kind === "bind" && m.source && m.output >= 0) {
      return { kind: "output", out: { vertex: this, index: m.output }, platform: this.#opts.platform ?? m.source.platform };
    }
    throw new Error(`no output for mount "${target}": only writable bind mounts (without noOutput) have one`);
  }

  inputs(): readonly Output[] {
    const seen: Output[] = [];
    for (const m of this.#fs) {
      const out = m.source?.out;
      if (out && !seen.some((s) => sameOutput(s, out))) seen.push(out);
    }
    return seen;
  }

  build(ctx: BuildContext): BuiltOp {
    const opts = this.#opts;
    const caps = new Set<string>([Caps.execMetaBase]);
    const inputs: { digest: string; index: bigint }[] = [];
    const mounts: PbMount[] = this.#fs.map((m) => {
      let input = -1n;
      if (m.source?.out) {
        const edge = ctx.input(m.source.out);
        let i = inputs.findIndex((x) => x.digest === edge.digest && x.index === edge.index);
        if (i < 0) i = inputs.push({ digest: edge.digest, index: edge.index }) - 1;
        input = BigInt(i);
      }
      if (m.selector !== "") caps.add(Caps.execMountSelector);
      if (m.cache) caps.add(Caps.execMountCache).add(Caps.execMountCacheSharing);
      else if (m.kind === "tmpfs") {
        caps.add(Caps.execMountTmpfs);
        if ((m.tmpfsSize ?? 0) > 0) caps.add(Caps.execMountTmpfsSize);
      } else if (m.source?.out) caps.add(Caps.execMountBind);
      if (m.noOutput) caps.add(Caps.execMountBindReadWriteNoOutput);
      if (m.contentCache !== "default") caps.add(Caps.execMountContentCache);
      return create(MountSchema, {
        input,
        dest: m.target,
        readonly: m.readonly,
        output: BigInt(m.output),
        selector: m.selector,
        contentCache: contentCaches[m.contentCache],
        ...(m.cache ? { mountType: MountType.CACHE, cacheOpt: { ID: m.cache.id, sharing: sharingModes[m.cache.sharing] } } : {}),
        ...(m.kind === "tmpfs" ? { mountType: MountType.TMPFS, TmpfsOpt: { size: BigInt(m.tmpfsSize ?? 0) } } : {}),
      });
    });
    // Secret and ssh mounts follow the sorted filesystem mounts, in the order given (as in Go).
    for (const s of this.#secrets) {
      mounts.push(
        create(MountSchema, {
          input: -1n,
          dest: s.target,
          mountType: MountType.SECRET,
          secretOpt: { ID: s.id, uid: u32(s.uid ?? 0), gid: u32(s.gid ?? 0), mode: u32(s.mode ?? 0o400), optional: s.optional ?? false },
        }),
      );
    }
    for (const s of this.#ssh) {
      mounts.push(
        create(MountSchema, {
          input: -1n,
          dest: s.target,
          mountType: MountType.SSH,
          SSHOpt: { ID: s.id ?? "", uid: u32(s.uid ?? 0), gid: u32(s.gid ?? 0), mode: u32(s.mode ?? 0o600), optional: s.optional ?? false },
        }),
      );
    }
    const secretEnv = opts.secretEnv ?? [];
    if (this.#secrets.length > 0 || secretEnv.length > 0) caps.add(Caps.execMountSecret);
    if (secretEnv.length > 0) caps.add(Caps.execSecretEnv);
    if (this.#ssh.length > 0) caps.add(Caps.execMountSSH);
    const network = opts.network ?? "sandbox";
    if (network !== "sandbox") caps.add(Caps.execMetaNetwork);
    if (opts.security === "insecure") caps.add(Caps.execMetaSecurity);
    if (opts.validExitCodes !== undefined) caps.add(Caps.execValidExitCode);
    const proxy = opts.proxyEnv ?? {};
    const hasProxy = Object.values(proxy).some((v) => v !== undefined && v !== "");
    if (hasProxy) caps.add(Caps.execMetaProxy);

    const meta = create(MetaSchema, {
      args: [...opts.args],
      env: this.#env(),
      cwd: joinPath("/", opts.cwd ?? "/"),
      user: opts.user ?? "",
      hostname: opts.hostname ?? "",
      removeMountStubsRecursive: true,
      validExitCodes: [...(opts.validExitCodes ?? [])],
      extraHosts: (opts.extraHosts ?? []).map((h) => create(HostIPSchema, { Host: h.host, IP: h.ip })),
      ...(hasProxy
        ? {
            proxyEnv: create(ProxyEnvSchema, {
              httpProxy: proxy.httpProxy ?? "",
              httpsProxy: proxy.httpsProxy ?? "",
              ftpProxy: proxy.ftpProxy ?? "",
              noProxy: proxy.noProxy ?? "",
              allProxy: proxy.allProxy ?? "",
            }),
          }
        : {}),
    });
    const exec = create(ExecOpSchema, {
      meta,
      mounts,
      network: networkModes[network],
      security: opts.security === "insecure" ? SecurityMode.INSECURE : SecurityMode.SANDBOX,
      secretenv: secretEnv.map((s) => create(SecretEnvSchema, { ID: s.id, name: s.name, optional: s.optional ?? false })),
    });
    const platform = this.platform ?? ctx.platform;
    const op = create(OpSchema, {
      inputs,
      op: { case: "exec", value: exec },
      ...(platform ? { platform: platformToPb(platform) } : {}),
      constraints: create(WorkerConstraintsSchema),
    });
    return { op, metadata: opMetadata(opts, caps), locations: opLocations(opts) };
  }

  /** `KEY=value` sorted by key; SSH_AUTH_SOCK points at the first ssh socket unless set. */
  #env(): string[] {
    const env: Record<string, string> = { ...this.#opts.env };
    const firstSSH = this.#ssh[0];
    if (firstSSH && !Object.hasOwn(env, "SSH_AUTH_SOCK")) env["SSH_AUTH_SOCK"] = firstSSH.target;
    return sortUtf8(Object.keys(env)).map((k) => `${k}=${env[k] ?? ""}`);
  }
}

/** Root plus bind/cache/tmpfs mounts, sorted by target, with output indexes assigned in that order. */
function layoutMounts(base: State, opts: RunOptions, mounts: readonly Mount[]): FsMount[] {
  type Draft = Omit<FsMount, "output">;
  const drafts: Draft[] = [
    { target: "/", kind: "root", source: base, readonly: opts.readonlyRoot ?? false, selector: "", noOutput: false, contentCache: "default" },
  ];
  for (const m of mounts) {
    switch (m.type) {
      case "bind":
        drafts.push({
          target: m.target,
          kind: "bind",
          source: m.source,
          readonly: m.readonly ?? false,
          selector: m.selector ?? "",
          noOutput: !(m.readonly ?? false) && (m.noOutput ?? false),
          contentCache: m.contentCache ?? "default",
        });
        break;
      case "cache":
        if (m.id === "") throw new Error(`cache mount at "${m.target}" needs a non-empty id`);
        drafts.push({
          target: m.target,
          kind: "cache",
          source: m.source,
          readonly: false,
          selector: m.selector ?? "",
          cache: { id: m.id, sharing: m.sharing ?? "shared" },
          noOutput: false,
          contentCache: m.contentCache ?? "default",
        });
        break;
      case "tmpfs":
        drafts.push({
          target: m.target,
          kind: "tmpfs",
          source: undefined,
          readonly: false,
          selector: "",
          tmpfsSize: m.size ?? 0,
          noOutput: false,
          contentCache: "default",
        });
        break;
      case "secret":
      case "ssh":
        break;
    }
  }
  drafts.sort(byTarget);
  let next = 0;
  return drafts.map((d) => {
    const hasOutput = !d.readonly && !d.noOutput && d.kind !== "cache" && d.kind !== "tmpfs";
    return { ...d, output: hasOutput ? next++ : -1 };
  });
}

function u32(n: number): number {
  return n >>> 0;
}
