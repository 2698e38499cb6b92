// Which targets a spec has, which one to build, and the error that lists them when the name is wrong.
import { suggest, type Spec } from "../../spec/index.js";

/** Built-in targets this version builds, in the order they are listed to users. */
export const BUILT_TARGETS = ["binaries", "test", "test-report", "vet", "lint"] as const;

/** All target names of a spec whose images are known: images first, then the built-in ones. */
export function targetNames(imageNames: readonly string[]): string[] {
  return [...imageNames, ...BUILT_TARGETS];
}

/**
 * The target built without --target: the spec's `default`, else its only image, else `binaries`
 * (several images or binaries have no single obvious result), else, for a library (no main
 * package), `test`.
 */
export function defaultTarget(spec: Spec, imageNames: readonly string[], binaryCount: number): string {
  if (spec.default !== undefined) return spec.default;
  if (imageNames.length === 1 && imageNames[0] !== undefined) return imageNames[0];
  return imageNames.length === 0 && binaryCount === 0 ? "test" : "binaries";
}

/** The message for an unknown target, naming the valid ones and the closest match. */
export function unknownTargetMessage(target: string, valid: readonly string[]): string {
  const close = suggest(target, valid);
  const hint = close !== undefined ? `did you mean '${close}'? ` : "";
  return `unknown target '${target}': ${hint}valid targets are ${valid.map((v) => `'${v}'`).join(", ")}`;
}
