// Unit tests of reading what a build re-ran from plain progress output.
import { describe, expect, it } from "vitest";
import { isStep, summarizeSteps } from "../../bench/vertices.js";

const GOPHERFILE = `#7 [context] load build context
#7 DONE 0.1s

#9 [deps] go mod download
#9 CACHED

#10 [test ./internal/api] go test
#10 DONE 2.5s

#11 [test ./internal/store] go test
#11 CACHED

#12 [build server linux/amd64] go build ./cmd/server
#12 DONE 1.5s

#13 [test] verdict of 2 packages
#13 DONE 0.1s
`;

const DOCKERFILE = `#8 [base 3/3] RUN --mount=type=bind,source=go.mod,target=go.mod     go mod download
#8 CACHED

#9 [test-prepare 1/1] RUN --mount=type=bind,target=.     go list -export -deps -test ./... >/dev/null
#9 DONE 4.0s

#10 [test-greet 1/1] RUN --mount=type=bind,target=.     go test ./internal/greet && mkdir -p /passed && touch /passed/greet
#10 0.512 ok  	example.com/x/internal/greet	(cached)
#10 DONE 0.8s

#11 [join 1/2] COPY --from=test-greet /passed/ /passed/
#11 DONE 0.0s
`;

describe("summarizeSteps", () => {
  it("counts gopherfile's steps that ran and were cached, and its test steps", () => {
    const s = summarizeSteps(GOPHERFILE);
    expect(s).toMatchObject({ ran: 3, cached: 2, testsRan: 1, ranSeconds: 4.1 });
    expect(s.slowest.map((v) => v.name)).toEqual([
      "[test ./internal/api] go test",
      "[build server linux/amd64] go build ./cmd/server",
      "[context] load build context",
      "[test] verdict of 2 packages",
    ]);
  });

  it("counts the Dockerfile's RUN steps, its test stages apart from test-prepare, and collapses long names", () => {
    const s = summarizeSteps(DOCKERFILE);
    expect(s).toMatchObject({ ran: 2, cached: 1, testsRan: 1, ranSeconds: 4.8 });
    const name = s.slowest[0]?.name ?? "";
    // One line (runs of spaces collapsed), cut to 90 characters with an ellipsis.
    expect(name.startsWith("[test-prepare 1/1] RUN --mount=type=bind,target=. go list -export")).toBe(true);
    expect(name).toHaveLength(90);
    expect(name.endsWith("...")).toBe(true);
  });
});

describe("isStep", () => {
  it("is true for processes and false for copies and transfers", () => {
    expect(isStep("[deps] go mod download")).toBe(true);
    expect(isStep("[join 1/2] COPY --from=test-greet /passed/ /passed/")).toBe(false);
    expect(isStep("[context] load build context")).toBe(false);
    expect(isStep("[context] load Go sources")).toBe(false);
    expect(isStep("[test] compile 3 packages and their dependencies")).toBe(true);
    expect(isStep("[build linux/arm64] compile the dependencies for 2 binaries")).toBe(true);
    expect(isStep("[test] compile the standard library for 3 packages")).toBe(true);
    expect(isStep("[test] outcomes of 3 packages")).toBe(false);
  });
});
