// ${NAME} substitution: syntax, escapes, unknown names, and which parts of a spec it touches.
import { describe, expect, it } from "vitest";
import { interpolate, interpolateString, resolveArgs } from "../../src/spec/index.js";
import { splitQuoted } from "../../src/spec/flag-fields.js";

const values = new Map([
  ["VERSION", "v1.2.3"],
  ["EMPTY", ""],
]);

describe("interpolateString", () => {
  it.each([
    ["-X main.version=${VERSION}", "-X main.version=v1.2.3"],
    ["${VERSION}${VERSION}", "v1.2.3v1.2.3"],
    ["[${EMPTY}]", "[]"],
    ["$$", "$"],
    ["$${VERSION}", "${VERSION}"],
    ["$$${VERSION}", "$v1.2.3"],
    ["$$$${VERSION}", "$${VERSION}"],
    ["echo $HOME $1 $", "echo $HOME $1 $"],
    ["no dollars", "no dollars"],
  ])("%s → %s", (input, output) => {
    const result = interpolateString(input, values);
    expect(result.value).toBe(output);
    expect(result.unknown).toEqual([]);
    expect(result.malformed).toEqual([]);
  });

  it("reports unknown names and leaves them in place", () => {
    const result = interpolateString("${VERSION}-${COMMIT}-${DATE}", values);
    expect(result.value).toBe("v1.2.3-${COMMIT}-${DATE}");
    expect(result.unknown).toEqual(["COMMIT", "DATE"]);
    expect(result.used).toEqual(["VERSION"]);
  });

  it.each([["${1X}"], ["${}"], ["${A-B}"], ["${OPEN"], ["${A:-default}"]])("reports %s as malformed", (input) => {
    const result = interpolateString(input, values);
    expect(result.malformed).toEqual([input]);
    expect(result.value).toBe(input);
  });
});

describe("interpolate", () => {
  it("substitutes string values at any depth but never keys, args or x- extensions", () => {
    const data = {
      args: { VERSION: "${VERSION}" },
      "x-template": { a: "${VERSION}" },
      images: { "${VERSION}": { cmd: ["${VERSION}", 1, true, null] } },
    };
    const result = interpolate(data, values);
    expect(result.value).toEqual({
      args: { VERSION: "${VERSION}" },
      "x-template": { a: "${VERSION}" },
      images: { "${VERSION}": { cmd: ["v1.2.3", 1, true, null] } },
    });
    expect(result.problems).toEqual([]);
    expect([...result.used]).toEqual(["VERSION"]);
  });

  it("reports each problem with the path of its string and a suggestion", () => {
    const result = interpolate({ binaries: { s: { ldflags: "${VERSOIN}" } }, cmd: ["${ZZZ}"] }, values);
    expect(result.problems).toEqual([
      { path: ["binaries", "s", "ldflags"], message: "unknown argument ${VERSOIN}; did you mean ${VERSION}?" },
      {
        path: ["cmd", 0],
        message: "unknown argument ${ZZZ}; declare it under args (args: {ZZZ: default}), or write $$ for a literal $",
      },
    ]);
  });

  it("does not change its input", () => {
    const data = { cmd: ["${VERSION}"] };
    interpolate(data, values);
    expect(data).toEqual({ cmd: ["${VERSION}"] });
  });
});

describe("resolveArgs", () => {
  it("overrides declared defaults and lists undeclared build args, sorted", () => {
    const resolved = resolveArgs({ VERSION: "dev", TAG: "latest" }, { VERSION: "v2", ZED: "1", ALPHA: "2" });
    expect(Object.fromEntries(resolved.values)).toEqual({ VERSION: "v2", TAG: "latest" });
    expect(resolved.ignored).toEqual(["ALPHA", "ZED"]);
  });
});

describe("interpolate: -ldflags keep each value one field", () => {
  const ldflags = (template: string, value: string) => interpolate({ go: { ldflags: template } }, new Map([["V", value]]));
  const go = (r: ReturnType<typeof interpolate>) => (r.value as { go: { ldflags: string } }).go.ldflags;

  it("quotes a value that holds spaces, so a build arg cannot add a second -X or a linker flag", () => {
    const r = ldflags("-s -w -X main.version=${V}", "1.0 -X main.admin=true");
    expect(r.problems).toEqual([]);
    expect(go(r)).toBe("-s -w -X 'main.version=1.0 -X main.admin=true'");
    expect(splitQuoted(go(r))).toEqual(["-s", "-w", "-X", "main.version=1.0 -X main.admin=true"]);
    const linker = ldflags("-X main.v=${V}", "v1 -linkmode=external -extld=/tmp/evil");
    expect(splitQuoted(go(linker))).toEqual(["-X", "main.v=v1 -linkmode=external -extld=/tmp/evil"]);
  });

  it("keeps a template's own quotes and plain values as written", () => {
    expect(go(ldflags("-X 'main.msg=hello ${V}'", "world"))).toBe("-X 'main.msg=hello world'");
    expect(go(ldflags("-s -w -X main.version=${V}", "v1.2.3"))).toBe("-s -w -X main.version=v1.2.3");
    expect(go(ldflags("-X main.quote=${V}", "it's"))).toBe(`-X "main.quote=it's"`);
    expect(go(ldflags("-X main.v=${V}", ""))).toBe("-X main.v=");
    // Without a substitution the text is left exactly as written.
    expect(go(interpolate({ go: { ldflags: "-s  -w" } }, new Map()))).toBe("-s  -w");
  });

  it("reports a value go could not read back as one field", () => {
    const r = ldflags("-X main.v=${V}", `a'b "c d`);
    expect(r.problems.map((p) => p.path)).toEqual([["go", "ldflags"]]);
    expect(ldflags("-X 'main.v=${V}", "x").problems).toHaveLength(1);
  });
});
