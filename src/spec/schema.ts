// The JSON Schema of the spec (schema/gopherfile.schema.json) and its compiled ajv validators.
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import schemaJson from "../../schema/gopherfile.schema.json" with { type: "json" };

/** The parts of a schema node that error messages read. */
export interface SchemaNode {
  readonly description?: string;
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly anyOf?: readonly SchemaNode[];
  readonly $ref?: string;
  readonly examples?: readonly unknown[];
  readonly errorMessage?: string;
  readonly patternErrorMessage?: string;
}

/** The schema as shipped in the repo; the same object ajv compiles, so error nodes are its nodes. */
export const SPEC_SCHEMA: SchemaNode & { readonly $id: string } = schemaJson;

/** Ajv error objects as produced with `verbose: true`. */
export type SchemaError = ErrorObject<string, Record<string, unknown>, unknown>;

let ajv: Ajv | undefined;
const branchValidators = new Map<string, ValidateFunction>();
let pointers: Map<object, string> | undefined;

function compiler(): Ajv {
  if (ajv !== undefined) return ajv;
  ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
  // Annotations that editors (VS Code, yaml-language-server) show as messages; we read them too.
  ajv.addKeyword({ keyword: "errorMessage", schemaType: "string" });
  ajv.addKeyword({ keyword: "patternErrorMessage", schemaType: "string" });
  ajv.addSchema(schemaJson);
  return ajv;
}

/**
 * Validates plain data against the whole schema, returning every error (ajv `allErrors`).
 * The schema is compiled once per process, on first use.
 */
export function validateAgainstSchema(data: unknown): readonly SchemaError[] {
  const validate = compiler().getSchema(SPEC_SCHEMA.$id);
  if (validate === undefined) throw new Error(`schema ${SPEC_SCHEMA.$id} did not compile`);
  return validate(data) ? [] : (validate.errors ?? []);
}

/**
 * Validates `data` against one branch of an `anyOf` node of the schema, so that the errors of
 * each alternative can be told apart. `node` must be a node of {@link SPEC_SCHEMA}.
 */
export function validateBranch(node: SchemaNode, branch: number, data: unknown): readonly SchemaError[] {
  const pointer = `${pointerOf(node)}/anyOf/${branch}`;
  let validate = branchValidators.get(pointer);
  if (validate === undefined) {
    validate = compiler().getSchema(`${SPEC_SCHEMA.$id}#${pointer}`);
    if (validate === undefined) throw new Error(`no schema node at ${pointer}`);
    branchValidators.set(pointer, validate);
  }
  return validate(data) ? [] : (validate.errors ?? []);
}

/** Follows a local `$ref` ("#/definitions/x") to its node; other nodes are returned as is. */
export function deref(node: SchemaNode): SchemaNode {
  const ref = node.$ref;
  if (ref === undefined) return node;
  if (!ref.startsWith("#/")) throw new Error(`only local $refs are supported, got ${ref}`);
  let current: unknown = SPEC_SCHEMA;
  for (const part of ref.slice(2).split("/")) current = (current as Record<string, unknown>)[part];
  if (typeof current !== "object" || current === null) throw new Error(`dangling $ref ${ref}`);
  return deref(current as SchemaNode);
}

function pointerOf(node: SchemaNode): string {
  pointers ??= indexPointers(SPEC_SCHEMA, "", new Map());
  const pointer = pointers.get(node);
  if (pointer === undefined) throw new Error("schema node is not part of SPEC_SCHEMA");
  return pointer;
}

function indexPointers(node: unknown, pointer: string, into: Map<object, string>): Map<object, string> {
  if (typeof node !== "object" || node === null) return into;
  into.set(node, pointer);
  for (const [key, child] of Object.entries(node)) {
    indexPointers(child, `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`, into);
  }
  return into;
}
