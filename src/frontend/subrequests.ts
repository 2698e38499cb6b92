// Frontend methods (`--call=targets|outline|check`): BuildKit's subrequest contract, answered from the prepared spec and module.
import type { FrontendResult, ReturnOutcome } from "../gateway/index.js";
import { CACHE_IDS, cacheId, type CompiledTarget, type CompileOutcome, type CompileRequest, type UserError } from "../golang/compile/index.js";
import { formatContextError, isContextError } from "../context/errors.js";
import { formatUserErrors, type Prepared } from "../pipeline/index.js";
import type { SpecPath } from "../spec/index.js";

/** The frontend option that names a subrequest instead of a build. */
export const SUBREQUEST_OPTION = "requestid";

/** One named parameter or metadata key of a subrequest (subrequests.Named). */
interface Named {
  readonly name: string;
  readonly description: string;
}

/** A subrequest as `frontend.subrequests.describe` lists it (subrequests.Request). */
interface SubrequestDefinition {
  readonly name: string;
  readonly version: string;
  readonly type: "rpc";
  readonly description: string;
  readonly opts: readonly Named[];
  readonly inputs: readonly Named[];
  readonly metadata: readonly Named[];
  readonly refs: readonly Named[];
}

const rpc = (name: string, description: string, metadata: readonly string[], opts: readonly Named[] = []): SubrequestDefinition => ({
  name,
  version: "1.0.0",
  type: "rpc",
  description,
  opts,
  inputs: [],
  metadata: metadata.map((m) => ({ name: m, description: "" })),
  refs: [],
});

/** Every subrequest this frontend answers; the image label declares the capability. */
export const SUBREQUESTS = [
  rpc("frontend.subrequests.describe", "List available subrequest types", ["result.json", "result.txt"]),
  rpc("frontend.outline", "List all parameters current build takes", ["result.json"], [{ name: "target", description: "Target to build" }]),
  rpc("frontend.targets", "List all targets current build supports", ["result.json"]),
  rpc("frontend.lint", "Check the spec and the module without building", ["result.json", "result.txt", "result.statuscode"]),
] as const;

/** What a subrequest is answered from: the spec's text and the conversion prepared from it (or why it failed). */
export interface SubrequestInput {
  readonly specFile: string;
  readonly specText: string;
  /** The prepared compile request, or the user errors that stopped preparing it. */
  readonly prepared: Prepared;
  /** Compiles the prepared request for a target (pure but for image configs). */
  readonly compile: (request: CompileRequest) => Promise<CompileOutcome>;
}

/** A pb.Location as JSON (sourceIndex -1: no source of ours holds it). */
interface JsonLocation {
  readonly sourceIndex?: number;
  readonly ranges: readonly { readonly start: { readonly line: number }; readonly end: { readonly line: number } }[];
}

/** Answers one subrequest; undefined when `id` is not one of ours (the caller then says so). */
export async function answerSubrequest(id: string, input: SubrequestInput): Promise<ReturnOutcome> {
  switch (id) {
    case "frontend.subrequests.describe":
      return metadataResult({ "result.json": json(SUBREQUESTS), "result.txt": describeText(), version: "1.0.0" });
    case "frontend.targets":
      return targets(input);
    case "frontend.outline":
      return outline(input);
    case "frontend.lint":
      return lint(input);
    default:
      // Not BuildKit's typed "unsupported subrequest" error: buildx would then retry the spec with the Dockerfile frontend.
      return { error: `gopherfile does not answer ${id}; it answers ${SUBREQUESTS.map((s) => s.name).join(", ")}` };
  }
}

async function targets(input: SubrequestInput): Promise<ReturnOutcome> {
  const compiled = await compileForListing(input);
  if ("error" in compiled) return compiled;
  const located = (path: SpecPath): JsonLocation => locationOf(input, path);
  const list = compiled.available.map((t) => ({
    name: t.name,
    ...(t.isDefault ? { default: true } : {}),
    description: t.image !== undefined ? `image of ${describeBinaries(t.image.binaries)} on ${t.image.base}` : (BUILTIN_DESCRIPTIONS[t.name] ?? ""),
    ...(t.image !== undefined && t.image.base !== "scratch" ? { base: t.image.base } : {}),
    Location: located(t.image !== undefined ? ["images", t.name] : t.isDefault ? ["default"] : []),
  }));
  return metadataResult({ "result.json": json({ Targets: list, Sources: [base64(input.specText)] }), version: "1.0.0" });
}

async function outline(input: SubrequestInput): Promise<ReturnOutcome> {
  if (!input.prepared.ok) return { error: formatUserErrors(input.prepared.errors) };
  const spec = input.prepared.request.spec.spec;
  const args = Object.entries(spec.args).map(([name, value]) => ({ Name: name, Description: "", Value: value, Location: locationOf(input, ["args", name]) }));
  const privateModules = spec.go.private.length > 0;
  const at = locationOf(input, ["go", "private"]);
  const outlined = {
    ...(args.length > 0 ? { args } : {}),
    ...(privateModules ? { secrets: [{ Name: "netrc", Required: false, Location: at }], ssh: [{ Name: "default", Required: false, Location: at }] } : {}),
    cache: [
      { ID: cacheId(CACHE_IDS.modules, input.prepared.request.cacheNamespace ?? ""), Location: locationOf(input, ["module"]) },
      { ID: cacheId(CACHE_IDS.build, input.prepared.request.cacheNamespace ?? ""), Location: locationOf(input, ["go"]) },
    ],
    sources: [base64(input.specText)],
  };
  return metadataResult({ "result.json": json(outlined), version: "1.0.0" });
}

async function lint(input: SubrequestInput): Promise<ReturnOutcome> {
  const warnings: { ruleName: string; description: string; detail: string; location: JsonLocation }[] = [];
  const add = (ruleName: string, description: string, detail: string, location: JsonLocation): void => {
    warnings.push({ ruleName, description, detail, location });
  };
  const errors: UserError[] = input.prepared.ok ? [] : [...input.prepared.errors];
  let compiledWarnings: readonly string[] = [];
  let warningPaths: ReadonlyMap<string, SpecPath> | undefined;
  if (input.prepared.ok) {
    const outcome = await input.compile(input.prepared.request);
    if (outcome.ok) {
      compiledWarnings = outcome.value.warnings;
      warningPaths = outcome.value.warningPaths;
    } else errors.push(...outcome.errors);
  }
  warningsFromErrors(errors, add);
  for (const w of compiledWarnings) {
    // At the line of the key the warning is about (as the build's Warn points), when it is about one.
    const path = warningPaths?.get(w);
    add("GopherfileWarning", "The build would go on, but says this", w, path === undefined ? { sourceIndex: -1, ranges: [] } : locationOf(input, path));
  }
  const results = { warnings, sources: [{ filename: input.specFile, language: "YAML", data: base64(input.specText) }] };
  const text = warnings.map((w) => `${w.ruleName}: ${w.detail}`).join("\n");
  return metadataResult({
    "result.json": json(results),
    "result.txt": warnings.length === 0 ? "Check complete, no warnings found.\n" : `${text}\n`,
    "result.statuscode": warnings.length === 0 ? "0" : "1",
    version: "1.0.0",
  });
}

function warningsFromErrors(errors: readonly UserError[], add: (rule: string, description: string, detail: string, location: JsonLocation) => void): void {
  for (const e of errors) {
    if (isContextError(e)) add("ModuleError", "The module cannot be built as it is", formatContextError(e), { sourceIndex: -1, ranges: [] });
    else
      add("SpecError", "The spec has a mistake", `${e.path === "" ? "" : `${e.path}: `}${e.message}`, {
        sourceIndex: 0,
        ranges: [{ start: { line: e.line }, end: { line: e.line } }],
      });
  }
}

/** A compile that always succeeds when the spec does (`test` is a target of every spec): what lists targets. */
async function compileForListing(input: SubrequestInput): Promise<CompiledTarget | { readonly error: string }> {
  if (!input.prepared.ok) return { error: formatUserErrors(input.prepared.errors) };
  const outcome = await input.compile({ ...input.prepared.request, target: "test" });
  return outcome.ok ? outcome.value : { error: formatUserErrors(outcome.errors) };
}

const BUILTIN_DESCRIPTIONS: Readonly<Record<string, string>> = {
  binaries: "every binary, for every platform (with -o type=local)",
  test: "run every package's tests",
  "test-report": "the tests' JUnit report, test2json streams and summary, also when tests fail",
  vet: "go vet over the module",
  lint: "go vet and golangci-lint, as the spec configures",
};

function describeBinaries(binaries: "all" | readonly string[]): string {
  return binaries === "all" ? "every binary" : binaries.join(", ");
}

function locationOf(input: SubrequestInput, path: SpecPath): JsonLocation {
  if (!input.prepared.ok || path.length === 0) return { sourceIndex: 0, ranges: [{ start: { line: 1 }, end: { line: 1 } }] };
  const at = input.prepared.request.spec.locate(path);
  return { sourceIndex: 0, ranges: [{ start: { line: at.line }, end: { line: at.line } }] };
}

function describeText(): string {
  const width = Math.max(...SUBREQUESTS.map((s) => s.name.length - "frontend.".length));
  const rows = SUBREQUESTS.map((s) => `${s.name.replace(/^frontend\./, "").padEnd(width)} ${s.version} ${s.description}`);
  return `${"NAME".padEnd(width)} VERSION DESCRIPTION\n${rows.join("\n")}\n`;
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function base64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

function metadataResult(metadata: Readonly<Record<string, string>>): ReturnOutcome {
  const encoder = new TextEncoder();
  const result: FrontendResult = {
    kind: "single",
    ref: undefined,
    metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, encoder.encode(v)])),
  };
  return { result };
}
