/** Levenshtein distance, for "did you mean". Inputs are short keys. */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] as number;
      row[j] = Math.min(cur + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] as number;
}

/** The nearest of `candidates` within `max` edits of `word`, for "did you mean". */
export function nearest(word: string, candidates: readonly string[], max = 2): string | undefined {
  return candidates.map((c) => ({ c, d: distance(word, c) })).filter((x) => x.d <= max).sort((a, b) => a.d - b.d)[0]?.c;
}
