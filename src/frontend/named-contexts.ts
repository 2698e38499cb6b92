// Named contexts through the gateway: `context:<name>` options (`--build-context`) read as BuildKit's Dockerfile frontend reads them.
import { isNotFound, isUnsupportedCapError, type GatewayClient } from "../gateway/index.js";
import { parseDockerignore } from "../context/dockerignore.js";
import { VCS_EXCLUDES } from "../golang/compile/toolchain.js";
import { fromDefinition } from "../llb/definition.js";
import { formatPlatform, image, local, marshal, parseImageRef, type Platform, type State } from "../llb/index.js";
import type { Definition } from "../proto/pb/ops_pb.js";
import type { NamedContextProblem, NamedContexts, NamedDirectory } from "../pipeline/named-contexts.js";
import { GatewayContextReader } from "./gateway-context-reader.js";

/**
 * A `context:<name>` value, as dockerui's NamedContext splits it at the first `:`. buildx writes
 * `local:<local name>` for a directory, `docker-image://<ref>`, `input:<key>` for a bake target
 * (a frontend input), `oci-layout://…`, and git or https URLs as given.
 */
export type ContextValue =
  | { readonly kind: "local"; readonly name: string }
  | { readonly kind: "docker-image"; readonly ref: string }
  | { readonly kind: "input"; readonly key: string }
  | { readonly kind: "other"; readonly scheme: string; readonly value: string };

/** Splits a `context:<name>` option value; undefined when it has no `:` at all. */
export function parseContextValue(value: string): ContextValue | undefined {
  const colon = value.indexOf(":");
  if (colon <= 0) return undefined;
  const scheme = value.startsWith("git@") ? "git" : value.slice(0, colon);
  const rest = value.slice(colon + 1);
  switch (scheme) {
    case "local":
      return { kind: "local", name: rest };
    case "docker-image":
      return { kind: "docker-image", ref: rest.replace(/^\/\//, "") };
    case "input":
      return { kind: "input", key: rest };
    default:
      return { kind: "other", scheme, value };
  }
}

/**
 * The names a Dockerfile's `FROM <ref>` looks a named context up by (dockerui's NamedContext):
 * the familiar name (`golang:1.26`; `:latest` dropped) with `::<platform>`, then alone; gopherfile
 * adds the repository alone (`golang`), since the Go image's tag is derived, not written.
 */
export function goImageContextNames(ref: string, platform: Platform): string[] {
  const parsed = parseImageRef(ref);
  if (!parsed.ok) return [];
  const repo = parsed.value.name.replace(/^docker\.io\/(library\/)?/, "");
  const tag = parsed.value.tag === undefined || parsed.value.tag === "latest" ? "" : `:${parsed.value.tag}`;
  const digest = parsed.value.digest === undefined ? "" : `@${parsed.value.digest}`;
  const familiar = `${repo}${tag}${digest}`;
  return [...new Set([`${familiar}::${formatPlatform(platform)}`, familiar, repo])];
}

export interface GatewayNamedContextsInput {
  /** `context:<name>` options, by name (FrontendOptions.namedContexts). */
  readonly contexts: ReadonlyMap<string, string>;
  /** Every raw frontend option, for `sharedkey:localdir:<name>`. */
  readonly options: ReadonlyMap<string, string>;
  readonly localSessionIds: ReadonlyMap<string, string>;
  readonly sessionId: string;
  /** Where Go steps run: the platform of a named image and of the `::<platform>` lookups. */
  readonly platform: Platform;
}

/** Named contexts read through BuildKit: each directory is solved and read like the build context. */
export class GatewayNamedContexts implements NamedContexts {
  readonly #client: GatewayClient;
  readonly #input: GatewayNamedContextsInput;
  #inputs: Promise<Readonly<Record<string, Definition>>> | undefined;

  constructor(client: GatewayClient, input: GatewayNamedContextsInput) {
    this.#client = client;
    this.#input = input;
  }

  async directory(name: string): Promise<NamedDirectory | NamedContextProblem | undefined> {
    const raw = this.#lookup([`${name}::${formatPlatform(this.#input.platform)}`, name]);
    if (raw === undefined) return undefined;
    const value = parseContextValue(raw.value);
    let source: State;
    switch (value?.kind) {
      case "local":
        source = await this.#localDirectory(raw.name, value.name);
        break;
      case "docker-image": {
        const ref = parseImageRef(value.ref);
        if (!ref.ok) return { problem: ref.message };
        source = image(ref.value.ref, { platform: this.#input.platform, name: `[context ${raw.name}] ${value.ref}` });
        break;
      }
      case "input": {
        // A bake target (`contexts = { "${name}" = "target:lib" }`): buildx solves it and sends its LLB.
        let inputs: Readonly<Record<string, Definition>>;
        try {
          this.#inputs ??= this.#client.inputs();
          inputs = await this.#inputs;
        } catch (err) {
          if (isUnsupportedCapError(err)) return { problem: `${raw.value}: ${err.message}` };
          throw err;
        }
        const def = inputs[value.key];
        if (def === undefined) return { problem: `the client sent no frontend input named ${value.key}` };
        source = fromDefinition(def);
        break;
      }
      case "other":
        return { problem: `${value.scheme} contexts are not supported; pass a local directory (--build-context ${name}=<dir>) or docker-image://<ref>` };
      case undefined:
        return { problem: `invalid context value '${raw.value}': write local:<name> or docker-image://<ref>` };
    }
    const solved = await this.#client.solve({ definition: marshal(source, { platform: this.#input.platform }) });
    if (solved.ref === undefined || solved.ref.id === "") return { problem: `named context ${raw.name} is empty` };
    return { source, reader: new GatewayContextReader(this.#client, solved.ref.id) };
  }

  goImage(ref: string): { readonly ref: string } | NamedContextProblem | undefined {
    const raw = this.#lookup(goImageContextNames(ref, this.#input.platform));
    if (raw === undefined) return undefined;
    const value = parseContextValue(raw.value);
    if (value?.kind !== "docker-image") return { problem: `context ${raw.name}=${raw.value} cannot replace ${ref}: only docker-image://<ref> can` };
    const parsed = parseImageRef(value.ref);
    return parsed.ok ? { ref: value.ref } : { problem: parsed.message };
  }

  #lookup(names: readonly string[]): { readonly name: string; readonly value: string } | undefined {
    for (const name of names) {
      const value = this.#input.contexts.get(name);
      if (value !== undefined) return { name, value };
    }
    return undefined;
  }

  /**
   * A client directory, its `.dockerignore` applied as for the build context (as dockerui does)
   * and `.git` left out as the build context's is.
   */
  async #localDirectory(contextName: string, localName: string): Promise<State> {
    const sessionId = this.#input.localSessionIds.get(localName) ?? this.#input.sessionId;
    const shared = `context:${contextName}-${this.#input.options.get(`sharedkey:localdir:${contextName}`) ?? localName}`;
    const ignore = local(localName, {
      include: [".dockerignore"],
      followPaths: [".dockerignore"],
      sessionId,
      sharedKeyHint: `${shared}-.dockerignore`,
      name: `[context ${contextName}] load .dockerignore`,
    });
    const excludes = [...(await this.#dockerignore(ignore, contextName)), ...VCS_EXCLUDES];
    return local(localName, { exclude: excludes, sessionId, sharedKeyHint: shared, name: `[context ${contextName}] load from client` });
  }

  async #dockerignore(state: State, contextName: string): Promise<readonly string[]> {
    const solved = await this.#client.solve({ definition: marshal(state) });
    const id = solved.ref?.id;
    if (id === undefined || id === "") return [];
    let bytes: Uint8Array;
    try {
      bytes = await this.#client.readFile({ ref: id, path: ".dockerignore" });
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
    const parsed = parseDockerignore(new TextDecoder().decode(bytes), `[context ${contextName}] .dockerignore`);
    return parsed.ok ? parsed.value.patterns : [];
  }
}
