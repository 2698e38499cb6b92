// One module, start to end: fetch, host tests, test reports on each daemon, comparison, no-op, one-file edit, default target.
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { command } from "../bench/exec.js";
import {
  SPEC_FILE,
  buildCommand,
  exportedFiles,
  failedOnNetwork,
  readReport,
  runBuild,
  specText,
  type BuildRequest,
  type BuildRun,
  type Daemon,
} from "./builds.js";
import type { CorpusModule } from "./catalog.js";
import { comparePackages, type PackageComparison } from "./compare.js";
import { checkout, type Checkout } from "./fetch.js";
import { hostOffline, hostTestJson, hostTestTime } from "./host.js";
import { appendEditComment, describeShape } from "./module-facts.js";
import { reportOutcomes, summaryOf, type Verdict } from "./outcomes.js";
import type { DaemonResult, HostResult, ModuleResult } from "./results.js";

export interface MeasureContext {
  readonly runId: string;
  readonly daemons: readonly Daemon[];
  readonly frontendImage: string;
  readonly goImage: string | undefined;
  readonly memoryFloorBytes: number;
  readonly timeoutMs: number;
  /** Where each build's and host run's full output is kept (corpus/work/logs). */
  readonly logDir: string;
  readonly keep: boolean;
  readonly log: (line: string) => void;
}

function slug(path: string): string {
  return path.replace(/[^A-Za-z0-9.-]+/g, "_");
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? "-" : `${(ms / 1000).toFixed(1)}s`;
}

/** Fetches and measures one module; never throws for the module's own problems (they become its result). */
export async function measureModule(module: CorpusModule, ctx: MeasureContext): Promise<ModuleResult> {
  const load1 = Math.round((loadavg()[0] ?? 0) * 10) / 10;
  const logs = join(ctx.logDir, slug(module.path));
  await rm(logs, { recursive: true, force: true });
  await mkdir(logs, { recursive: true });
  let co: Checkout;
  try {
    co = await checkout(module);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.log(`  fetch failed: ${message}`);
    return { path: module.path, version: module.version, runId: ctx.runId, load1, fetchError: message, daemons: {} };
  }
  try {
    return { ...(await measureCheckout(co, ctx, logs)), load1 };
  } finally {
    if (!ctx.keep) await rm(co.root, { recursive: true, force: true });
    else ctx.log(`  kept ${co.root}`);
  }
}

async function measureCheckout(co: Checkout, ctx: MeasureContext, logs: string): Promise<ModuleResult> {
  const { module } = co;
  ctx.log(
    `  ${describeShape(co.shape)}; edit: ${co.editFile ?? "(none)"}${co.restoredModFiles ? "; go mod download rewrote go.mod/go.sum: restored as published" : ""}`,
  );
  // The host tests a copy of its own: files its tests leave behind must not reach the builds' context.
  const hostDir = join(co.root, "host");
  await cp(co.dir, hostDir, { recursive: true });
  await writeFile(join(co.dir, SPEC_FILE), specText(ctx.frontendImage));

  const first = await hostTestJson(hostDir);
  await writeFile(join(logs, "host-test.json"), JSON.stringify(first.outcomes.map(summaryOf), null, 1));
  // `-json` runs test binaries with -test.v=test2json, which Go's test cache keys apart from a plain
  // run: one unmeasured plain run first, so the warm no-op is answered from the cache as a developer's is.
  if (first.error === undefined) await hostTestTime(hostDir);
  const warm = first.error === undefined ? await hostTestTime(hostDir) : undefined;
  const hostFailed = first.outcomes.filter((o) => o.verdict === "fail").map((o) => o.importPath);
  ctx.log(
    `  host: ${first.outcomes.filter((o) => o.status !== "skip").length} tested packages, ${hostFailed.length} failing, ${seconds(first.ms)} (warm ${seconds(warm?.ms)})${first.error ? `; ${first.error}` : ""}`,
  );

  const daemons: Partial<Record<Daemon, DaemonResult>> = {};
  const comparisons = new Map<Daemon, PackageComparison[]>();
  const build = async (daemon: Daemon, label: string, target: string | undefined, outputDir: string | undefined): Promise<BuildRun> => {
    const req: BuildRequest = { daemon, context: co.dir, frontendImage: ctx.frontendImage, target, outputDir, goImage: ctx.goImage };
    const run = await runBuild(req, { timeoutMs: ctx.timeoutMs, memoryFloorBytes: ctx.memoryFloorBytes });
    const { file, args } = buildCommand(req);
    await writeFile(
      join(logs, `${daemon}-${label}.log`),
      `$ ${command([file, ...args])}\n# exit ${run.result.exitCode} after ${run.result.ms} ms\n--- stdout ---\n${run.result.stdout}\n--- stderr ---\n${run.result.stderr}`,
    );
    const s = run.record.steps;
    ctx.log(
      `  ${daemon} ${label}: ${run.record.ok ? "ok" : "FAILED"} ${seconds(run.record.ms)}, ${s.ran} steps ran (${s.testsRan} tests), ${s.cached} cached${run.record.error ? `: ${run.record.error}` : ""}`,
    );
    return run;
  };

  for (const daemon of ctx.daemons) {
    const out = join(co.root, `report-${daemon}`);
    let cold = await build(daemon, "report-cold", "test-report", out);
    let retriedAfter: string | undefined;
    if (!cold.record.ok && failedOnNetwork(cold.record.error ?? "", `${cold.result.stdout}\n${cold.result.stderr}`)) {
      retriedAfter = cold.record.error;
      ctx.log(`  ${daemon}: the module download failed on the network; once more`);
      await rm(out, { recursive: true, force: true });
      cold = await build(daemon, "report-cold-retry", "test-report", out);
    }
    let result: DaemonResult = { runId: ctx.runId, report: cold.record, ...(retriedAfter === undefined ? {} : { retriedAfter }) };
    if (cold.record.ok) {
      const outcomes = reportOutcomes(module.path, await readReport(out));
      const all = comparePackages(first.outcomes, outcomes);
      comparisons.set(daemon, all);
      const agreeing = all.filter((c) => c.agree).length;
      result = { ...result, packages: outcomes.map(summaryOf), comparison: { compared: all.length, agreeing, disagreements: all.filter((c) => !c.agree) } };
      ctx.log(
        `  ${daemon}: ${agreeing}/${all.length} packages agree with the host${
          all.some((c) => !c.agree)
            ? `; differ: ${all
                .filter((c) => !c.agree)
                .map((c) => `${c.importPath} (${c.differences.join(", ")}${c.hint ? `; ${c.hint}` : ""})`)
                .join("; ")}`
            : ""
        }`,
      );
    }
    const noop = await build(daemon, "report-noop", "test-report", join(co.root, `report-${daemon}-noop`));
    daemons[daemon] = { ...result, noop: noop.record };
  }

  let editMs: number | undefined;
  if (co.editFile !== undefined) {
    const marker = Date.now();
    for (const dir of [co.dir, hostDir]) {
      const file = join(dir, co.editFile);
      await writeFile(file, appendEditComment(await readFile(file, "utf8"), marker));
    }
    editMs = first.error === undefined ? (await hostTestTime(hostDir)).ms : undefined;
    ctx.log(`  host after the edit: ${seconds(editMs)}`);
    for (const daemon of ctx.daemons) {
      const edit = await build(daemon, "report-edit", "test-report", join(co.root, `report-${daemon}-edit`));
      daemons[daemon] = { ...daemons[daemon]!, edit: edit.record };
    }
  }

  for (const daemon of ctx.daemons) {
    const out = join(co.root, `default-${daemon}`);
    const run = await build(daemon, "default", undefined, out);
    daemons[daemon] = { ...daemons[daemon]!, defaultTarget: { ...run.record, exported: run.record.ok ? await exportedFiles(out) : [] } };
  }

  // Packages whose verdicts differ: would the host fail them without network too?
  const differing = [
    ...new Set(
      [...comparisons.values()].flatMap((all) =>
        all.filter((c) => c.host !== undefined && c.gopherfile !== undefined && c.host.verdict !== c.gopherfile.verdict).map((c) => c.importPath),
      ),
    ),
  ];
  let offline: Record<string, Verdict> | undefined;
  if (differing.length > 0) {
    const found = await hostOffline(hostDir, differing);
    if (found !== undefined) {
      offline = Object.fromEntries(differing.map((p) => [p, found.get(p)?.verdict ?? "fail"]));
      ctx.log(`  host without network: ${differing.map((p) => `${p} ${offline?.[p]}`).join(", ")}`);
    }
  }

  const host: HostResult = {
    exitCode: first.exitCode,
    firstMs: first.ms,
    warmMs: warm?.ms,
    editMs,
    packages: first.outcomes.filter((o) => o.status !== "skip").map(summaryOf),
    ...(first.error === undefined ? {} : { error: first.error }),
    ...(offline === undefined ? {} : { offline }),
  };
  return {
    path: module.path,
    version: module.version,
    runId: ctx.runId,
    shape: co.shape,
    ...(co.restoredModFiles ? { restoredModFiles: true } : {}),
    ...(co.editFile === undefined ? {} : { editFile: co.editFile }),
    host,
    daemons,
  };
}
