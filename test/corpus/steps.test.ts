// Unit tests of counting the steps a build re-ran, from buildctl's rawjson and from Docker 20.10's plain progress.
import { describe, expect, it } from "vitest";
import { stepsFromPlain, stepsFromRawJson } from "../../corpus/steps.js";

function status(vertexes: Record<string, unknown>[]): string {
  return JSON.stringify({ vertexes });
}

const AT = "2026-12-06T22:35:33.326402585Z";
const DONE = "2026-12-06T22:35:39.540128192Z";

// The shape of `buildctl build --progress rawjson` after a one-file edit: each vertex is reported
// as it starts and again as it completes; cached ones say so.
const RAWJSON = [
  status([{ digest: "sha256:01", name: "resolve image config for docker-image://127.0.0.1:5000/gopherfile/gopherfile:corpus", started: AT }]),
  status([{ digest: "sha256:01", name: "resolve image config for docker-image://127.0.0.1:5000/gopherfile/gopherfile:corpus", started: AT, completed: AT }]),
  status([{ digest: "sha256:02", name: "[deps] go mod download", cached: true, started: AT, completed: AT }]),
  status([{ digest: "sha256:03", name: "[test .] go test", started: AT }]),
  status([{ digest: "sha256:04", name: "[test ./util] go test", cached: true, started: AT, completed: AT }]),
  status([{ digest: "sha256:05", name: "[test] compile the standard library for 2 packages", cached: true }]),
  status([{ digest: "sha256:03", name: "[test .] go test", started: AT, completed: DONE }]),
  status([{ digest: "sha256:06", name: "[test-report] collect 2 reports", started: DONE, completed: DONE }]),
  "error: failed to solve: something after the JSON",
].join("\n");

describe("stepsFromRawJson", () => {
  it("counts process steps that started and were not cached, and every vertex that ran", () => {
    expect(stepsFromRawJson(RAWJSON)).toEqual({
      ran: 1,
      cached: 3,
      testsRan: 1,
      vertices: 3,
      names: ["[test .] go test"],
    });
  });

  it("is empty for no output", () => {
    expect(stepsFromRawJson("")).toEqual({ ran: 0, cached: 0, testsRan: 0, vertices: 0, names: [] });
  });
});

// Docker 20.10's plain progress of the same edit (trimmed from a real log).
const PLAIN = `#1 [internal] load build definition from Gopherfile.yaml
#1 sha256:2c0d2d4ae7a0b8d6c5b2e1b7bbd1a0a4a8e0b8e0f2e0a9d5b9c6d4d2d0e2a4b6
#1 DONE 0.0s
#5 [internal] load Gopherfile.yaml
#5 DONE 0.1s
#11 [deps] go.mod and go.sum
#11 CACHED
#12 [deps] go mod download
#12 CACHED
#13 [test .] go test
#13 0.512 go: downloading example.com/dep v1.0.0
#13 DONE 6.2s
#14 [test ./broken] go test
#14 ERROR: process "/bin/sh -c ..." did not complete successfully: exit code: 2
#15 [test-report] collect 1 report
#15 DONE 0.1s
`;

describe("stepsFromPlain", () => {
  it("counts steps that printed DONE or failed, without CACHED", () => {
    expect(stepsFromPlain(PLAIN)).toEqual({
      ran: 2,
      cached: 1,
      testsRan: 2,
      vertices: 5,
      names: ["[test ./broken] go test", "[test .] go test"],
    });
  });
});
