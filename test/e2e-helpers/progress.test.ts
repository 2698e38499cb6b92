// Unit tests of the e2e helpers (test/e2e/) that read build output: plain and rawjson progress, ELF program headers.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PT, programHeaderTypes } from "../e2e/elf-program.js";
import { gopherfileVertices, parseProgress, parseRawJson, provenOverlaps, vertexNamed } from "../../testbed/progress.js";

// Shaped like Docker 20.10's plain output: a digest line after each name, logs with seconds, a vertex interrupted by `...`.
const DOCKER_20_10 = [
  "#11 [deps] go mod download",
  "#11 sha256:b5496a1eb0bfe9d05ee56a6001cfc0df1e073af8b09ce6fabf1c0e8a5e27ee8d",
  "#11 CACHED",
  "",
  "#14 [test .] go test",
  "#14 ...",
  "",
  "#12 [build parallel linux/amd64] go build .",
  "#12 DONE 1.1s",
  "",
  "#15 [test ./pkg01] go test",
  "#15 0.328 ok  \texample.com/parallel/pkg01\t(cached)",
  "#15 DONE 1.3s",
  "",
  "#14 [test .] go test",
  "#14 DONE 1.4s",
  "",
  "#17 [test] verdict of 3 packages",
  "#17 0.053 FAIL ./pkg02 (go test exit code 1)",
  "#17 ERROR: executor failed running [/bin/sh -c exit 1]: exit code: 1",
  "#18 exporting to image",
  "#18 exporting layers done",
  "#18 DONE 0.0s",
  "failed to solve with frontend dockerfile.v0: rpc error",
].join("\n");

describe("parseProgress", () => {
  const vertices = parseProgress(DOCKER_20_10);

  it("reads names, outcomes, durations and logs of each vertex, in the order first shown", () => {
    expect(vertices.map((v) => v.id)).toEqual([11, 14, 12, 15, 17, 18]);
    expect(vertexNamed(vertices, "[deps] go mod download")).toMatchObject({ cached: true, done: false, logs: [], endLine: 2 });
    expect(vertexNamed(vertices, "[test ./pkg01] go test")).toMatchObject({ done: true, seconds: 1.3, logs: ["ok  \texample.com/parallel/pkg01\t(cached)"] });
    expect(vertexNamed(vertices, "[test] verdict of 3 packages")).toMatchObject({
      done: false,
      error: "executor failed running [/bin/sh -c exit 1]: exit code: 1",
      logs: ["FAIL ./pkg02 (go test exit code 1)"],
    });
  });

  it("keeps the first line of a vertex that was interrupted and shown again", () => {
    expect(vertexNamed(vertices, "[test .] go test")).toMatchObject({ firstLine: 4, endLine: 15, seconds: 1.4, logs: [] });
  });

  it("ignores status lines that are not logs, and lines outside any vertex", () => {
    expect(vertexNamed(vertices, "exporting to image").logs).toEqual([]);
    expect(vertices.some((v) => v.name.startsWith("failed"))).toBe(false);
  });

  it("picks out gopherfile's own vertices by their bracketed prefix", () => {
    expect(gopherfileVertices(vertices).map((v) => v.id)).toEqual([11, 14, 12, 15, 17]);
  });

  it("proves an overlap only where a start was printed before the other's end", () => {
    // #14 was shown running before #12 and #15 ended; #12 and #15 were shown only when done.
    const [t14, b12, t15] = [14, 12, 15].map((id) => vertices.find((v) => v.id === id));
    expect(provenOverlaps([t14, b12, t15].filter((v) => v !== undefined))).toEqual([
      ["[test .] go test", "[build parallel linux/amd64] go build ."],
      ["[test .] go test", "[test ./pkg01] go test"],
    ]);
  });

  it("throws with the existing names when a vertex is missing", () => {
    expect(() => vertexNamed(vertices, "[test ./pkg02] go test")).toThrow(/found 0; vertices:\n {2}\[deps\] go mod download/);
  });
});

describe("parseRawJson", () => {
  it("merges the updates of each vertex into its last state", () => {
    const lines = [
      JSON.stringify({ vertexes: [{ digest: "sha256:a", name: "[test .] go test", started: "2026-11-20T22:52:05.100Z" }] }),
      JSON.stringify({ logs: [{ vertex: "sha256:a", data: "b2s=" }] }),
      JSON.stringify({
        vertexes: [{ digest: "sha256:a", name: "[test .] go test", started: "2026-11-20T22:52:05.100Z", completed: "2026-11-20T22:52:05.700Z" }],
      }),
      JSON.stringify({ vertexes: [{ digest: "sha256:b", name: "[deps] go mod download", cached: true }] }),
      "ERROR: failed to build: something",
    ];
    expect(parseRawJson(lines.join("\n"))).toEqual([
      {
        digest: "sha256:a",
        name: "[test .] go test",
        cached: false,
        error: undefined,
        started: Date.UTC(2026, 10, 20, 22, 52, 5, 100),
        completed: Date.UTC(2026, 10, 20, 22, 52, 5, 700),
      },
      { digest: "sha256:b", name: "[deps] go mod download", cached: true, error: undefined, started: undefined, completed: undefined },
    ]);
  });
});

describe("programHeaderTypes", () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  /** A 64-bit little-endian ELF header followed by program headers of the given types. */
  async function elfWith(types: readonly number[]): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "gopherfile-elf-"));
    dirs.push(dir);
    const bytes = Buffer.alloc(64 + 56 * types.length);
    bytes.writeUInt32BE(0x7f454c46, 0);
    bytes[4] = 2; // ELFCLASS64
    bytes[5] = 1; // little-endian
    bytes.writeBigUInt64LE(64n, 32); // e_phoff
    bytes.writeUInt16LE(56, 54); // e_phentsize
    bytes.writeUInt16LE(types.length, 56); // e_phnum
    types.forEach((type, i) => {
      bytes.writeUInt32LE(type, 64 + 56 * i);
    });
    const file = join(dir, "elf");
    await writeFile(file, bytes);
    return file;
  }

  it("lists each program header's type", async () => {
    expect(await programHeaderTypes(await elfWith([6, PT.interp, PT.load, PT.load, PT.dynamic]))).toEqual([6, 3, 1, 1, 2]);
  });

  it("rejects files that are not ELF, and tables past the end of the file", async () => {
    const notElf = await elfWith([PT.load]);
    await writeFile(notElf, "#!/bin/sh\n".padEnd(128, " "));
    await expect(programHeaderTypes(notElf)).rejects.toThrow(/not an ELF file/);
    const truncated = await elfWith([PT.load]);
    await writeFile(truncated, (await readFile(truncated)).subarray(0, 100));
    await expect(programHeaderTypes(truncated)).rejects.toThrow(/out of range/);
  });
});
