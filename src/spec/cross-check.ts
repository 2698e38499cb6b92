// Checks the schema cannot express: references between sections of a normalised spec.
import { suggest } from "./did-you-mean.js";
import { SpecError } from "./errors.js";
import type { Locator } from "./locate.js";
import { formatPath, type SpecPath } from "./paths.js";
import { targetNames, unknownTargetMessage } from "./targets.js";
import type { Binary, Spec } from "./types.js";

/** time.Duration is an int64 of nanoseconds: at most 2^63 - 1, which a double holds as 2^63. */
const MAX_DURATION_NANOS = 2 ** 63;
const UNIT_NANOS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A Go duration (already matched by the schema's pattern) in nanoseconds, as a float: only compared with the limit. */
function durationNanos(text: string): number {
  let total = 0;
  for (const m of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * (UNIT_NANOS[m[2] ?? "s"] ?? 1);
  return total;
}

const GO_VERSION = /^[0-9]+\.[0-9]+(?:\.[0-9]+)?(?:(?:rc|beta)[0-9]+)?$/;

/**
 * Returns the errors in references the spec can decide by itself: image binaries that name no
 * declared binary, two binaries with one file name in an image, a default target that does not
 * exist, a Go version that is not one. When binaries or images are "auto" the names come from
 * the module, so those references are left for the compiler.
 */
export function crossCheck(spec: Spec, locator: Locator): SpecError[] {
  const errors: SpecError[] = [];
  const report = (path: SpecPath, message: string) => errors.push(new SpecError(locator.at(path), formatPath(path), message));

  if (spec.images !== "auto") {
    for (const image of Object.values(spec.images)) {
      // An empty program name is no command at all: the run would fail only inside the build.
      if (image.entrypoint?.[0] === "") report(["images", image.name, "entrypoint", 0], "names no program; write the path of the binary, e.g. /server");
      image.checks.forEach((check, i) => {
        if (check.run[0] === "") report(["images", image.name, "checks", i, "run", 0], "names no program; write the command, e.g. [/server, --version]");
      });
    }
  }

  if (spec.tests.timeout !== undefined && durationNanos(spec.tests.timeout) > MAX_DURATION_NANOS) {
    report(["tests", "timeout"], `${spec.tests.timeout} is longer than a Go duration can be (about 2562047h); write a shorter timeout`);
  }

  if (spec.tests.coverage) {
    // The report reads the profile from where tests.coverage puts it; a second -coverprofile would move it.
    spec.tests.flags.forEach((flag, i) => {
      if (/^--?(?:test\.)?coverprofile(?:=|$)/.test(flag))
        report(["tests", "flags", i], "tests.coverage: true writes the coverage profile itself; remove this flag");
    });
  }

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
    const targets = targetNames(Object.keys(spec.images));
    if (!targets.includes(spec.default)) report(["default"], unknownTargetMessage(spec.default, targets));
  }
  return errors;
}

function unknownName(kind: string, name: string, known: readonly string[], otherwise: string): string {
  const guess = suggest(name, known);
  return `unknown ${kind} '${name}'; ${guess === undefined ? otherwise : `did you mean '${guess}'?`}`;
}
