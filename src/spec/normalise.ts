// Builds the normalised Spec from schema-valid data: defaults applied, shorthands expanded.
import { posix } from "node:path";
import type { Locator } from "./locate.js";
import { isRecord, type SpecPath } from "./paths.js";
import type { Binary, GoSettings, Image, ImageCheck, Lint, Spec, TestNetwork, Tests } from "./types.js";

type Data = Readonly<Record<string, unknown>>;

/** Default environment of every Go step: static binaries that run on scratch. */
export const DEFAULT_GO_ENV: Readonly<Record<string, string>> = { CGO_ENABLED: "0" };

/** Default linker flags: strip symbol tables and DWARF for small images. */
export const DEFAULT_LDFLAGS = "-s -w";

/** Settings a binary may add to the `go` section's. */
export interface BinaryOptions {
  readonly output?: string;
  readonly ldflags?: string;
  readonly tags?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly flags?: readonly string[];
}

/**
 * The effective settings of one binary: ldflags are the go section's followed by the binary's,
 * tags are the union (go's first), env is go's overridden by the binary's, flags are go's
 * followed by the binary's. Used for declared binaries and for ones the compiler discovers.
 */
export function binaryFromGo(go: GoSettings, name: string, pkg: string, own: BinaryOptions = {}): Binary {
  return {
    name,
    package: pkg,
    output: own.output ?? name,
    ldflags: [go.ldflags, own.ldflags ?? ""].filter((f) => f !== "").join(" "),
    tags: [...new Set([...go.tags, ...(own.tags ?? [])])],
    env: sortedRecord({ ...go.env, ...own.env }),
    flags: [...go.flags, ...(own.flags ?? [])],
  };
}

/**
 * Normalises data that passed the schema. `locator` supplies the text of numbers written where
 * strings are expected (`version: 1.20` is "1.20", not "1.2"). Throws only on data that did not
 * pass the schema, which is a programmer error.
 */
export function normaliseSpec(data: unknown, locator: Locator): Spec {
  const root = record(data ?? {});
  const text = (path: SpecPath, value: unknown): string => (typeof value === "string" ? value : (locator.sourceText(path) ?? String(value)));
  const strings = (path: SpecPath, value: unknown): Record<string, string> =>
    sortedRecord(Object.fromEntries(Object.entries(record(value ?? {})).map(([k, v]) => [k, text([...path, k], v)])));

  const goData = record(root["go"] ?? {});
  const go: GoSettings = {
    ...optional("version", goData["version"] === undefined ? undefined : text(["go", "version"], goData["version"])),
    ...optional("image", goData["image"] as string | undefined),
    env: sortedRecord({ ...DEFAULT_GO_ENV, ...strings(["go", "env"], goData["env"]) }),
    ldflags: (goData["ldflags"] as string | undefined) ?? DEFAULT_LDFLAGS,
    tags: list(goData["tags"]),
    flags: list(goData["flags"]),
    private: list(goData["private"]),
    vcs: (goData["vcs"] as boolean | undefined) ?? false,
  };

  const binaries =
    root["binaries"] === undefined
      ? "auto"
      : Object.fromEntries(Object.entries(record(root["binaries"])).map(([name, value]) => [name, binary(go, name, value, strings)]));

  const images =
    root["images"] === undefined
      ? "auto"
      : Object.fromEntries(Object.entries(record(root["images"])).map(([name, value]) => [name, image(name, record(value), strings)]));

  return {
    version: 1,
    go,
    module: normaliseDir((root["module"] as string | undefined) ?? "."),
    args: strings(["args"], root["args"]),
    platforms: list(root["platforms"]),
    binaries,
    tests: tests(record(root["tests"] ?? {})),
    lint: lint(record(root["lint"] ?? {})),
    images,
    ...optional("default", root["default"] as string | undefined),
  };
}

type Strings = (path: SpecPath, value: unknown) => Record<string, string>;

function binary(go: GoSettings, name: string, value: unknown, strings: Strings): Binary {
  if (typeof value === "string") return binaryFromGo(go, name, value);
  const data = record(value);
  return binaryFromGo(go, name, data["package"] as string, {
    ...optional("output", data["output"] as string | undefined),
    ...optional("ldflags", data["ldflags"] as string | undefined),
    tags: list(data["tags"]),
    env: strings(["binaries", name, "env"], data["env"]),
    flags: list(data["flags"]),
  });
}

function image(name: string, data: Data, strings: Strings): Image {
  const user = data["user"];
  return {
    name,
    base: (data["base"] as string | undefined) ?? "scratch",
    binaries: data["binaries"] === undefined ? "all" : list(data["binaries"]),
    ...optional("entrypoint", data["entrypoint"] === undefined ? undefined : list(data["entrypoint"])),
    ...optional("cmd", data["cmd"] === undefined ? undefined : list(data["cmd"])),
    env: strings(["images", name, "env"], data["env"]),
    ...optional("user", user === undefined ? undefined : String(user)),
    ...optional("workdir", data["workdir"] as string | undefined),
    ports: [...new Set(((data["ports"] as readonly (string | number)[] | undefined) ?? []).map(normalisePort))],
    labels: strings(["images", name, "labels"], data["labels"]),
    certificates: (data["certificates"] as boolean | undefined) ?? false,
    zoneinfo: (data["zoneinfo"] as boolean | undefined) ?? false,
    checks: checks(data["check"]),
  };
}

/** A check is one command (a list of strings) or a list of commands and {name, run} mappings. */
function checks(value: unknown): ImageCheck[] {
  if (value === undefined) return [];
  const items = value as readonly unknown[];
  if (items.length > 0 && items.every((item) => typeof item === "string")) return [command(list(items))];
  return items.map((item) => {
    if (Array.isArray(item)) return command(list(item));
    const data = record(item);
    const run = list(data["run"]);
    return { name: (data["name"] as string | undefined) ?? run.join(" "), run };
  });
}

function command(run: readonly string[]): ImageCheck {
  return { name: run.join(" "), run };
}

function tests(data: Data): Tests {
  const packages = data["packages"];
  return {
    packages: packages === undefined || packages === "auto" ? "auto" : list(packages),
    flags: list(data["flags"]),
    gate: (data["gate"] as boolean | undefined) ?? true,
    ...optional("timeout", data["timeout"] as string | undefined),
    race: (data["race"] as boolean | undefined) ?? false,
    coverage: (data["coverage"] as boolean | undefined) ?? false,
    network: (data["network"] as TestNetwork | undefined) ?? "none",
    inputs: list(data["inputs"]),
  };
}

function lint(data: Data): Lint {
  const golangci = data["golangci"];
  if (golangci === undefined) return { vet: (data["vet"] as boolean | undefined) ?? true };
  const g = record(golangci);
  return {
    vet: (data["vet"] as boolean | undefined) ?? true,
    golangci: { image: g["image"] as string, args: g["args"] === undefined ? ["run"] : list(g["args"]) },
  };
}

/** "8080" and 8080 become "8080/tcp", the form image configs use for ExposedPorts (as `EXPOSE` writes it). */
export function normalisePort(value: string | number): string {
  const text = String(value);
  return text.includes("/") ? text.toLowerCase() : `${text}/tcp`;
}

function normaliseDir(dir: string): string {
  const clean = posix.normalize(dir).replace(/\/+$/, "");
  return clean === "" ? "." : clean;
}

/** Spreads `{ [key]: value }` only when value is defined (exactOptionalPropertyTypes). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function sortedRecord(input: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(input).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function list(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`expected a list after schema validation, got ${typeof value}`);
  return value.map((item) => String(item));
}

function record(value: unknown): Data {
  if (!isRecord(value)) throw new Error(`expected a mapping after schema validation, got ${typeof value}`);
  return value;
}
