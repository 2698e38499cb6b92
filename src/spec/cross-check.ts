// Checks the schema cannot express: references between sections of a normalised spec.
import { suggest } from "./did-you-mean.js";
import { SpecError } from "./errors.js";
import type { Locator } from "./locate.js";
import { formatPath, type SpecPath } from "./paths.js";
import { BUILTIN_TARGETS, type Binary, type Spec } from "./types.js";

const GO_VERSION = /^[0-9]+\.[0-9]+(?:\.[0-9]+)?(?:(?:rc|beta)[0-9]+)?$/;

/**
 * Returns the errors in references the spec can decide by itself: image binaries that name no
 * declared binary, two binaries with one file name in an image, a default target that does not
 * exist, a Go version that is not one. When binaries or images are "auto" the names come from
 * the module, so those references are left for the compiler.
 */
export function crossCheck(spec: Spec, locator: Locator): SpecError[] {
  const errors: SpecError[] = [];
  const report = (path: SpecPath, message: string) =>
    errors.push(new SpecError(locator.at(path), formatPath(path), message));

  if (spec.go.version !== undefined && !GO_VERSION.test(spec.go.version)) {
    report(["go", "version"], `must be a Go version such as "1.23" or "1.23.4", not ${spec.go.version}`);
  }

  if (spec.binaries !== "auto" && spec.images !== "auto") {
    const declared = spec.binaries;
    const names = Object.keys(declared);
    for (const image of Object.values(spec.images)) {
      const listed = image.binaries === "all" ? names : image.binaries;
      const byOutput = new Map<string, Binary>();
      listed.forEach((name, i) => {
        const binary = Object.hasOwn(declared, name) ? declared[name] : undefined;
        const path: SpecPath = image.binaries === "all" ? ["binaries", name] : ["images", image.name, "binaries", i];
        if (binary === undefined) {
          report(path, unknownName("binary", name, names, "declare it under binaries or remove it here"));
          return;
        }
        const other = byOutput.get(binary.output);
        if (other !== undefined) {
          report(path, `binaries '${other.name}' and '${name}' would both be /${binary.output} in image '${image.name}'; set a different output for one`);
        }
        byOutput.set(binary.output, binary);
      });
    }
  }

  if (spec.default !== undefined && spec.images !== "auto") {
    const targets = [...Object.keys(spec.images), ...BUILTIN_TARGETS];
    if (!targets.includes(spec.default)) {
      report(["default"], unknownName("target", spec.default, targets, `use one of: ${targets.join(", ")}`));
    }
  }
  return errors;
}

function unknownName(kind: string, name: string, known: readonly string[], otherwise: string): string {
  const guess = suggest(name, known);
  return `unknown ${kind} '${name}'; ${guess === undefined ? otherwise : `did you mean '${guess}'?`}`;
}
