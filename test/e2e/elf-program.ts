// Reads an ELF file's program headers, to tell a static executable (no PT_INTERP) from a dynamic one.
import { readFile } from "node:fs/promises";

/** p_type values (ELF specification / <elf.h>). */
export const PT = { load: 1, dynamic: 2, interp: 3 } as const;

/**
 * The p_type of every program header of a 64-bit little-endian ELF file (what Go builds for
 * amd64 and arm64). Throws for anything else, so a wrong file fails loudly instead of looking static.
 */
export async function programHeaderTypes(path: string): Promise<number[]> {
  const bytes = await readFile(path);
  if (bytes.length < 64 || bytes.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${path} is not an ELF file`);
  if (bytes[4] !== 2 || bytes[5] !== 1) throw new Error(`${path} is not a 64-bit little-endian ELF file`);
  // e_phoff at 32 (8 bytes), e_phentsize at 54, e_phnum at 56 in the ELF64 header.
  const phoff = Number(bytes.readBigUInt64LE(32));
  const phentsize = bytes.readUInt16LE(54);
  const phnum = bytes.readUInt16LE(56);
  if (phnum === 0 || phentsize < 4 || phoff + phentsize * phnum > bytes.length) {
    throw new Error(`${path}: program header table out of range (offset ${phoff}, ${phnum} × ${phentsize} bytes)`);
  }
  const types: number[] = [];
  for (let i = 0; i < phnum; i++) types.push(bytes.readUInt32LE(phoff + i * phentsize));
  return types;
}
