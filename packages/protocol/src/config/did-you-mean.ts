/**
 * Edit distance with adjacent transpositions (optimal string alignment), case-insensitive:
 * `prot` → `port` is one edit, the typo people make most.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (s === t) return 0;
  const rows = s.length + 1;
  const cols = t.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let v = Math.min(
        (d[(i - 1) * cols + j] ?? 0) + 1,
        (d[i * cols + j - 1] ?? 0) + 1,
        (d[(i - 1) * cols + j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        v = Math.min(v, (d[(i - 2) * cols + j - 2] ?? 0) + 1);
      }
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1] ?? 0;
}

/**
 * The candidate a mistyped `input` most likely meant, or undefined when none is close: within a
 * third of the word's length in edits (at least one), or a candidate that starts with a
 * four-letter-or-longer input (`allowed` → `allowedOrigins`).
 */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(input.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(input, c);
    if (d <= limit && d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best !== undefined) return best;
  if (input.length >= 4) {
    const lower = input.toLowerCase();
    for (const c of candidates) if (c.toLowerCase().startsWith(lower)) return c;
  }
  return undefined;
}
