// What the bench and corpus runners share: where their folder is, timestamped log lines, set-up commands, option checks.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";

/**
 * The runner's own folder (bench/ or corpus/). The launcher (scripts/run-harness.mjs) runs a bundle
 * from `<folder>/work/.harness/`, so it says where the folder is; unbundled, it is the module's own.
 */
export function harnessDir(fallback: string): string {
  return resolve(process.env["GOPHERFILE_HARNESS_DIR"] ?? fallback);
}

/** A logger that prefixes each line with the time since `started`: `[  3m07s] line`. */
export function stampedLog(started: number = Date.now()): (line: string) => void {
  return (line) => {
    const s = Math.round((Date.now() - started) / 1000);
    process.stdout.write(`[${String(Math.floor(s / 60)).padStart(3, " ")}m${String(s % 60).padStart(2, "0")}s] ${line}\n`);
  };
}

/** Runs a set-up command with its output shown; throws, naming the command, when it fails. */
export function setup(log: (line: string) => void, what: string, file: string, args: readonly string[], cwd: string): void {
  log(`setup: ${what}`);
  const result = spawnSync(file, args, { cwd, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`setup failed: ${what} (\`${[file, ...args].join(" ")}\` exited ${result.status ?? result.signal})`);
}

/** The options of every runner, besides its own. */
const COMMON_OPTIONS = {
  "frontend-image": { type: "string" },
  "skip-testbed": { type: "boolean" },
  "only-report": { type: "boolean" },
  out: { type: "string" },
  "memory-floor-gib": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

type OptionTable = NonNullable<ParseArgsConfig["options"]>;
type Values<O extends OptionTable> = ReturnType<typeof parseArgs<{ args: string[]; options: O & typeof COMMON_OPTIONS }>>["values"];

/**
 * Parses a runner's argv (without node and the script) with its own options and the common ones:
 * the values, or what to print instead — the usage for `--help`, else the mistake and the usage.
 */
export function parseCommandLine<const O extends OptionTable>(
  argv: readonly string[],
  own: O,
  usage: string,
): { readonly ok: true; readonly values: Values<O> } | { readonly ok: false; readonly message: string } {
  let values: Values<O>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { ...own, ...COMMON_OPTIONS } }) as { values: Values<O> });
  } catch (error) {
    return { ok: false, message: `${error instanceof Error ? error.message : String(error)}\n\n${usage}` };
  }
  if ((values as { help?: boolean }).help === true) return { ok: false, message: usage };
  return { ok: true, values };
}

/** `--memory-floor-gib N` (default 2) in bytes, or the message for a value that is not 0 or more. */
export function memoryFloorBytes(text: string | undefined): number | string {
  const gib = Number(text ?? "2");
  return gib >= 0 ? gib * 2 ** 30 : `--memory-floor-gib ${text}: give a number of GiB, 0 or more`;
}

/** A whole number above 0 (`fallback` when not given), or the message for one that is not. */
export function positive(name: string, text: string | undefined, fallback: number): number | string {
  if (text === undefined) return fallback;
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : `--${name} ${text}: give a whole number above 0`;
}

/** The allowed values given (in `allowed`'s order; `fallback` when none), or the message naming a value that is not allowed. */
export function oneOf<T extends string>(
  name: string,
  values: readonly string[] | undefined,
  allowed: readonly T[],
  fallback: readonly T[],
): readonly T[] | string {
  if (values === undefined || values.length === 0) return fallback;
  const bad = values.find((v) => !(allowed as readonly string[]).includes(v));
  if (bad !== undefined) return `--${name} ${bad}: choose from ${allowed.join(", ")}`;
  return allowed.filter((a) => values.includes(a));
}
