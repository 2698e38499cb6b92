// ${NAME} substitution: syntax, escapes, unknown names, and which parts of a spec it touches.
import { describe, expect, it } from "vitest";
import { interpolate, interpolateString, resolveArgs } from "../../src/spec/index.js";

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
