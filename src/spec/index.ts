// Public API of the spec: parse a Gopherfile into a normalised Spec, or into positioned errors.
export { parseSpec, type ParsedSpec, type ParseSpecOptions, type SpecFailure } from "./parse-spec.js";
export { SpecError, isSpecError, formatSpecError, sortSpecErrors, MAX_SHOWN_ERRORS, type SpecLocation } from "./errors.js";
export { SPEC_LIMITS } from "./limits.js";
export { formatPath, type SpecPath } from "./paths.js";
export { interpolate, interpolateString, resolveArgs, type Interpolated, type ResolvedArgs } from "./interpolate.js";
export { binaryFromGo, DEFAULT_GO_ENV, DEFAULT_LDFLAGS, normalisePort, type BinaryOptions } from "./normalise.js";
export { suggest } from "./did-you-mean.js";
export { SPEC_SCHEMA } from "./schema.js";
export { BUILTIN_TARGETS, targetNames, unknownTargetMessage, type BuiltinTarget } from "./targets.js";
export type {
  Spec,
  GoSettings,
  Binary,
  Tests,
  TestNetwork,
  Lint,
  GolangciLint,
  Image,
  ImageCheck,
} from "./types.js";
