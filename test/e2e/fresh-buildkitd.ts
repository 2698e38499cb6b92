// A second buildkitd with its own empty state directory and socket: a daemon that has built nothing,
// as a CI runner is, for tests of remote cache import. The test that starts one stops it; it is never
// left running (and dies with the test process if that is killed).
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { docker, REPO_ROOT, RUN_ID } from "./gopherfile.js";
import { run, tail } from "../../testbed/run.js";
import { BUILDCTL, CACHE_DIR, BUILDKIT_VERSION, STATE_DIR } from "../../testbed/testbed.js";

/** The test bed's pinned buildkitd, the same binary as the test bed's daemon. */
export const BUILDKITD = join(CACHE_DIR, "tools", `buildkit-${BUILDKIT_VERSION}`, "buildkitd");

export interface FreshBuildkitd {
  /** `unix://…/buildkitd.sock`, for BUILDKIT_HOST or a buildx remote builder. */
  readonly host: string;
  /** Its state directory (empty when it started). */
  readonly root: string;
  /** Its log file (gone after stop). */
  readonly log: string;
  /** SIGTERM (SIGKILL after 30 s), unmounts what it left, removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** Mount points at or under `dir`, deepest first. */
async function mountsUnder(dir: string): Promise<string[]> {
  const mountinfo = await readFile("/proc/self/mountinfo", "utf8");
  return mountinfo
    .split("\n")
    .map((line) => line.split(" ")[4] ?? "")
    .filter((point) => point === dir || point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/**
 * Starts buildkitd with the test bed's config (scripts/testbed/conf/buildkitd.toml: same worker,
 * registry and mirrors) but its own root and socket under /var/lib/gopherfile/tmp, and waits until it
 * answers. `name` only labels the directory.
 */
export async function startFreshBuildkitd(name: string): Promise<FreshBuildkitd> {
  await mkdir(join(STATE_DIR, "tmp"), { recursive: true });
  const base = await mkdtemp(join(STATE_DIR, "tmp", `fresh-buildkitd-${name}-`));
  const root = join(base, "root");
  const socket = join(base, "buildkitd.sock");
  const log = join(base, "buildkitd.log");
  const config = join(base, "buildkitd.toml");
  const host = `unix://${socket}`;

  let text = await readFile(join(REPO_ROOT, "scripts", "testbed", "conf", "buildkitd.toml"), "utf8");
  const replace = (pattern: RegExp, value: string): void => {
    if (!pattern.test(text)) throw new Error(`scripts/testbed/conf/buildkitd.toml has no line matching ${String(pattern)}`);
    text = text.replace(pattern, value);
  };
  replace(/^root = .*$/m, `root = ${JSON.stringify(root)}`);
  replace(/^(\s*)address = .*$/m, `$1address = [${JSON.stringify(host)}]`);
  await writeFile(config, text);

  const fd = openSync(log, "a");
  // --pdeathsig: if the test process dies without stopping it, the kernel kills it.
  const child = spawn("setpriv", ["--pdeathsig", "KILL", "--", BUILDKITD, "--config", config], { stdio: ["ignore", fd, fd] });
  closeSync(fd);
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", () => {
      exited = true;
      resolve();
    });
    child.once("error", () => {
      exited = true;
      resolve();
    });
  });
  const killOnExit = (): void => {
    if (!exited) child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (!exited) {
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
        await exit;
        clearTimeout(killer);
      }
      process.removeListener("exit", killOnExit);
      for (const point of await mountsUnder(base)) {
        const result = await run("umount", [point]);
        if (result.exitCode !== 0) throw new Error(`buildkitd left ${point} mounted and umount failed: ${result.stderr.trim()}; not removing ${base}`);
      }
      await rm(base, { recursive: true, force: true });
    })());

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      const output = await readFile(log, "utf8").catch(() => "");
      await stop();
      throw new Error(`the fresh buildkitd exited during start-up:\n${tail(output, 30)}`);
    }
    const probe = await run(BUILDCTL, ["--addr", host, "--timeout", "3", "debug", "workers"], { timeoutMs: 10_000 });
    if (probe.exitCode === 0 && probe.stdout.includes("linux/amd64")) break;
    if (Date.now() > deadline) {
      const output = await readFile(log, "utf8").catch(() => "");
      await stop();
      throw new Error(`the fresh buildkitd did not answer within 60 s:\n${tail(output, 30)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { host, root, log, stop };
}

/** A fresh buildkitd reached the way one client reaches it: `on` goes into buildOn's options. */
export interface FreshBuilder {
  readonly daemon: FreshBuildkitd;
  /** buildctl: `BUILDKIT_HOST` of the fresh daemon; buildx: a remote builder on it. */
  readonly on: { readonly env: Readonly<Record<string, string>> } | { readonly builder: string };
  /** Removes the buildx builder (if any), then stops the daemon. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a fresh buildkitd (see {@link startFreshBuildkitd}) and, for buildx, a remote builder
 * `gopherfile-e2e-<name>-<run>` on it, so a test builds on an empty daemon through `client` as a
 * fresh CI runner would.
 */
export async function startFreshBuilder(client: "buildctl" | "buildx", name: string): Promise<FreshBuilder> {
  const daemon = await startFreshBuildkitd(name);
  if (client === "buildctl") return { daemon, on: { env: { BUILDKIT_HOST: daemon.host } }, stop: () => daemon.stop() };
  const builder = `gopherfile-e2e-${name}-${RUN_ID}`;
  try {
    await docker(["buildx", "create", "--name", builder, "--driver", "remote", daemon.host]);
  } catch (err) {
    await daemon.stop();
    throw err;
  }
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await docker(["buildx", "rm", builder], { allowFailure: true });
      await daemon.stop();
    })());
  return { daemon, on: { builder }, stop };
}
