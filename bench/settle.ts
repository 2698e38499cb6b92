// Waits for the machine to be idle before a timed command, so one build's aftermath is not the next one's time.
import { readFile } from "node:fs/promises";

/** CPU idle share over one sampling window at or above which the machine counts as settled. */
export const SETTLED_IDLE = 0.7;
/** The longest wait; after it the command is timed anyway (and the wait is reported). */
const MAX_WAIT_MS = 120_000;
const WINDOW_MS = 1000;
/**
 * Settled means this many windows in a row: after a Dockerfile build of 181 steps the daemon's
 * cleanup on this machine pauses for a second at 82% idle and then runs on (36%, 64%) before it is
 * quiet, and a command started in the pause took twice its time (a 3.4 s edit took 7.1 s).
 */
export const SETTLED_WINDOWS = 3;

/** Idle and total jiffies of all CPUs together, from /proc/stat's first line. */
async function cpuTimes(): Promise<{ idle: number; total: number } | undefined> {
  try {
    const line = (await readFile("/proc/stat", "utf8")).split("\n")[0] ?? "";
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    if (fields.length < 5 || fields.some((n) => !Number.isFinite(n))) return undefined;
    // user nice system idle iowait irq softirq steal …: idle and iowait are the time nothing ran.
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { idle, total: fields.reduce((a, b) => a + b, 0) };
  } catch {
    return undefined;
  }
}

/** What the wait reads and how it passes time; tests give scripted ones. */
export interface SettleClock {
  cpuTimes(): Promise<{ idle: number; total: number } | undefined>;
  sleep(ms: number): Promise<void>;
  now(): number;
}

const realClock: SettleClock = {
  cpuTimes,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => performance.now(),
};

/**
 * Resolves once {@link SETTLED_WINDOWS} one-second windows in a row each had at least
 * {@link SETTLED_IDLE} of the CPUs idle, or after two minutes. A build that just ran 180 steps leaves the daemon cleaning up for tens of seconds on a
 * 2-core machine (the host floor after it measured 9–12 s instead of 1.1–1.5 s), so every timed
 * command starts from a quiet machine. Returns how long it waited, in milliseconds; where
 * /proc/stat cannot be read it does not wait.
 */
export async function waitUntilSettled(clock: SettleClock = realClock): Promise<number> {
  const started = clock.now();
  let before = await clock.cpuTimes();
  if (before === undefined) return 0;
  let settled = 0;
  while (clock.now() - started < MAX_WAIT_MS) {
    await clock.sleep(WINDOW_MS);
    const after = await clock.cpuTimes();
    if (after === undefined) return 0;
    const total = after.total - before.total;
    settled = total > 0 && (after.idle - before.idle) / total >= SETTLED_IDLE ? settled + 1 : 0;
    if (settled === SETTLED_WINDOWS) break;
    before = after;
  }
  return Math.round(clock.now() - started);
}
