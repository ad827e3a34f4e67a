/**
 * Where to mark a trace's spans in a document's text (a snippet or the "view document" context). Pure.
 *
 * The index matches bytes, so a span's occurrence may start or end inside a word of the document ("w[ait
 * be]fore"); a reader sees a match only where the span stands as words. So every span of the document is
 * looked up in the shown text and marked wherever it occurs with a word boundary at both ends; the index's
 * own range is marked only when no span occurs that way (so the reader still sees where the match is).
 */

export interface MarkRange {
  start: number;
  end: number;
}

const WORD = /[\p{L}\p{N}\p{M}_]/u;

/** Whether text[at] (a UTF-16 offset) is a word boundary: a word character does not continue across it. */
function boundary(text: string, at: number): boolean {
  if (at <= 0 || at >= text.length) return true;
  const before = text.codePointAt(at - 1 - (isLowSurrogate(text.charCodeAt(at - 1)) ? 1 : 0)) ?? 0;
  const after = text.codePointAt(at) ?? 0;
  return !(WORD.test(String.fromCodePoint(before)) && WORD.test(String.fromCodePoint(after)));
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * Ranges of `text` to mark: every occurrence of every needle that starts and ends on a word boundary,
 * merged where they overlap or touch, in text order; `fallback` (the index's range) when there is none.
 * Time O(needles x text length) in the worst case (indexOf per occurrence).
 */
export function markRanges(text: string, needles: readonly string[], fallback?: MarkRange): MarkRange[] {
  const found: MarkRange[] = [];
  for (const needle of new Set(needles)) {
    if (needle.trim() === "") continue;
    let from = 0;
    for (;;) {
      const at = text.indexOf(needle, from);
      if (at < 0) break;
      const end = at + needle.length;
      if (boundary(text, at) && boundary(text, end)) found.push({ start: at, end });
      from = at + 1;
    }
  }
  if (found.length === 0) return fallback && fallback.end > fallback.start ? [fallback] : [];
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: MarkRange[] = [{ ...found[0] }];
  for (const r of found.slice(1)) {
    const last = merged[merged.length - 1];
    if (r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}

/** `text` cut into plain and marked pieces by `ranges` (sorted, disjoint). */
export function splitByRanges(
  text: string,
  ranges: readonly MarkRange[],
): { text: string; marked: boolean }[] {
  const out: { text: string; marked: boolean }[] = [];
  let at = 0;
  for (const r of ranges) {
    if (r.start > at) out.push({ text: text.slice(at, r.start), marked: false });
    out.push({ text: text.slice(r.start, r.end), marked: true });
    at = r.end;
  }
  if (at < text.length) out.push({ text: text.slice(at), marked: false });
  return out;
}
