// User errors the compiler finds (they need the module's facts), with the exact text a user reads.
import { describe, expect, it } from "vitest";
import { compileErrors, compileOk, FakeImageResolver } from "./helpers.js";
import { LIBRARY_ONLY, NO_GO_LINE, ONE_MAIN, SYNTAX, TWO_MAINS } from "./modules.js";

// Positions below are counted by hand from the spec texts (1-based line:col), not copied from output.

describe("compile errors", () => {
  it("an unknown --target lists the valid targets and suggests the closest", async () => {
    const spec = `${SYNTAX}binaries:
  server: ./cmd/server
  client: ./cmd/client
images:
  server: { binaries: [server] }
  client: { binaries: [client] }
`;
    // The target comes from the command line; the spec's part in it is its images section.
    expect(await compileErrors({ spec, tree: TWO_MAINS, target: "servr" })).toBe(
      "Gopherfile.yaml:5:1: images: unknown target 'servr': did you mean 'server'? valid targets are 'server', 'client', 'binaries', 'test', 'test-report', 'vet', 'lint'",
    );
    expect(await compileErrors({ spec, tree: TWO_MAINS, target: "deploy" })).toBe(
      "Gopherfile.yaml:5:1: images: unknown target 'deploy': valid targets are 'server', 'client', 'binaries', 'test', 'test-report', 'vet', 'lint'",
    );
    // Without images, a default: line is what names targets.
    expect(await compileErrors({ spec: `${SYNTAX}tests: { gate: false }\ndefault: binaries\n`, tree: TWO_MAINS, target: "servr" })).toMatch(
      /^Gopherfile\.yaml:3:10: default: unknown target 'servr'/,
    );
  });

  it("the same misspelt target reads the same from default: (spec check) and from --target (compiler)", async () => {
    const images = `${SYNTAX}binaries:\n  server: ./cmd/server\n  client: ./cmd/client\nimages:\n  server: { binaries: [server] }\n  client: { binaries: [client] }\n`;
    const fromDefault = await compileErrors({ spec: `${images}default: servr\n`, tree: TWO_MAINS });
    const fromTarget = await compileErrors({ spec: images, tree: TWO_MAINS, target: "servr" });
    const message = (line: string): string => line.replace(/^\S+: \w+: /, "");
    expect(message(fromDefault)).toBe(message(fromTarget));
    expect(fromDefault).toMatch(
      /^Gopherfile\.yaml:8:10: default: unknown target 'servr': did you mean 'server'\? valid targets are 'server', 'client', 'binaries'/,
    );
  });

  it("a misspelled test-report target is suggested like any other", async () => {
    expect(await compileErrors({ spec: `${SYNTAX}tests: { gate: false }\n`, tree: ONE_MAIN, target: "test-reports" })).toBe(
      "Gopherfile.yaml:2:1: unknown target 'test-reports': did you mean 'test-report'? valid targets are 'hello', 'binaries', 'test', 'test-report', 'vet', 'lint'",
    );
  });

  it("an unknown default target, when the images come from the module, points at default:", async () => {
    const spec = `${SYNTAX}tests: { gate: false }\ndefault: helo\n`;
    expect(await compileErrors({ spec, tree: ONE_MAIN })).toBe(
      "Gopherfile.yaml:3:10: default: unknown target 'helo': did you mean 'hello'? valid targets are 'hello', 'binaries', 'test', 'test-report', 'vet', 'lint'",
    );
  });

  it("an image naming a binary the module does not have, when binaries are auto, is reported at the name", async () => {
    const spec = `${SYNTAX}images:\n  shop:\n    binaries: [server, clinet, worker]\n`;
    expect(await compileErrors({ spec, tree: TWO_MAINS })).toBe(
      [
        "Gopherfile.yaml:4:24: images.shop.binaries[1]: unknown binary 'clinet'; did you mean 'client'? the module's main packages give 'client', 'server'",
        "Gopherfile.yaml:4:32: images.shop.binaries[2]: unknown binary 'worker': the module's main packages give 'client', 'server'; name one of them, or declare it under binaries:",
      ].join("\n"),
    );
  });

  it("a declared binary whose package is not a main package is reported at its package, for every such binary, in file order", async () => {
    const spec = `${SYNTAX}binaries:
  server: ./cmd/server
  store: ./internal/store
  api:
    package: example.com/shop/internal/api
`;
    expect(await compileErrors({ spec, tree: TWO_MAINS })).toBe(
      [
        "Gopherfile.yaml:4:10: binaries.store.package: no main package at ./internal/store in module example.com/shop; main packages are: ./cmd/client, ./cmd/server",
        "Gopherfile.yaml:6:14: binaries.api.package: no main package at example.com/shop/internal/api in module example.com/shop; main packages are: ./cmd/client, ./cmd/server",
      ].join("\n"),
    );
  });

  it("a package of another module is left to go build", async () => {
    const spec = `${SYNTAX}binaries:\n  tool: golang.org/x/tools/cmd/stringer\n`;
    const t = await compileOk({ spec, tree: TWO_MAINS, target: "binaries" });
    expect(t.kind).toBe("binaries");
  });

  it("a go.mod without a go line builds with golang:latest, as go uses the toolchain it has, and says so", async () => {
    const resolver = new FakeImageResolver();
    const t = await compileOk({ spec: SYNTAX, tree: NO_GO_LINE, resolver });
    expect(resolver.calls).toEqual(["golang:latest linux/amd64"]);
    expect(t.warnings).toEqual(["go.mod has no go line: building with golang:latest, as go uses the toolchain it has; set go.version in the spec to pin one"]);
    // A module in a directory is named by its go.mod path.
    const inApp = Object.fromEntries(Object.entries(NO_GO_LINE).map(([k, v]) => [`app/${k}`, v]));
    expect((await compileOk({ spec: `${SYNTAX}module: app\n`, tree: inApp })).warnings).toEqual([
      "app/go.mod has no go line: building with golang:latest, as go uses the toolchain it has; set go.version in the spec to pin one",
    ]);
    // A version or image in the spec pins it, and there is nothing to say.
    await expect(compileOk({ spec: `${SYNTAX}go: { version: "1.22" }\n`, tree: NO_GO_LINE })).resolves.toMatchObject({ kind: "image", warnings: [] });
    await expect(compileOk({ spec: `${SYNTAX}go: { image: "golang:1.22" }\n`, tree: NO_GO_LINE })).resolves.toMatchObject({ kind: "image", warnings: [] });
  });

  it("a module without a main package runs its tests by default, and can name no binary target", async () => {
    const spec = `${SYNTAX}tests: { flags: [-count=1] }\n`;
    const t = await compileOk({ spec, tree: LIBRARY_ONLY });
    expect({ target: t.target, kind: t.kind, gated: t.tests.gated }).toEqual({ target: "test", kind: "test", gated: true });
    expect(t.notes).toEqual(["the module has no main package: the default target runs its tests; build --target test-report -o <dir> for the reports"]);
    expect(t.warnings).toEqual([]);
    await expect(compileOk({ spec, tree: LIBRARY_ONLY, target: "test-report" })).resolves.toMatchObject({ kind: "test-report", notes: [] });
    expect(await compileErrors({ spec, tree: LIBRARY_ONLY, target: "binaries" })).toBe(
      "Gopherfile.yaml:2:1: binaries: the module has no main package to build; declare binaries: in the spec, or build --target test",
    );
  });

  it("a lint target with nothing to run says how to enable something", async () => {
    expect(await compileErrors({ spec: `${SYNTAX}lint: { vet: false }\n`, tree: ONE_MAIN, target: "lint" })).toBe(
      "Gopherfile.yaml:2:7: lint: the lint target has nothing to run; set lint.vet: true or lint.golangci, or build --target vet",
    );
  });

  it("errors of different kinds are reported together, sorted by position", async () => {
    const spec = `${SYNTAX}images:\n  shop:\n    binaries: [sever]\n`;
    expect(await compileErrors({ spec, tree: { ...NO_GO_LINE, "cmd/server/main.go": "package main\n" }, target: "shopp" })).toBe(
      [
        "Gopherfile.yaml:2:1: images: unknown target 'shopp': did you mean 'shop'? valid targets are 'shop', 'binaries', 'test', 'test-report', 'vet', 'lint'",
        "Gopherfile.yaml:4:16: images.shop.binaries[0]: unknown binary 'sever'; did you mean 'server'? the module's main packages give 'old', 'server'",
      ].join("\n"),
    );
  });
});

describe("package paths never become flags of go", () => {
  it("rejects flags, escapes and patterns as binaries and tested packages, each at its line", async () => {
    const spec = `${SYNTAX}binaries:
  a: -toolexec=/tmp/x.sh
  b: { package: ../outside }
  c: { package: "cmd/..." }
tests:
  packages: [-exec=/tmp/evil.sh, ./internal/missing, ./cmd/server, golang.org/x/text]
`;
    expect(await compileErrors({ spec, tree: TWO_MAINS, target: "binaries" })).toBe(
      [
        "Gopherfile.yaml:3:6: binaries.a.package: '-toolexec=/tmp/x.sh' is not a package path: a package cannot start with '-' (it would be a flag of go); write ./cmd/name",
        "Gopherfile.yaml:4:17: binaries.b.package: '../outside' is not a package path: it leaves the module example.com/shop",
        "Gopherfile.yaml:5:17: binaries.c.package: 'cmd/...' is not a package path: '...' patterns name many packages; list each package",
        "Gopherfile.yaml:7:14: tests.packages[0]: '-exec=/tmp/evil.sh' is not a package path: a package cannot start with '-' (it would be a flag of go); write ./cmd/name",
        "Gopherfile.yaml:7:34: tests.packages[1]: no package at ./internal/missing in module example.com/shop; did you mean './internal/api'?",
        "Gopherfile.yaml:7:68: tests.packages[3]: golang.org/x/text is not in module example.com/shop; tests.packages lists the module's own packages, such as ./pkg/store",
      ].join("\n"),
    );
  });

  it("gives go the cleaned path, whatever way the spec wrote it", async () => {
    const spec = `${SYNTAX}binaries:\n  server: example.com/shop/cmd/server\ntests:\n  packages: [internal/api/]\n`;
    const t = await compileOk({ spec, tree: TWO_MAINS, target: "binaries" });
    expect(t.target).toBe("binaries");
    const test = await compileOk({ spec, tree: TWO_MAINS, target: "test" });
    expect(test.tests.plan.runs.map((r) => r.pkg)).toEqual(["./internal/api"]);
  });
});

describe("image references", () => {
  it("reports an invalid base or linter image at its key, also when a build arg made it", async () => {
    const spec = `${SYNTAX}args: { BASE: alpine }
images:
  server: { binaries: [server], base: "\${BASE}" }
  client: { binaries: [client], base: "busybox@sha256:abc" }
lint:
  golangci: { image: "golang:" }
`;
    expect(await compileErrors({ spec, tree: TWO_MAINS, target: "server", buildArgs: { BASE: "NOT VALID" } })).toBe(
      [
        `Gopherfile.yaml:4:39: images.server.base: invalid image reference "NOT VALID": a repository name is lowercase`,
        `Gopherfile.yaml:5:39: images.client.base: invalid image reference "busybox@sha256:abc": use the form [registry/]repository[:tag][@sha256:<hex>]`,
        `Gopherfile.yaml:7:22: lint.golangci.image: invalid image reference "golang:": use the form [registry/]repository[:tag][@sha256:<hex>]`,
      ].join("\n"),
    );
  });
});

describe("names derived from directories never collide silently", () => {
  const mod = "module example.com/m\n\ngo 1.22\n";
  const main = "package main\n\nfunc main() {}\n";

  it("two main packages that give one binary name, also through a /vN suffix", async () => {
    const tree = { "go.mod": mod, "cmd/a/server/main.go": main, "cmd/b/server/main.go": main };
    expect(await compileErrors({ spec: `${SYNTAX}images:\n  app: { check: [/server, --version] }\n`, tree, target: "app" })).toBe(
      "Gopherfile.yaml:2:1: binaries: main packages ./cmd/a/server and ./cmd/b/server both build a binary named 'server'; name each under binaries: (e.g. binaries: {server-1: ./cmd/a/server, server-2: ./cmd/b/server})",
    );
    const versioned = { "go.mod": mod, "cmd/server/main.go": main, "cmd/server/v2/main.go": main };
    expect(await compileErrors({ spec: SYNTAX, tree: versioned })).toMatch(
      /main packages \.\/cmd\/server and \.\/cmd\/server\/v2 both build a binary named 'server'/,
    );
  });

  it("a single binary named like a built-in target", async () => {
    for (const name of ["test", "vet", "lint", "test-report", "binaries"]) {
      const tree = { "go.mod": mod, [`cmd/${name}/main.go`]: main };
      expect(await compileErrors({ spec: SYNTAX, tree }), name).toBe(
        `Gopherfile.yaml:1:1: images: the only binary, from ./cmd/${name}, is named '${name}' like a built-in target, so its image needs another name: declare images: {app: {binaries: [${name}]}}`,
      );
    }
  });

  it("two declared binaries with one output", async () => {
    const spec = `${SYNTAX}binaries:\n  a: { package: ./cmd/server, output: app }\n  b: { package: ./cmd/client, output: app }\n`;
    expect(await compileErrors({ spec, tree: TWO_MAINS, target: "binaries" })).toBe(
      "Gopherfile.yaml:4:39: binaries.b.output: binaries a and b both write /app; give one another output",
    );
  });
});
