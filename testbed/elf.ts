// Reads the identifying fields of an ELF header, to check which machine a built binary is for.
import { open } from "node:fs/promises";

/** e_machine values we care about (ELF specification / <elf.h>). */
export const ELF_MACHINE = { x86_64: 62, aarch64: 183 } as const;

export interface ElfHeader {
  /** 64 for ELFCLASS64, 32 for ELFCLASS32. */
  readonly bits: 32 | 64;
  readonly endianness: "little" | "big";
  /** e_type: 2 executable, 3 shared object (PIE). */
  readonly type: number;
  /** e_machine, e.g. {@link ELF_MACHINE.aarch64}. */
  readonly machine: number;
}

/** Parses the first 20 bytes of `path`; throws if the file is not ELF. */
export async function readElfHeader(path: string): Promise<ElfHeader> {
  const handle = await open(path, "r");
  try {
    const bytes = Buffer.alloc(20);
    const { bytesRead } = await handle.read(bytes, 0, 20, 0);
    if (bytesRead < 20 || bytes.readUInt32BE(0) !== 0x7f454c46) {
      throw new Error(`${path} is not an ELF file (first bytes ${bytes.subarray(0, 4).toString("hex")})`);
    }
    const bits = bytes[4] === 2 ? 64 : 32;
    const endianness = bytes[5] === 2 ? "big" : "little";
    const read16 = (offset: number): number =>
      endianness === "little" ? bytes.readUInt16LE(offset) : bytes.readUInt16BE(offset);
    return { bits, endianness, type: read16(16), machine: read16(18) };
  } finally {
    await handle.close();
  }
}
