// Valid specs → normalised Spec, with every expected value written out by hand.
import { describe, expect, it } from "vitest";
import { formatSpecError, parseSpec, type ParsedSpec, type Spec } from "../../src/spec/index.js";

function parse(text: string, buildArgs: Record<string, string> = {}): ParsedSpec {
  const result = parseSpec(text, "Gopherfile.yaml", { buildArgs });
  if (!result.ok) throw new Error(`unexpected errors:\n${result.errors.map(formatSpecError).join("\n")}`);
  return result;
}

const EMPTY: Spec = {
  version: 1,
  go: { env: { CGO_ENABLED: "0" }, ldflags: "-s -w", tags: [], flags: [], private: [], vcs: false },
  module: ".",
  args: {},
  platforms: [],
  binaries: "auto",
  tests: { packages: "auto", flags: [], gate: true, race: false, coverage: false, network: "none", inputs: [] },
  lint: { vet: true },
  images: "auto",
};

describe("parseSpec: empty specs", () => {
  it.each([
    ["no text", ""],
    ["the syntax line only", "# syntax=ghcr.io/gopherfile/gopherfile:1\n"],
    ["comments and blank lines", "# syntax=ghcr.io/gopherfile/gopherfile:1\n\n# nothing yet\n\n"],
    ["an explicit empty document", "# syntax=ghcr.io/gopherfile/gopherfile:1\n---\n"],
    ["an empty mapping", "{}\n"],
  ])("%s is a valid spec with every default", (_, text) => {
    expect(parse(text).spec).toEqual(EMPTY);
  });
});

const DESIGN_EXAMPLE = `# syntax=ghcr.io/gopherfile/gopherfile:1
version: 1
go:
  version: "1.23"
  image: golang:1.23
  env: { CGO_ENABLED: "0" }
  ldflags: "-s -w"
  tags: []
  private: [github.com/acme/*]
module: .
args: { VERSION: v0.0.0+unknown }
platforms: [linux/amd64, linux/arm64]
binaries:
  server: { package: ./cmd/server, ldflags: "-X main.version=\${VERSION}" }
  client: ./cmd/client
tests:
  packages: auto
  flags: [-count=1]
  gate: true
lint: { vet: true, golangci: { image: golangci/golangci-lint:v1.61 } }
images:
  server:
    base: scratch
    binaries: [server]
    entrypoint: [/server]
    user: "65532:65532"
    ports: [8080]
    certificates: true
    check: [/server, --version]
default: server
`;

describe("parseSpec: the design example", () => {
  const goEnv = { CGO_ENABLED: "0" };
  const expected = (version: string): Spec => ({
    version: 1,
    go: {
      version: "1.23",
      image: "golang:1.23",
      env: goEnv,
      ldflags: "-s -w",
      tags: [],
      flags: [],
      private: ["github.com/acme/*"],
      vcs: false,
    },
    module: ".",
    args: { VERSION: version },
    platforms: ["linux/amd64", "linux/arm64"],
    binaries: {
      server: {
        name: "server",
        package: "./cmd/server",
        output: "server",
        ldflags: `-s -w -X main.version=${version}`,
        tags: [],
        env: goEnv,
        flags: [],
      },
      client: { name: "client", package: "./cmd/client", output: "client", ldflags: "-s -w", tags: [], env: goEnv, flags: [] },
    },
    tests: { packages: "auto", flags: ["-count=1"], gate: true, race: false, coverage: false, network: "none", inputs: [] },
    lint: { vet: true, golangci: { image: "golangci/golangci-lint:v1.61", args: ["run"] } },
    images: {
      server: {
        name: "server",
        base: "scratch",
        binaries: ["server"],
        entrypoint: ["/server"],
        env: {},
        user: "65532:65532",
        ports: ["8080/tcp"],
        labels: {},
        certificates: true,
        zoneinfo: false,
        checks: [{ name: "/server --version", run: ["/server", "--version"] }],
      },
    },
    default: "server",
  });

  it("uses the args defaults without build args", () => {
    const parsed = parse(DESIGN_EXAMPLE);
    expect(parsed.spec).toEqual(expected("v0.0.0+unknown"));
    expect(parsed.ignoredBuildArgs).toEqual([]);
  });

  it("lets --build-arg override a declared arg and reports undeclared ones", () => {
    const parsed = parse(DESIGN_EXAMPLE, { VERSION: "v1.4.0", GOPROXY: "off", AAA: "1" });
    expect(parsed.spec).toEqual(expected("v1.4.0"));
    expect(parsed.ignoredBuildArgs).toEqual(["AAA", "GOPROXY"]);
  });
});

describe("parseSpec: normalisation", () => {
  it("keeps numbers and booleans written where strings go as they were written", () => {
    const spec = parse(`go:
  version: 1.20
  env: { CGO_ENABLED: 1, GOAMD64: v3, DEBUG: true }
args: { ZERO: 007 }
images:
  app:
    user: 65532
    labels: { build: 1.10 }
`).spec;
    expect(spec.go.version).toBe("1.20");
    expect(spec.go.env).toEqual({ CGO_ENABLED: "1", DEBUG: "true", GOAMD64: "v3" });
    expect(spec.args).toEqual({ ZERO: "007" });
    const app = spec.images === "auto" ? undefined : spec.images["app"];
    expect(app?.user).toBe("65532");
    expect(app?.labels).toEqual({ build: "1.10" });
  });

  it("sorts env, labels and args so that their order in the file does not matter", () => {
    const a = parse("go: { env: { B: '2', A: '1' } }\nargs: { Y: y, X: x }\n").spec;
    const b = parse("args: { X: x, Y: y }\ngo: { env: { A: '1', B: '2' } }\n").spec;
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(Object.keys(a.go.env)).toEqual(["A", "B", "CGO_ENABLED"]);
  });

  it("combines a binary's settings with the go section's", () => {
    const spec = parse(`go:
  ldflags: ""
  tags: [netgo]
  flags: [-trimpath]
  env: { GOFLAGS: -mod=mod }
binaries:
  server:
    package: ./cmd/server
    output: srv
    ldflags: -X main.v=1
    tags: [osusergo, netgo]
    env: { CGO_ENABLED: "1" }
    flags: [-v]
`).spec;
    expect(spec.binaries).toEqual({
      server: {
        name: "server",
        package: "./cmd/server",
        output: "srv",
        ldflags: "-X main.v=1",
        tags: ["netgo", "osusergo"],
        env: { CGO_ENABLED: "1", GOFLAGS: "-mod=mod" },
        flags: ["-trimpath", "-v"],
      },
    });
  });

  it("tells an empty binaries mapping (none) from a missing one (auto)", () => {
    expect(parse("binaries: {}\n").spec.binaries).toEqual({});
    expect(parse("tests: {}\n").spec.binaries).toBe("auto");
  });

  it("expands every form of check, port and image defaults", () => {
    const spec = parse(`images:
  one:
    check: [/app, --version]
    ports: [8080, "9090", "53/udp", "8080/tcp"]
  many:
    base: alpine:3.20
    binaries: []
    check:
      - [/app, healthz]
      - { name: config, run: [/app, check-config] }
      - run: [/bin/true]
  none:
    check: []
`).spec;
    expect(spec.images).toEqual({
      one: {
        name: "one",
        base: "scratch",
        binaries: "all",
        env: {},
        ports: ["8080/tcp", "9090/tcp", "53/udp"],
        labels: {},
        certificates: false,
        zoneinfo: false,
        checks: [{ name: "/app --version", run: ["/app", "--version"] }],
      },
      many: {
        name: "many",
        base: "alpine:3.20",
        binaries: [],
        env: {},
        ports: [],
        labels: {},
        certificates: false,
        zoneinfo: false,
        checks: [
          { name: "/app healthz", run: ["/app", "healthz"] },
          { name: "config", run: ["/app", "check-config"] },
          { name: "/bin/true", run: ["/bin/true"] },
        ],
      },
      none: {
        name: "none",
        base: "scratch",
        binaries: "all",
        env: {},
        ports: [],
        labels: {},
        certificates: false,
        zoneinfo: false,
        checks: [],
      },
    });
  });

  it("normalises the module directory and keeps test settings", () => {
    const spec = parse(
      "module: ./backend/\ntests: { packages: [./pkg/a, ./pkg/b], timeout: 1m30s, race: true, coverage: true, gate: false, network: default }\n",
    ).spec;
    expect(spec.module).toBe("backend");
    expect(spec.tests).toEqual({
      packages: ["./pkg/a", "./pkg/b"],
      flags: [],
      gate: false,
      timeout: "1m30s",
      race: true,
      coverage: true,
      network: "default",
      inputs: [],
    });
  });

  it("accepts aliases, << merge keys and x- extension keys", () => {
    const spec = parse(`x-env: &env { TZ: UTC, LANG: C }
images:
  a: { env: *env }
  b:
    env:
      <<: *env
      LANG: C.UTF-8
`).spec;
    const images = spec.images === "auto" ? {} : spec.images;
    expect(images["a"]?.env).toEqual({ LANG: "C", TZ: "UTC" });
    expect(images["b"]?.env).toEqual({ LANG: "C.UTF-8", TZ: "UTC" });
  });

  it("gives the same result for the same text", () => {
    expect(JSON.stringify(parse(DESIGN_EXAMPLE).spec)).toBe(JSON.stringify(parse(DESIGN_EXAMPLE).spec));
  });
});

describe("parseSpec: build args", () => {
  const text = `args: { OS: linux, ARCH: amd64, PORT: "8080", TAG: dev }
platforms: ["\${OS}/\${ARCH}"]
images:
  app:
    base: "registry.local/base:\${TAG}"
    ports: ["\${PORT}"]
    cmd: ["$$HOME", "$HOME", "\${TAG}-$\${TAG}"]
`;

  it("substitutes in every string, keeps other $ and turns $$ into $", () => {
    const spec = parse(text, { ARCH: "arm64" }).spec;
    expect(spec.platforms).toEqual(["linux/arm64"]);
    const app = spec.images === "auto" ? undefined : spec.images["app"];
    expect(app?.base).toBe("registry.local/base:dev");
    expect(app?.ports).toEqual(["8080/tcp"]);
    expect(app?.cmd).toEqual(["$HOME", "$HOME", "dev-${TAG}"]);
  });

  it("validates substituted values at the position of the string", () => {
    const result = parseSpec(text, "Gopherfile.yaml", { buildArgs: { PORT: "http", ARCH: "x86_64" } });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map(formatSpecError)).toEqual([
      "Gopherfile.yaml:2:13: platforms[0]: must be a platform as os/arch[/variant] with Go's names, such as linux/amd64 or linux/arm/v7; did you mean 'linux/amd64'?",
      'Gopherfile.yaml:6:13: images.app.ports[0]: must be a port number (1-65535), optionally with /tcp, /udp or /sctp, such as 8080 or "53/udp"',
    ]);
  });
});

describe("parseSpec: locate", () => {
  const text = `binaries:
  client: ./cmd/client
  server:
    package: ./cmd/server
images:
  one:
    check: [/client, --version]
  many:
    check:
      - [/server, a]
      - name: b
        run: [/server, b]
`;
  const parsed = parse(text);
  const at = (path: readonly (string | number)[]) => {
    const { line, col } = parsed.locate(path);
    return `${line}:${col}`;
  };

  it("points at scalar values and at the keys of block collections", () => {
    expect(at(["binaries", "server", "package"])).toBe("4:14");
    expect(at(["binaries", "server"])).toBe("3:3");
    expect(at(["images", "one", "check"])).toBe("7:12");
  });

  it("finds normalised paths in the shorthand the file used", () => {
    expect(at(["binaries", "client", "package"])).toBe("2:11");
    expect(at(["images", "one", "checks", 0, "run", 1])).toBe("7:22");
    expect(at(["images", "many", "checks", 0, "run", 1])).toBe("10:19");
    expect(at(["images", "many", "checks", 1, "run", 0])).toBe("12:15");
    expect(at(["images", "many", "checks", 1, "name"])).toBe("11:15");
  });

  it("falls back to the nearest ancestor for defaults and missing keys", () => {
    expect(at(["binaries", "client", "output"])).toBe("2:3");
    expect(at(["images", "one", "ports", 0])).toBe("6:3");
    expect(at(["nothing", "here"])).toBe("1:1");
  });

  it("makes SpecErrors for later stages", () => {
    const e = parsed.errorAt(["images", "many", "checks", 1, "run", 0], "no such file; build it first");
    expect(formatSpecError(e)).toBe("Gopherfile.yaml:12:15: images.many.checks[1].run[0]: no such file; build it first");
  });
});

describe("parseSpec: hostile and odd input", () => {
  it.each([
    ["__proto__: {}\n"],
    ["go: { env: { __proto__: a, constructor: b } }\n"],
    ["a: &a [*a]\n"],
    ["a: &a [1,2]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"],
    ["? [a]\n: b\n"],
    ["1: x\ntrue: y\nnull: z\n"],
    ["%YAML 1.1\n---\nversion: 1\n"],
    ["\uFEFFversion: 1\r\nimgaes: {}\r\n"],
    ["images: { web: { binaries: [constructor] } }\nbinaries: { server: ./s }\n"],
    ["just a string\n"],
    ["[[[[[[[[[[]]]]]]]]]]\n"],
    ["{{{{\n"],
  ])("answers %j with a result, never an exception", (text) => {
    const lines = text.split("\n").length;
    const result = parseSpec(text, "G.yaml");
    for (const e of result.ok ? [] : result.errors) {
      expect(e.line).toBeGreaterThanOrEqual(1);
      expect(e.line).toBeLessThanOrEqual(lines);
      expect(e.message).toMatch(/^[a-z]/);
    }
    expect(result.ok || result.errors.length > 0).toBe(true);
  });

  it("does not mistake names of Object.prototype for declared binaries", () => {
    const result = parseSpec("images: { web: { binaries: [constructor] } }\nbinaries: { server: ./s }\n", "G.yaml");
    expect(result.ok ? [] : result.errors.map(formatSpecError)).toEqual([
      "G.yaml:1:29: images.web.binaries[0]: unknown binary 'constructor'; declare it under binaries or remove it here",
    ]);
  });
});
