// The JSON Schema of the spec (schema/gopherfile.schema.json) and its precompiled validators.
import type { ErrorObject } from "ajv";
import schemaJson from "../../schema/gopherfile.schema.json" with { type: "json" };
import { branches, validate } from "./generated/validate-spec.js";

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

/** The schema as shipped in the repo, for tools and for reading help texts and examples. */
export const SPEC_SCHEMA: SchemaNode & { readonly $id: string } = schemaJson;

/** Ajv error objects as produced with `verbose: true`. */
export type SchemaError = ErrorObject<string, Record<string, unknown>, unknown>;

/**
 * Validates plain data against the whole schema, returning every error (ajv `allErrors`).
 * The validator is precompiled (scripts/gen-spec-validator.mjs), so nothing is compiled at run
 * time; a test keeps it in step with the schema file.
 */
export function validateAgainstSchema(data: unknown): readonly SchemaError[] {
  return validate(data) ? [] : (validate.errors ?? []);
}

/**
 * Validates `data` against one alternative of an `anyOf` node, so that the errors of each
 * alternative can be told apart. `node` is a node of the schema, or a copy of one (the
 * precompiled validators report copies as `parentSchema`).
 */
export function validateBranch(node: SchemaNode, branch: number, data: unknown): readonly SchemaError[] {
  const pointer = `${pointerOf(node)}/anyOf/${branch}`;
  const validateOne = branches[pointer];
  if (validateOne === undefined) throw new Error(`no precompiled validator for ${pointer}; run scripts/gen-spec-validator.mjs`);
  return validateOne(data) ? [] : (validateOne.errors ?? []);
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

let pointers: Map<string, string> | undefined;

/** Finds a node by its content, since the one an error carries may be a copy of ours. */
function pointerOf(node: SchemaNode): string {
  pointers ??= indexPointers(SPEC_SCHEMA, "", new Map());
  const pointer = pointers.get(JSON.stringify(node));
  if (pointer === undefined) throw new Error("schema node is not part of SPEC_SCHEMA");
  return pointer;
}

/** Indexes the nodes that have an anyOf (the only ones looked up) by their JSON text. */
function indexPointers(node: unknown, pointer: string, into: Map<string, string>): Map<string, string> {
  if (typeof node !== "object" || node === null) return into;
  if ("anyOf" in node) into.set(JSON.stringify(node), pointer);
  for (const [key, child] of Object.entries(node)) {
    indexPointers(child, `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`, into);
  }
  return into;
}
