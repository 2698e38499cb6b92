// Canonical protobuf encoder: the bytes Go's proto.MarshalOptions{Deterministic: true} writes.
//
// BuildKit (>= v0.18) decodes every op and re-encodes it this way before digesting, so an op
// whose bytes differ from Go's gets a different digest inside the daemon and its metadata and
// source locations silently stop matching. We therefore do not rely on toBinary (maps in
// insertion order, JS object key order for integer-like keys) but write the bytes ourselves.
// The Go conformance test in test/conformance/ is the judge of this file.
import { ScalarType, type DescField, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { FeatureSet_FieldPresence } from "@bufbuild/protobuf/wkt";
import { ProtoWriter, Wire } from "./proto-writer.js";

type Fields = Readonly<Record<string, unknown>>;
type MapKey = string | number | bigint | boolean;

/**
 * Encodes a message canonically: fields in Go's order (by number, but oneof members after all
 * other fields), map entries sorted by key (strings by UTF-8 bytes), implicit-presence
 * zero values omitted, set message fields written even when empty, map entries always carrying
 * both key and value. Deterministic: equal messages give equal bytes on every run and machine.
 */
export function encodeCanonical<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): Uint8Array {
  // One writer, kept between messages: a marshal encodes one message per op, and a new buffer
  // for each would be most of what the encoding allocates. A nested call gets its own.
  const writer = spareWriter ?? new ProtoWriter();
  spareWriter = undefined;
  try {
    writeMessage(writer, schema, message as unknown as Fields);
    return writer.finish();
  } finally {
    writer.reset();
    spareWriter = writer;
  }
}

let spareWriter: ProtoWriter | undefined;

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

/** Writes one message's fields; made once per message type (see compileEncoder). */
type Encoder = (w: ProtoWriter, msg: Fields) => void;

const encoders = new WeakMap<DescMessage, Encoder>();

function writeMessage(w: ProtoWriter, desc: DescMessage, msg: Fields): void {
  let encode = encoders.get(desc);
  if (encode === undefined) {
    encode = compileEncoder(desc);
    encoders.set(desc, encode);
  }
  encode(w, msg);
}

/**
 * The helpers generated encoders call: writing nested messages and maps, and the zero test of
 * values whose zero is not one literal.
 */
interface EncoderHelpers {
  readonly message: (w: ProtoWriter, desc: DescMessage, msg: Fields) => void;
  readonly map: (w: ProtoWriter, field: DescField & { fieldKind: "map" }, map: Readonly<Record<string, unknown>>) => void;
  readonly string: (w: ProtoWriter, s: string) => void;
  readonly isZero: (value: unknown) => boolean;
  readonly fields: readonly DescField[];
  readonly messages: readonly (DescMessage | undefined)[];
}

/**
 * One message type's encoder as straight-line code: each field read by its name, its tag a
 * constant, its writer method chosen once. A generic loop over the descriptor reads every field
 * through one property access site shared by all types, which V8 cannot cache (megamorphic); a
 * function per type keeps each read monomorphic, which makes a cold marshal of 0.9 MB markedly
 * cheaper. The source is built only from the compiled-in descriptors (field names are quoted with
 * JSON.stringify), never from user data.
 */
function compileEncoder(desc: DescMessage): Encoder {
  const fields = sortedFields(desc);
  const helpers: EncoderHelpers = {
    message: writeMessage,
    map: writeMap,
    string: writeString,
    isZero,
    fields,
    messages: fields.map((f) => (f.fieldKind === "message" || (f.fieldKind === "list" && f.listKind === "message") ? f.message : undefined)),
  };
  const body = fields.map((field, i) => `{ ${fieldCode(field, i)} }`).join("\n");
  const make = new Function("h", `return function encode_${desc.typeName.replace(/\W/g, "_")}(w, m) {\n${body}\n};`) as (h: EncoderHelpers) => Encoder;
  return make(helpers);
}

/** The code writing field `i` of the sorted fields, reading the message `m` into `w`. */
function fieldCode(field: DescField, i: number): string {
  const name = JSON.stringify(field.localName);
  if (field.oneof) {
    // A selected oneof member has explicit presence: written even when zero.
    return `const g = m[${JSON.stringify(field.oneof.localName)}]; if (g !== undefined && g.case === ${name}) { const v = g.value; ${valueCode(field, i)} }`;
  }
  switch (field.fieldKind) {
    case "message":
      return `const v = m[${name}]; if (v !== undefined && v !== null) { ${valueCode(field, i)} }`;
    case "list":
      return `const v = m[${name}]; if (v !== undefined && v.length > 0) { ${valueCode(field, i)} }`;
    case "map":
      return `const v = m[${name}]; if (v !== undefined) { for (const _ in v) { ${valueCode(field, i)} break; } }`;
    case "scalar":
    case "enum": {
      const implicit = field.presence === FeatureSet_FieldPresence.IMPLICIT;
      const scalar = field.fieldKind === "enum" ? ScalarType.INT32 : field.scalar;
      return `const v = m[${name}]; if (v !== undefined${implicit ? ` && ${nonZeroCode(scalar)}` : ""}) { ${valueCode(field, i)} }`;
    }
  }
}

function isZero(value: unknown): boolean {
  if (value instanceof Uint8Array) return value.byteLength === 0;
  // -0.0 has set bits, so Go writes it; Object.is keeps that distinction.
  return value === "" || value === false || value === 0n || Object.is(value, 0);
}

/** A test that the scalar `v` is not its type's zero value (Go omits zeros of implicit presence). */
function nonZeroCode(scalar: ScalarType): string {
  switch (scalar) {
    case ScalarType.STRING:
      return `v !== ""`;
    case ScalarType.BOOL:
      return `v !== false`;
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return `v !== 0n`;
    case ScalarType.INT32:
    case ScalarType.UINT32:
    case ScalarType.SINT32:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return `v !== 0`;
    default:
      // bytes, and floats, whose -0.0 has set bits and is written.
      return `!h.isZero(v)`;
  }
}

/** The code writing the present value `v` of field `i`. */
function valueCode(field: DescField, i: number): string {
  switch (field.fieldKind) {
    case "scalar":
      return `w.uint32(${tagOf(field.number, wireTypeOf(field.scalar))}); ${scalarCode(field.scalar, "v")}`;
    case "enum":
      return `w.uint32(${tagOf(field.number, Wire.Varint)}); w.int32(v);`;
    case "message":
      return `w.uint32(${tagOf(field.number, Wire.LengthDelimited)}); w.open(); h.message(w, h.messages[${i}], v); w.close();`;
    case "map":
      return `h.map(w, h.fields[${i}], v);`;
    case "list":
      switch (field.listKind) {
        case "message":
          return `for (let k = 0; k < v.length; k++) { w.uint32(${tagOf(field.number, Wire.LengthDelimited)}); w.open(); h.message(w, h.messages[${i}], v[k]); w.close(); }`;
        case "enum":
        case "scalar": {
          const scalar = field.listKind === "enum" ? ScalarType.INT32 : field.scalar;
          const packable = scalar !== ScalarType.STRING && scalar !== ScalarType.BYTES;
          if (field.packed && packable) {
            return `w.uint32(${tagOf(field.number, Wire.LengthDelimited)}); w.open(); for (let k = 0; k < v.length; k++) { ${scalarCode(scalar, "v[k]")} } w.close();`;
          }
          return `for (let k = 0; k < v.length; k++) { w.uint32(${tagOf(field.number, wireTypeOf(scalar))}); ${scalarCode(scalar, "v[k]")} }`;
        }
      }
  }
}

function tagOf(no: number, wire: Wire): number {
  return ((no << 3) | wire) >>> 0;
}

/** The writer call for one scalar value of `type`, the expression `value`. */
function scalarCode(type: ScalarType, value: string): string {
  return type === ScalarType.STRING ? `h.string(w, ${value});` : `w.${SCALAR_METHOD[type]}(${value});`;
}

type ScalarMethod = "bytes" | "bool" | "int32" | "uint32" | "sint32" | "fixed32" | "sfixed32" | "float" | "double" | "int64" | "sint64" | "fixed64";

/** The writer method of each scalar type but strings (see writeString). */
const SCALAR_METHOD: Readonly<Record<Exclude<ScalarType, ScalarType.STRING>, ScalarMethod>> = {
  [ScalarType.BYTES]: "bytes",
  [ScalarType.BOOL]: "bool",
  [ScalarType.INT32]: "int32",
  [ScalarType.UINT32]: "uint32",
  [ScalarType.SINT32]: "sint32",
  [ScalarType.FIXED32]: "fixed32",
  [ScalarType.SFIXED32]: "sfixed32",
  [ScalarType.FLOAT]: "float",
  [ScalarType.DOUBLE]: "double",
  [ScalarType.INT64]: "int64",
  [ScalarType.UINT64]: "int64",
  [ScalarType.SINT64]: "sint64",
  [ScalarType.FIXED64]: "fixed64",
  [ScalarType.SFIXED64]: "fixed64",
};

function writeMap(w: ProtoWriter, field: DescField & { fieldKind: "map" }, map: Readonly<Record<string, unknown>>): void {
  const raw = Object.keys(map);
  // protobuf-es keeps every key as a string; only non-string keys need parsing and their own order.
  const keys: readonly MapKey[] = field.mapKey === ScalarType.STRING ? sortUtf8(raw) : raw.map((k) => mapKey(field.mapKey, k)).sort(compareKeys);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as MapKey;
    const value = map[String(key)];
    w.tag(field.number, Wire.LengthDelimited).open();
    w.tag(1, wireTypeOf(field.mapKey));
    writeScalar(w, field.mapKey, key);
    switch (field.mapKind) {
      case "message":
        w.tag(2, Wire.LengthDelimited).open();
        writeMessage(w, field.message, (value ?? {}) as Fields);
        w.close();
        break;
      case "enum":
        w.tag(2, Wire.Varint).int32(value as number);
        break;
      case "scalar":
        w.tag(2, wireTypeOf(field.scalar));
        writeScalar(w, field.scalar, value);
        break;
    }
    w.close();
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
    return compareUtf8(a, b);
  }
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `strings` sorted in place in Go's string order (see compareUtf8), and returned. */
export function sortUtf8(strings: string[]): string[] {
  // Without surrogates the default sort, by UTF-16 code units, is that order already.
  return strings.some((s) => SURROGATE.test(s)) ? strings.sort(compareUtf8) : strings.sort();
}

/** Go's string order (`<`, strings.Compare, sort.Strings): by the bytes of the strings' UTF-8. */
export function compareUtf8(a: string, b: string): number {
  // Without surrogate pairs, UTF-16 code unit order is code point order, which is UTF-8 byte order.
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return compareBytes(utf8.encode(a), utf8.encode(b));
}

/** Bytewise comparison, the order of Go's string `<` and strings.Compare. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function wireTypeOf(type: ScalarType): Wire {
  switch (type) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return Wire.LengthDelimited;
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return Wire.Bit64;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return Wire.Bit32;
    default:
      return Wire.Varint;
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

function writeString(w: ProtoWriter, s: string): void {
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

function writeScalar(w: ProtoWriter, type: ScalarType, value: unknown): void {
  if (type === ScalarType.STRING) writeString(w, value as string);
  else (w[SCALAR_METHOD[type]] as (this: ProtoWriter, v: unknown) => ProtoWriter).call(w, value);
}
