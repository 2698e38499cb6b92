// Searches everything a build exported for a secret's bytes: registry manifests and blobs (layers
// gunzipped, tar entries opened), local export directories and `docker save` tarballs.
import { createHash } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { gunzipSync } from "node:zlib";
import { REGISTRY } from "../../testbed/testbed.js";

/** A byte string to look for, with the name a hit reports. */
export interface Needle {
  readonly label: string;
  readonly bytes: Buffer;
}

/**
 * The secret as it could appear: its raw bytes, and its base64 encodings at the three byte
 * alignments (JSON carries byte fields as base64, so a secret that slipped into an LLB definition
 * or a provenance record would show up that way), each cut to the characters the secret alone decides.
 */
export function needlesFor(label: string, secret: string): Needle[] {
  const raw = Buffer.from(secret, "utf8");
  const needles: Needle[] = [{ label, bytes: raw }];
  for (const pad of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(pad), raw]).toString("base64");
    const start = [0, 2, 3][pad] ?? 0;
    const end = Math.floor(((pad + raw.length) * 8) / 6);
    const text = encoded.slice(start, end);
    if (text.length >= 16) needles.push({ label: `${label} (base64, offset ${pad})`, bytes: Buffer.from(text, "latin1") });
  }
  return needles;
}

/** One place a needle was found: which needle and where, e.g. `registry …@sha256:… > gunzip > usr/bin/x`. */
export interface Hit {
  readonly needle: string;
  readonly where: string;
}

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

function isGzip(data: Buffer): boolean {
  return data.length >= 2 && data.subarray(0, 2).equals(GZIP_MAGIC);
}

function isTar(data: Buffer): boolean {
  return data.length >= 512 && data.toString("latin1", 257, 262) === "ustar";
}

/** A tar header's numeric field: octal text, or base-256 when the high bit of the first byte is set. */
function tarNumber(field: Buffer): number {
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let value = (field[0] ?? 0) & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    return value;
  }
  const text = field.toString("latin1").replace(/\0.*$/s, "").trim();
  return text === "" ? 0 : parseInt(text, 8);
}

function tarString(field: Buffer): string {
  const end = field.indexOf(0);
  return field.toString("utf8", 0, end === -1 ? field.length : end);
}

/** Entries of an uncompressed tar: name and contents (PAX `size`/`path` and GNU long names honoured). */
function* tarEntries(tar: Buffer): Generator<{ name: string; data: Buffer }> {
  let offset = 0;
  let nextName: string | undefined;
  let nextSize: number | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) return;
    const type = String.fromCharCode(header[156] ?? 0);
    const size = nextSize ?? tarNumber(header.subarray(124, 136));
    const prefix = header.toString("latin1", 257, 262) === "ustar" ? tarString(header.subarray(345, 500)) : "";
    const name = nextName ?? (prefix === "" ? "" : `${prefix}/`) + tarString(header.subarray(0, 100));
    const data = tar.subarray(offset + 512, offset + 512 + size);
    if (data.length < size) throw new Error(`tar entry ${name} is cut short (${data.length} of ${size} bytes)`);
    offset += 512 + Math.ceil(size / 512) * 512;
    nextName = undefined;
    nextSize = undefined;
    if (type === "x") {
      // PAX records: "<length> <key>=<value>\n".
      for (const record of data.toString("utf8").split("\n")) {
        const match = /^\d+ (path|size)=(.*)$/s.exec(record);
        if (match?.[1] === "path") nextName = match[2];
        if (match?.[1] === "size") nextSize = Number(match[2]);
      }
    } else if (type === "L") {
      nextName = tarString(data);
    } else if (type !== "g") {
      yield { name, data };
    }
  }
}

/** Totals of one scan. */
export interface ScanStats {
  /** Files, manifests and blobs read. */
  items: number;
  /** Bytes as stored (compressed blobs counted compressed). */
  storedBytes: number;
  /** Bytes searched, decompressed ones included (a gzipped layer counts twice: compressed and not). */
  searchedBytes: number;
  /** gzip streams opened: layers and gzipped files inside them. */
  gunzipped: number;
  /** Tar archives whose entries were opened. */
  tars: number;
  /** Compressed files inside layers that could not be opened (zstd test data, corrupt samples), searched as stored. */
  unopened: string[];
}

/**
 * Counts every occurrence of each needle in what it is given, opening gzip streams and tar
 * archives (and gzip or tar files inside those) as deep as they go. Each byte is searched once in
 * each form it takes: a tar's raw bytes already contain its entries, so entries are only opened
 * when they are compressed or hold a further archive.
 */
export class LeakScanner {
  readonly hits: Hit[] = [];
  readonly stats: ScanStats = { items: 0, storedBytes: 0, searchedBytes: 0, gunzipped: 0, tars: 0, unopened: [] };
  private readonly seenDigests = new Set<string>();

  constructor(private readonly needles: readonly Needle[]) {
    if (needles.length === 0) throw new Error("LeakScanner needs at least one needle");
  }

  /** Searches one stored item (a file, a blob) and what it decompresses to. */
  scanItem(data: Buffer, where: string): void {
    this.stats.items += 1;
    this.stats.storedBytes += data.length;
    this.search(data, where, true);
  }

  private search(data: Buffer, where: string, topLevel: boolean): void {
    this.stats.searchedBytes += data.length;
    for (const needle of this.needles) {
      for (let at = data.indexOf(needle.bytes); at !== -1; at = data.indexOf(needle.bytes, at + 1)) {
        this.hits.push({ needle: needle.label, where: `${where} @${at}` });
      }
    }
    this.open(data, where, topLevel);
  }

  /** Opens what `data` contains without searching its bytes again. */
  private open(data: Buffer, where: string, topLevel: boolean): void {
    if (isGzip(data)) {
      let inflated: Buffer;
      try {
        inflated = gunzipSync(data);
      } catch (error) {
        // A layer must open; a file inside one may be a deliberately broken sample (Go's test data).
        if (topLevel) throw new Error(`${where}: gzip stream does not inflate: ${(error as Error).message}`);
        this.stats.unopened.push(`${where} (gzip: ${(error as Error).message})`);
        return;
      }
      this.stats.gunzipped += 1;
      this.search(inflated, `${where} > gunzip`, topLevel);
    } else if (isTar(data)) {
      this.stats.tars += 1;
      for (const entry of tarEntries(data)) this.open(entry.data, `${where} > ${entry.name}`, false);
    } else if (data.length >= 4 && data.subarray(0, 4).equals(ZSTD_MAGIC)) {
      if (topLevel) throw new Error(`${where} is zstd-compressed, which this scanner cannot open; a layer must not go unsearched`);
      this.stats.unopened.push(`${where} (zstd)`);
    }
  }

  /** Every file under `dir` (its relative path is searched too). */
  async scanDirectory(dir: string, label: string): Promise<number> {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    let files = 0;
    for (const entry of entries) {
      const path = join(entry.parentPath, entry.name);
      const name = relative(dir, path);
      this.search(Buffer.from(name, "utf8"), `${label}: name ${name}`, false);
      if (!entry.isFile()) continue;
      files += 1;
      this.scanItem(await readFile(path), `${label}: ${name}`);
    }
    return files;
  }

  /**
   * Everything the registry holds for `ref` (`127.0.0.1:5000/repo:tag`): the manifest, and each
   * descriptor it names, recursively (indexes, manifests, configs, layers, attestations, cache
   * configs). Each blob is checked against its digest, so what was searched is what was pushed.
   * Returns the number of manifests and blobs read.
   */
  async scanRegistry(ref: string): Promise<{ manifests: number; blobs: number }> {
    if (!ref.startsWith(`${REGISTRY}/`)) throw new Error(`${ref} is not in the test bed's registry`);
    const repo = ref.slice(REGISTRY.length + 1, ref.lastIndexOf(":"));
    const tag = ref.slice(ref.lastIndexOf(":") + 1);
    const counts = { manifests: 0, blobs: 0 };
    const visit = async (kind: "manifests" | "blobs", reference: string, expectedDigest: string | undefined): Promise<void> => {
      const data = await registryGet(repo, kind, reference);
      if (expectedDigest !== undefined) {
        const actual = `sha256:${createHash("sha256").update(data).digest("hex")}`;
        if (actual !== expectedDigest) throw new Error(`${repo}/${kind}/${reference}: content hashes to ${actual}`);
      }
      counts[kind] += 1;
      this.scanItem(data, `registry ${repo}/${kind}/${reference}`);
      if (kind === "manifests" || looksLikeJson(data)) {
        for (const descriptor of descriptorsIn(JSON.parse(data.toString("utf8")) as unknown)) {
          if (this.seenDigests.has(descriptor.digest)) continue;
          this.seenDigests.add(descriptor.digest);
          await visit(MANIFEST_TYPES.includes(descriptor.mediaType) ? "manifests" : "blobs", descriptor.digest, descriptor.digest);
        }
      }
    };
    await visit("manifests", tag, undefined);
    return counts;
  }
}

const MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
];

function looksLikeJson(data: Buffer): boolean {
  if (data.length === 0 || data.length > 16 * 1024 * 1024 || data[0] !== 0x7b) return false;
  try {
    JSON.parse(data.toString("utf8"));
    return true;
  } catch {
    return false;
  }
}

/** Every `{mediaType, digest}` object anywhere in a JSON document. */
function descriptorsIn(value: unknown): { mediaType: string; digest: string }[] {
  if (Array.isArray(value)) return value.flatMap(descriptorsIn);
  if (value === null || typeof value !== "object") return [];
  const record = value as Record<string, unknown>;
  const own =
    typeof record["mediaType"] === "string" && typeof record["digest"] === "string" && /^sha256:[0-9a-f]{64}$/.test(record["digest"])
      ? [{ mediaType: record["mediaType"], digest: record["digest"] }]
      : [];
  return [...own, ...Object.values(record).flatMap(descriptorsIn)];
}

async function registryGet(repo: string, kind: "manifests" | "blobs", reference: string): Promise<Buffer> {
  const response = await fetch(`http://${REGISTRY}/v2/${repo}/${kind}/${reference}`, {
    headers: kind === "manifests" ? { Accept: MANIFEST_TYPES.join(", ") } : {},
    signal: AbortSignal.timeout(120_000),
  });
  if (!response.ok) throw new Error(`GET ${REGISTRY}/v2/${repo}/${kind}/${reference} answered ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** A one-line account of a scan, for the e2e log and the note. */
export function describeScan(label: string, scanner: LeakScanner): string {
  const { items, storedBytes, searchedBytes, gunzipped, tars, unopened } = scanner.stats;
  const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return (
    `${label}: ${scanner.hits.length} hits in ${items} items, ${mib(storedBytes)} stored, ${mib(searchedBytes)} searched ` +
    `(${gunzipped} gzip streams, ${tars} tars opened; ${unopened.length} compressed files inside layers not opened)`
  );
}
