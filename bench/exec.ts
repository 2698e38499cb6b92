// Runs one command to completion, timing it, with a guard that stops it if the machine runs out of memory.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

/** What a finished command left behind. */
export interface ExecResult {
  readonly command: readonly string[];
  /** 128+signal when killed, 124 on timeout. */
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Raw length of stdout (binary output such as an LLB Definition does not survive decoding). */
  readonly stdoutBytes: number;
  /** Wall time from spawn to exit, in milliseconds. */
  readonly ms: number;
  /** Why the guard or the timeout stopped it; undefined when it ended by itself. */
  readonly stopped: string | undefined;
}

export interface ExecOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Default 45 minutes. */
  readonly timeoutMs?: number;
  /**
   * Stop the command (SIGTERM; the build client then cancels its build) when MemAvailable falls
   * below this many bytes, so a benchmark never drives a shared machine into the OOM killer.
   */
  readonly memoryFloorBytes?: number;
}

/** MemAvailable from /proc/meminfo in bytes, or undefined where there is no /proc. */
export function memAvailable(): number | undefined {
  try {
    const match = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync("/proc/meminfo", "utf8"));
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

/** Runs `file args…` without a shell. Never rejects for a non-zero exit; rejects if it cannot start. */
export function execTimed(file: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const command = [file, ...args];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    let stopped: string | undefined;
    const stop = (why: string): void => {
      if (stopped !== undefined) return;
      stopped = why;
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
    };
    const timer = setTimeout(() => stop(`timed out after ${Math.round((options.timeoutMs ?? 2_700_000) / 1000)} s`), options.timeoutMs ?? 2_700_000);
    const floor = options.memoryFloorBytes;
    const guard =
      floor === undefined
        ? undefined
        : setInterval(() => {
            const available = memAvailable();
            if (available !== undefined && available < floor) {
              stop(`stopped: MemAvailable ${(available / 2 ** 30).toFixed(1)} GiB fell below ${(floor / 2 ** 30).toFixed(1)} GiB`);
            }
          }, 500);
    const finish = (): void => {
      clearTimeout(timer);
      if (guard !== undefined) clearInterval(guard);
    };
    child.on("error", (error) => {
      finish();
      reject(new Error(`cannot run ${file}: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      finish();
      const exitCode = stopped?.startsWith("timed out") ? 124 : (code ?? 128 + (signal === "SIGKILL" ? 9 : 15));
      resolve({
        command,
        exitCode,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        stdoutBytes: stdout.reduce((n, b) => n + b.length, 0),
        ms: Math.round(performance.now() - started),
        stopped,
      });
    });
  });
}

/** Runs a command that must succeed and returns its trimmed stdout; throws with the stderr tail otherwise. */
export async function output(file: string, args: readonly string[], options: ExecOptions = {}): Promise<string> {
  const result = await execTimed(file, args, { timeoutMs: 600_000, ...options });
  if (result.exitCode !== 0) {
    throw new Error(`\`${command(result.command)}\` exited ${result.exitCode}: ${tail(result.stderr, 8)}`);
  }
  return result.stdout.trim();
}

/** The last lines of a process's output, for messages. */
export function tail(text: string, lines = 40): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** A command line a person can paste into a shell. */
export function command(parts: readonly string[]): string {
  return parts.map((p) => (/^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replaceAll("'", `'\\''`)}'`)).join(" ");
}
