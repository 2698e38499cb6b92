// User errors reach BuildKit with the spec lines they point at; errors in other files carry none.
import { describe, expect, it } from "vitest";
import { userErrorOutcome } from "../../src/frontend/error-sources.js";
import { ContextError } from "../../src/context/errors.js";
import { SpecError } from "../../src/spec/index.js";

describe("userErrorOutcome", () => {
  it("points at every spec error's line once, in order, and keeps every message", () => {
    const at = (line: number) => ({ file: "Gopherfile.yaml", line, col: 3 });
    const errors = [
      new SpecError(at(9), "images.x", "b"),
      new SpecError(at(4), "go", "a"),
      new SpecError(at(9), "images.y", "c"),
      new ContextError("go-mod-invalid", "go.mod", 2, 1, "d"),
    ];
    const outcome = userErrorOutcome(errors, "Gopherfile.yaml", "text");
    expect("error" in outcome && outcome.error.split("\n")).toHaveLength(4);
    expect("error" in outcome && outcome.sources?.map((s) => [s.filename, s.lines])).toEqual([
      [
        "Gopherfile.yaml",
        [
          { start: 4, end: 4 },
          { start: 9, end: 9 },
        ],
      ],
    ]);
  });

  it("has no source when only other files are wrong", () => {
    const outcome = userErrorOutcome([new ContextError("go-mod-invalid", "go.mod", 2, 1, "d")], "Gopherfile.yaml", "text");
    expect(outcome).toEqual({ error: "go.mod:2:1: d" });
  });
});
