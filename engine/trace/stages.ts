/**
 * The index work of a trace, as stages that run where the shards are: on the local index, or on each
 * `engine serve` process for the shards it holds (engine/serve). The trace itself (trace.ts) is a generator
 * that yields one TraceStage per step and reads the answers, so the same code runs synchronously on a local
 * index and with one batched round trip per server and stage over the network; results are identical.
 *
 * Shards are named by their position in the FmIndex the stage runs on: a shard server translates the whole
 * index's numbers to its own and back (engine/serve/server.ts).
 */

import type { DocWindow, FmIndex } from "../fm/index";
import { countBytes, type Extender, maximalSpans, type RawSpan, type State } from "./spans";
import { tokenize } from "./tokens";

/** One stage's request. */
export type TraceStage =
  /** Step 1 on some shards: their maximal spans, word counts and whitespace count (see SpanPart). */
  | { stage: "spans"; response: string; shards: number[] }
  /** Step 3: text position and document of BWT rows. */
  | { stage: "locate"; rows: { shard: number; rank: number }[] }
  /** Step 3: windows of documents around matches. */
  | {
      stage: "windows";
      windows: { shard: number; position: number; length: number; maxContextBytes: number }[];
    }
  /** Step 5: occurrences of each term (BM25's corpus idf) in some shards. */
  | { stage: "terms"; terms: string[]; shards: number[] };

/** What one group of shards says in step 1. */
export interface SpanPart {
  /** Maximal spans of the response within these shards (any length), in text order. */
  spans: RawSpan[];
  /** Occurrences of every distinct word token of the response in these shards. */
  words: Record<string, number>;
  /** Occurrences of " " and "\n" (the corpus word count estimate). */
  whitespace: number;
  /** FM-index extension steps spent. */
  extensions: number;
}

export interface LocatedRow {
  position: number;
  docIndex: number;
}

/**
 * Answers of a stage, per request kind: spans -> SpanPart[] (one per group of shards), locate ->
 * LocatedRow[] and windows -> DocWindow[] (aligned with the request), terms -> number[][] (per group).
 */
export type StageAnswer = SpanPart[] | LocatedRow[] | DocWindow[] | number[][];

/** Backward search over some shards of an FmIndex. */
export function fmExtender(index: FmIndex, shards: readonly number[]): Extender {
  const fulls = index.startRanges();
  return { shards, full: (s) => fulls[s], extend: (s, r, b) => index.extendLeft(s, r, b) };
}

/** Whitespace counts per index and shard set (they never change for an open index). */
const whitespaceCache = new WeakMap<FmIndex, Map<string, number>>();
function whitespace(index: FmIndex, ex: Extender): number {
  let m = whitespaceCache.get(index);
  if (!m) {
    m = new Map();
    whitespaceCache.set(index, m);
  }
  const key = ex.shards.join(",");
  let n = m.get(key);
  if (n === undefined) {
    n = countBytes(ex, new Uint8Array([0x20])) + countBytes(ex, new Uint8Array([0x0a]));
    m.set(key, n);
  }
  return n;
}

const encoder = new TextEncoder();

/**
 * Step 1 on one group of shards: the maximal spans of the response in these shards, and the counts the
 * span filter needs. Time O(maximal span search (spans.ts) + distinct words x word length x H x S).
 */
export function findMaximalSpans(index: FmIndex, response: string, shards: readonly number[]): SpanPart {
  const tok = tokenize(response);
  const ex = fmExtender(index, shards);
  const stats = { extensions: 0 };
  const tokenRows = new Map<string, State>();
  const spans = maximalSpans(tok, ex, stats, tokenRows);
  const words: Record<string, number> = {};
  for (const t of tok.tokens) {
    if (!t.word || words[t.text] !== undefined) continue;
    const rows = tokenRows.get(t.text);
    let c = 0;
    if (rows === undefined) c = countBytes(ex, encoder.encode(t.text));
    else if (rows) for (let k = 0; k < rows.lo.length; k++) c += rows.hi[k] - rows.lo[k];
    words[t.text] = c;
  }
  return { spans, words, whitespace: whitespace(index, ex), extensions: stats.extensions };
}

/** Runs one stage on an FmIndex. */
export function runStage(index: FmIndex, stage: TraceStage): StageAnswer {
  switch (stage.stage) {
    case "spans":
      return [findMaximalSpans(index, stage.response, stage.shards)];
    case "locate":
      return stage.rows.map((r) => {
        const loc = index.locate(r.shard, r.rank);
        return { position: loc.position, docIndex: loc.docIndex };
      });
    case "windows":
      return stage.windows.map((w) =>
        index.getDocByPosition(w.shard, w.position, {
          length: w.length,
          maxContextBytes: w.maxContextBytes,
        }),
      );
    case "terms": {
      const ex = fmExtender(index, stage.shards);
      return [stage.terms.map((t) => countBytes(ex, encoder.encode(t)))];
    }
  }
}

/** Drives a staged computation (a generator of TraceStage) to its end on a local index. */
export function runStagesSync<T>(
  steps: Generator<TraceStage, T, StageAnswer>,
  run: (stage: TraceStage) => StageAnswer,
): T {
  let next = steps.next(undefined as unknown as StageAnswer);
  while (!next.done) {
    let answer: StageAnswer;
    try {
      answer = run(next.value);
    } catch (e) {
      next = steps.throw(e);
      continue;
    }
    next = steps.next(answer);
  }
  return next.value;
}

/** Drives a staged computation whose stages are answered asynchronously (e.g. by shard servers). */
export async function runStages<T>(
  steps: Generator<TraceStage, T, StageAnswer>,
  run: (stage: TraceStage) => Promise<StageAnswer>,
): Promise<T> {
  let next = steps.next(undefined as unknown as StageAnswer);
  while (!next.done) {
    let answer: StageAnswer;
    try {
      answer = await run(next.value);
    } catch (e) {
      next = steps.throw(e);
      continue;
    }
    next = steps.next(answer);
  }
  return next.value;
}
