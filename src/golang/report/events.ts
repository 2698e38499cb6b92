// Splits a `go test -json` stream into test2json events and the plain-text lines between them.

/**
 * One test2json event (cmd/test2json's TestEvent, plus the build events of Go ≥ 1.24).
 * Fields of the wrong type are dropped rather than trusted.
 */
export interface GoTestEvent {
  readonly kind: "event";
  readonly action: string;
  readonly time?: string;
  readonly package?: string;
  /** Set on `build-output` and `build-fail` events: the package being built. */
  readonly importPath?: string;
  readonly test?: string;
  readonly elapsed?: number;
  readonly output?: string;
  /** Set on a package's `fail` event when the failure was a build failure. */
  readonly failedBuild?: string;
}

/** A line of the stream that is not an event (older Go printed some failures as text), with its newline. */
export interface TextLine {
  readonly kind: "text";
  readonly text: string;
}

export type StreamItem = GoTestEvent | TextLine;

/**
 * Decodes the stream line by line, in order. Never throws: a line that is not a JSON object with a
 * string `Action` (garbage, a truncated last event) becomes a {@link TextLine}.
 */
export function decodeStream(stream: string): StreamItem[] {
  const items: StreamItem[] = [];
  const lines = stream.split("\n");
  lines.forEach((line, i) => {
    const last = i === lines.length - 1;
    if (last && line === "") return;
    const event = line.startsWith("{") ? decodeEvent(line) : undefined;
    items.push(event ?? { kind: "text", text: last ? line : `${line}\n` });
  });
  return items;
}

function decodeEvent(line: string): GoTestEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  const action = o["Action"];
  if (typeof action !== "string") return undefined;
  return {
    kind: "event",
    action,
    ...str("time", o["Time"]),
    ...str("package", o["Package"]),
    ...str("importPath", o["ImportPath"]),
    ...str("test", o["Test"]),
    ...(typeof o["Elapsed"] === "number" && Number.isFinite(o["Elapsed"]) ? { elapsed: o["Elapsed"] } : {}),
    ...str("output", o["Output"]),
    ...str("failedBuild", o["FailedBuild"]),
  };
}

// Empty strings count as absent: Go omits empty fields, so "" only comes from other writers.
function str<K extends string>(key: K, value: unknown): { [P in K]?: string } {
  return typeof value === "string" && value !== "" ? ({ [key]: value } as { [P in K]: string }) : {};
}

/** Milliseconds since the epoch of an RFC 3339 time with any number of fractional digits, or undefined. */
export function parseEventTime(time: string | undefined): number | undefined {
  if (time === undefined) return undefined;
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (m === null) return undefined;
  const whole = Date.parse(`${m[1]!}${m[3]!}`);
  if (Number.isNaN(whole)) return undefined;
  return whole + Number(`0${m[2] ?? ""}`) * 1000;
}
