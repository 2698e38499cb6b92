// SOURCE_DATE_EPOCH: images carry it as created time, in their history and on every file they add; nothing else changes.
import { describe, expect, it } from "vitest";
import { epochTimestamp, parseSourceDateEpoch } from "../../../src/golang/compile/epoch.js";
import type { ImageConfig } from "../../../src/image/config.js";
import { buildExecs, contentCopies, graphs, only } from "./expect-llb.js";
import { compileErrors, compileOk, type Case } from "./helpers.js";
import { ONE_MAIN, SYNTAX, TWO_MAINS } from "./modules.js";

const EPOCH = "1700000000";
const NANOS = `${EPOCH}000000000`;
const IMAGE: Case = { spec: `${SYNTAX}images:\n  hello:\n    certificates: true\n    zoneinfo: true\n`, tree: ONE_MAIN };

describe("parseSourceDateEpoch", () => {
  it("reads whole Unix seconds; absent or empty is no epoch, as BuildKit has it", () => {
    expect(parseSourceDateEpoch(EPOCH)).toEqual(new Date(1_700_000_000_000));
    expect(parseSourceDateEpoch("0")).toEqual(new Date(0));
    expect([parseSourceDateEpoch(undefined), parseSourceDateEpoch("")]).toEqual([undefined, undefined]);
  });

  it("refuses anything else, naming the value", () => {
    for (const bad of ["-1", "1.5", "1e9", " 1", "yesterday", "2023-11-14", "253402300800"]) {
      expect(parseSourceDateEpoch(bad), bad).toBe(
        `build arg SOURCE_DATE_EPOCH must be whole Unix seconds, such as $(git log -1 --pretty=%ct) gives (e.g. 1700000000), not ${JSON.stringify(bad)}`,
      );
    }
  });

  it("writes the time as Go's RFC 3339 in UTC", () => {
    expect(epochTimestamp(new Date(1_700_000_000_000))).toBe("2023-11-14T22:13:20Z");
  });
});

describe("an image built with SOURCE_DATE_EPOCH", () => {
  it("has the epoch as created, one history entry stamped with it, and every file it adds (and their directories) with that time", async () => {
    const t = await compileOk({ ...IMAGE, buildArgs: { SOURCE_DATE_EPOCH: EPOCH } });
    const config = only(t.results).config;
    expect(config?.created).toBe("2023-11-14T22:13:20Z");
    expect(config?.history).toEqual([
      {
        created: "2023-11-14T22:13:20Z",
        created_by: "gopherfile: image hello: /hello /etc/ssl/certs/ca-certificates.crt /usr/local/go/lib/time/zoneinfo.zip",
        comment: "gopherfile",
      },
    ]);
    const copied = contentCopies(only(graphs(t)).named("[image hello linux/amd64] assemble"));
    expect(copied.map((c) => [c.copy.dest, String(c.copy.timestamp), c.copy.createDestPath])).toEqual([
      ["/hello", NANOS, true],
      ["/etc/ssl/certs/ca-certificates.crt", NANOS, true],
      ["/usr/local/go/lib/time/zoneinfo.zip", NANOS, true],
    ]);
  });

  it("keeps a base image's history and adds its own entry after it", async () => {
    const t = await compileOk({ spec: `${SYNTAX}images:\n  hello:\n    base: alpine:3.20\n`, tree: ONE_MAIN, buildArgs: { SOURCE_DATE_EPOCH: EPOCH } });
    const plain = await compileOk({ spec: `${SYNTAX}images:\n  hello:\n    base: alpine:3.20\n`, tree: ONE_MAIN });
    const history = only(t.results).config?.history ?? [];
    expect(history.slice(0, -1)).toEqual(only(plain.results).config?.history);
    expect(history.at(-1)?.created).toBe("2023-11-14T22:13:20Z");
  });

  it("is otherwise the image built without it: same config but for the times, same build steps, so the epoch re-runs no go build", async () => {
    const [stamped, plain] = await Promise.all([compileOk({ ...IMAGE, buildArgs: { SOURCE_DATE_EPOCH: EPOCH } }), compileOk(IMAGE)]);
    const untimed = (c: ImageConfig | undefined): Partial<ImageConfig> => {
      const { created, history, ...rest } = c ?? ({} as ImageConfig);
      void created;
      void history;
      return rest;
    };
    expect(untimed(only(stamped.results).config)).toEqual(untimed(only(plain.results).config));
    expect(only(plain.results).config?.created).toBeUndefined();
    expect(buildExecs(only(graphs(stamped))).map((e) => e.node.digest)).toEqual(buildExecs(only(graphs(plain))).map((e) => e.node.digest));
    // Without the epoch, files keep the times BuildKit gives them (-1: none set).
    const copied = contentCopies(only(graphs(plain)).named("[image hello linux/amd64] assemble"));
    expect(copied.map((c) => String(c.copy.timestamp))).toEqual(["-1", "-1", "-1"]);
  });

  it("stamps the binaries target's files too, for exporters that do not (BuildKit before v0.11)", async () => {
    const t = await compileOk({ spec: SYNTAX, tree: TWO_MAINS, target: "binaries", buildArgs: { SOURCE_DATE_EPOCH: EPOCH } });
    const g = only(graphs(t));
    expect(contentCopies(g.result).map((c) => String(c.copy.timestamp))).toEqual([NANOS, NANOS]);
  });

  it("a value that is not Unix seconds is an error naming it", async () => {
    expect(await compileErrors({ ...IMAGE, buildArgs: { SOURCE_DATE_EPOCH: "yesterday" } })).toMatch(
      /^Gopherfile\.yaml:2:1: build arg SOURCE_DATE_EPOCH must be whole Unix seconds, .* not "yesterday"$/,
    );
  });
});
