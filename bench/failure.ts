// The one-line cause of a failed build, from its error output, for the report's "did not finish" cells.

/**
 * The daemon's own words for why a build failed, if they are one of the known ones: BuildKit v0.8's
 * `flightcontrol: exceeded retry timeout` (many concurrent execs), the snapshotter's `max depth
 * exceeded` (more layers on one mount than overlayfs stacks), a step's exit code, or a timeout.
 */
export function failureCause(text: string): string | undefined {
  return /(flightcontrol: [^\n]*|max depth exceeded|exit code: \d+|exceeded[^\n]*)/.exec(text)?.[1];
}
