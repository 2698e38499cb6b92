// Checks a build's outputs, so a broken or partial build can never look fast.
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { ELF_MACHINE, readElfHeader } from "../testbed/elf.js";

/** Files under `dir`, relative and sorted; [] when it does not exist. */
export async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** The files a binaries build must give: `name` for one platform, `linux_amd64/name`… for two. */
export function expectedFiles(binaries: readonly string[], platformDirs: readonly string[] | undefined): string[] {
  if (platformDirs === undefined) return [...binaries].sort();
  return platformDirs.flatMap((p) => binaries.map((b) => `${p}/${b}`)).sort();
}

function machineFor(file: string): number {
  return file.startsWith("linux_arm64/") ? ELF_MACHINE.aarch64 : ELF_MACHINE.x86_64;
}

/**
 * Problems with one build's output: missing or extra files, binaries for the wrong machine, and a
 * marker (the edit just made) missing from the binary that must carry it. Empty when all is well.
 */
export async function checkOutput(dir: string, expected: readonly string[], marker?: { file: string; text: string }): Promise<string[]> {
  const problems: string[] = [];
  const found = await listFiles(dir);
  if (found.join("\n") !== expected.join("\n")) problems.push(`output files [${found.join(", ")}], expected [${expected.join(", ")}]`);
  for (const file of expected.filter((f) => found.includes(f))) {
    try {
      const header = await readElfHeader(join(dir, file));
      if (header.machine !== machineFor(file)) problems.push(`${file}: ELF machine ${header.machine}, expected ${machineFor(file)}`);
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (marker !== undefined && found.includes(marker.file)) {
    const bytes = await readFile(join(dir, marker.file));
    if (!bytes.includes(marker.text)) problems.push(`${marker.file} does not contain ${marker.text}: the build did not pick up the edit`);
  }
  return problems;
}

async function sha256(path: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(path))
    .digest("hex");
}

/** Files whose bytes differ between two outputs: both tools must build byte-identical binaries. */
export async function differingFiles(a: string, b: string, files: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) {
    try {
      if ((await sha256(join(a, f))) !== (await sha256(join(b, f)))) out.push(f);
    } catch {
      out.push(f);
    }
  }
  return out;
}
