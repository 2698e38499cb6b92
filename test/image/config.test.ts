// The one env-entry parser and the one port normaliser the image config and the compiler share.
import { describe, expect, it } from "vitest";
import { envRecord, imageConfig } from "../../src/image/config.js";
import { normalisePort, parseSpec } from "../../src/spec/index.js";

describe("envRecord", () => {
  it("splits at the first '=', keeps empty values, skips entries without a key, and the last entry of a key wins", () => {
    expect(envRecord(["PATH=/go/bin:/bin", "EMPTY=", "A=b=c", "=nokey", "NOEQUALS", "A=d"])).toEqual({ PATH: "/go/bin:/bin", EMPTY: "", A: "d" });
    expect(envRecord(undefined)).toEqual({});
  });
});

describe("normalisePort", () => {
  it("gives a bare number /tcp and keeps a protocol, lower-cased, as EXPOSE writes it", () => {
    expect([8080, "8080", "53/udp", "53/UDP", "9/sctp"].map(normalisePort)).toEqual(["8080/tcp", "8080/tcp", "53/udp", "53/udp", "9/sctp"]);
  });

  it("a spec's ports reach the image config in the same form, merged with the base image's", () => {
    const parsed = parseSpec("images:\n  app:\n    binaries: [app]\n    ports: [8080, '53/udp', '8080/tcp']\n", "Gopherfile.yaml");
    if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join("\n"));
    const images = parsed.spec.images;
    if (images === "auto") throw new Error("expected declared images");
    const ports = images["app"]?.ports ?? [];
    expect(ports).toEqual(["8080/tcp", "53/udp"]);
    const base = { architecture: "amd64", os: "linux", config: { ExposedPorts: { "443/tcp": {} } }, rootfs: { type: "layers" as const, diff_ids: [] } };
    const config = imageConfig({ os: "linux", architecture: "amd64" }, { ports }, base);
    expect(Object.keys(config.config.ExposedPorts ?? {})).toEqual(["443/tcp", "53/udp", "8080/tcp"]);
  });
});
