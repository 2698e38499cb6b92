// The cause a failed build's row shows, picked out of the daemon's error output.
import { describe, expect, it } from "vitest";
import { failureCause } from "../../bench/failure.js";

describe("failureCause", () => {
  it("names the snapshotter's layer limit, not just the word 'exceeded'", () => {
    expect(failureCause("------\n > [join 130/180] COPY --from=test-a /passed/ /passed/:\n------\nfailed to prepare p84la: max depth exceeded\n")).toBe(
      "max depth exceeded",
    );
  });

  it("keeps BuildKit v0.8's flightcontrol message whole", () => {
    expect(failureCause("executor failed running [/bin/sh -c go test ./a]: flightcontrol: exceeded retry timeout\n")).toBe(
      "flightcontrol: exceeded retry timeout",
    );
  });

  it("gives a step's exit code, and nothing for an unknown failure", () => {
    expect(failureCause('process "/bin/sh -c go test" did not complete successfully: exit code: 1')).toBe("exit code: 1");
    expect(failureCause("no such host")).toBeUndefined();
  });
});
