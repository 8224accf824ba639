/** Edit distance (insert, delete, substitute = 1 each), one rolling row of the DP table. */
export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/**
 * The candidate closest to `input`, or undefined when nothing is close enough to be a
 * plausible typo. Compared case-insensitively because `baseurl` for `baseUrl` is the
 * commonest slip; the threshold grows with length so `prot` → `port` matches but
 * `db` does not suggest `tenants`.
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(input.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = levenshtein(input.toLowerCase(), candidate.toLowerCase());
    if (
      distance <= limit &&
      distance < input.length &&
      (best === undefined || distance < best.distance)
    ) {
      best = { candidate, distance };
    }
  }
  return best?.candidate;
}

/** ` (did you mean "x"?)` or the empty string. */
export function suggestion(input: string, candidates: readonly string[]): string {
  const hit = didYouMean(input, candidates);
  return hit === undefined ? '' : ` (did you mean "${hit}"?)`;
}
