// Paths into the spec: the segments used by locate, their display form, and JSON Pointer decoding.

/** A path into the spec: mapping keys as strings, list indexes as numbers. */
export type SpecPath = readonly (string | number)[];

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Formats a path the way users read it: `images.server.ports[0]`, with keys that are not
 * plain identifiers quoted (`labels["org.opencontainers.image.source"]`). The root is "".
 */
export function formatPath(path: SpecPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/**
 * Decodes a JSON Pointer (as in ajv's `instancePath`) against the data it points into, so that
 * list indexes become numbers and keys stay strings even when they look numeric.
 */
export function pointerToPath(pointer: string, root: unknown): SpecPath {
  if (pointer === "") return [];
  const out: (string | number)[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split("/")) {
    const token = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) {
      const index = Number(token);
      out.push(index);
      node = node[index];
    } else {
      out.push(token);
      node = isRecord(node) && Object.hasOwn(node, token) ? node[token] : undefined;
    }
  }
  return out;
}

/** Reads the value at `path` in plain data, or undefined when any step is missing. */
export function valueAt(root: unknown, path: SpecPath): unknown {
  let node: unknown = root;
  for (const seg of path) {
    if (typeof seg === "number") node = Array.isArray(node) ? node[seg] : undefined;
    else node = isRecord(node) && Object.hasOwn(node, seg) ? node[seg] : undefined;
  }
  return node;
}

/** True for a plain mapping (not a list, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
