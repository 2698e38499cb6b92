// Docker image references normalised like Go's client (distribution/reference ParseNormalizedNamed + TagNameOnly).
import type { Parsed } from "./platform.js";

/** A normalised reference: `docker.io/library/busybox:latest`, `ghcr.io/a/b@sha256:…`. */
export interface ImageRef {
  /** Domain and path, e.g. `docker.io/library/golang`. */
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
  /** The full normalised string, `name[:tag][@digest]`; what the source op identifier carries. */
  readonly ref: string;
}

const pathComponent = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domainAndPort = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[(?:[a-fA-F0-9:]+)\\])(?::[0-9]+)?`;
const tagPat = "[\\w][\\w.-]{0,127}";
const digestPat = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}";
const referenceRe = new RegExp(`^((?:${domainAndPort}/)?${remoteName})(?::(${tagPat}))?(?:@(${digestPat}))?$`);
const identifierRe = /^[a-f0-9]{64}$/;
const digestHexLength: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

const DEFAULT_DOMAIN = "docker.io";

/**
 * Normalises a docker reference the way BuildKit's Go client does before it writes an image
 * source: `busybox` → `docker.io/library/busybox:latest`, `index.docker.io/x/y` →
 * `docker.io/x/y:latest`; a reference with a digest gets no default tag.
 */
export function parseImageRef(input: string): Parsed<ImageRef> {
  const fail = (why: string): Parsed<ImageRef> => ({ ok: false, message: `invalid image reference "${input}": ${why}` });
  if (input === "") return fail("it is empty; write a name such as golang:1.23");
  if (identifierRe.test(input)) return fail("a bare 64-character hex id is not a name; write repository@sha256:<hex>");
  const [domain, remainder] = splitDomain(input);
  const colon = remainder.indexOf(":");
  const remote = colon >= 0 ? remainder.slice(0, colon) : remainder;
  if (remote.toLowerCase() !== remote) return fail("a repository name is lowercase");
  const m = referenceRe.exec(`${domain}/${remainder}`);
  if (!m || m[1] === undefined) return fail("use the form [registry/]repository[:tag][@sha256:<hex>]");
  const name = m[1];
  if (name.length > 255) return fail("the repository name is longer than 255 characters");
  const digest = m[3];
  if (digest !== undefined) {
    const [algo = "", hex = ""] = digest.split(":");
    const want = digestHexLength[algo];
    if (want === undefined) return fail(`digest algorithm "${algo}" is not supported; use sha256`);
    if (hex.length !== want || !/^[a-f0-9]+$/.test(hex)) return fail(`a ${algo} digest is ${want} lowercase hex characters`);
  }
  const tag = m[2] ?? (digest === undefined ? "latest" : undefined);
  const ref = name + (tag !== undefined ? `:${tag}` : "") + (digest !== undefined ? `@${digest}` : "");
  return { ok: true, value: { name, ref, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) } };
}

/** Docker Hub's implicit domain and `library/` prefix (reference.splitDockerDomain). */
function splitDomain(name: string): [string, string] {
  const slash = name.indexOf("/");
  if (slash < 0) return [DEFAULT_DOMAIN, `library/${name}`];
  const first = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  let domain: string;
  let remote: string;
  if (first === "index.docker.io") {
    [domain, remote] = [DEFAULT_DOMAIN, rest];
  } else if (first === "localhost" || /[.:]/.test(first) || first.toLowerCase() !== first) {
    [domain, remote] = [first, rest];
  } else {
    [domain, remote] = [DEFAULT_DOMAIN, name];
  }
  if (domain === DEFAULT_DOMAIN && !remote.includes("/")) remote = `library/${remote}`;
  return [domain, remote];
}
