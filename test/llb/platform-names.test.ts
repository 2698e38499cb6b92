// The platform parser (llb) and the spec (schema pattern, suggestions) each list Go's GOOS and
// GOARCH values, because the spec imports nothing of llb; this keeps the two lists one.
import { describe, expect, it } from "vitest";
import { KNOWN_ARCH, KNOWN_OS } from "../../src/llb/platform.js";
import { GOARCH, GOOS } from "../../src/spec/platforms.js";

describe("Go platform names", () => {
  it("the parser accepts exactly the operating systems and architectures the spec lists", () => {
    expect([...KNOWN_OS].sort()).toEqual([...GOOS].sort());
    expect([...KNOWN_ARCH].sort()).toEqual([...GOARCH].sort());
  });
});
