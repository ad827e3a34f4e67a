/**
 * OLMoTrace over the byte-level FM-index: which spans of a model's response occur verbatim in the corpus,
 * and in which documents, ranked by relevance (Liu et al. 2025, adapted).
 *
 *   const index = openFmIndex("data/index/flexmix-mini");
 *   const result = traceText(index, { response, prompt, domains: ["creative"] });
 *   result.spans, result.regions, result.documents, result.coverage
 *
 * `traceSteps` runs the paper's steps, one function each, after tokenizing the response into words
 * (tokens.ts):
 *   1. `findMaximalSpans`: maximal spans by backward search, cut at delimiters, not contained in another
 *      (spans.ts, run on each group of shards by stages.ts's `findMaximalSpans`; `mergeMaximalSpans` joins the groups),
 *      at least `minSpanWords` words;
 *   2. `filterLongUniqueSpans`: the ceil(d x L) spans of lowest unigram probability (sum over their words of
 *      log(count(word) / corpus words)), back in text order;
 *   3. `retrieveEnclosingDocuments`: up to 10 documents per span (a fixed-seed sample when more occur), each
 *      with ~40 words of context either side (`collectDocuments`);
 *   4. `mergeSpansAndDocuments`: overlapping spans merged into regions, documents de-duplicated;
 *   5. `rankDocumentsByRelevance`: BM25 of each document (its snippets) against prompt + response,
 *      / (0.18 x response characters), clipped to [0, 1]: high >= 0.7, medium >= 0.5, else low; a span's
 *      level is its best document's;
 * and `coverageShare`: the share of response characters inside maximal spans.
 * Each index access is a yielded TraceStage (stages.ts), answered by a local index (`traceText`) or by
 * shard servers (engine/serve/client.ts) in one batched round trip per server.
 */

import type { DocWindow, FmIndex, ShardInfo } from "../fm/index";
import { fnv1a, mulberry32 as prng } from "../random";
import { bm25Scores, corpusIdf, normalizeRelevance, type RelevanceLevel, relevanceLevel } from "./bm25";
import { TraceError } from "./errors";
import type { RawSpan } from "./spans";
import {
  type LocatedRow,
  runStage,
  runStagesSync,
  type SpanPart,
  type StageAnswer,
  type TraceStage,
} from "./stages";
import { type Tokenized, terms, tokenize } from "./tokens";

export const MAX_TRACE_CHARS = 20_000;
export const DEFAULT_SPAN_DENSITY = 0.05;
export const DEFAULT_MIN_SPAN_WORDS = 2;
export const DEFAULT_MAX_DOCS_PER_SPAN = 10;
export const SNIPPET_WORDS = 40;
export const CONTEXT_WORDS = 250;
/** Fixed seed of the document sample (mixed with a hash of the span's bytes). */
export const SAMPLE_SEED = 0x5eed;

export interface TraceInput {
  response: string;
  prompt?: string | null;
  /** Corpus domains to search; empty or absent means all. */
  domains?: string[] | null;
  spanDensity?: number | null;
  minSpanWords?: number | null;
  maxDocsPerSpan?: number | null;
}

export interface TraceSettings {
  domains: string[];
  spanDensity: number;
  minSpanWords: number;
  maxDocsPerSpan: number;
  snippetWords: number;
}

export interface TraceSnippet {
  /** The span this snippet shows. */
  span: number;
  text: string;
  /** The matched text in `text`, UTF-16 offsets [matchStart, matchEnd). */
  matchStart: number;
  matchEnd: number;
  /** Byte position of the match in its shard's text and its byte length (for "view document"). */
  position: number;
  length: number;
  /** True when the document continues before / after the snippet. */
  moreBefore: boolean;
  moreAfter: boolean;
}

/** Which corpus document a match is in, and what its metadata says of it. */
export interface DocumentFacts {
  shard: string;
  domain: string;
  docIndex: number;
  /** The corpus document id. */
  docId: string;
  title: string | null;
  source: string | null;
  license: string | null;
  url: string | null;
}

/** DocumentFacts of the document a window of the index comes from. */
function documentFacts(win: DocWindow): DocumentFacts {
  return {
    shard: win.shard,
    domain: win.domain,
    docIndex: win.docIndex,
    docId: win.id,
    title: metaString(win.meta, "title"),
    source: metaString(win.meta, "source"),
    license: metaString(win.meta, "license"),
    url: metaString(win.meta, "url"),
  };
}

export interface TraceDocument extends DocumentFacts {
  id: number;
  meta: Record<string, unknown>;
  /** Bytes of the whole document. */
  docBytes: number;
  bm25: number;
  /** bm25 / (0.18 x response characters), clipped to [0, 1]. */
  relevance: number;
  level: RelevanceLevel;
  /** Spans found in this document, with one snippet each. */
  spans: number[];
  snippets: TraceSnippet[];
}

export interface TraceSpan {
  id: number;
  /** UTF-16 offsets into the response. */
  start: number;
  end: number;
  text: string;
  words: number;
  /** Occurrences in the searched shards. */
  count: number;
  /** Sum over its words of log(count(word) / corpus words); lower is rarer. */
  rarity: number;
  /** Documents shown for it (ids into `documents`). */
  documents: number[];
  relevance: number;
  level: RelevanceLevel;
  region: number;
}

export interface TraceRegion {
  id: number;
  start: number;
  end: number;
  spans: number[];
  documents: number[];
  level: RelevanceLevel;
}

export interface TraceTimings {
  tokenize: number;
  spans: number;
  filter: number;
  documents: number;
  bm25: number;
  total: number;
}

export interface TraceResult {
  version: 1;
  settings: TraceSettings;
  /** Response characters (code points) and word tokens (L). */
  chars: number;
  words: number;
  spans: TraceSpan[];
  regions: TraceRegion[];
  /** Sorted by relevance, best first. */
  documents: TraceDocument[];
  coverage: {
    /** Share of response characters inside any maximal span of at least minSpanWords words. */
    all: number;
    /** Share inside the spans kept by the density filter (the highlighted ones). */
    shown: number;
  };
  stats: { maximalSpans: number; keptSpans: number; extensions: number; documents: number };
  timings: TraceTimings;
}

/** Code points in a string. */
function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= s.length) n++;
    else {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      n++;
    }
  }
  return n;
}

/**
 * Checks a trace request and fills in defaults. Throws TraceError: EMPTY_TEXT (400), TEXT_TOO_LONG (413),
 * UNKNOWN_DOMAIN (400), BAD_SETTING (400).
 */
export function validateTraceInput(input: TraceInput, knownDomains: readonly string[]): TraceSettings {
  if (typeof input.response !== "string" || input.response.trim() === "") {
    throw new TraceError("EMPTY_TEXT", "The response to trace is empty. Paste some text first.");
  }
  const n = codePoints(input.response);
  if (n > MAX_TRACE_CHARS) {
    throw new TraceError(
      "TEXT_TOO_LONG",
      `The response is ${n.toLocaleString("en")} characters; the limit is ${MAX_TRACE_CHARS.toLocaleString("en")} characters.`,
    );
  }
  if (input.prompt != null) {
    const p = codePoints(input.prompt);
    if (p > MAX_TRACE_CHARS) {
      throw new TraceError(
        "TEXT_TOO_LONG",
        `The prompt is ${p.toLocaleString("en")} characters; the limit is ${MAX_TRACE_CHARS.toLocaleString("en")} characters.`,
      );
    }
  }
  const domains = [...new Set(input.domains ?? [])];
  for (const d of domains) {
    if (!knownDomains.includes(d)) {
      throw new TraceError("UNKNOWN_DOMAIN", `Unknown domain "${d}" (known: ${knownDomains.join(", ")}).`);
    }
  }
  const spanDensity = input.spanDensity ?? DEFAULT_SPAN_DENSITY;
  if (!Number.isFinite(spanDensity) || spanDensity <= 0 || spanDensity > 1) {
    throw new TraceError("BAD_SETTING", "spanDensity must be a number in (0, 1].");
  }
  const minSpanWords = input.minSpanWords ?? DEFAULT_MIN_SPAN_WORDS;
  if (!Number.isInteger(minSpanWords) || minSpanWords < 1 || minSpanWords > 100) {
    throw new TraceError("BAD_SETTING", "minSpanWords must be a whole number from 1 to 100.");
  }
  const maxDocsPerSpan = input.maxDocsPerSpan ?? DEFAULT_MAX_DOCS_PER_SPAN;
  if (!Number.isInteger(maxDocsPerSpan) || maxDocsPerSpan < 1 || maxDocsPerSpan > 100) {
    throw new TraceError("BAD_SETTING", "maxDocsPerSpan must be a whole number from 1 to 100.");
  }
  return { domains, spanDensity, minSpanWords, maxDocsPerSpan, snippetWords: SNIPPET_WORDS };
}

/** Shard numbers of the chosen domains (all for none). */
export function shardsFor(shards: readonly ShardInfo[], domains: readonly string[]): number[] {
  return shards.filter((s) => domains.length === 0 || domains.includes(s.domain)).map((s) => s.index);
}

/** What a trace needs to know of the whole index, wherever its shards are. */
export interface TraceIndexInfo {
  domains: readonly string[];
  shards: readonly ShardInfo[];
}

/**
 * Step 1 after the shards answered: the maximal spans of the whole selection from those of each group of
 * shards. A span maximal over all shards occurs in some group and is maximal there (a longer span found in
 * that group would occur overall), so it is in that group's list; every group where it occurs lists it too,
 * which gives its count and rows. Spans contained in another group's span are dropped. Time O(n log n).
 */
export function mergeMaximalSpans(parts: readonly SpanPart[]): RawSpan[] {
  if (parts.length === 1) return parts[0].spans;
  const byKey = new Map<string, RawSpan>();
  for (const part of parts) {
    for (const s of part.spans) {
      const key = `${s.first}:${s.last}`;
      const had = byKey.get(key);
      if (had) byKey.set(key, { ...had, rows: [...had.rows, ...s.rows], count: had.count + s.count });
      else byKey.set(key, s);
    }
  }
  const all = [...byKey.values()].sort((a, b) => a.first - b.first || b.last - a.last);
  const out: RawSpan[] = [];
  let reach = -1;
  for (const s of all) {
    if (s.last <= reach) continue; // contained in a span starting at or before it
    reach = s.last;
    out.push(s.rows.length > 1 ? { ...s, rows: [...s.rows].sort((a, b) => a.shard - b.shard) } : s);
  }
  return out;
}

/**
 * Step 2, "filter to keep long and unique spans": the ceil(d x L) spans with the lowest span unigram
 * probability (sum over their words of log(count(word) / corpus words)), back in text order.
 */
export function filterLongUniqueSpans(
  maximal: readonly RawSpan[],
  tok: Tokenized,
  parts: readonly SpanPart[],
  spanDensity: number,
): { s: RawSpan; k: number; rarity: number }[] {
  const total = Math.max(
    1,
    parts.reduce((n, p) => n + p.whitespace, 0),
  );
  const wordCount = (w: string) =>
    Math.max(
      1,
      parts.reduce((n, p) => n + (p.words[w] ?? 0), 0),
    );
  const scored = maximal.map((s, k) => {
    let rarity = 0;
    for (let i = s.first; i <= s.last; i++)
      if (tok.tokens[i].word) rarity += Math.log(wordCount(tok.tokens[i].text) / total);
    return { s, k, rarity };
  });
  const keep = Math.ceil(spanDensity * tok.words);
  return [...scored]
    .sort((a, b) => a.rarity - b.rarity || a.k - b.k)
    .slice(0, keep)
    .sort((a, b) => a.k - b.k);
}

/**
 * The occurrences (numbered 0..count-1 across the span's rows) to try for a span's documents, in order: all
 * when at most `max` occur, else a sample drawn with a PRNG seeded by SAMPLE_SEED and the span's bytes (at
 * most 4 x max draws, repeats skipped).
 */
function occurrenceOrder(span: RawSpan, bytes: Uint8Array, max: number): number[] {
  if (span.count <= max) return Array.from({ length: span.count }, (_, g) => g);
  const rand = prng(fnv1a(bytes.subarray(span.byteStart, span.byteEnd), SAMPLE_SEED));
  const drawn = new Set<number>();
  const order: number[] = [];
  for (let tries = 0; tries < 4 * max && drawn.size < span.count; tries++) {
    const g = Math.floor(rand() * span.count);
    if (drawn.has(g)) continue;
    drawn.add(g);
    order.push(g);
  }
  return order;
}

/** The shard and row of the g-th occurrence of a span. */
function occurrenceRow(span: RawSpan, g: number): { shard: number; rank: number } {
  let r = g;
  for (const seg of span.rows) {
    if (r < seg.hi - seg.lo) return { shard: seg.shard, rank: seg.lo + r };
    r -= seg.hi - seg.lo;
  }
  throw new Error(`occurrence ${g} is past the span's ${span.count}`);
}

interface PickedRow {
  shard: number;
  position: number;
  docIndex: number;
}

/**
 * Step 3, "retrieve enclosing documents": up to `max` distinct documents per span, trying occurrences in
 * `occurrenceOrder` and skipping documents already taken. The occurrences are located in rounds, all spans
 * at once: each round asks, per span, for as many more as it still lacks documents (so exactly the
 * occurrences a one-by-one walk would locate), usually one round, rarely two or three.
 */
function* retrieveEnclosingDocuments(
  kept: readonly { s: RawSpan }[],
  bytes: Uint8Array,
  max: number,
): Generator<TraceStage, PickedRow[][], StageAnswer> {
  const orders = kept.map(({ s }) => occurrenceOrder(s, bytes, max));
  const sampled = kept.map(({ s }) => s.count > max);
  const next = kept.map(() => 0);
  const picked: PickedRow[][] = kept.map(() => []);
  const seen = kept.map(() => new Set<string>());
  for (;;) {
    const want: { span: number; g: number }[] = [];
    orders.forEach((order, i) => {
      const more = sampled[i] ? max - picked[i].length : order.length;
      for (let k = 0; k < more && next[i] < order.length; k++) want.push({ span: i, g: order[next[i]++] });
    });
    if (want.length === 0) return picked;
    const rows = want.map(({ span, g }) => occurrenceRow(kept[span].s, g));
    const located = (yield { stage: "locate", rows }) as LocatedRow[];
    want.forEach(({ span }, k) => {
      if (sampled[span] && picked[span].length >= max) return;
      const key = `${rows[k].shard}/${located[k].docIndex}`;
      if (seen[span].has(key)) return;
      seen[span].add(key);
      picked[span].push({ shard: rows[k].shard, ...located[k] });
    });
  }
}

/**
 * Keeps about `words` whitespace-separated words of `before` (its end) and of `after` (its start).
 * Returns the kept parts and whether anything was cut.
 */
export function trimContext(
  before: string,
  after: string,
  words: number,
): { before: string; after: string; cutBefore: boolean; cutAfter: boolean } {
  let i = before.length;
  let seen = 0;
  let inWord = false;
  while (i > 0) {
    const space = /\s/.test(before[i - 1]);
    if (!space && !inWord) {
      if (seen === words) break;
      seen++;
    }
    inWord = !space;
    i--;
  }
  let j = 0;
  seen = 0;
  inWord = false;
  while (j < after.length) {
    const space = /\s/.test(after[j]);
    if (!space && !inWord) {
      if (seen === words) break;
      seen++;
    }
    inWord = !space;
    j++;
  }
  // Do not split a surrogate pair at the cut.
  if (i > 0 && i < before.length && /[\udc00-\udfff]/.test(before[i])) i--;
  if (j > 0 && j < after.length && /[\udc00-\udfff]/.test(after[j])) j++;
  const b = i > 0 ? before.slice(i).replace(/^\s+/, "") : before.slice(i);
  const a = j < after.length ? after.slice(0, j).replace(/\s+$/, "") : after;
  return { before: b, after: a, cutBefore: i > 0, cutAfter: j < after.length };
}

const metaString = (meta: Record<string, unknown>, key: string): string | null =>
  typeof meta[key] === "string" ? (meta[key] as string) : null;

/** Bytes of context fetched per side for `words` words (trimmed to the words afterwards). */
function contextBytes(words: number): number {
  return Math.min(6 * words + 24, 4000);
}

/** The spans of the result (ids in text order) and their documents, each with one snippet per span found. */
function* collectDocuments(
  response: string,
  kept: readonly { s: RawSpan; rarity: number }[],
  picked: readonly PickedRow[][],
  settings: TraceSettings,
): Generator<TraceStage, { spans: TraceSpan[]; docs: TraceDocument[] }, StageAnswer> {
  const spans: TraceSpan[] = kept.map(({ s, rarity }, id) => ({
    id,
    start: s.start,
    end: s.end,
    text: response.slice(s.start, s.end),
    words: s.words,
    count: s.count,
    rarity,
    documents: [],
    relevance: 0,
    level: "low" as RelevanceLevel,
    region: -1,
  }));
  const ctxBytes = contextBytes(settings.snippetWords);
  const asks = picked.flatMap((rows, span) => rows.map((row) => ({ span, row })));
  const windows = (yield {
    stage: "windows",
    windows: asks.map(({ span, row }) => ({
      shard: row.shard,
      position: row.position,
      length: kept[span].s.byteEnd - kept[span].s.byteStart,
      maxContextBytes: ctxBytes,
    })),
  }) as DocWindow[];
  const docs: TraceDocument[] = [];
  const docByKey = new Map<string, TraceDocument>();
  asks.forEach(({ span: id, row }, k) => {
    const span = spans[id];
    const raw = kept[id].s;
    const win = windows[k];
    const key = `${row.shard}/${win.docIndex}`;
    let doc = docByKey.get(key);
    if (!doc) {
      doc = {
        id: docs.length,
        ...documentFacts(win),
        meta: win.meta,
        docBytes: win.docBytes,
        bm25: 0,
        relevance: 0,
        level: "low",
        spans: [],
        snippets: [],
      };
      docs.push(doc);
      docByKey.set(key, doc);
    }
    const cut = trimContext(
      win.text.slice(0, win.matchStart),
      win.text.slice(win.matchEnd),
      settings.snippetWords,
    );
    const match = win.text.slice(win.matchStart, win.matchEnd);
    doc.spans.push(span.id);
    doc.snippets.push({
      span: span.id,
      text: cut.before + match + cut.after,
      matchStart: cut.before.length,
      matchEnd: cut.before.length + match.length,
      position: row.position,
      length: raw.byteEnd - raw.byteStart,
      moreBefore: cut.cutBefore || win.windowStart > 0,
      moreAfter: cut.cutAfter || win.windowEnd < win.docBytes,
    });
    span.documents.push(doc.id);
  });
  return { spans, docs };
}

/**
 * Step 5, "rerank and color documents by relevance": BM25 of each document's snippets against prompt +
 * response, with idf over the whole searched index (N documents; n estimated by the term's occurrence
 * count, one batched stage), not over the handful of retrieved documents (with a short response only 2-3
 * are retrieved and their own idf would make every score tiny); normalised by response length into
 * high / medium / low. A span's relevance is its best document's.
 */
function* rankDocumentsByRelevance(
  docs: TraceDocument[],
  spans: TraceSpan[],
  query: readonly string[],
  chars: number,
  totalDocs: number,
  shards: number[],
): Generator<TraceStage, void, StageAnswer> {
  if (docs.length > 0) {
    const distinct = [...new Set(query)];
    const parts = (yield { stage: "terms", terms: distinct, shards }) as number[][];
    const termCount = new Map(distinct.map((t, i) => [t, parts.reduce((n, p) => n + p[i], 0)]));
    const scores = bm25Scores(
      query,
      docs.map((d) => terms(d.snippets.map((s) => s.text).join("\n"))),
      { idf: (q) => corpusIdf(termCount.get(q) ?? 0, totalDocs) },
    );
    docs.forEach((d, i) => {
      d.bm25 = scores[i];
      d.relevance = normalizeRelevance(scores[i], chars);
      d.level = relevanceLevel(d.relevance);
    });
  }
  for (const span of spans) {
    for (const id of span.documents) span.relevance = Math.max(span.relevance, docs[id].relevance);
    span.level = relevanceLevel(span.relevance);
  }
}

/**
 * Step 4, "merge spans and documents": overlapping spans (in text order, starts increasing) merged into
 * regions, each with the documents of its spans; then documents best first, renumbered so that id =
 * position in the list.
 */
function mergeSpansAndDocuments(
  spans: TraceSpan[],
  docs: TraceDocument[],
): { regions: TraceRegion[]; documents: TraceDocument[] } {
  const regions: TraceRegion[] = [];
  for (const span of spans) {
    const last = regions[regions.length - 1];
    if (last && span.start < last.end) {
      last.end = Math.max(last.end, span.end);
      last.spans.push(span.id);
    } else
      regions.push({
        id: regions.length,
        start: span.start,
        end: span.end,
        spans: [span.id],
        documents: [],
        level: "low",
      });
    span.region = regions[regions.length - 1].id;
  }
  for (const r of regions) {
    const ids = new Set<number>();
    let best = 0;
    for (const sid of r.spans) {
      for (const d of spans[sid].documents) ids.add(d);
      best = Math.max(best, spans[sid].relevance);
    }
    r.documents = [...ids];
    r.level = relevanceLevel(best);
  }
  const order = docs
    .map((d) => d.id)
    .sort((a, b) => docs[b].relevance - docs[a].relevance || docs[b].bm25 - docs[a].bm25 || a - b);
  const newId = new Int32Array(docs.length);
  order.forEach((old, k) => {
    newId[old] = k;
  });
  const documents = order.map((old, k) => ({ ...docs[old], id: k }));
  for (const s of spans) s.documents = s.documents.map((d) => newId[d]).sort((a, b) => a - b);
  for (const r of regions) r.documents = r.documents.map((d) => newId[d]).sort((a, b) => a - b);
  return { regions, documents };
}

/**
 * A whole trace as stages (see stages.ts): yields each request to the shards and reads their answers.
 * Throws TraceError for bad input.
 */
export function* traceSteps(
  index: TraceIndexInfo,
  input: TraceInput,
): Generator<TraceStage, TraceResult, StageAnswer> {
  const t0 = performance.now();
  const settings = validateTraceInput(input, index.domains);
  const response = input.response;
  const prompt = input.prompt ?? "";
  const tok = tokenize(response);
  const t1 = performance.now();

  const shards = shardsFor(index.shards, settings.domains);
  const parts = (yield { stage: "spans", response, shards }) as SpanPart[];
  const maximal = mergeMaximalSpans(parts).filter((s) => s.words >= settings.minSpanWords);
  const t2 = performance.now();

  const kept = filterLongUniqueSpans(maximal, tok, parts, settings.spanDensity);
  const t3 = performance.now();

  const picked = yield* retrieveEnclosingDocuments(kept, tok.bytes, settings.maxDocsPerSpan);
  const { spans, docs } = yield* collectDocuments(response, kept, picked, settings);
  const t4 = performance.now();

  const chars = codePoints(response);
  const query = terms(prompt ? `${prompt}\n${response}` : response);
  const totalDocs = shards.reduce((n, s) => n + index.shards[s].docs, 0);
  yield* rankDocumentsByRelevance(docs, spans, query, chars, totalDocs, shards);
  const { regions, documents } = mergeSpansAndDocuments(spans, docs);
  const t5 = performance.now();

  const coverage = {
    all: coverageShare(response, maximal),
    shown: coverageShare(
      response,
      kept.map((k) => k.s),
    ),
  };
  return {
    version: 1,
    settings,
    chars,
    words: tok.words,
    spans,
    regions,
    documents,
    coverage,
    stats: {
      maximalSpans: maximal.length,
      keptSpans: spans.length,
      extensions: parts.reduce((n, p) => n + p.extensions, 0),
      documents: documents.length,
    },
    timings: {
      tokenize: t1 - t0,
      spans: t2 - t1,
      filter: t3 - t2,
      documents: t4 - t3,
      bm25: t5 - t4,
      total: performance.now() - t0,
    },
  };
}

/** Runs a whole trace on an in-process index. Throws TraceError for bad input. */
export function traceText(index: FmIndex, input: TraceInput): TraceResult {
  return runStagesSync(traceSteps(index, input), (stage) => runStage(index, stage));
}

/** Share of the text's code points inside the given spans. */
export function coverageShare(text: string, spans: readonly { start: number; end: number }[]): number {
  const covered = new Uint8Array(text.length);
  for (const s of spans) covered.fill(1, s.start, s.end);
  let all = 0;
  let inside = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const p = text.charCodeAt(i - 1);
      if (p >= 0xd800 && p <= 0xdbff) continue;
    }
    all++;
    if (covered[i]) inside++;
  }
  return all === 0 ? 0 : inside / all;
}

export interface DocumentContext extends DocumentFacts {
  text: string;
  matchStart: number;
  matchEnd: number;
  moreBefore: boolean;
  moreAfter: boolean;
  docBytes: number;
}

export interface ContextRequest {
  shard: string;
  position: number;
  length: number;
  words?: number;
}

/** "View document" as a stage: about `words` words (default 250) either side of a match. Throws TraceError. */
export function* contextSteps(
  index: TraceIndexInfo,
  req: ContextRequest,
): Generator<TraceStage, DocumentContext, StageAnswer> {
  const shard = index.shards.find((s) => s.name === req.shard);
  if (!shard) throw new TraceError("UNKNOWN_SHARD", `Unknown shard "${req.shard}".`);
  const words = Math.max(1, Math.min(1000, Math.floor(req.words ?? CONTEXT_WORDS)));
  if (
    !Number.isInteger(req.position) ||
    req.position < 0 ||
    !Number.isInteger(req.length) ||
    req.length < 0
  ) {
    throw new TraceError("BAD_POSITION", "position and length must be whole numbers >= 0.");
  }
  let win: DocWindow;
  try {
    [win] = (yield {
      stage: "windows",
      windows: [
        {
          shard: shard.index,
          position: req.position,
          length: req.length,
          maxContextBytes: Math.min(8 * words + 16, 16_000),
        },
      ],
    }) as DocWindow[];
  } catch (e) {
    if ((e as { code?: string }).code !== "POSITION_OUT_OF_RANGE") throw e;
    throw new TraceError("BAD_POSITION", (e as Error).message);
  }
  const cut = trimContext(win.text.slice(0, win.matchStart), win.text.slice(win.matchEnd), words);
  const match = win.text.slice(win.matchStart, win.matchEnd);
  return {
    ...documentFacts(win),
    text: cut.before + match + cut.after,
    matchStart: cut.before.length,
    matchEnd: cut.before.length + match.length,
    moreBefore: cut.cutBefore || win.windowStart > 0,
    moreAfter: cut.cutAfter || win.windowEnd < win.docBytes,
    docBytes: win.docBytes,
  };
}

/** "View document" on an in-process index (see contextSteps). */
export function documentContext(index: FmIndex, req: ContextRequest): DocumentContext {
  return runStagesSync(contextSteps(index, req), (stage) => runStage(index, stage));
}
