import { distance } from 'fastest-levenshtein';

/**
 * The candidate closest to a mistyped value, when it is close enough to be what was meant: at most a third of the
 * value's length in edits, rounded up, as git and Nx suggest. Ties go to the first candidate in code-unit order.
 */
export function closestMatch(value: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.ceil(value.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of [...candidates].sort()) {
    if (candidate === value) continue;
    const d = distance(value.toLowerCase(), candidate.toLowerCase());
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** ` (did you mean 'x'?)` or nothing: appended to an error that names the wrong value. */
export function didYouMean(value: string, candidates: Iterable<string>): string {
  const match = closestMatch(value, candidates);
  return match === undefined ? '' : ` (did you mean '${match}'?)`;
}
