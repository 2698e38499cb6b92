// Public API of src/golang: module facts from the build context (go.mod, .dockerignore, package discovery).
// The compiler proper has its own entry point in ./compile/index.ts.

export { ContextError, formatContextError, isContextError, type Checked, type ContextErrorCode } from "./context-error.js";
export {
  assertCleanContextPath,
  cleanContextPath,
  joinContextPath,
  type ContextEntry,
  type ContextReader,
} from "./context-reader.js";
export {
  binaryName,
  discoverModule,
  HEADER_LIMITS,
  type DiscoverOptions,
  type DiscoveryCost,
  type GoPackage,
  type LocalReplace,
  type ModuleFacts,
} from "./discover.js";
export { parseDockerignore, type Dockerignore } from "./dockerignore.js";
export { FsContextReader, openFsContext } from "./fs-context-reader.js";
export { IgnoreMatcher, patternSyntaxError, type IgnorePattern, type MatchInfo } from "./ignore-matcher.js";
export { MemoryContextReader } from "./memory-context-reader.js";
export {
  defaultGoImage,
  goVersionFor,
  isDirectoryPath,
  parseGoMod,
  type GoMod,
  type ModExclude,
  type ModPosition,
  type ModReplace,
  type ModRequire,
  type ModRetract,
} from "./go-mod.js";
export { compareGoVersions, goMinorVersion, goVersionFromToolchain, isGoLineVersion, isValidGoVersion } from "./go-version.js";
export {
  evalConstraint,
  goodOSArchFile,
  matchTag,
  parseGoBuildExpression,
  parsePlusBuildExpression,
  type BuildTarget,
  type Constraint,
} from "./build-constraints.js";
export { constraintHolds, fileBuilds, scanGoFileHeader, type GoFileHeader, type HeaderScan } from "./go-file-header.js";
