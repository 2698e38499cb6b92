// go.mod's meaning: module path, go and toolchain lines, require/exclude/replace/retract; the Go version and image to build with.

import { ContextError, type Checked } from "../context/errors.js";
import { parseModSyntax, type ModLine, type ModToken } from "./go-mod-syntax.js";
import { compareGoVersions, goVersionFromToolchain, isGoLineVersion } from "./go-version.js";

/** A 1-based position in go.mod. */
export interface ModPosition {
  readonly line: number;
  readonly col: number;
}

export interface ModRequire extends ModPosition {
  readonly path: string;
  readonly version: string;
  readonly indirect: boolean;
}

export interface ModExclude extends ModPosition {
  readonly path: string;
  readonly version: string;
}

/**
 * A replace directive. When `local` is true, `newPath` is a directory relative to the module
 * (`../lib`, `./third_party/x`) that must be in the build context too, and `newVersion` is "".
 */
export interface ModReplace extends ModPosition {
  readonly oldPath: string;
  readonly oldVersion: string;
  readonly newPath: string;
  readonly newVersion: string;
  readonly local: boolean;
}

export interface ModRetract extends ModPosition {
  readonly low: string;
  readonly high: string;
  readonly rationale: string;
}

/** A parsed go.mod. Immutable; lists keep file order. Directives this parser does not know are skipped. */
export interface GoMod {
  readonly file: string;
  readonly module: { readonly path: string } & ModPosition;
  readonly go: ({ readonly version: string } & ModPosition) | undefined;
  readonly toolchain: ({ readonly name: string } & ModPosition) | undefined;
  readonly godebug: readonly ({ readonly key: string; readonly value: string } & ModPosition)[];
  readonly require: readonly ModRequire[];
  readonly exclude: readonly ModExclude[];
  readonly replace: readonly ModReplace[];
  readonly retract: readonly ModRetract[];
  readonly tool: readonly ({ readonly path: string } & ModPosition)[];
  readonly ignore: readonly ({ readonly path: string } & ModPosition)[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

// Newer toolchains accept `local` and any name containing `go1`; Go 1.21's betas also wrote `default`.
const TOOLCHAIN = /^local$|^default$|(^|-)go1/;
const BLOCK_VERBS = new Set(["module", "require", "exclude", "replace", "retract", "godebug", "tool", "ignore"]);

/**
 * Parses go.mod text. `file` is the context-relative name used in errors (`app/go.mod`).
 * Syntax errors stop at the first one; errors in directives are all collected. Unknown
 * directives are skipped rather than rejected so that files written for a newer Go still yield
 * the few facts gopherfile needs; the Go toolchain in the build rejects real mistakes anyway.
 */
/** go.mod text gopherfile parses at most; larger ones are refused before parsing. */
export const GO_MOD_MAX_BYTES = 1024 * 1024;

/** One element of an import path, as Go's module.CheckImportPath allows it: letters, digits and `-._~+`. */
export const IMPORT_PATH_ELEMENT = /^[A-Za-z0-9\-._~+]+$/;

/**
 * Why a module path cannot be used (Go's module.CheckImportPath, roughly): it names directories
 * in every Go step (`go build -o /out/<name>`), so it must not be empty, absolute, `.`/`..`-laden,
 * start with `-` or hold characters outside letters, digits and `-._~+/`.
 */
function modulePathProblem(path: string): string | undefined {
  if (path === "") return "is empty";
  if (path.startsWith("-") || path.startsWith("/")) return "cannot start with - or /";
  const elements = path.split("/");
  if (elements.some((e) => e === "" || e === "." || e === "..")) return "has an empty, . or .. element";
  if (!elements.every((e) => IMPORT_PATH_ELEMENT.test(e))) return "may hold only letters, digits and -._~+ between its slashes";
  return undefined;
}

export function parseGoMod(text: string, file = "go.mod"): Checked<GoMod> {
  if (text.length > GO_MOD_MAX_BYTES) {
    return {
      ok: false,
      errors: [
        new ContextError(
          "go-mod-invalid",
          file,
          0,
          0,
          `${file} is ${text.length} characters, over the limit of ${GO_MOD_MAX_BYTES} (1 MiB); a go.mod is a few kilobytes`,
        ),
      ],
    };
  }
  const stmts = parseModSyntax(text);
  const errors: ContextError[] = [];
  const fail = (at: ModPosition, message: string): void => {
    errors.push(new ContextError("go-mod-invalid", file, at.line, at.col, message));
  };
  if (!Array.isArray(stmts)) {
    return { ok: false, errors: [new ContextError("go-mod-syntax", file, stmts.line, stmts.col, stmts.message)] };
  }
  let module: GoMod["module"] | undefined;
  const mod: Mutable<Omit<GoMod, "module" | "file">> = {
    go: undefined,
    toolchain: undefined,
    godebug: [],
    require: [],
    exclude: [],
    replace: [],
    retract: [],
    tool: [],
    ignore: [],
  };

  const add = (verb: string, first: ModPosition, args: readonly ModToken[], line: ModLine, block: ModLine | undefined): void => {
    const at: ModPosition = { line: first.line, col: first.col };
    const one = (usage: string): string | undefined => {
      if (args.length !== 1) {
        fail(args[1] ?? at, `${verb} expects exactly one argument; write '${usage}'`);
        return undefined;
      }
      return unquote(args[0]!, fail);
    };
    switch (verb) {
      case "module": {
        if (module) return fail(at, "repeated module directive; keep only one");
        const path = one("module example.com/name");
        if (path === undefined) return;
        const bad = modulePathProblem(path);
        if (bad !== undefined) return fail(args[0] ?? at, `module path '${path}' ${bad}; write a path such as example.com/name`);
        module = { path, ...at };
        return;
      }
      case "go": {
        if (mod.go) return fail(at, "repeated go directive; keep only one");
        const v = one("go 1.23");
        if (v === undefined) return;
        if (!isGoLineVersion(v)) return fail(args[0]!, `invalid go version '${v}'; write it like 1.23 or 1.23.4`);
        mod.go = { version: v, ...at };
        return;
      }
      case "toolchain": {
        if (mod.toolchain) return fail(at, "repeated toolchain directive; keep only one");
        const name = one("toolchain go1.23.4");
        if (name === undefined) return;
        if (!TOOLCHAIN.test(name)) return fail(args[0]!, `invalid toolchain '${name}'; write it like go1.23.4 or local`);
        mod.toolchain = { name, ...at };
        return;
      }
      case "godebug": {
        const kv = one("godebug key=value");
        if (kv === undefined) return;
        const eq = kv.indexOf("=");
        if (eq <= 0) return fail(args[0]!, `invalid godebug '${kv}'; write it as key=value`);
        mod.godebug.push({ key: kv.slice(0, eq), value: kv.slice(eq + 1), ...at });
        return;
      }
      case "tool":
      case "ignore": {
        const path = one(`${verb} path`);
        if (path !== undefined) mod[verb].push({ path, ...at });
        return;
      }
      case "require":
      case "exclude": {
        if (args.length !== 2) return fail(at, `${verb} expects a module path and a version; write '${verb} example.com/mod v1.2.3'`);
        const path = unquote(args[0]!, fail);
        const version = unquote(args[1]!, fail);
        if (path === undefined || version === undefined) return;
        if (!isModuleVersion(version)) return fail(args[1]!, `invalid version '${version}' for ${path}; write it like v1.2.3`);
        if (verb === "require") mod.require.push({ path, version, indirect: isIndirect(line.suffix), ...at });
        else mod.exclude.push({ path, version, ...at });
        return;
      }
      case "replace":
        return parseReplace(at, args, fail, mod.replace);
      case "retract":
        return parseRetract(at, args, line, block, fail, mod.retract);
      default:
        return; // unknown directive: see the function comment
    }
  };

  for (const s of stmts) {
    if (s.kind === "line") {
      const [verb, ...args] = s.line.tokens;
      add(verb!.text, verb!, args, s.line, undefined);
      continue;
    }
    const verb = s.verb[0]!;
    if (!BLOCK_VERBS.has(verb.text)) continue;
    if (s.verb.length > 1) {
      fail(s.verb[1]!, `unknown block type '${s.verb.map((t) => t.text).join(" ")}'; write '${verb.text} ('`);
      continue;
    }
    for (const l of s.lines) add(verb.text, l.tokens[0]!, l.tokens, l, s.comment);
  }
  if (!module && errors.length === 0) {
    errors.push(new ContextError("go-mod-invalid", file, 1, 1, "go.mod has no module directive; add 'module example.com/name' at the top"));
  }
  if (errors.length > 0 || !module) return { ok: false, errors };
  return { ok: true, value: { file, module, ...mod } };
}

function parseReplace(at: ModPosition, args: readonly ModToken[], fail: (at: ModPosition, m: string) => void, out: ModReplace[]): void {
  const usage = "write 'replace example.com/mod [v1.2.3] => example.com/other v1.4.0' or 'replace example.com/mod => ../local/dir'";
  const arrow = args.length >= 2 && args[1]!.text === "=>" ? 1 : 2;
  if (args.length < arrow + 2 || args.length > arrow + 3 || args[arrow]!.text !== "=>") {
    return fail(at, `malformed replace; ${usage}`);
  }
  const oldPath = unquote(args[0]!, fail);
  const oldVersion = arrow === 2 ? unquote(args[1]!, fail) : "";
  const newPath = unquote(args[arrow + 1]!, fail);
  const newVersion = args.length === arrow + 3 ? unquote(args[arrow + 2]!, fail) : "";
  if (oldPath === undefined || oldVersion === undefined || newPath === undefined || newVersion === undefined) return;
  if (oldVersion !== "" && !isModuleVersion(oldVersion)) return fail(args[1]!, `invalid version '${oldVersion}'; write it like v1.2.3`);
  const local = isDirectoryPath(newPath);
  if (newVersion === "" && !local) {
    const hint = newPath.includes("@")
      ? "write 'path version', not 'path@version'"
      : "a replacement without a version must be a directory starting with ./ or ../";
    return fail(args[arrow + 1]!, `invalid replacement '${newPath}'; ${hint}`);
  }
  if (newVersion !== "" && local) return fail(args[arrow + 2]!, `replacement directory '${newPath}' cannot have a version; remove '${newVersion}'`);
  if (newVersion !== "" && !isModuleVersion(newVersion)) return fail(args[arrow + 2]!, `invalid version '${newVersion}'; write it like v1.2.3`);
  if (local && newPath.includes("\\")) return fail(args[arrow + 1]!, `replacement directory '${newPath}' looks like a windows path; use / separators`);
  out.push({ oldPath, oldVersion, newPath, newVersion, local, ...at });
}

function parseRetract(
  at: ModPosition,
  args: readonly ModToken[],
  line: ModLine,
  block: ModLine | undefined,
  fail: (at: ModPosition, m: string) => void,
  out: ModRetract[],
): void {
  const texts = args.map((t) => (t.quoted ? "" : t.text));
  let low: string | undefined;
  let high: string | undefined;
  let used = 0;
  if (texts[0] === "[") {
    if (texts.length < 5 || texts[2] !== "," || texts[4] !== "]") return fail(args[0]!, "malformed retract interval; write 'retract [v1.0.0, v1.1.0]'");
    low = unquote(args[1]!, fail);
    high = unquote(args[3]!, fail);
    used = 5;
  } else if (args.length > 0 && texts[0] !== "(") {
    low = high = unquote(args[0]!, fail);
    used = 1;
  } else {
    return fail(at, "retract expects a version or an interval; write 'retract v1.0.1' or 'retract [v1.0.0, v1.1.0]'");
  }
  if (low === undefined || high === undefined) return;
  if (args.length > used) return fail(args[used]!, `unexpected '${args[used]!.text}' after the retracted version; remove it`);
  const comments =
    line.before.length > 0 || line.suffix !== undefined ? [...line.before, line.suffix ?? ""] : block ? [...block.before, block.suffix ?? ""] : [];
  const rationale = comments
    .filter((c) => c.startsWith("//"))
    .map((c) => c.slice(2).trim())
    .join("\n");
  out.push({ low, high, rationale, ...at });
}

/** Go's modfile.IsDirectoryPath: relative or rooted paths (Unix or Windows syntax) are directories. */
export function isDirectoryPath(p: string): boolean {
  return /^(\.{1,2}[/\\]|[/\\]|[A-Za-z]:)/.test(p);
}

// Loose semver check: the go command canonicalizes versions itself; we only reject obvious junk.
function isModuleVersion(v: string): boolean {
  return /^v(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*)){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(v);
}

function isIndirect(suffix: string | undefined): boolean {
  if (suffix === undefined) return false;
  const f = suffix.replace(/^\/\//, "").trim().split(/\s+/);
  return (f.length === 1 && f[0] === "indirect") || (f.length > 1 && f[0] === "indirect;");
}

/** Go's modfile parseString: `"…"` is a Go string literal; other quote characters are errors. */
function unquote(t: ModToken, fail: (at: ModPosition, m: string) => void): string | undefined {
  if (t.text.startsWith('"')) {
    const v = unquoteGoString(t.text);
    if (v === undefined) fail(t, `invalid quoted string ${t.text}; fix the escape sequences`);
    return v;
  }
  if (/["'`]/.test(t.text)) {
    fail(t, `unquoted '${t.text}' cannot contain a quote; wrap it in double quotes`);
    return undefined;
  }
  return t.text;
}

function unquoteGoString(s: string): string | undefined {
  if (s.length < 2 || !s.endsWith('"')) return undefined;
  const body = s.slice(1, -1);
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '"') return undefined;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", '"': '"' };
    if (e !== undefined && simple[e] !== undefined) {
      out += simple[e];
      continue;
    }
    const hex = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
    if (hex > 0) {
      const digits = body.slice(i + 1, i + 1 + hex);
      if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) return undefined;
      out += e === "x" ? String.fromCharCode(parseInt(digits, 16)) : String.fromCodePoint(parseInt(digits, 16));
      i += hex;
      continue;
    }
    const oct = body.slice(i, i + 3);
    if (/^[0-7]{3}$/.test(oct)) {
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
      continue;
    }
    return undefined;
  }
  return out;
}

/**
 * The Go version to build with, as the go command would pick it (GOTOOLCHAIN=auto): the
 * `toolchain` line when it names a version newer than the `go` line (`toolchain go1.23.4` →
 * "1.23.4"), else the `go` line ("1.22" or "1.22.3"); undefined when go.mod has neither.
 */
export function goVersionFor(mod: GoMod): string | undefined {
  const line = mod.go?.version;
  const tool = mod.toolchain ? goVersionFromToolchain(mod.toolchain.name) : undefined;
  if (tool === undefined) return line;
  if (line === undefined) return tool;
  return compareGoVersions(tool, line) > 0 ? tool : line;
}

/**
 * The official Go image for go.mod's version: `golang:<major>.<minor>` (`go 1.22.3` and
 * `toolchain go1.23.4` name minimums, and Docker Hub's `golang:1.23` is the newest 1.23 release),
 * or `golang:latest` when go.mod has no version or one older than Go 1.21 (the go command then
 * uses whatever it is).
 */
export function defaultGoImage(moduleVersion: string | undefined): string {
  if (moduleVersion === undefined) return "golang:latest";
  const m = /^(\d+)\.(\d+)/.exec(moduleVersion);
  if (m === null) return `golang:${moduleVersion}`;
  // Before Go 1.21 a go line was only a note of the language version: modules written then build
  // with today's go (as on a workstation), while golang:1.7 would not even know modules.
  if (Number(m[1]) === 1 && Number(m[2]) < TOOLCHAIN_AWARE_MINOR) return "golang:latest";
  return `golang:${m[1]}.${m[2]}`;
}

/** Go 1.21 made the go line a requirement that go enforces (and toolchain lines began). */
const TOOLCHAIN_AWARE_MINOR = 21;

/** What names the Go image, strongest first: the GOPHERFILE_GO_IMAGE build arg, the spec's go.image, its go.version. */
export interface GoImageChoice {
  readonly override?: string | undefined;
  readonly image?: string | undefined;
  readonly version?: string | undefined;
}

/** The image the choice names without go.mod's help (a spec's `go.version` is exact: `golang:1.23.4`); undefined when it names none. */
export function chosenGoImage(choice: GoImageChoice): string | undefined {
  return choice.override ?? choice.image ?? (choice.version === undefined ? undefined : `golang:${choice.version}`);
}

/** The Go image a build uses: the choice's, else the official image of go.mod's version (see goVersionFor, defaultGoImage). */
export function goImageFor(choice: GoImageChoice, moduleVersion: string | undefined): string {
  return chosenGoImage(choice) ?? defaultGoImage(moduleVersion);
}
