// Renders corpus/RESULTS.md from results.json and the catalog (whose written causes explain disagreements).
import { DAEMONS, DAEMON_TITLES, type BuildRecord, type Daemon } from "./builds.js";
import { writtenCause, type CorpusModule } from "./catalog.js";
import { causeFromText, type PackageComparison } from "./compare.js";
import { describeShape } from "./module-facts.js";
import type { PackageOutcome } from "./outcomes.js";
import type { CorpusResults, DaemonResult, ModuleResult, RunInfo } from "./results.js";

const SHORT: Readonly<Record<Daemon, string>> = { buildkit: "BK", docker: "D" };

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function clip(text: string, max: number): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

function s(ms: number | undefined): string {
  return ms === undefined ? "–" : (ms / 1000).toFixed(1);
}

/** `middleware`, or `.` for the module's root package. */
export function shortPackage(modulePath: string, importPath: string): string {
  if (importPath === modulePath) return ".";
  return importPath.startsWith(`${modulePath}/`) ? importPath.slice(modulePath.length + 1) : importPath;
}

/** `12 pass` / `11 pass, 1 fail` over packages with tests. */
export function verdictCell(packages: readonly PackageOutcome[]): string {
  const failed = packages.filter((p) => p.verdict === "fail").length;
  const passed = packages.length - failed;
  return failed === 0 ? `${passed} pass` : `${passed} pass, **${failed} fail**`;
}

/** What explains a disagreement: the catalog's written cause, else the automatic guess, else nothing. */
export function disagreementCause(module: CorpusModule | undefined, daemon: Daemon, c: PackageComparison, offline: string | undefined): string {
  const written = module === undefined ? undefined : writtenCause(module, daemon, c.importPath);
  if (written !== undefined) return written;
  const hostPassedOnline = c.host?.verdict === "pass" && c.gopherfile?.verdict === "fail";
  if (hostPassedOnline && offline === "fail") return "test needs network (fails on the host without network too) *(automatic)*";
  if (c.hint !== undefined) return `${c.hint} *(automatic)*`;
  return "**unexplained**";
}

function hostCause(module: CorpusModule | undefined, p: PackageOutcome): string {
  const written = module?.hostCauses[p.importPath];
  if (written !== undefined) return written;
  const guess = causeFromText(p.excerpt ?? "");
  return guess === undefined ? "**unexplained**" : `${guess} *(automatic)*`;
}

function buildCell(r: BuildRecord | undefined): string {
  if (r === undefined) return "–";
  const steps = `${plural(r.steps.ran, "step")}${r.steps.testsRan > 0 ? `, ${plural(r.steps.testsRan, "test")}` : ""}`;
  return r.ok ? `${s(r.ms)} (${steps})` : `failed ${s(r.ms)}`;
}

function agreementCell(m: ModuleResult, module: CorpusModule | undefined): string {
  const parts: string[] = [];
  for (const daemon of DAEMONS) {
    const d = m.daemons[daemon];
    if (d === undefined) continue;
    if (d.comparison === undefined) {
      parts.push(`${SHORT[daemon]} n/a (report failed)`);
      continue;
    }
    const { compared, agreeing, disagreements } = d.comparison;
    if (agreeing === compared) {
      parts.push(`${SHORT[daemon]} ✓ ${agreeing}/${compared}`);
      continue;
    }
    const reasons = disagreements.map(
      (c) => `\`${shortPackage(m.path, c.importPath)}\`: ${disagreementCause(module, daemon, c, m.host?.offline?.[c.importPath])}`,
    );
    parts.push(`${SHORT[daemon]} ✗ ${agreeing}/${compared} — ${reasons.join("; ")}`);
  }
  return parts.join("<br>");
}

function gopherfileCell(d: DaemonResult | undefined): string {
  if (d === undefined) return "–";
  const retry = d.retriedAfter === undefined ? "" : ` (second attempt; the first failed: ${clip(d.retriedAfter, 100)})`;
  if (!d.report.ok) return `report build failed: ${clip(d.report.error ?? "", 140)}${retry}`;
  return `${verdictCell(d.packages ?? [])}${retry}`;
}

function defaultCell(m: ModuleResult): string {
  const parts: string[] = [];
  for (const daemon of DAEMONS) {
    const t = m.daemons[daemon]?.defaultTarget;
    if (t === undefined) continue;
    parts.push(t.ok ? `${SHORT[daemon]} ✓` : `${SHORT[daemon]} ✗ ${clip(t.error ?? "", 90)}`);
  }
  return parts.join("<br>");
}

function timesCell(m: ModuleResult): string {
  const parts = [`host ${s(m.host?.firstMs)}/${s(m.host?.warmMs)}/${s(m.host?.editMs)}`];
  for (const daemon of DAEMONS) {
    const d = m.daemons[daemon];
    if (d === undefined) continue;
    const t = (r: BuildRecord | undefined): string => (r === undefined ? "–" : r.ok ? s(r.ms) : "✗");
    parts.push(`${SHORT[daemon]} ${t(d.report)}/${t(d.noop)}/${t(d.edit)}`);
  }
  return parts.join("<br>");
}

function runLine(run: RunInfo): string {
  const m = run.machine;
  return (
    `- **${run.id}** (UTC): ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Linux ${m.kernel}, load ${m.load1AtStart.toFixed(1)} at start; ` +
    `dockerd ${m.dockerd} (BuildKit ${m.dockerdBuildkit}), buildkitd ${m.buildkitd}; host ${m.go}, node ${m.node}; ` +
    `frontend \`${m.frontendImage}\` (${m.frontendImageId.slice(0, 19)}) built from ${run.frontendSource === "working tree" ? `the working tree at ${m.commit}` : run.frontendSource}; ` +
    `Go image: ${run.goImageArg === undefined ? "chosen by the frontend (no build arg)" : `\`--build-arg GOPHERFILE_GO_IMAGE=${run.goImageArg}\``}`
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * One line of totals for a daemon: over the modules whose cold, no-op and edit builds all
 * succeeded there and whose host runs were timed, the summed times and the median ratios to the host.
 */
export function timesSummary(modules: readonly ModuleResult[], daemon: Daemon): string | undefined {
  const rows = modules.flatMap((m) => {
    const d = m.daemons[daemon];
    const h = m.host;
    if (d?.report.ok !== true || d.noop?.ok !== true || d.edit?.ok !== true || h?.warmMs === undefined || h.editMs === undefined) return [];
    return [{ cold: d.report.ms, noop: d.noop.ms, edit: d.edit.ms, warm: h.warmMs, hostEdit: h.editMs, editSteps: d.edit.steps.ran }];
  });
  if (rows.length === 0) return undefined;
  const sum = (k: keyof (typeof rows)[number]): string => s(rows.reduce((n, r) => n + r[k], 0));
  const ratio = (a: "noop" | "edit", b: "warm" | "hostEdit"): string => {
    const m = median(rows.map((r) => r[a] / Math.max(r[b], 1)));
    return m === undefined ? "–" : `${m.toFixed(1)}×`;
  };
  return (
    `${DAEMON_TITLES[daemon]}, over the ${rows.length} modules whose builds all succeeded: cold ${sum("cold")} s, no-op ${sum("noop")} s, ` +
    `edit ${sum("edit")} s in all, against the host's warm \`go test ./...\` ${sum("warm")} s and ${sum("hostEdit")} s after the edit; ` +
    `per module the median no-op is ${ratio("noop", "warm")} the host's warm run and the median edit ${ratio("edit", "hostEdit")} the host's run after it; ` +
    `the edit re-ran a median of ${plural(median(rows.map((r) => r.editSteps)) ?? 0, "process step")}.`
  );
}

/** The Markdown of RESULTS.md. Pure: the same results and catalog give the same bytes. */
export function renderResults(results: CorpusResults, catalog: readonly CorpusModule[]): string {
  const byPath = new Map(catalog.map((m) => [m.path, m]));
  const order = new Map(catalog.map((m, i) => [m.path, i]));
  const modules = [...results.modules].sort((a, b) => (order.get(a.path) ?? 1e9) - (order.get(b.path) ?? 1e9) || (a.path < b.path ? -1 : 1));
  const out: string[] = [];
  out.push("# Real-module corpus: gopherfile against the host's `go test`", "");
  out.push(
    "Popular Go modules, pinned in [modules.json](modules.json) and fetched from the Go module proxy at run time, each built",
    "with a spec holding only the `# syntax=` line. For each module the host runs `go test -json ./...` in its own copy (network",
    "on, dependencies downloaded first); gopherfile builds `--target test-report -o type=local` on each daemon, and the report's",
    "packages are compared with the host's: the verdict and the numbers of tests run, passed, failed and skipped (subtests",
    "count) must be equal. Then the same build again (no-op), the same after appending a comment to one non-test `.go` file",
    "of a leaf package (edit), and the default target (no `--target`). Written by `npm run corpus`; re-render with",
    "`npm run corpus -- --only-report`. Full logs of the last run are in `corpus/work/logs/` (not committed).",
    "",
  );
  out.push("## Runs", "");
  for (const run of results.runs) out.push(runLine(run));
  out.push("");

  // Summary.
  const fetched = modules.filter((m) => m.fetchError === undefined);
  out.push("## Summary", "");
  out.push(
    `- ${modules.length} modules, ${fetched.length} fetched; ${fetched.reduce((n, m) => n + (m.host?.packages.length ?? 0), 0)} packages with tests on the host.`,
  );
  const hostFailing = fetched.flatMap((m) => (m.host?.packages ?? []).filter((p) => p.verdict === "fail"));
  out.push(
    `- Host: ${hostFailing.length} packages fail on the host itself (listed below with their causes); they count as agreeing when gopherfile fails them the same way.`,
  );
  for (const daemon of DAEMONS) {
    const ds = fetched.map((m) => m.daemons[daemon]).filter((d): d is DaemonResult => d !== undefined);
    if (ds.length === 0) continue;
    const reports = ds.filter((d) => d.comparison !== undefined);
    const compared = reports.reduce((n, d) => n + (d.comparison?.compared ?? 0), 0);
    const agreeing = reports.reduce((n, d) => n + (d.comparison?.agreeing ?? 0), 0);
    const full = reports.filter((d) => d.comparison?.compared === d.comparison?.agreeing).length;
    const defaults = ds.filter((d) => d.defaultTarget?.ok === true).length;
    out.push(
      `- ${DAEMON_TITLES[daemon]}: test report built for ${reports.length}/${ds.length} modules; ${agreeing}/${compared} packages agree with the host; ` +
        `${full}/${reports.length} modules agree in every package; default target succeeded for ${defaults}/${ds.length}.`,
    );
  }
  for (const daemon of DAEMONS) {
    const line = timesSummary(fetched, daemon);
    if (line !== undefined) out.push(`- Times, ${line}`);
  }
  out.push("");

  // The table.
  out.push("## Modules", "");
  out.push(
    "Verdicts count packages with tests. Agreement: packages agreeing / compared, each disagreement with its cause (*automatic*: guessed from the failure's text; otherwise written after reading the failure, in modules.json). Times in seconds: host `go test -json ./...` first / `go test ./...` warm no-op (after an unmeasured `go test ./...`) / `go test ./...` after the edit; each daemon's test-report build cold (first build, caches as they were) / no-op / after the edit. BK: BuildKit v0.32, D: Docker 20.10.",
    "",
  );
  out.push("| module | shape | host | BuildKit v0.32 | Docker 20.10 | agreement | default target | times (s) |");
  out.push("|---|---|---|---|---|---|---|---|");
  for (const m of modules) {
    const name = `[${m.path}](https://pkg.go.dev/${m.path}@${m.version}) ${m.version}`;
    if (m.fetchError !== undefined) {
      out.push(`| ${name} | – | fetch failed: ${cell(clip(m.fetchError, 160))} | – | – | – | – | – |`);
      continue;
    }
    const module = byPath.get(m.path);
    const shape = `${m.shape === undefined ? "?" : describeShape(m.shape)}${module ? `. ${module.why}` : ""}`;
    const host = m.host === undefined ? "–" : m.host.error !== undefined ? `error: ${clip(m.host.error, 120)}` : verdictCell(m.host.packages);
    out.push(
      `| ${name} | ${cell(shape)} | ${cell(host)} | ${cell(gopherfileCell(m.daemons.buildkit))} | ${cell(gopherfileCell(m.daemons.docker))} | ${cell(agreementCell(m, module))} | ${cell(defaultCell(m))} | ${cell(timesCell(m))} |`,
    );
  }
  out.push("");

  // Disagreements in detail.
  const rows: string[] = [];
  for (const m of modules) {
    for (const daemon of DAEMONS) {
      for (const c of m.daemons[daemon]?.comparison?.disagreements ?? []) {
        const side = (x: PackageComparison["host"]): string =>
          x === undefined ? "–" : `${x.verdict} (${x.counts.tests} run: ${x.counts.passed}/${x.counts.failed}/${x.counts.skipped})`;
        const tests = c.tests.map((t) => `${t.name} ${t.host}→${t.gopherfile}`).join(", ");
        const offline = m.host?.offline?.[c.importPath];
        rows.push(
          `| ${m.path} | ${SHORT[daemon]} | \`${shortPackage(m.path, c.importPath)}\` | ${side(c.host)} | ${side(c.gopherfile)} | ${cell(c.differences.join(", "))} | ${cell(clip(tests, 300))} | ${offline ?? "–"} | ${cell(disagreementCause(byPath.get(m.path), daemon, c, offline))} |`,
        );
      }
    }
  }
  out.push("## Disagreements", "");
  if (rows.length === 0) out.push("None.");
  else {
    out.push(
      "Counts are run: passed/failed/skipped. Tests: the tests whose status differs (host→gopherfile). Offline: the host's verdict with `-count=1` in a network namespace with only loopback.",
      "",
    );
    out.push("| module | daemon | package | host | gopherfile | differs | tests | offline | cause |", "|---|---|---|---|---|---|---|---|---|", ...rows);
  }
  out.push("");

  // Host failures.
  out.push("## Packages that fail on the host", "");
  const hostRows = fetched.flatMap((m) =>
    (m.host?.packages ?? [])
      .filter((p) => p.verdict === "fail")
      .map(
        (p) =>
          `| ${m.path} | \`${shortPackage(m.path, p.importPath)}\` | ${p.status} | ${cell(clip(p.failedTests.join(", "), 200))} | ${cell(hostCause(byPath.get(m.path), p))} |`,
      ),
  );
  if (hostRows.length === 0) out.push("None.");
  else out.push("| module | package | status | failed tests | cause |", "|---|---|---|---|---|", ...hostRows);
  out.push("");

  // Default target.
  out.push("## Default target", "");
  out.push(
    "The build users run first: no `--target`, exported with `-o type=local` (one binary: the image's files; several: the binaries; none: the test verdict).",
    "",
  );
  out.push("| module | BuildKit v0.32 | Docker 20.10 | note |", "|---|---|---|---|");
  for (const m of fetched) {
    const c = (daemon: Daemon): string => {
      const t = m.daemons[daemon]?.defaultTarget;
      if (t === undefined) return "–";
      return t.ok
        ? `ok, exported ${t.exported.length === 0 ? "nothing" : t.exported.slice(0, 4).join(", ")}${t.exported.length > 4 ? "…" : ""}`
        : `failed: ${clip(t.error ?? "", 220)}`;
    };
    const notes = byPath.get(m.path)?.defaultTargetNotes ?? {};
    const note = Object.entries(notes)
      .map(([k, v]) => (k === "*" ? v : `${k}: ${v}`))
      .join("; ");
    out.push(`| ${m.path} | ${cell(c("buildkit"))} | ${cell(c("docker"))} | ${cell(note || "–")} |`);
  }
  out.push("");

  // Times and steps.
  out.push("## Times and steps", "");
  out.push(
    "Seconds, with the process steps (go test, go build, go mod download, compile, verdict) that ran rather than came from the cache: BuildKit v0.32 from `buildctl --progress rawjson`, Docker 20.10 from plain progress. The edit appends a comment to the named file. Load: the machine's 1-minute load average when the module started (2 cores, shared with other work). A package whose tests fail re-runs on every build, no-op included: gopherfile does not cache a failure.",
    "",
  );
  out.push(
    "| module | load | edit | host first | host no-op | host edit | BK cold | BK no-op | BK edit | D cold | D no-op | D edit |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
  );
  for (const m of fetched) {
    const d = (daemon: Daemon, k: "report" | "noop" | "edit"): string => buildCell(m.daemons[daemon]?.[k]);
    out.push(
      `| ${m.path} | ${m.load1 === undefined ? "–" : m.load1.toFixed(1)} | ${m.editFile === undefined ? "–" : `\`${m.editFile}\``} | ${s(m.host?.firstMs)} | ${s(m.host?.warmMs)} | ${s(m.host?.editMs)} | ${d("buildkit", "report")} | ${d("buildkit", "noop")} | ${d("buildkit", "edit")} | ${d("docker", "report")} | ${d("docker", "noop")} | ${d("docker", "edit")} |`,
    );
  }
  out.push("");
  return `${out.join("\n")}\n`;
}
