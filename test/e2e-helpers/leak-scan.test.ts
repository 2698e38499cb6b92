// Unit tests of the secret scanner of test/e2e/secrets.e2e.ts: what it opens, and that each hit counts once.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LeakScanner, needlesFor } from "../e2e/leak-scan.js";

const SECRET = "gopherfile-unit-token-5f1c0ffee";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gopherfile-leak-scan-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `tar -c` of `files` (GNU tar, PAX format so long names take extra headers), as bytes. */
async function tarOf(name: string, files: Record<string, string | Buffer>): Promise<Buffer> {
  const root = join(dir, name);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), content);
  }
  const out = join(dir, `${name}.tar`);
  execFileSync("tar", ["--format=pax", "-cf", out, "-C", root, "."]);
  return readFile(out);
}

describe("needlesFor", () => {
  it("finds the secret base64-encoded at every byte offset", () => {
    const needles = needlesFor("t", SECRET);
    for (const prefix of ["", "a", "ab", "abc"]) {
      const scanner = new LeakScanner(needles);
      scanner.scanItem(Buffer.from(`{"data":"${Buffer.from(prefix + SECRET).toString("base64")}"}`), "json");
      expect(scanner.hits.length, `prefix ${JSON.stringify(prefix)}`).toBe(1);
    }
  });
});

describe("LeakScanner", () => {
  it("counts each occurrence once: in a gzipped layer, a gzipped file inside it, and a tar inside a tar", async () => {
    const inner = await tarOf("inner", { "etc/netrc": `password ${SECRET}\n` });
    const layer = await tarOf("layer", {
      [`${"long-directory-name/".repeat(8)}plain.txt`]: `${SECRET}\n`,
      "usr/share/secret.gz": gzipSync(`${SECRET}${SECRET}`),
      "layer.tar": inner,
      "clean.txt": "nothing here",
    });
    const scanner = new LeakScanner(needlesFor("t", SECRET));
    scanner.scanItem(gzipSync(layer), "blob");
    const raw = scanner.hits.filter((hit) => hit.needle === "t").map((hit) => hit.where.replace(/ @\d+$/, ""));
    expect(raw.sort()).toEqual([
      "blob > gunzip",
      "blob > gunzip",
      "blob > gunzip > ./usr/share/secret.gz > gunzip",
      "blob > gunzip > ./usr/share/secret.gz > gunzip",
    ]);
    expect(scanner.stats).toMatchObject({ items: 1, gunzipped: 2, unopened: [] });
    expect(scanner.stats.tars).toBe(2);
  });

  it("finds nothing in what does not hold the secret, and says what it could not open", async () => {
    const layer = await tarOf("clean", { "a.txt": "a", "broken.gz": Buffer.from([0x1f, 0x8b, 1, 2, 3]), "x.zst": Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0]) });
    const scanner = new LeakScanner(needlesFor("t", SECRET));
    scanner.scanItem(gzipSync(layer), "blob");
    expect(scanner.hits).toEqual([]);
    expect(scanner.stats.unopened.map((u) => u.replace(/ \(.*$/, "")).sort()).toEqual(["blob > gunzip > ./broken.gz", "blob > gunzip > ./x.zst"]);
  });

  it("refuses a layer it cannot open instead of passing it unsearched", () => {
    const scanner = new LeakScanner(needlesFor("t", SECRET));
    expect(() => scanner.scanItem(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0]), "blob")).toThrow(/zstd/);
    expect(() => scanner.scanItem(Buffer.from([0x1f, 0x8b, 9, 9]), "blob")).toThrow(/does not inflate/);
  });

  it("searches an export directory's files and names", async () => {
    const out = join(dir, "export");
    await mkdir(join(out, "sub"), { recursive: true });
    await writeFile(join(out, "sub", "bin"), `\0\0${SECRET}\0`);
    await writeFile(join(out, SECRET), "");
    const scanner = new LeakScanner(needlesFor("t", SECRET));
    expect(await scanner.scanDirectory(out, "export")).toBe(2);
    expect(scanner.hits.filter((hit) => hit.needle === "t").length).toBe(2);
  });
});
