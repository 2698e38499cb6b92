// The normalised spec: every default applied, shorthands expanded, build args substituted.

/**
 * A validated, normalised spec. Plain immutable data (JSON-serialisable); maps whose order does
 * not matter (env, labels, args) have sorted keys, so equal specs compare equal.
 *
 * Values that depend on the Go module (the Go version, the main packages, the test packages)
 * are left for the compiler, marked as `undefined` or `"auto"`.
 */
export interface Spec {
  readonly version: 1;
  readonly go: GoSettings;
  /** Directory holding go.mod, relative to the build context, without a leading "./" ("." for the root). */
  readonly module: string;
  /** Argument values after build args were applied. */
  readonly args: Readonly<Record<string, string>>;
  /** os/arch[/variant]; empty means the requested platform, else the build platform. */
  readonly platforms: readonly string[];
  /** "auto": one binary per main package of the module, named after its directory. */
  readonly binaries: "auto" | Readonly<Record<string, Binary>>;
  readonly tests: Tests;
  readonly lint: Lint;
  /** "auto": the compiler decides (one image when there is one binary). */
  readonly images: "auto" | Readonly<Record<string, Image>>;
  /** Target built without --target; undefined lets the compiler choose. */
  readonly default?: string;
}

/** Toolchain settings shared by every Go step. */
export interface GoSettings {
  /** Undefined: from go.mod (toolchain line, else go line). */
  readonly version?: string;
  /** Undefined: golang:<version>. */
  readonly image?: string;
  /** Always holds CGO_ENABLED ("0" unless the spec says otherwise). */
  readonly env: Readonly<Record<string, string>>;
  readonly ldflags: string;
  readonly tags: readonly string[];
  readonly flags: readonly string[];
  /** GOPRIVATE patterns. */
  readonly private: readonly string[];
  /** Stamp VCS information into binaries: build steps see `.git`. */
  readonly vcs: boolean;
}

/**
 * One binary to build, with its effective settings: `ldflags`, `tags`, `env` and `flags` already
 * combine the `go` section with the binary's own (see {@link binaryFromGo}).
 */
export interface Binary {
  readonly name: string;
  /** Package path as written, e.g. "./cmd/server". */
  readonly package: string;
  /** File name of the built binary. */
  readonly output: string;
  readonly ldflags: string;
  readonly tags: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly flags: readonly string[];
}

export interface Tests {
  /** "auto": every package with _test.go files; a list: exactly these (empty disables tests). */
  readonly packages: "auto" | readonly string[];
  readonly flags: readonly string[];
  /**
   * True: images and binaries only when every test passed. False: tests run alongside the build
   * and a failure is a warning.
   */
  readonly gate: boolean;
  /** Go duration for go test -timeout; undefined keeps go test's default. */
  readonly timeout?: string;
  readonly race: boolean;
  /** Each test step writes a coverage profile (`go test -coverprofile`); the test report merges them. */
  readonly coverage: boolean;
  /** `none`: each test step has its own loopback only; `default`: the build's network. */
  readonly network: TestNetwork;
  /** Module-relative patterns of files every test step sees besides what the default rule gives it. */
  readonly inputs: readonly string[];
}

export type TestNetwork = "none" | "default";

export interface Lint {
  readonly vet: boolean;
  readonly golangci?: GolangciLint;
}

export interface GolangciLint {
  readonly image: string;
  /** Arguments after `golangci-lint`. */
  readonly args: readonly string[];
}

export interface Image {
  readonly name: string;
  readonly base: string;
  /** Names of binaries to copy to /<output>; "all" means every binary. */
  readonly binaries: "all" | readonly string[];
  /** Undefined: the compiler's default ([/<output>] for one binary, else the base's). */
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly user?: string;
  readonly workdir?: string;
  /** Exposed ports in image-config form: "8080/tcp", "53/udp". */
  readonly ports: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly certificates: boolean;
  readonly zoneinfo: boolean;
  readonly checks: readonly ImageCheck[];
}

/** A command run inside the built image; the image is returned only if it exits 0. */
export interface ImageCheck {
  /** Shown in progress output; defaults to the command line. */
  readonly name: string;
  readonly run: readonly string[];
}
