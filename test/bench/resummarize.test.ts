// Step summaries read again from kept logs, after the rules of what counts as a step changed.
import { afterEach, describe, expect, it } from "vitest";
import { resummarize } from "../../bench/resummarize.js";
import type { BenchResults } from "../../bench/results.js";
import { writeTree, type Tree } from "../golang/temp-tree.js";

const LOG = `$ docker build ...
# exit 0 after 31000 ms
#13 [test] compile the standard library for 3 packages
#13 DONE 23.4s

#18 [test ./internal/api] go test
#18 DONE 7.5s
`;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A logs directory holding `logs`, removed after the test. */
function logsDir(logs: Tree): string {
  const { root, cleanup } = writeTree(logs);
  cleanups.push(cleanup);
  return root;
}

describe("resummarize", () => {
  it("counts a run's steps again from its log and leaves runs without a log as they were", async () => {
    const logs = logsDir({ "docker-small-cold-gopherfile-0.log": LOG });
    const stale = { ran: 1, cached: 0, ranSeconds: 7.5, testsRan: 1, slowest: [] };
    const results = {
      format: 1,
      runs: [],
      overhead: [],
      llb: undefined,
      scenarios: [
        {
          daemon: "docker",
          fixture: "small",
          scenario: "cold",
          measuredAt: "",
          checks: [],
          runId: "r1",
          runs: [
            { tool: "gopherfile", repeat: 0, ms: 31000, load1: 1, steps: stale },
            { tool: "dockerfile", repeat: 0, ms: 39000, load1: 1, steps: stale },
          ],
        },
      ],
    } as unknown as BenchResults;
    const again = await resummarize(results, logs);
    const [gopherfile, dockerfile] = again.scenarios[0]!.runs;
    expect(gopherfile?.steps).toMatchObject({ ran: 2, ranSeconds: 30.9, testsRan: 1 });
    expect(dockerfile?.steps).toBe(stale);
  });

  it("reads a failed run's cause again from its log, warm-ups included, and quotes it in the scenario's error and warnings", async () => {
    const logs = logsDir({
      "docker-large-noop-dockerfile-warmup.log": "$ docker build ...\n# exit 1 after 900 ms\n------\nfailed to prepare p84la9: max depth exceeded\n",
    });
    const results = {
      format: 1,
      runs: [],
      overhead: [],
      llb: undefined,
      scenarios: [
        {
          daemon: "docker",
          fixture: "large",
          scenario: "noop",
          measuredAt: "",
          runId: "r1",
          checks: ["warning: dockerfile's warm-up build attempt 1 did not finish: build failed: exceeded"],
          error: "dockerfile could not finish: build failed: exceeded after 1 s",
          runs: [
            { tool: "dockerfile", repeat: -1, ms: 900, load1: 1, stopped: "build failed: exceeded" },
            { tool: "gopherfile", repeat: -1, ms: 900, load1: 1, stopped: "stopped: MemAvailable fell below 2.0 GiB" },
          ],
        },
      ],
    } as unknown as BenchResults;
    const again = (await resummarize(results, logs)).scenarios[0]!;
    const [dockerfile, gopherfile] = again.runs;
    expect(dockerfile?.stopped).toBe("build failed: max depth exceeded");
    expect(gopherfile?.stopped).toBe("stopped: MemAvailable fell below 2.0 GiB");
    expect(again.checks).toEqual(["warning: dockerfile's warm-up build attempt 1 did not finish: build failed: max depth exceeded"]);
    expect(again.error).toBe("dockerfile could not finish: build failed: max depth exceeded after 1 s");
  });
});
