// The built-in targets and the error for a target name that is not one: written once, for the spec and the compiler.
import { suggest } from "./did-you-mean.js";

/** Targets that exist besides the images, in the order they are listed to users; an image may not take one of these names. */
export const BUILTIN_TARGETS = ["binaries", "test", "test-report", "vet", "lint"] as const;

/** A target that is not an image. */
export type BuiltinTarget = (typeof BUILTIN_TARGETS)[number];

/** All target names of a spec whose images are known: images first, then the built-in ones. */
export function targetNames(imageNames: readonly string[]): string[] {
  return [...imageNames, ...BUILTIN_TARGETS];
}

/** The message for an unknown target (`default:` or `--target`), naming the valid ones and the closest match. */
export function unknownTargetMessage(target: string, valid: readonly string[]): string {
  const close = suggest(target, valid);
  const hint = close !== undefined ? `did you mean '${close}'? ` : "";
  return `unknown target '${target}': ${hint}valid targets are ${valid.map((v) => `'${v}'`).join(", ")}`;
}
