// SpecError: its one-line form, its type guard, and the order errors are reported in.
import { describe, expect, it } from "vitest";
import { formatPath, formatSpecError, isSpecError, SpecError, sortSpecErrors } from "../../src/spec/index.js";

const at = (line: number, col: number) => ({ file: "Gopherfile.yaml", line, col });

describe("SpecError", () => {
  it("formats as file:line:col: path: message", () => {
    expect(formatSpecError(new SpecError(at(12, 5), "images.server.ports[0]", "must be a port"))).toBe(
      "Gopherfile.yaml:12:5: images.server.ports[0]: must be a port",
    );
    expect(formatSpecError(new SpecError(at(1, 1), "", "invalid YAML"))).toBe("Gopherfile.yaml:1:1: invalid YAML");
  });

  it("is recognised by its guard, and other values are not", () => {
    expect(isSpecError(new SpecError(at(1, 1), "", "x"))).toBe(true);
    expect(isSpecError(new Error("x"))).toBe(false);
    expect(isSpecError({ file: "a", line: 1, col: 1, message: "x" })).toBe(false);
    expect(isSpecError(null)).toBe(false);
  });

  it("sorts by line, then column, then path and message, dropping exact repeats", () => {
    const errors = [
      new SpecError(at(3, 1), "b", "second"),
      new SpecError(at(2, 9), "a", "z"),
      new SpecError(at(2, 9), "a", "y"),
      new SpecError(at(2, 3), "", "first"),
      new SpecError(at(3, 1), "b", "second"),
    ];
    expect(sortSpecErrors(errors).map(formatSpecError)).toEqual([
      "Gopherfile.yaml:2:3: first",
      "Gopherfile.yaml:2:9: a: y",
      "Gopherfile.yaml:2:9: a: z",
      "Gopherfile.yaml:3:1: b: second",
    ]);
  });
});

describe("formatPath", () => {
  it.each([
    [[], ""],
    [["images", "server", "ports", 0], "images.server.ports[0]"],
    [["images", "web-ui", "labels", "org.opencontainers.image.source"], 'images.web-ui.labels["org.opencontainers.image.source"]'],
    [["check", 1, 0], "check[1][0]"],
  ] as const)("%j → %s", (path, want) => {
    expect(formatPath(path)).toBe(want);
  });
});
