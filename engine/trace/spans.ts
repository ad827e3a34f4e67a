/**
 * Step 2 of the trace: maximal matching spans, by backward search.
 *
 * A span starts at a word and ends at a word or at the delimiter that closes its run (tokens.ts says what
 * a word, a delimiter and a hard break are); it is maximal when no longer span that occurs in the index
 * contains it. `maximalSpans` finds them right to left over each run, growing patterns one byte to the
 * left at a time with FM-index extensions (one per shard still matching), so no pattern is searched afresh;
 * its doc gives the steps and the cost.
 */

import type { RankRange } from "../fm/index";
import type { Tokenized } from "./tokens";

/** What the span search needs from an index: per-shard backward search over the selected shards. */
export interface Extender {
  /** Shard numbers searched. */
  shards: readonly number[];
  /** Rows of the empty pattern in a shard. */
  full(shard: number): RankRange;
  /** Rows of `byte`+P from the rows of P; empty when lo >= hi. */
  extend(shard: number, range: RankRange, byte: number): RankRange;
}

/** Rows of a pattern in one shard. */
export interface ShardRows {
  shard: number;
  lo: number;
  hi: number;
}

export interface RawSpan {
  /** Token indexes, first and last (inclusive). */
  first: number;
  last: number;
  /** UTF-16 offsets [start, end). */
  start: number;
  end: number;
  byteStart: number;
  byteEnd: number;
  /** Word tokens in the span. */
  words: number;
  /** Where the span occurs (non-empty ranges only). */
  rows: ShardRows[];
  /** Occurrences in the selected shards. */
  count: number;
}

export interface SpanSearchStats {
  /** FM-index extension steps (one shard, one byte). */
  extensions: number;
}

/** Per-shard rows of a pattern over the selected shards (k-th entry: shard ex.shards[k]); null when absent. */
export type State = { lo: Float64Array; hi: Float64Array } | null;

/**
 * Maximal spans of a tokenized text (before the minimum-length filter), in text order.
 *
 * Right to left over each run: from the last admissible end e, the pattern is grown leftwards (starting
 * from the cached rows of e's own token) to find s(e), the leftmost word start from which text[s, e)
 * occurs; (s(e), e) is maximal. Every other maximal span starts before s(e) and ends before e; with w the
 * word start just before s(e), the next one ends at the largest end e' for which text[w, e') occurs (a
 * monotone test, found by galloping then binary search), and starts at s(e') <= w, found by growing
 * text[w, e') further left. A verbatim run of n bytes thus costs about n extensions instead of the
 * n^2 / (2 x word length) of one search per end; a token's rows are computed once per distinct token.
 * Time O(sum over maximal spans of length x log(words) x shards x H).
 */
export function maximalSpans(
  tok: Tokenized,
  ex: Extender,
  stats?: SpanSearchStats,
  tokenRows?: Map<string, State>,
): RawSpan[] {
  const { tokens, bytes, runs } = tok;
  const out: RawSpan[] = [];
  const nShards = ex.shards.length;
  let extensions = 0;
  const cache = tokenRows ?? new Map<string, State>();

  /** Rows of a token's own bytes (cached by its text). */
  const rowsOf = (i: number): State => {
    const t = tokens[i];
    let st = cache.get(t.text);
    if (st !== undefined) return st;
    const lo = new Float64Array(nShards);
    const hi = new Float64Array(nShards);
    let any = false;
    for (let k = 0; k < nShards; k++) {
      let r = ex.full(ex.shards[k]);
      for (let p = t.byteEnd - 1; p >= t.byteStart && r[1] > r[0]; p--) {
        r = ex.extend(ex.shards[k], r, bytes[p]);
        extensions++;
      }
      if (r[1] > r[0]) {
        lo[k] = r[0];
        hi[k] = r[1];
        any = true;
      }
    }
    st = any ? { lo, hi } : null;
    cache.set(t.text, st);
    return st;
  };

  /**
   * Grows the pattern text[p, e) (rows `st`) leftwards down to byte `floor`; returns the leftmost word
   * start reached while it still occurs (-1 if none, including p itself when it is one) and its rows.
   */
  const grow = (st: State, p: number, floor: number): { tok: number; st: State } => {
    if (!st) return { tok: -1, st: null };
    const lo = Float64Array.from(st.lo);
    const hi = Float64Array.from(st.hi);
    let best = -1;
    let bestSt: State = null;
    const snap = () => ({ lo: Float64Array.from(lo), hi: Float64Array.from(hi) });
    if (startTok[p] >= 0) {
      best = startTok[p];
      bestSt = snap();
    }
    for (let q = p - 1; q >= floor; q--) {
      let alive = false;
      for (let k = 0; k < nShards; k++) {
        if (hi[k] <= lo[k]) continue;
        const r = ex.extend(ex.shards[k], [lo[k], hi[k]], bytes[q]);
        extensions++;
        lo[k] = r[0];
        hi[k] = r[1];
        if (r[1] > r[0]) alive = true;
      }
      if (!alive) break;
      if (startTok[q] >= 0) {
        best = startTok[q];
        bestSt = snap();
      }
    }
    return { tok: best, st: bestSt };
  };

  /** Rows of text[start of token w, end of token j) (j >= w), or null when it does not occur. */
  const occurs = (w: number, j: number): State => {
    const st = rowsOf(j);
    if (!st || w === j) return st;
    const g = grow(st, tokens[j].byteStart, tokens[w].byteStart);
    return g.tok === w ? g.st : null;
  };

  const startTok = new Int32Array(bytes.length + 1).fill(-1);
  for (let i = 0; i < tokens.length; i++) if (tokens[i].word) startTok[tokens[i].byteStart] = i;

  const emit = (runOut: RawSpan[], s: number, j: number, st: State) => {
    let words = 0;
    for (let i = s; i <= j; i++) if (tokens[i].word) words++;
    const rows: ShardRows[] = [];
    let count = 0;
    for (let k = 0; k < nShards; k++) {
      if (st!.hi[k] > st!.lo[k]) {
        rows.push({ shard: ex.shards[k], lo: st!.lo[k], hi: st!.hi[k] });
        count += st!.hi[k] - st!.lo[k];
      }
    }
    runOut.push({
      first: s,
      last: j,
      start: tokens[s].start,
      end: tokens[j].end,
      byteStart: tokens[s].byteStart,
      byteEnd: tokens[j].byteEnd,
      words,
      rows,
      count,
    });
  };

  for (const run of runs) {
    const ends: number[] = [];
    const starts: number[] = [];
    for (let i = run.first; i <= run.last; i++) {
      const t = tokens[i];
      if (t.word) starts.push(i);
      if (t.word || (t.delimiter && i === run.last)) ends.push(i);
    }
    if (starts.length === 0) continue;
    const floor = tokens[starts[0]].byteStart;
    const runOut: RawSpan[] = [];
    let ei = ends.length - 1;
    while (ei >= 0) {
      const j = ends[ei];
      const g = grow(rowsOf(j), tokens[j].byteStart, floor);
      if (g.tok < 0) {
        ei--;
        continue;
      }
      emit(runOut, g.tok, j, g.st);
      let s = g.tok;
      let cur = ei;
      // Maximal spans further left, each found from the word start before the previous one's start.
      for (;;) {
        const si = starts.indexOf(s);
        if (si <= 0) {
          ei = -1;
          break;
        }
        const w = starts[si - 1];
        // Candidate ends: ends[lo..cur-1] (at or after w's token).
        let lo = 0;
        while (lo < cur && ends[lo] < w) lo++;
        let hi = cur - 1;
        // Largest candidate e with text[w, e) occurring (a monotone test): gallop down, then bisect.
        let found = -1;
        let foundSt: State = null;
        let step = 1;
        let top = hi;
        while (top >= lo) {
          const st = occurs(w, ends[top]);
          if (st) {
            found = top;
            foundSt = st;
            break;
          }
          hi = top - 1;
          if (top === lo) break;
          top = Math.max(lo, top - step);
          step *= 2;
        }
        if (found >= 0) {
          let x = found + 1;
          let y = hi;
          while (x <= y) {
            const m = (x + y) >> 1;
            const st = occurs(w, ends[m]);
            if (st) {
              found = m;
              foundSt = st;
              x = m + 1;
            } else y = m - 1;
          }
        }
        if (found < 0) {
          // No span starts at w, so spans further left end before w: search afresh from there.
          let k = lo - 1;
          while (k >= 0 && tokens[ends[k]].byteEnd > tokens[w].byteStart) k--;
          ei = k;
          break;
        }
        const g2 = grow(foundSt, tokens[w].byteStart, floor);
        emit(runOut, g2.tok, ends[found], g2.st);
        s = g2.tok;
        cur = found;
      }
    }
    runOut.reverse();
    out.push(...runOut);
  }
  if (stats) stats.extensions += extensions;
  return out;
}

/** Occurrences of a byte string in the selected shards, by backward search (no length limit). */
export function countBytes(ex: Extender, pattern: Uint8Array): number {
  let total = 0;
  for (const s of ex.shards) {
    let r = ex.full(s);
    for (let p = pattern.length - 1; p >= 0 && r[1] > r[0]; p--) r = ex.extend(s, r, pattern[p]);
    if (r[1] > r[0]) total += r[1] - r[0];
  }
  return total;
}
