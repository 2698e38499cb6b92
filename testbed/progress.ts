// Reads BuildKit's plain progress output (`--progress plain`) back into vertices, for e2e assertions.

/** One vertex as the plain printer showed it. Line numbers index the whole output, from 0. */
export interface ProgressVertex {
  /** The `#N` the client gave the vertex; unique within one output. */
  readonly id: number;
  /** The vertex's name: the text of its first `#N` line. */
  readonly name: string;
  /** `#N CACHED`: BuildKit reused a result and ran nothing. */
  readonly cached: boolean;
  /** `#N DONE <s>`: ran (or, for clients that print both, finished) successfully. */
  readonly done: boolean;
  /** The text after `#N ERROR: `, when the vertex failed. */
  readonly error: string | undefined;
  /** `#N CANCELED`: stopped because another vertex failed. */
  readonly canceled: boolean;
  /** Seconds from `#N DONE 0.8s`, when printed. */
  readonly seconds: number | undefined;
  /** Log lines the vertex's process wrote (`#N 0.216 text` → `text`). */
  readonly logs: readonly string[];
  /** Line of the first `#N` line: the printer shows a vertex when it starts (or is found cached). */
  readonly firstLine: number;
  /** Line of `DONE`, `ERROR`, `CANCELED` or `CACHED`; undefined while the output ends before it. */
  readonly endLine: number | undefined;
}

interface MutableVertex {
  id: number;
  name: string;
  cached: boolean;
  done: boolean;
  error: string | undefined;
  canceled: boolean;
  seconds: number | undefined;
  logs: string[];
  firstLine: number;
  endLine: number | undefined;
}

const VERTEX_LINE = /^#(\d+) (.*)$/;
const DONE = /^DONE (\d+(?:\.\d+)?)s$/;
// A process log line starts with seconds since the vertex started, e.g. `0.216 ok  example.com/x`.
const LOG = /^\d+\.\d+ ?(.*)$/;
// Docker 20.10 prints each vertex's digest on the line after its name.
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * Parses plain progress as BuildKit v0.8 (Docker 20.10), buildctl and buildx print it. Lines that
 * are not `#N …` (errors, warnings, code excerpts) are ignored. Vertices come back in the order
 * they were first shown.
 */
export function parseProgress(output: string): ProgressVertex[] {
  const vertices = new Map<number, MutableVertex>();
  output.split("\n").forEach((raw, line) => {
    const match = VERTEX_LINE.exec(raw.replace(/\r$/, ""));
    if (match === null) return;
    const id = Number(match[1]);
    const text = match[2] ?? "";
    let vertex = vertices.get(id);
    if (vertex === undefined) {
      vertex = { id, name: text, cached: false, done: false, error: undefined, canceled: false, seconds: undefined, logs: [], firstLine: line, endLine: undefined };
      vertices.set(id, vertex);
      return;
    }
    const done = DONE.exec(text);
    if (done !== null) {
      vertex.done = true;
      vertex.seconds = Number(done[1]);
      vertex.endLine = line;
    } else if (text === "CACHED") {
      vertex.cached = true;
      vertex.endLine = line;
    } else if (text === "CANCELED") {
      vertex.canceled = true;
      vertex.endLine = line;
    } else if (text.startsWith("ERROR: ") || text === "ERROR") {
      vertex.error = text.slice("ERROR: ".length);
      vertex.endLine = line;
    } else if (!DIGEST.test(text) && text !== vertex.name) {
      const log = LOG.exec(text);
      if (log !== null) vertex.logs.push(log[1] ?? "");
    }
  });
  return [...vertices.values()];
}

/** Vertices whose name matches `pattern` (a string must equal the whole name). */
export function verticesNamed(vertices: readonly ProgressVertex[], pattern: string | RegExp): ProgressVertex[] {
  return vertices.filter((v) => (typeof pattern === "string" ? v.name === pattern : pattern.test(v.name)));
}

/**
 * The one vertex named `name`; throws (with the names that exist) when there is none or several,
 * so a renamed vertex fails the test with something to read.
 */
export function vertexNamed(vertices: readonly ProgressVertex[], name: string | RegExp): ProgressVertex {
  const found = verticesNamed(vertices, name);
  const only = found[0];
  if (found.length !== 1 || only === undefined) {
    throw new Error(`expected one vertex named ${String(name)}, found ${found.length}; vertices:\n  ${vertices.map((v) => v.name).join("\n  ")}`);
  }
  return only;
}

/** Vertices gopherfile names itself: `[deps] …`, `[build …] …`, `[test …] …`, `[image …] …` and so on. */
export function gopherfileVertices(vertices: readonly ProgressVertex[]): ProgressVertex[] {
  return vertices.filter((v) => /^\[(deps|build|test|test-report|vet|lint|image|binaries|check|gate|context)[\] ]/.test(v.name));
}

/** A vertex as BuildKit reported it in `--progress rawjson` (BuildKit v0.32 clients): with daemon timestamps. */
export interface TimedVertex {
  readonly digest: string;
  readonly name: string;
  readonly cached: boolean;
  readonly error: string | undefined;
  /** Milliseconds since the epoch, on the daemon's clock. */
  readonly started: number | undefined;
  readonly completed: number | undefined;
}

interface RawVertex {
  readonly digest?: string;
  readonly name?: string;
  readonly cached?: boolean;
  readonly error?: string;
  readonly started?: string;
  readonly completed?: string;
}

/**
 * Parses `--progress rawjson` (one JSON SolveStatus per line) into the last state of each vertex.
 * Lines that are not JSON objects (warnings, the final error) are ignored.
 */
export function parseRawJson(output: string): TimedVertex[] {
  const byDigest = new Map<string, TimedVertex>();
  for (const line of output.split("\n")) {
    if (!line.startsWith("{")) continue;
    const status = JSON.parse(line) as { vertexes?: readonly RawVertex[] };
    for (const raw of status.vertexes ?? []) {
      if (raw.digest === undefined) continue;
      const previous = byDigest.get(raw.digest);
      const time = (text: string | undefined, before: number | undefined): number | undefined =>
        text === undefined ? before : Date.parse(text);
      byDigest.set(raw.digest, {
        digest: raw.digest,
        name: raw.name ?? previous?.name ?? "",
        cached: raw.cached ?? previous?.cached ?? false,
        error: raw.error ?? previous?.error,
        started: time(raw.started, previous?.started),
        completed: time(raw.completed, previous?.completed),
      });
    }
  }
  return [...byDigest.values()];
}

/**
 * Pairs of vertices that plain progress proves ran at the same time. The printer shows a vertex's
 * first line only after it started, and its end line only after it ended, and prints events in
 * the order it receives them (completions of one batch first), so `first(A) < end(B)` proves A
 * started before B ended; both directions prove the two overlapped. Nothing shorter can be
 * concluded: a vertex shown only when it completed may have started at any earlier time.
 */
export function provenOverlaps(vertices: readonly ProgressVertex[]): [string, string][] {
  const pairs: [string, string][] = [];
  vertices.forEach((a, i) => {
    for (const b of vertices.slice(i + 1)) {
      if (a.endLine === undefined || b.endLine === undefined) continue;
      if (a.firstLine < b.endLine && b.firstLine < a.endLine) pairs.push([a.name, b.name]);
    }
  });
  return pairs;
}
