// The outcome listing: a package's outcome carried in a file name, read back exactly.
import { describe, expect, it } from "vitest";
import { packageId, parseOutcomeName } from "../../../src/golang/compile/index.js";

describe("outcome file names", () => {
  it("round-trips the package, exit code and end time", () => {
    for (const pkg of [".", "./pkg02", "./internal/a-b_c.d", "./ünïcode"]) {
      expect(parseOutcomeName(`outcome.${packageId(pkg)}.1.1795215863`)).toEqual({ pkg, exitCode: 1, finishedAt: 1795215863 });
    }
  });

  it("names ./pkg02 by the hex of its bytes", () => {
    expect(packageId("./pkg02")).toBe("2e2f706b673032");
  });

  it("ignores every other name", () => {
    for (const name of ["exit-code", "outcome.2e2f.1", "outcome.xyz.0.1", "outcome.2e2.0.1", "outcome.2e2f.-1.5"]) {
      expect(parseOutcomeName(name)).toBeUndefined();
    }
  });
});
