// The scenarios of issue 6, with the goals each is held to (goals for the report, not test assertions).
import type { EditKind } from "./edits.js";

export type ScenarioId = "cold" | "noop" | "readme" | "edit" | "shared" | "data" | "dep" | "cold-2p";

export interface Scenario {
  readonly id: ScenarioId;
  readonly title: string;
  /** Prune the daemon's build cache (cache mounts included) before every measured build. */
  readonly cold: boolean;
  /** Build linux/amd64 and linux/arm64 in one build. */
  readonly twoPlatforms: boolean;
  /** The change made before each repeat; undefined rebuilds what was built last. */
  readonly edit: EditKind | undefined;
  /** Also time the host floor (`go build` + `go test` with warm host caches). */
  readonly floor: boolean;
  /** Goal for gopherfile / Dockerfile (median over median). */
  readonly goalVsDockerfile: number;
  /** Goal for gopherfile / host floor, where the issue sets one. */
  readonly goalVsFloor?: number;
}

/** In run order: cold ones first (they prune), then the warm ones, each starting from the last build. */
export const SCENARIOS: readonly Scenario[] = [
  { id: "cold", title: "cold (build cache pruned)", cold: true, twoPlatforms: false, edit: undefined, floor: false, goalVsDockerfile: 1.0 },
  { id: "cold-2p", title: "two platforms, cold", cold: true, twoPlatforms: true, edit: undefined, floor: false, goalVsDockerfile: 1.0 },
  { id: "noop", title: "no-op rebuild", cold: false, twoPlatforms: false, edit: undefined, floor: true, goalVsDockerfile: 0.5 },
  { id: "readme", title: "edit README.md", cold: false, twoPlatforms: false, edit: "readme", floor: true, goalVsDockerfile: 0.5 },
  {
    id: "edit",
    title: "edit one .go file in a leaf package",
    cold: false,
    twoPlatforms: false,
    edit: "go",
    floor: true,
    goalVsDockerfile: 1.0,
    goalVsFloor: 3.0,
  },
  { id: "shared", title: "edit one .go file in a package many import", cold: false, twoPlatforms: false, edit: "shared", floor: true, goalVsDockerfile: 1.0 },
  { id: "data", title: "edit a data file outside any package", cold: false, twoPlatforms: false, edit: "data", floor: true, goalVsDockerfile: 1.0 },
  { id: "dep", title: "change a dependency (local module: code + version)", cold: false, twoPlatforms: false, edit: "dep", floor: true, goalVsDockerfile: 1.0 },
];

export const SCENARIO_IDS: readonly ScenarioId[] = SCENARIOS.map((s) => s.id);

/** The scenario with this id; throws for an unknown id (callers validate user input first). */
export function scenario(id: ScenarioId): Scenario {
  const found = SCENARIOS.find((s) => s.id === id);
  if (found === undefined) throw new Error(`unknown scenario ${id}`);
  return found;
}
