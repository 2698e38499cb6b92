// "Did you mean ...?" suggestions for misspelled keys and names.

/**
 * Words people bring from Dockerfiles and Compose files, mapped to the key this spec uses.
 * Checked before edit distance because they are not misspellings.
 */
const SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  from: ["base"],
  expose: ["ports"],
  environment: ["env"],
  command: ["cmd", "run"],
  cmd: ["run"],
  args: ["cmd"],
  working_dir: ["workdir"],
  healthcheck: ["check"],
  checks: ["check"],
  label: ["labels"],
  port: ["ports"],
  platform: ["platforms"],
  target: ["default"],
  targets: ["images"],
  test: ["tests"],
  binary: ["binaries"],
  image: ["images", "base"],
  go_version: ["version"],
  buildargs: ["args"],
  build_args: ["args"],
  arg: ["args"],
  pkg: ["package"],
  main: ["package"],
  name: ["output"],
};

/**
 * Returns the candidate closest to `word`, or undefined when none is close enough.
 * Case is ignored; a swap of two neighbouring letters counts as one edit; a candidate is close
 * when at most a third of the longer word (at least one letter) must change. Deterministic: on
 * a tie the candidate listed first wins.
 */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const key = lower.replace(/-/g, "_");
  const synonym = Object.hasOwn(SYNONYMS, key) ? SYNONYMS[key]?.find((s) => candidates.includes(s)) : undefined;
  if (synonym !== undefined) return synonym;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase());
    const limit = Math.max(1, Math.floor(Math.max(word.length, candidate.length) / 3));
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const prev = rows[i - 1]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}
