// How large a spec may be: checked before the work that grows with it, each error naming its limit.

/**
 * A Gopherfile is a few dozen lines. These bound what a hostile or broken one can cost (time,
 * memory, the size of the Definition that embeds it as a source map), far above any real spec.
 */
export const SPEC_LIMITS = {
  /** Bytes of spec text (UTF-8). */
  bytes: 256 * 1024,
  /** Nesting of mappings and lists. */
  depth: 64,
  /** Values of all kinds: mapping entries, list items, scalars. */
  nodes: 5_000,
} as const;
