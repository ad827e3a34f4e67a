/**
 * Step 2 of the trace: maximal matching spans, by backward search.
 *
 * For every admissible span end e (the end of a word, or of the delimiter that closes a run) the pattern
 * text[p, e) is grown one byte to the left at a time (one FM-index extension per shard still matching);
 * the smallest word start s(e) reached while it still occurs is recorded with the BWT ranges of
 * text[s(e), e). Because occurrence is closed under taking substrings, s(e) never decreases as e grows,
 * so the extension from e stops at s(previous e): each end costs (e - s(e)) extensions at most, and no
 * pattern is searched afresh. The span starting at a word w is (w, the largest e with s(e) <= w); those
 * not contained in another are exactly the pairs (s(e), e) with e the largest end of its s(e).
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

/**
 * Maximal spans of a tokenized text (before the minimum-length filter), in text order.
 * Time O(sum over ends of (e - s(e)) * shards * H).
 */
export function maximalSpans(tok: Tokenized, ex: Extender, stats?: SpanSearchStats): RawSpan[] {
  const { tokens, bytes, runs } = tok;
  const out: RawSpan[] = [];
  let extensions = 0;
  // Word-start token at each byte offset (-1 elsewhere), for this text.
  const startTok = new Int32Array(bytes.length + 1).fill(-1);
  for (let i = 0; i < tokens.length; i++) if (tokens[i].word) startTok[tokens[i].byteStart] = i;
  const nShards = ex.shards.length;
  const lo = new Float64Array(nShards);
  const hi = new Float64Array(nShards);
  const active = new Int32Array(nShards);

  for (const run of runs) {
    let firstWord = -1;
    for (let i = run.first; i <= run.last; i++)
      if (tokens[i].word) {
        firstWord = i;
        break;
      }
    if (firstWord < 0) continue;
    // Lower bound (byte) for the start of any span ending at or after the current end.
    let bound = tokens[firstWord].byteStart;
    let pending: RawSpan | null = null;
    for (let j = firstWord; j <= run.last; j++) {
      const t = tokens[j];
      if (!(t.word || (t.delimiter && j === run.last))) continue;
      const e = t.byteEnd;
      let nActive = 0;
      for (let k = 0; k < nShards; k++) {
        const r = ex.full(ex.shards[k]);
        lo[k] = r[0];
        hi[k] = r[1];
        active[nActive++] = k;
      }
      let bestTok = -1;
      let bestRows: ShardRows[] = [];
      for (let p = e - 1; p >= bound; p--) {
        const byte = bytes[p];
        let w = 0;
        for (let a = 0; a < nActive; a++) {
          const k = active[a];
          const r = ex.extend(ex.shards[k], [lo[k], hi[k]], byte);
          extensions++;
          if (r[1] > r[0]) {
            lo[k] = r[0];
            hi[k] = r[1];
            active[w++] = k;
          }
        }
        nActive = w;
        if (nActive === 0) break;
        const st = startTok[p];
        if (st >= 0) {
          bestTok = st;
          bestRows = [];
          for (let a = 0; a < nActive; a++) {
            const k = active[a];
            bestRows.push({ shard: ex.shards[k], lo: lo[k], hi: hi[k] });
          }
        }
      }
      if (bestTok < 0) {
        // Nothing from a word start up to e occurs, so no later span can start before e.
        bound = Math.max(bound, e);
        continue;
      }
      bound = tokens[bestTok].byteStart;
      let words = 0;
      for (let i = bestTok; i <= j; i++) if (tokens[i].word) words++;
      const span: RawSpan = {
        first: bestTok,
        last: j,
        start: tokens[bestTok].start,
        end: t.end,
        byteStart: tokens[bestTok].byteStart,
        byteEnd: e,
        words,
        rows: bestRows,
        count: bestRows.reduce((s, r) => s + r.hi - r.lo, 0),
      };
      // Same start as the previous end's span: that one is contained in this one.
      if (pending && pending.first === span.first) pending = span;
      else {
        if (pending) out.push(pending);
        pending = span;
      }
    }
    if (pending) out.push(pending);
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
