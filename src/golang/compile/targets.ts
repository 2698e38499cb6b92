// Which target to build when none is named. (The target list and its error are the spec's: spec/targets.ts.)
import type { Spec } from "../../spec/index.js";

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
