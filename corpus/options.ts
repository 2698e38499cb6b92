// The harness's command line: `npm run corpus [-- --module chi --daemon buildkit …]`.
import { memoryFloorBytes, oneOf, parseCommandLine } from "../bench/harness.js";
import { DAEMONS, type Daemon } from "./builds.js";

export interface CorpusOptions {
  /** Substrings of module paths; empty runs every module. */
  readonly modules: readonly string[];
  readonly daemons: readonly Daemon[];
  /** Measure this image; by default the checkout is built into {@link CORPUS_IMAGE} first. */
  readonly frontendImage: string;
  readonly buildFrontend: boolean;
  /** Build the frontend image from a clean export of this commit rather than the working tree. */
  readonly frontendCommit: string | undefined;
  /** Pass GOPHERFILE_GO_IMAGE=<the test bed's golang image> to every build (off: the frontend picks the image from go.mod). */
  readonly goImageArg: boolean;
  readonly testbed: boolean;
  readonly onlyReport: boolean;
  /** Keep each module's temp dir (its copy, reports and exports) instead of removing it. */
  readonly keep: boolean;
  readonly outDir: string;
  readonly memoryFloorBytes: number;
}

export const CORPUS_IMAGE = "127.0.0.1:5000/gopherfile/gopherfile:corpus";

export const USAGE = `usage: npm run corpus -- [options]

Fetches the modules pinned in corpus/modules.json from the Go module proxy, runs each one's tests
on the host and through gopherfile on both daemons, compares them package by package, and writes
corpus/RESULTS.md and corpus/results.json (merged by module: runs of a few modules add up).

  --module TEXT            only modules whose path contains TEXT; repeatable (default: all)
  --daemon buildkit|docker repeatable (default: both)
  --frontend-image REF     build with REF; skips building this checkout's frontend image
  --frontend-commit REV    build the frontend image from a clean export of commit REV, not the working tree
  --go-image-arg           pass --build-arg GOPHERFILE_GO_IMAGE=<test bed golang image> to every build
  --no-go-image-arg        let the frontend pick the Go image from go.mod, as users do (the default)
  --skip-testbed           do not run the test bed's provisioning (npm run testbed) first
  --only-report            re-render RESULTS.md from results.json and stop
  --keep                   keep each module's temp dir (copy, reports, exports)
  --out DIR                where RESULTS.md and results.json go (default: corpus/)
  --memory-floor-gib N     stop a build when available memory falls below N GiB (default 2)`;

export type Parsed = { readonly ok: true; readonly value: CorpusOptions } | { readonly ok: false; readonly message: string };

/** Parses argv (without node and the script); `corpusDir` is corpus/. Never throws for user input. */
export function parseCorpusArgs(argv: readonly string[], corpusDir: string): Parsed {
  const parsed = parseCommandLine(
    argv,
    {
      module: { type: "string", multiple: true },
      daemon: { type: "string", multiple: true },
      "frontend-commit": { type: "string" },
      "go-image-arg": { type: "boolean" },
      "no-go-image-arg": { type: "boolean" },
      keep: { type: "boolean" },
    },
    USAGE,
  );
  if (!parsed.ok) return parsed;
  const { values } = parsed;
  const daemons = oneOf("daemon", values.daemon, DAEMONS, DAEMONS);
  if (typeof daemons === "string") return { ok: false, message: daemons };
  if (values["go-image-arg"] === true && values["no-go-image-arg"] === true)
    return { ok: false, message: "--go-image-arg and --no-go-image-arg contradict each other" };
  const floor = memoryFloorBytes(values["memory-floor-gib"]);
  if (typeof floor === "string") return { ok: false, message: floor };
  const given = values["frontend-image"];
  const commit = values["frontend-commit"];
  if (given !== undefined && commit !== undefined)
    return { ok: false, message: "--frontend-image and --frontend-commit contradict each other: an image given is not built" };
  if (commit !== undefined && !/^[\w./~^-]+$/.test(commit)) return { ok: false, message: `--frontend-commit ${commit}: give a commit, branch or tag` };
  return {
    ok: true,
    value: {
      modules: values.module ?? [],
      daemons,
      frontendImage: given ?? CORPUS_IMAGE,
      buildFrontend: given === undefined,
      frontendCommit: commit,
      goImageArg: values["go-image-arg"] === true,
      testbed: values["skip-testbed"] !== true,
      onlyReport: values["only-report"] === true,
      keep: values.keep === true,
      outDir: values.out ?? corpusDir,
      memoryFloorBytes: floor,
    },
  };
}

/** The modules `--module` selects: every module whose path contains one of the texts. */
export function selectModules<T extends { readonly path: string }>(modules: readonly T[], texts: readonly string[]): T[] {
  return texts.length === 0 ? [...modules] : modules.filter((m) => texts.some((t) => m.path.includes(t)));
}
