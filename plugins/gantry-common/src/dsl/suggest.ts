import { closest, distance } from 'fastest-levenshtein';

/** "did you mean X?" when a candidate is close enough to be a likely typo. */
export function didYouMean(wrong: string, candidates: string[]): string {
  if (candidates.length === 0) return '';
  const best = closest(wrong, candidates);
  const limit = Math.max(2, Math.floor(best.length / 3));
  return distance(wrong, best) <= limit ? ` (did you mean ${best}?)` : '';
}
