// What the compiler takes and gives: small interfaces so the frontend, the CLI and tests share it.
import type { Platform, State } from "../../llb/index.js";
import type { Image, ParsedSpec, SpecError, SpecPath } from "../../spec/index.js";
import type { Checked, ContextError } from "../../context/errors.js";
import type { ModuleFacts } from "../discover.js";
import type { ImageConfig } from "../../image/config.js";
import type { TestPlan } from "./tests.js";
import type { BuildNetwork, ContextSource } from "./toolchain.js";

/**
 * Looks up an image's config for a platform. Inside BuildKit this is the gateway's
 * ResolveImageConfig; the CLI may answer `undefined` (no daemon), and tests give fixed configs.
 */
export interface ImageResolver {
  resolve(ref: string, platform: Platform): Promise<ImageConfig | undefined>;
}

/** Everything a compilation depends on. Equal requests give byte-identical LLB. */
export interface CompileRequest {
  readonly spec: ParsedSpec;
  /** Name and text of the spec file, for source maps. */
  readonly specFile: string;
  readonly specText: string;
  readonly facts: ModuleFacts;
  /** `--target`; undefined builds the spec's default. */
  readonly target?: string | undefined;
  /** `--platform` from the client; empty means the spec's, else the build platform. */
  readonly platforms: readonly Platform[];
  /** Where every Go step runs (the worker's platform). */
  readonly buildPlatform: Platform;
  /** Platforms the worker can run natively or emulated; image checks run only on these. */
  readonly runnablePlatforms: readonly Platform[];
  /** The client directory with the build context (`.dockerignore` patterns apply to it). */
  readonly context: ContextSource;
  /** Overrides the Go toolchain image (build arg GOPHERFILE_GO_IMAGE), e.g. for a registry mirror. */
  readonly goImageOverride?: string | undefined;
  /**
   * Packages whose test vertex is a retry, by retry key (see TestRun.retry): a frontend that re-ran
   * a failure replayed from cache compiles again with these, so the target uses the new outcome.
   */
  readonly testRetries?: ReadonlyMap<string, string> | undefined;
  /**
   * The `SOURCE_DATE_EPOCH` build arg as given (Unix seconds; undefined or "": none): images then
   * carry it as their `created` time, in their history and on every file they add, so equal inputs
   * give equal image digests on any builder.
   */
  readonly sourceDateEpoch?: string | undefined;
  /** `BUILDKIT_CACHE_MOUNT_NS`: the namespace of the Go cache ids; undefined: none. */
  readonly cacheNamespace?: string | undefined;
  /** `--network` and the proxy build args; undefined: the sandbox network, no proxy. */
  readonly network?: BuildNetwork | undefined;
  /** At most this many test steps at once (see TestPlanOptions.lanes); undefined: TEST_LANES. */
  readonly testLanes?: number | undefined;
  /**
   * Steps' exact inputs share dependencies' files through merge ops (StepInputs.layered); false for a
   * daemon without `mergeop` or `exec.mount.cache.content` (each step then copies its own). Default true.
   */
  readonly layeredInputs?: boolean | undefined;
  /**
   * Steps run on the Go image as a FileOp's output instead of the image itself; true for BuildKit
   * before v0.10. Such a daemon unpacks a lazily pulled image for every step that mounts it, all
   * through one flightcontrol key, and with a hundred steps keyed at once some fail with "exceeded
   * retry timeout"; a FileOp's output is unpacked once, before any step. Default false.
   */
  readonly materializeGoImage?: boolean | undefined;
  readonly images: ImageResolver;
}

/** One platform's result: the filesystem and, for images, its config. */
export interface PlatformResult {
  readonly platform: Platform;
  readonly state: State;
  readonly config?: ImageConfig;
}

export type TargetKind = "image" | "binaries" | "test" | "test-report" | "vet" | "lint";

/** The build's test runs, for frontends that read outcomes (reports, precise failure messages). */
export interface TestInfo {
  readonly plan: TestPlan;
  /** True when the target's result exists only if every test passed. */
  readonly gated: boolean;
  /** Where the spec's tests section is (`Gopherfile.yaml:12:1`), for messages about failing tests. */
  readonly location: string;
}

/** A target the spec and module offer, for `--call=targets`. */
export interface TargetInfo {
  readonly name: string;
  /** Built when no --target is given. */
  readonly isDefault: boolean;
  /** The image, for image targets (declared in the spec, or the one made for a lone binary). */
  readonly image: Image | undefined;
}

/** A compiled target. `multiPlatform` results are returned as refs keyed by platform. */
export interface CompiledTarget {
  readonly target: string;
  readonly kind: TargetKind;
  readonly results: readonly PlatformResult[];
  readonly multiPlatform: boolean;
  /** Things the user should know that do not stop the build (e.g. a check skipped for a foreign platform). */
  readonly warnings: readonly string[];
  /**
   * The spec key each warning and note is about, by its text, so BuildKit's Warn can point at its
   * line; a text absent here (or no map) is about the spec as a whole.
   */
  readonly warningPaths?: ReadonlyMap<string, SpecPath>;
  readonly tests: TestInfo;
  /**
   * Work in the result that does not wait for the tests (builds, image checks). A frontend that
   * inspects test outcomes before returning starts these at once, so builds and tests overlap.
   */
  readonly independent: readonly State[];
  /** Every target of the spec and module, images first. */
  readonly available: readonly TargetInfo[];
  /** What the build chose on the user's behalf, worth saying but nothing to fix (not a `--check` finding). */
  readonly notes: readonly string[];
}

/** A user error from the spec or from the build context. */
export type UserError = SpecError | ContextError;

export type CompileOutcome = Checked<CompiledTarget, UserError>;
