// The compiler: a parsed spec and the module's facts in, the LLB states and image configs of one target out.
import { formatPlatform, parseImageRef, parsePlatform, scratch, FileAction, type Platform, type State } from "../../llb/index.js";
import {
  binaryFromGo,
  BUILTIN_TARGETS,
  sortSpecErrors,
  suggest,
  targetNames,
  unknownTargetMessage,
  type Binary,
  type Image,
  type SpecError,
  type SpecPath,
} from "../../spec/index.js";
import { chosenGoImage, goImageFor } from "../go-mod.js";
import { buildBinary, buildKey, prepareBuilds, type BuiltBinary } from "./build.js";
import { lint, vet } from "./checks.js";
import { gated, waitFor } from "./gate.js";
import { parseSourceDateEpoch } from "./epoch.js";
import { assembleImage } from "./images.js";
import { SpecLocations } from "./locations.js";
import { names } from "./names.js";
import type { CompiledTarget, CompileOutcome, CompileRequest, PlatformResult, TargetInfo } from "./request.js";
import { defaultTarget } from "./targets.js";
import { rawReports, testedPackages, testPlan } from "./tests.js";
import { toolchain } from "./toolchain.js";
import { packageRef } from "./package-path.js";
import { dependencyPackages } from "./prepare.js";

interface NamedBinary {
  readonly binary: Binary;
  readonly path: SpecPath;
}

/**
 * Compiles one target. Pure apart from `request.images` (image configs): the same request gives
 * the same graph, and so byte-identical LLB. User mistakes come back as errors with positions.
 */
export async function compile(request: CompileRequest): Promise<CompileOutcome> {
  const { spec: parsed, facts } = request;
  const spec = parsed.spec;
  const errors: SpecError[] = [];
  const locations = new SpecLocations(parsed, request.specFile, request.specText);

  const binaries = resolveBinaries(request, errors);
  const images = resolveImages(request, binaries, errors);
  checkImageRefs(request, images, errors);
  const imageNames = images.map((i) => i.name);
  const target = request.target ?? defaultTarget(spec, imageNames, binaries.length);
  const valid = targetNames(imageNames);
  if (!valid.includes(target)) errors.push(parsed.errorAt(targetErrorPath(request), unknownTargetMessage(target, valid)));
  const fallback = defaultTarget(spec, imageNames, binaries.length);
  const available: TargetInfo[] = valid.map((name) => ({ name, isDefault: name === fallback, image: images.find((i) => i.name === name) }));
  const platforms = resolvePlatforms(request, errors);
  const tested = resolveTestedPackages(request, errors);
  const epoch = parseSourceDateEpoch(request.sourceDateEpoch);
  if (typeof epoch === "string") errors.push(parsed.errorAt([], epoch));
  const choice = { override: request.goImageOverride, image: spec.go.image, version: spec.go.version };
  const goImageRef = goImageFor(choice, request.facts.goVersion);
  if (errors.length > 0) return { ok: false, errors: sortSpecErrors(errors) };
  const warnings: string[] = [
    ...request.spec.ignoredBuildArgs.map((a) => `build arg ${a} is not declared under args: in ${request.specFile}; it has no effect`),
  ];
  const notes: string[] = [];
  // The spec key each warning and note is about: BuildKit's Warn points at its line (CompiledTarget.warningPaths).
  const warningPaths = new Map<string, SpecPath>(warnings.map((w) => [w, ["args"]]));
  const say = (into: string[], message: string, path: SpecPath): void => {
    into.push(message);
    warningPaths.set(message, path);
  };
  if (request.target === undefined && spec.default === undefined && target === "test" && binaries.length === 0) {
    say(notes, "the module has no main package: the default target runs its tests; build --target test-report -o <dir> for the reports", ["default"]);
  }
  if (chosenGoImage(choice) === undefined && request.facts.goVersion === undefined) {
    // Named as the spec's module: facts.moduleDir is a tree path when named contexts moved the context.
    const goMod = spec.module === "." ? "go.mod" : `${spec.module}/go.mod`;
    say(warnings, `${goMod} has no go line: building with ${goImageRef}, as go uses the toolchain it has; set go.version in the spec to pin one`, [
      "go",
      "version",
    ]);
  }

  const imageCheck = parseImageRef(goImageRef);
  if (!imageCheck.ok) return { ok: false, errors: [parsed.errorAt(["go", "image"], imageCheck.message)] };
  const tc = toolchain({
    spec,
    facts,
    imageRef: goImageRef,
    imageConfig: await request.images.resolve(goImageRef, request.buildPlatform),
    materializeImage: request.materializeGoImage ?? false,
    context: request.context,
    network: request.network ?? { mode: "sandbox", proxy: {} },
    cacheNamespace: request.cacheNamespace,
    buildPlatform: request.buildPlatform,
    locations,
    layeredInputs: request.layeredInputs ?? true,
  });
  const dependencies = dependencyPackages(facts, tc.inputs?.graph);
  const tests = testPlan(tc, spec.tests, tested, locations, {
    retries: request.testRetries,
    lanes: request.testLanes,
    dependencies,
  });
  const verdict = tests.verdict === undefined ? [] : [tests.verdict];
  const gates = spec.tests.gate ? verdict : [];
  const testInfo = { plan: tests, gated: false, location: testsLocation(request) };
  const single = (kind: CompiledTarget["kind"], state: State, gatedOnTests = false): CompileOutcome => ({
    ok: true,
    value: {
      target,
      kind,
      results: [{ platform: request.buildPlatform, state }],
      multiPlatform: false,
      warnings,
      warningPaths,
      tests: { ...testInfo, gated: gatedOnTests },
      independent: [],
      available,
      notes,
    },
  });

  switch (target) {
    case "test":
      return single("test", gated(scratch(), verdict, names.gate("test")), verdict.length > 0);
    case "test-report":
      return single("test-report", rawReports(tests));
    case "vet":
      return single("vet", vet(tc, locations));
    case "lint": {
      const checks = lint(tc, spec.lint, locations);
      if (checks !== undefined) return single("lint", checks);
      return {
        ok: false,
        errors: [parsed.errorAt(["lint"], "the lint target has nothing to run; set lint.vet: true or lint.golangci, or build --target vet")],
      };
    }
  }

  if (binaries.length === 0) {
    return {
      ok: false,
      errors: [parsed.errorAt(["binaries"], "the module has no main package to build; declare binaries: in the spec, or build --target test")],
    };
  }
  const image = images.find((i) => i.name === target);
  const byName = new Map(binaries.map((b) => [b.binary.name, b]));
  const wanted = image === undefined || image.binaries === "all" ? binaries : image.binaries.flatMap((n) => byName.get(n) ?? []);
  // Gated builds wait for the tests anyway: on the build platform they start after the tests'
  // compile steps and link from GOCACHE, instead of compiling the same packages beside them.
  const afterTests = gates.length > 0 ? tests.compiled.map((m) => ({ ...m, target: `${m.target}-by-tests` })) : [];
  const linksFromTests = (p: Platform): boolean => afterTests.length > 0 && samePlatform(p, request.buildPlatform);
  const requests = platforms.filter((p) => !linksFromTests(p)).flatMap((platform) => wanted.map((b) => ({ binary: b.binary, platform, path: b.path })));
  const waits = prepareBuilds(tc, requests, dependencies, locations);
  const builds = new Map<string, BuiltBinary>();
  const built = (b: NamedBinary, p: Platform): BuiltBinary => {
    const key = buildKey(b.binary, p);
    let out = builds.get(key);
    if (out === undefined) {
      const wait = waits.get(key);
      const after = [...(wait === undefined ? [] : [wait]), ...(linksFromTests(p) ? afterTests : [])];
      out = buildBinary(tc, b.binary, p, locations, b.path, after);
      builds.set(key, out);
    }
    return out;
  };

  const multiPlatform = platforms.length > 1;
  // What binaries and image targets return alike: the same tests, warnings and notes.
  const compiled = (kind: "binaries" | "image", results: PlatformResult[], independent: State[]): CompileOutcome => ({
    ok: true,
    value: { target, kind, results, multiPlatform, warnings, warningPaths, tests: { ...testInfo, gated: gates.length > 0 }, independent, available, notes },
  });
  if (target === "binaries") {
    const results: PlatformResult[] = platforms.map((p) => {
      let action: FileAction = FileAction.empty;
      // SOURCE_DATE_EPOCH stamps the files, so a local export is the same on every builder (BuildKit v0.11+ exporters do it too).
      const stamp = epoch instanceof Date ? { createdTime: epoch } : {};
      for (const b of binaries) action = action.copy(built(b, p).state, `/${b.binary.output}`, `/${b.binary.output}`, stamp);
      const collected = scratch()
        .withPlatform(p)
        .file(waitFor(action, gates), { name: names.binaries(p), platform: p });
      return { platform: p, state: collected };
    });
    return compiled(
      "binaries",
      results,
      [...builds.values()].map((b) => b.state),
    );
  }

  if (image === undefined) throw new Error(`target ${target} passed validation but is not an image`);
  const results: PlatformResult[] = [];
  const independent: State[] = [];
  for (const p of platforms) {
    const assembled = await assembleImage({
      image,
      binaries: wanted.map((b) => built(b, p)),
      platform: p,
      toolchain: tc,
      gates,
      runnable: request.runnablePlatforms.some((r) => samePlatform(r, p)),
      resolver: request.images,
      locations,
      epoch: epoch instanceof Date ? epoch : undefined,
    });
    results.push(assembled.result);
    for (const w of assembled.warnings) say(notes, w, ["images", image.name, "check"]);
    independent.push(...assembled.checks);
  }
  independent.unshift(...[...builds.values()].map((b) => b.state));
  return compiled("image", results, independent);
}

/** The spec's binaries, or one per main package (named like `go build` names it) when it has none. */
function resolveBinaries(request: CompileRequest, errors: SpecError[]): NamedBinary[] {
  const { spec: parsed, facts } = request;
  const spec = parsed.spec;
  const mains = facts.packages.filter((p) => p.isMain);
  if (spec.binaries === "auto") {
    const auto = mains.map((p) => ({ binary: binaryFromGo(spec.go, p.binary ?? p.name, p.dir), path: ["binaries"] as SpecPath }));
    const byName = new Map<string, string[]>();
    for (const b of auto) byName.set(b.binary.name, [...(byName.get(b.binary.name) ?? []), b.binary.package]);
    for (const [name, packages] of byName) {
      if (packages.length < 2) continue;
      const example = packages.map((pkg, i) => `${name}-${i + 1}: ${pkg}`).join(", ");
      errors.push(
        parsed.errorAt(
          ["binaries"],
          `main packages ${packages.join(" and ")} both build a binary named '${name}'; name each under binaries: (e.g. binaries: {${example}})`,
        ),
      );
    }
    return auto;
  }
  const out: NamedBinary[] = [];
  // Sorted by name: the order of a YAML map must not change the graph (copy order is part of a FileOp's digest).
  const declared = Object.values(spec.binaries).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const binary of declared) {
    const path: SpecPath = ["binaries", binary.name, "package"];
    const ref = packageRef(binary.package, facts.modulePath);
    if (ref.kind === "invalid") {
      errors.push(parsed.errorAt(path, ref.message));
      continue;
    }
    if (ref.kind === "local" && !mains.some((p) => p.dir === ref.dir)) {
      const known = mains.map((p) => p.dir).join(", ");
      errors.push(
        parsed.errorAt(path, `no main package at ${binary.package} in module ${facts.modulePath}; main packages are: ${known === "" ? "none" : known}`),
      );
    }
    const sameOutput = out.find((o) => o.binary.output === binary.output);
    if (sameOutput !== undefined) {
      errors.push(
        parsed.errorAt(
          ["binaries", binary.name, "output"],
          `binaries ${sameOutput.binary.name} and ${binary.name} both write /${binary.output}; give one another output`,
        ),
      );
    }
    // go gets the cleaned path, never the text as written.
    out.push({ binary: { ...binary, package: ref.kind === "local" ? ref.dir : ref.importPath }, path: ["binaries", binary.name] });
  }
  return out;
}

/**
 * The packages to test: the spec's list (each a package of the module, cleaned to `./dir`), or
 * every discovered package that has test files.
 */
function resolveTestedPackages(request: CompileRequest, errors: SpecError[]): string[] {
  const { spec: parsed, facts } = request;
  const tests = parsed.spec.tests;
  if (tests.packages === "auto") return testedPackages(tests, facts.packages);
  const known = facts.packages.map((p) => p.dir);
  const knownSet = new Set(known);
  const out: string[] = [];
  tests.packages.forEach((pkg, i) => {
    const ref = packageRef(pkg, facts.modulePath);
    const at: SpecPath = ["tests", "packages", i];
    if (ref.kind === "invalid") errors.push(parsed.errorAt(at, ref.message));
    else if (ref.kind === "external")
      errors.push(parsed.errorAt(at, `${pkg} is not in module ${facts.modulePath}; tests.packages lists the module's own packages, such as ./pkg/store`));
    else if (!knownSet.has(ref.dir)) {
      const guess = suggest(ref.dir, known);
      errors.push(parsed.errorAt(at, `no package at ${pkg} in module ${facts.modulePath}${guess === undefined ? "" : `; did you mean '${guess}'?`}`));
    } else out.push(ref.dir);
  });
  return out;
}

/** Declared images, or, for a spec without images, one scratch image when the module has exactly one binary. */
function resolveImages(request: CompileRequest, binaries: readonly NamedBinary[], errors: SpecError[]): Image[] {
  const parsed = request.spec;
  const spec = parsed.spec;
  if (spec.images === "auto") {
    const only = binaries.length === 1 ? binaries[0] : undefined;
    if (only === undefined) return [];
    if ((BUILTIN_TARGETS as readonly string[]).includes(only.binary.name)) {
      // Its image would take a built-in target's name; say so rather than build the wrong target.
      errors.push(
        parsed.errorAt(
          ["images"],
          `the only binary, from ${only.binary.package}, is named '${only.binary.name}' like a built-in target, so its image needs another name: declare images: {app: {binaries: [${only.binary.name}]}}`,
        ),
      );
      return [];
    }
    return [
      {
        name: only.binary.name,
        base: "scratch",
        binaries: [only.binary.name],
        env: {},
        ports: [],
        labels: {},
        certificates: false,
        zoneinfo: false,
        checks: [],
      },
    ];
  }
  const names = binaries.map((b) => b.binary.name);
  const images = Object.values(spec.images);
  if (spec.binaries === "auto") {
    for (const image of images) {
      if (image.binaries === "all") continue;
      image.binaries.forEach((name, i) => {
        if (!names.includes(name)) {
          errors.push(parsed.errorAt(["images", image.name, "binaries", i], unknownBinary(name, names)));
        }
      });
    }
  }
  return images;
}

function unknownBinary(name: string, names: readonly string[]): string {
  const given = names.length === 0 ? "no binaries" : names.map((n) => `'${n}'`).join(", ");
  const guess = suggest(name, names);
  if (guess !== undefined) return `unknown binary '${name}'; did you mean '${guess}'? the module's main packages give ${given}`;
  return `unknown binary '${name}': the module's main packages give ${given}; name one of them, or declare it under binaries:`;
}

/** Every image the spec names must be a reference BuildKit can parse (a build arg may have made it). */
function checkImageRefs(request: CompileRequest, images: readonly Image[], errors: SpecError[]): void {
  const parsed = request.spec;
  const check = (ref: string, path: SpecPath): void => {
    const r = parseImageRef(ref);
    if (!r.ok) errors.push(parsed.errorAt(path, r.message));
  };
  for (const image of images) if (image.base !== "scratch") check(image.base, ["images", image.name, "base"]);
  const golangci = parsed.spec.lint.golangci;
  if (golangci !== undefined) check(golangci.image, ["lint", "golangci", "image"]);
}

/** --platform wins, then the spec's platforms, then the build platform. */
function resolvePlatforms(request: CompileRequest, errors: SpecError[]): Platform[] {
  if (request.platforms.length > 0) return dedupe(request.platforms);
  const spec = request.spec.spec;
  if (spec.platforms.length === 0) return [request.buildPlatform];
  const out: Platform[] = [];
  spec.platforms.forEach((text, i) => {
    const p = parsePlatform(text);
    if (p.ok) out.push(p.value);
    else errors.push(request.spec.errorAt(["platforms", i], p.message));
  });
  return dedupe(out);
}

function samePlatform(a: Platform, b: Platform): boolean {
  return a.os === b.os && a.architecture === b.architecture && (a.variant ?? "") === (b.variant ?? "");
}

function dedupe(platforms: readonly Platform[]): Platform[] {
  const seen = new Set<string>();
  return platforms.filter((p) => {
    const key = formatPlatform(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Where a wrong target is the spec's doing: its `default:`, else (a `--target` the spec has no
 * image for) its images section, else the top of the spec.
 */
function targetErrorPath(request: CompileRequest): SpecPath {
  const written = (key: string): boolean => new RegExp(`^${key}\\s*:`, "m").test(request.specText);
  if (request.target === undefined) return ["default"];
  return written("images") ? ["images"] : written("default") ? ["default"] : [];
}

/** `Gopherfile.yaml:12:1` for the spec's tests section, or just the file when the spec has none. */
function testsLocation(request: CompileRequest): string {
  if (!/^tests\s*:/m.test(request.specText)) return request.specFile;
  const at = request.spec.locate(["tests"]);
  return `${at.file}:${at.line}:${at.col}`;
}
