// Public API of the LLB builder: immutable states, ops, mounts, marshalling and inspection.
export { Caps, type CapID } from "./caps.js";
export { CUSTOM_NAME_KEY, type OpOptions } from "./constraints.js";
export { digestOf } from "./digest.js";
export { encodeCanonical } from "./encode.js";
export type { NetworkMode, ProxyEnv, RunOptions, SecurityModeName } from "./exec.js";
export {
  copy,
  FileAction,
  mkdir,
  mkfile,
  rm,
  symlink,
  type Chown,
  type CopyOptions,
  type CreatedTime,
  type MkdirOptions,
  type MkfileOptions,
  type RmOptions,
  type SymlinkOptions,
} from "./file.js";
export { parseImageRef, type ImageRef } from "./image-ref.js";
export { cleanPath } from "./path.js";
export { decodeDefinition, definitionToJSON, type DecodedDefinition, type DecodedOp } from "./inspect.js";
export { marshal, marshalToBinary, type MarshalOptions } from "./marshal.js";
export { merge } from "./merge.js";
export type { BindMount, CacheMount, CacheSharing, ContentCache, Mount, SecretEnv, SecretMount, SSHMount, TmpfsMount } from "./mounts.js";
export { formatPlatform, normalizePlatform, parsePlatform, platformToPb, type Parsed, type Platform } from "./platform.js";
export { image, local, RESOLVE_MODES, type ImageOptions, type LocalOptions, type ResolveMode } from "./source.js";
export { sourceLocation, sourceMap, type Position, type SourceLocation, type SourceMap, type SourceRange } from "./source-map.js";
export { ExecState, scratch, State } from "./state.js";
