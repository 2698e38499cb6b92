// Protobuf wire format into one growing buffer: a length-delimited field's length is written in
// place after its body, so nested messages are never encoded into a buffer of their own and copied.
//
// protobuf-es's BinaryWriter keeps pending bytes in number arrays and encodes every nested
// message separately, copying it once per level it is nested in: an op is copied into its
// ExecOp, that into the Op, the Op into the Definition. A 210-package module writes 0.9 MB of
// mostly nested messages and strings; this writer puts each byte in place once.

/** The wire types this writer emits (protobuf's encoding spec, "Message Structure"). */
export enum Wire {
  Varint = 0,
  Bit64 = 1,
  LengthDelimited = 2,
  Bit32 = 5,
}

const MAX_VARINT_32 = 5;

export class ProtoWriter {
  #buf: Uint8Array;
  #view: DataView;
  #pos = 0;
  /** Offsets of the open length-delimited fields' bodies, innermost last. */
  readonly #open: number[] = [];

  constructor(initialBytes = 4096) {
    this.#buf = new Uint8Array(initialBytes);
    this.#view = new DataView(this.#buf.buffer);
  }

  /** A copy of the bytes written so far; every `open()` must have been closed. */
  finish(): Uint8Array {
    if (this.#open.length > 0) throw new Error("internal: a length-delimited field was left open");
    return this.#buf.slice(0, this.#pos);
  }

  /** Forgets what was written, keeping the buffer for the next message. */
  reset(): void {
    this.#pos = 0;
    this.#open.length = 0;
  }

  tag(field: number, wire: Wire): this {
    return this.uint32(((field << 3) | wire) >>> 0);
  }

  /** Starts a length-delimited field whose body follows; `close()` writes its length before it. */
  open(): this {
    // One byte reserved for the length: most bodies are shorter than 128 bytes; close() makes room when not.
    this.#reserve(1);
    this.#pos += 1;
    this.#open.push(this.#pos);
    return this;
  }

  close(): this {
    const start = this.#open.pop();
    if (start === undefined) throw new Error("internal: close() without open()");
    const length = this.#pos - start;
    const width = varint32Width(length);
    if (width > 1) {
      this.#reserve(width - 1);
      this.#buf.copyWithin(start + width - 1, start, this.#pos);
      this.#pos += width - 1;
    }
    let at = start - 1;
    let v = length;
    while (v > 0x7f) {
      this.#buf[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.#buf[at] = v;
    return this;
  }

  uint32(value: number): this {
    this.#reserve(MAX_VARINT_32);
    let v = value >>> 0;
    while (v > 0x7f) {
      this.#buf[this.#pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.#buf[this.#pos++] = v;
    return this;
  }

  /** int32 and enums: a negative value is sign-extended to ten bytes, as Go writes it. */
  int32(value: number): this {
    return value >= 0 ? this.uint32(value) : this.#varint64(value >>> 0, 0xffffffff);
  }

  sint32(value: number): this {
    return this.uint32(((value << 1) ^ (value >> 31)) >>> 0);
  }

  bool(value: boolean): this {
    this.#reserve(1);
    this.#buf[this.#pos++] = value ? 1 : 0;
    return this;
  }

  /** int64 and uint64 (two's complement of a negative value, ten bytes). */
  int64(value: bigint): this {
    if (value >= 0n && value <= 0xffffffffn) return this.uint32(Number(value));
    // An absent input or output index: every mount without a source, so worth no BigInt arithmetic.
    if (value === -1n) return this.#varint64(0xffffffff, 0xffffffff);
    const u = BigInt.asUintN(64, value);
    return this.#varint64(Number(u & 0xffffffffn), Number(u >> 32n));
  }

  sint64(value: bigint): this {
    return this.int64(BigInt.asUintN(64, (value << 1n) ^ (value >> 63n)));
  }

  fixed32(value: number): this {
    this.#reserve(4);
    this.#view.setUint32(this.#pos, value >>> 0, true);
    this.#pos += 4;
    return this;
  }

  sfixed32(value: number): this {
    this.#reserve(4);
    this.#view.setInt32(this.#pos, value, true);
    this.#pos += 4;
    return this;
  }

  fixed64(value: bigint): this {
    this.#reserve(8);
    this.#view.setBigUint64(this.#pos, BigInt.asUintN(64, value), true);
    this.#pos += 8;
    return this;
  }

  float(value: number): this {
    this.#reserve(4);
    this.#view.setFloat32(this.#pos, value, true);
    this.#pos += 4;
    return this;
  }

  double(value: number): this {
    this.#reserve(8);
    this.#view.setFloat64(this.#pos, value, true);
    this.#pos += 8;
    return this;
  }

  /** A length-prefixed byte string. */
  bytes(value: Uint8Array): this {
    this.uint32(value.byteLength);
    this.#reserve(value.byteLength);
    this.#buf.set(value, this.#pos);
    this.#pos += value.byteLength;
    return this;
  }

  /** A length-prefixed string as UTF-8 (a lone surrogate becomes U+FFFD, as with TextEncoder). */
  string(value: string): this {
    const n = value.length;
    // ASCII, the common case, is one byte per code unit: written directly, no encoder and no copy.
    const width = varint32Width(n);
    // Room for the longest length prefix too, so writing the length cannot move the buffer.
    this.#reserve(MAX_VARINT_32 + n);
    const buf = this.#buf;
    const start = this.#pos + width;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) return this.bytes(utf8.encode(value));
      buf[start + i] = c;
    }
    this.uint32(n);
    this.#pos = start + n;
    return this;
  }

  #varint64(lo: number, hi: number): this {
    this.#reserve(10);
    let low = lo >>> 0;
    let high = hi >>> 0;
    while (high > 0 || low > 0x7f) {
      this.#buf[this.#pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    this.#buf[this.#pos++] = low;
    return this;
  }

  #reserve(bytes: number): void {
    const need = this.#pos + bytes;
    if (need <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }
}

const utf8 = new TextEncoder();

function varint32Width(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}
