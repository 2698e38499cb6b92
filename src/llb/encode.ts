// Canonical protobuf encoder: the bytes Go's proto.MarshalOptions{Deterministic: true} writes.
//
// BuildKit (>= v0.18) decodes every op and re-encodes it this way before digesting, so an op
// whose bytes differ from Go's gets a different digest inside the daemon and its metadata and
// source locations silently stop matching. We therefore do not rely on toBinary (maps in
// insertion order, JS object key order for integer-like keys) but write the bytes ourselves.
// The Go conformance test in test/conformance/ is the judge of this file.
import { ScalarType, type DescField, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { FeatureSet_FieldPresence } from "@bufbuild/protobuf/wkt";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";

type Fields = Readonly<Record<string, unknown>>;
type MapKey = string | number | bigint | boolean;

/**
 * Encodes a message canonically: fields in Go's order (by number, but oneof members after all
 * other fields), map entries sorted by key (strings by UTF-8 bytes), implicit-presence
 * zero values omitted, set message fields written even when empty, map entries always carrying
 * both key and value. Deterministic: equal messages give equal bytes on every run and machine.
 */
export function encodeCanonical<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): Uint8Array {
  const writer = new BinaryWriter();
  writeMessage(writer, schema, message as unknown as Fields);
  return writer.finish();
}

const sortedCache = new WeakMap<DescMessage, readonly DescField[]>();

/**
 * Go's field order (protobuf-go's order.LegacyFieldOrder, "marshal oneofs last"): fields outside
 * a real oneof by number, then oneof members grouped by the oneof's declaration index, each group
 * by number. So `pb.Op` writes inputs, platform, constraints and only then exec/source/file.
 */
function sortedFields(desc: DescMessage): readonly DescField[] {
  let fields = sortedCache.get(desc);
  if (!fields) {
    const group = (f: DescField): number => (f.oneof ? desc.oneofs.indexOf(f.oneof) : -1);
    fields = [...desc.fields].sort((a, b) => group(a) - group(b) || a.number - b.number);
    sortedCache.set(desc, fields);
  }
  return fields;
}

function writeMessage(w: BinaryWriter, desc: DescMessage, msg: Fields): void {
  for (const field of sortedFields(desc)) {
    const value = fieldValue(field, msg);
    if (value !== undefined) writeField(w, field, value);
  }
}

/** The value to write for a field, or undefined when Go would write nothing. */
function fieldValue(field: DescField, msg: Fields): unknown {
  if (field.oneof) {
    const group = msg[field.oneof.localName] as { case?: string; value?: unknown } | undefined;
    // A selected oneof member has explicit presence: written even when zero.
    return group?.case === field.localName ? group.value : undefined;
  }
  const value = msg[field.localName];
  switch (field.fieldKind) {
    case "message":
      return value ?? undefined;
    case "list":
      return Array.isArray(value) && value.length > 0 ? value : undefined;
    case "map":
      return value !== undefined && Object.keys(value as object).length > 0 ? value : undefined;
    case "scalar":
    case "enum":
      if (value === undefined) return undefined;
      if (field.presence !== FeatureSet_FieldPresence.IMPLICIT) return value;
      return isZero(value) ? undefined : value;
  }
}

function isZero(value: unknown): boolean {
  if (value instanceof Uint8Array) return value.byteLength === 0;
  // -0.0 has set bits, so Go writes it; Object.is keeps that distinction.
  return value === "" || value === false || value === 0n || Object.is(value, 0);
}

function writeField(w: BinaryWriter, field: DescField, value: unknown): void {
  switch (field.fieldKind) {
    case "scalar":
      w.tag(field.number, wireTypeOf(field.scalar));
      writeScalar(w, field.scalar, value);
      return;
    case "enum":
      w.tag(field.number, WireType.Varint).int32(value as number);
      return;
    case "message":
      writeNested(w, field.number, field.message, value as Fields);
      return;
    case "list":
      writeList(w, field, value as readonly unknown[]);
      return;
    case "map":
      writeMap(w, field, value as Readonly<Record<string, unknown>>);
      return;
  }
}

function writeNested(w: BinaryWriter, no: number, desc: DescMessage, value: Fields): void {
  w.tag(no, WireType.LengthDelimited).fork();
  writeMessage(w, desc, value);
  w.join();
}

function writeList(w: BinaryWriter, field: DescField & { fieldKind: "list" }, items: readonly unknown[]): void {
  switch (field.listKind) {
    case "message":
      for (const item of items) writeNested(w, field.number, field.message, item as Fields);
      return;
    case "enum":
    case "scalar": {
      const scalar = field.listKind === "enum" ? ScalarType.INT32 : field.scalar;
      const packable = scalar !== ScalarType.STRING && scalar !== ScalarType.BYTES;
      if (field.packed && packable) {
        w.tag(field.number, WireType.LengthDelimited).fork();
        for (const item of items) writeScalar(w, scalar, item);
        w.join();
        return;
      }
      for (const item of items) {
        w.tag(field.number, wireTypeOf(scalar));
        writeScalar(w, scalar, item);
      }
      return;
    }
  }
}

function writeMap(w: BinaryWriter, field: DescField & { fieldKind: "map" }, map: Readonly<Record<string, unknown>>): void {
  const entries = Object.keys(map).map((raw) => ({ key: mapKey(field.mapKey, raw), value: map[raw] }));
  entries.sort((a, b) => compareKeys(a.key, b.key));
  for (const { key, value } of entries) {
    w.tag(field.number, WireType.LengthDelimited).fork();
    w.tag(1, wireTypeOf(field.mapKey));
    writeScalar(w, field.mapKey, key);
    switch (field.mapKind) {
      case "message":
        writeNested(w, 2, field.message, (value ?? {}) as Fields);
        break;
      case "enum":
        w.tag(2, WireType.Varint).int32(value as number);
        break;
      case "scalar":
        w.tag(2, wireTypeOf(field.scalar));
        writeScalar(w, field.scalar, value);
        break;
    }
    w.join();
  }
}

/** protobuf-es keeps map keys as object keys (strings); turn them back into typed keys. */
function mapKey(type: ScalarType, raw: string): MapKey {
  switch (type) {
    case ScalarType.STRING:
      return raw;
    case ScalarType.BOOL:
      return raw === "true";
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return BigInt(raw);
    default:
      return Number(raw);
  }
}

const utf8 = new TextEncoder();

const SURROGATE = /[\uD800-\uDFFF]/;

/** Go sorts string keys by byte order of their UTF-8 form, numbers numerically, false before true. */
function compareKeys(a: MapKey, b: MapKey): number {
  if (typeof a === "string" && typeof b === "string") {
    // Without surrogate pairs, UTF-16 code unit order is code point order, which is UTF-8 byte order.
    if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
    return compareBytes(utf8.encode(a), utf8.encode(b));
  }
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Bytewise comparison, the order of Go's string `<` and strings.Compare. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function wireTypeOf(type: ScalarType): WireType {
  switch (type) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return WireType.LengthDelimited;
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return WireType.Bit64;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return WireType.Bit32;
    default:
      return WireType.Varint;
  }
}

/**
 * UTF-8 of long strings, kept: a graph repeats the same digests (every edge), paths and environment
 * in many ops, and copying kept bytes is several times faster than encoding them again (the
 * 2,000-package module writes 9 MB of mostly such strings). Bounded, since a frontend may marshal many graphs.
 */
const utf8Of = new Map<string, Uint8Array>();
const UTF8_KEPT_MIN_LENGTH = 24;
const UTF8_KEPT_MAX_ENTRIES = 200_000;

function writeString(w: BinaryWriter, s: string): void {
  if (s.length < UTF8_KEPT_MIN_LENGTH) {
    w.string(s);
    return;
  }
  let bytes = utf8Of.get(s);
  if (bytes === undefined) {
    bytes = utf8.encode(s);
    if (utf8Of.size >= UTF8_KEPT_MAX_ENTRIES) utf8Of.clear();
    utf8Of.set(s, bytes);
  }
  w.bytes(bytes);
}

function writeScalar(w: BinaryWriter, type: ScalarType, value: unknown): void {
  switch (type) {
    case ScalarType.STRING:
      writeString(w, value as string);
      return;
    case ScalarType.BYTES:
      w.bytes(value as Uint8Array);
      return;
    case ScalarType.BOOL:
      w.bool(value as boolean);
      return;
    case ScalarType.INT32:
      w.int32(value as number);
      return;
    case ScalarType.UINT32:
      w.uint32(value as number);
      return;
    case ScalarType.SINT32:
      w.sint32(value as number);
      return;
    case ScalarType.FIXED32:
      w.fixed32(value as number);
      return;
    case ScalarType.SFIXED32:
      w.sfixed32(value as number);
      return;
    case ScalarType.FLOAT:
      w.float(value as number);
      return;
    case ScalarType.DOUBLE:
      w.double(value as number);
      return;
    case ScalarType.INT64:
      w.int64(value as bigint);
      return;
    case ScalarType.UINT64:
      w.uint64(value as bigint);
      return;
    case ScalarType.SINT64:
      w.sint64(value as bigint);
      return;
    case ScalarType.FIXED64:
      w.fixed64(value as bigint);
      return;
    case ScalarType.SFIXED64:
      w.sfixed64(value as bigint);
      return;
  }
}
