// Public API of the compiler: spec + module facts → LLB states and image configs for one target.
export { compile } from "./compile.js";
export { allOf } from "./gate.js";
export { CACHE_IDS, cacheId, contextSource, GOCACHE, GOMODCACHE, SOURCE_ROOT, type BuildNetwork, type ContextSource } from "./toolchain.js";
export { rawReports, reportWithSummary, type TestPlan, type TestRun } from "./tests.js";
export type { TestInfo, CompiledTarget, CompileOutcome, CompileRequest, ImageResolver, PlatformResult, TargetInfo, TargetKind, UserError } from "./request.js";
