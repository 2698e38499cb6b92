// Types of the validators that scripts/gen-spec-validator.mjs precompiles from the schema.
import type { ErrorObject } from "ajv";

/** An ajv validator compiled with allErrors and verbose: errors carry parentSchema and data. */
export interface GeneratedValidator {
  (data: unknown): boolean;
  errors?: ErrorObject<string, Record<string, unknown>, unknown>[] | null;
}

/** Validates a whole spec. */
export const validate: GeneratedValidator;

/** Validators for each alternative of each anyOf, keyed by "<JSON Pointer of the anyOf>/anyOf/<i>". */
export const branches: Readonly<Record<string, GeneratedValidator>>;
