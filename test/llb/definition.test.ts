// fromDefinition: a Definition someone else marshalled (a frontend input) re-emitted as a State, byte for byte.
import { describe, expect, it } from "vitest";
import { fromDefinition } from "../../src/llb/definition.js";
import { FileAction, decodeDefinition, image, local, marshal, marshalToBinary, scratch } from "../../src/llb/index.js";

const AMD64 = { os: "linux", architecture: "amd64" } as const;

describe("fromDefinition", () => {
  const built = image("docker.io/library/busybox:latest")
    .run({ args: ["sh", "-c", "echo hi > /out/x"], mounts: [{ type: "bind", target: "/out", source: scratch() }], name: "write" })
    .output("/out");
  const lib = scratch().file(FileAction.empty.copy(local("lib"), "/", "/").copy(built, "/x", "/x"), { name: "lib" });

  it("marshals to the same ops (same digests, same result) as the graph it came from", () => {
    const def = marshal(lib, { platform: AMD64 });
    const again = decodeDefinition(marshal(fromDefinition(def), { platform: AMD64 }));
    const original = decodeDefinition(def);
    expect(again.result).toEqual(original.result);
    expect([...again.ops.keys()].sort()).toEqual([...original.ops.keys()].sort());
    // Marshalling it a second time gives the very same bytes.
    expect(marshalToBinary(fromDefinition(def))).toEqual(marshalToBinary(fromDefinition(def)));
  });

  it("is a State later ops read from: the input's ops come first, once", () => {
    const def = marshal(lib, { platform: AMD64 });
    const tree = scratch().file(FileAction.empty.copy(fromDefinition(def), "/", "/lib", { copyDirContentsOnly: true }), { name: "tree" });
    const decoded = decodeDefinition(marshal(tree, { platform: AMD64 }));
    const before = decodeDefinition(def);
    // Every op of the input is in the new graph (same digests), plus the copy and the result op.
    for (const digest of before.order.slice(0, -1)) expect(decoded.ops.has(digest)).toBe(true);
    expect(decoded.order.length).toBe(before.order.length + 1);
  });

  it("gives scratch for an empty definition", () => {
    expect(fromDefinition(marshal(scratch())).isScratch).toBe(true);
  });
});
