// Capability sets: enabled vs disabled vs missing, the pre-caps defaults, and the ids we rely on.

import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { CapSet, FrontendCap, UnsupportedCapError, capabilitiesFromPong } from "../../src/gateway/caps.js";
import { Caps } from "../../src/llb/index.js";
import { APICapSchema } from "../../src/proto/moby/buildkit/v1/apicaps/caps_pb.js";

const cap = (ID: string, Enabled: boolean, DisabledReasonMsg = "") => create(APICapSchema, { ID, Enabled, DisabledReasonMsg });

describe("CapSet", () => {
  const set = CapSet.fromWire([cap("readdir", true), cap("gateway.exec", false, "disabled by the administrator"), cap("", true)]);

  it("has a cap only when it is listed and enabled", () => {
    expect(set.has("readdir")).toBe(true);
    expect(set.has("gateway.exec")).toBe(false);
    expect(set.has("statfile")).toBe(false);
    expect(set.ids).toEqual(["gateway.exec", "readdir"]);
  });

  it("explains a missing cap and a disabled one differently", () => {
    expect(() => set.require("readdir")).not.toThrow();
    expect(() => set.require("statfile")).toThrow(UnsupportedCapError);
    expect(() => set.require("statfile")).toThrow(
      "this build needs the buildkit feature 'statfile', which the build server does not support; upgrade buildkit",
    );
    expect(() => set.require("gateway.exec")).toThrow(
      "this build needs the buildkit feature 'gateway.exec', which the build server has disabled: disabled by the administrator",
    );
  });
});

describe("capabilitiesFromPong", () => {
  it("uses the reported lists", () => {
    const caps = capabilitiesFromPong({ FrontendAPICaps: [cap("return", true)], LLBCaps: [cap("mergeop", true)] });
    expect(caps.frontend.ids).toEqual(["return"]);
    expect(caps.llb.ids).toEqual(["mergeop"]);
  });

  it("assumes the frozen historical caps when a daemon reports none", () => {
    const caps = capabilitiesFromPong({ FrontendAPICaps: [], LLBCaps: [] });
    expect(caps.frontend.ids).toEqual(["readfile", "resolveimage", "solve.base", "solve.inlinereturn"]);
    expect(caps.llb.has("exec.mount.secret")).toBe(true);
    expect(caps.llb.has("exec.mount.ssh")).toBe(false);
  });

  it("spells the frozen LLB caps as the one table in llb/caps.ts does (the upstream misspelling included)", () => {
    const caps = capabilitiesFromPong({ FrontendAPICaps: [], LLBCaps: [] });
    const known = new Set<string>(Object.values(Caps));
    expect(caps.llb.ids.filter((id) => !known.has(id))).toEqual([]);
    expect(caps.llb.ids).toHaveLength(29);
    expect(caps.llb.has("soruce.http.uidgid")).toBe(true);
  });
});

describe("capability ids", () => {
  it("match the ids buildkit publishes", () => {
    // Spot checks of ids whose spelling differs from their constant names upstream.
    expect(FrontendCap.returnResult).toBe("return");
    expect(FrontendCap.returnMap).toBe("returnmap");
    expect(FrontendCap.resolveImage).toBe("resolveimage");
    expect(FrontendCap.protoRefArray).toBe("proto.refarray");
    expect(Caps.execMetaProxy).toBe("exec.meta.proxyenv");
    expect(Caps.sourceLocalSessionID).toBe("source.local.sessionid");
  });
});
