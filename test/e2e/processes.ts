// Finds a build's processes on this machine by a marker in their environment, and runs a client
// whose output can be watched while it runs (run.ts only returns when a process has ended).
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

/** A live process: its pid, argv, and start time (clock ticks after boot), which tells it from a later process with its pid. */
export interface ProcessInfo {
  readonly pid: number;
  readonly argv: readonly string[];
  readonly startTime: string;
}

/** Field 22 of /proc/<pid>/stat; undefined when the process is gone (reaped). */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    // The command name (field 2) may hold spaces and parentheses; the fields after it start at the last ")".
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** Whether `info`'s process still exists, zombie included (not yet reaped by its parent). */
export function stillExists(info: ProcessInfo): boolean {
  return startTimeOf(info.pid) === info.startTime;
}

/**
 * Every process whose environment contains `marker`, read from /proc (needs root for other users'
 * processes; the daemons' containers run as root). Both daemons run each step, and the gateway
 * frontend, as a process on this host, so this sees a build's frontend (its options, build args
 * included, are in its environment as BUILDKIT_FRONTEND_OPT_n) and every Go step (the spec's
 * `go.env` is in theirs, and their children inherit it). Zombies have no environment left and
 * count as gone.
 */
export function processesWithMarker(marker: string): ProcessInfo[] {
  const needle = Buffer.from(marker, "utf8");
  const found: ProcessInfo[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    let environ: Buffer;
    let cmdline: Buffer;
    try {
      environ = readFileSync(`/proc/${name}/environ`);
      if (environ.indexOf(needle) === -1) continue;
      cmdline = readFileSync(`/proc/${name}/cmdline`);
    } catch {
      continue; // gone meanwhile, or a kernel thread
    }
    const startTime = startTimeOf(pid);
    if (startTime === undefined) continue;
    found.push({
      pid,
      argv: cmdline
        .toString("utf8")
        .split("\0")
        .filter((part) => part !== ""),
      startTime,
    });
  }
  return found;
}

/** How a client process ended. */
export interface ClientExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** performance.now() when it ended. */
  readonly at: number;
}

/** A client process that is still running: its output so far, and a way to wait for a line. */
export interface RunningClient {
  readonly child: ChildProcess;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /** Resolves when the output matches `pattern`; rejects after `timeoutMs` or when the client ends first. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
  readonly exited: Promise<ClientExit>;
}

/** Starts `file args…` without a shell, output captured. */
export function startClient(file: string, args: readonly string[], env: Readonly<Record<string, string>>): RunningClient {
  const child = spawn(file, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const chunks: Buffer[] = [];
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    chunks.push(chunk);
    for (const listener of listeners) listener();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  let ended = false;
  const exited = new Promise<ClientExit>((resolve) => {
    child.once("error", () => {
      ended = true;
      resolve({ code: null, signal: null, at: performance.now() });
    });
    child.once("close", (code, signal) => {
      ended = true;
      for (const listener of listeners) listener();
      resolve({ code, signal, at: performance.now() });
    });
  });
  const output = (): string => Buffer.concat(chunks).toString("utf8");
  const waitForOutput = (pattern: RegExp, timeoutMs: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (pattern.test(output())) {
          done();
          resolve();
        } else if (ended) {
          done();
          reject(new Error(`the client ended before its output matched ${String(pattern)}:\n${output().split("\n").slice(-40).join("\n")}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no output matched ${String(pattern)} within ${timeoutMs / 1000} s:\n${output().split("\n").slice(-40).join("\n")}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  return { child, output, waitForOutput, exited };
}

/** Polls `condition` every `intervalMs` until it holds; returns the milliseconds waited, or undefined after `timeoutMs`. */
export async function pollUntil(condition: () => boolean, timeoutMs: number, intervalMs = 10): Promise<number | undefined> {
  const started = performance.now();
  for (;;) {
    if (condition()) return performance.now() - started;
    if (performance.now() - started > timeoutMs) return undefined;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
