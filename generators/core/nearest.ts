/** What a mistyped name most likely meant, for every front end's "did you mean". */

/** Edits (insertions, deletions, substitutions) from `a` to `b`. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const next = [i];
    for (let j = 1; j <= b.length; j += 1) next.push(Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[b.length];
}

/**
 * The allowed values a mistyped one most likely meant: the same but for case
 * (`Linux`), those it begins (`thumbv7em` → both thumbv7em-* targets), or the
 * nearest within a third of its length (`helo`). Empty when none is close.
 */
export function closest(value: string, allowed: readonly string[]): string[] {
  const typed = value.toLowerCase();
  const same = allowed.filter((entry) => entry.toLowerCase() === typed);
  if (same.length > 0) return same;
  const begun = typed.length >= 3 ? allowed.filter((entry) => entry.toLowerCase().startsWith(typed)) : [];
  if (begun.length > 0) return begun;
  const scored = allowed.map((entry) => ({ entry, edits: distance(typed, entry.toLowerCase()) }));
  const best = Math.min(...scored.map((score) => score.edits));
  if (best > Math.max(1, Math.floor(typed.length / 3))) return [];
  return scored.filter((score) => score.edits === best).map((score) => score.entry);
}

/** `; did you mean a or b?`, or nothing. */
export function didYouMean(candidates: readonly string[]): string {
  if (candidates.length === 0) return '';
  return `; did you mean ${candidates.length === 1 ? candidates[0] : `${candidates.slice(0, -1).join(', ')} or ${candidates.at(-1)}`}?`;
}
