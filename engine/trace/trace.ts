/**
 * OLMoTrace over the byte-level FM-index: which spans of a model's response occur verbatim in the corpus,
 * and in which documents, ranked by relevance (Liu et al. 2025, adapted).
 *
 *   const index = openFmIndex("data/index/flexmix-mini");
 *   const result = traceText(index, { response, prompt, domains: ["creative"] });
 *   result.spans, result.regions, result.documents, result.coverage
 *
 * Steps: (1) word tokens (tokens.ts); (2) maximal spans by backward search, cut at delimiters, not contained
 * in another, at least `minSpanWords` words (spans.ts); (3) the ceil(d x L) rarest spans (sum over their
 * words of log(count(word) / corpus words)), back in text order; (4) up to 10 documents per span (a
 * fixed-seed sample when more occur), each with ~40 words of context either side; (5) overlapping spans
 * merged into regions, documents de-duplicated; (6) BM25 of each document (its snippets) against prompt +
 * response, / (0.18 x response characters), clipped to [0, 1]: high >= 0.7, medium >= 0.5, else low; a
 * span's level is its best document's; (7) coverage: share of response characters inside maximal spans.
 */

import type { DocWindow, FmIndex } from "../fm/index";
import { mulberry32 as prng } from "../random";
import { bm25Scores, corpusIdf, normalizeRelevance, type RelevanceLevel, relevanceLevel } from "./bm25";
import { TraceError } from "./errors";
import { countBytes, type Extender, maximalSpans, type RawSpan } from "./spans";
import { terms, tokenize } from "./tokens";

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
export function shardsFor(index: FmIndex, domains: readonly string[]): number[] {
  return index.shards.filter((s) => domains.length === 0 || domains.includes(s.domain)).map((s) => s.index);
}

/** Backward search over an FmIndex's chosen shards. */
export function fmExtender(index: FmIndex, shards: readonly number[]): Extender {
  const fulls = index.startRanges();
  return {
    shards,
    full: (s) => fulls[s],
    extend: (s, r, b) => index.extendLeft(s, r, b),
  };
}

/** Corpus word count estimate (whitespace runs ~ spaces + newlines), per index and shard set. */
const corpusWordCache = new WeakMap<FmIndex, Map<string, number>>();
function corpusWords(index: FmIndex, ex: Extender): number {
  let m = corpusWordCache.get(index);
  if (!m) {
    m = new Map();
    corpusWordCache.set(index, m);
  }
  const key = ex.shards.join(",");
  let n = m.get(key);
  if (n === undefined) {
    n = Math.max(1, countBytes(ex, new Uint8Array([0x20])) + countBytes(ex, new Uint8Array([0x0a])));
    m.set(key, n);
  }
  return n;
}

/** 32-bit FNV-1a of bytes. */
function fnv1a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
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

/** Runs a whole trace on an in-process index. Throws TraceError for bad input. */
export function traceText(index: FmIndex, input: TraceInput): TraceResult {
  const t0 = performance.now();
  const settings = validateTraceInput(input, index.domains);
  const response = input.response;
  const prompt = input.prompt ?? "";

  // 1. Tokens.
  const tok = tokenize(response);
  const t1 = performance.now();

  // 2. Maximal spans.
  const shards = shardsFor(index, settings.domains);
  const ex = fmExtender(index, shards);
  const stats = { extensions: 0 };
  const tokenRows: Parameters<typeof maximalSpans>[3] = new Map();
  const maximal = maximalSpans(tok, ex, stats, tokenRows).filter((s) => s.words >= settings.minSpanWords);
  const t2 = performance.now();

  // 3. Rarity filter: the ceil(d L) lowest sums of log unigram probabilities, back in text order.
  const total = corpusWords(index, ex);
  const wordCount = new Map<string, number>();
  const encoder = new TextEncoder();
  const logProb = (w: string): number => {
    let c = wordCount.get(w);
    if (c === undefined) {
      const rows = tokenRows.get(w);
      if (rows !== undefined) {
        c = 0;
        if (rows) for (let k = 0; k < rows.lo.length; k++) c += rows.hi[k] - rows.lo[k];
      } else c = countBytes(ex, encoder.encode(w));
      c = Math.max(1, c);
      wordCount.set(w, c);
    }
    return Math.log(c / total);
  };
  const scored = maximal.map((s, k) => {
    let rarity = 0;
    for (let i = s.first; i <= s.last; i++) if (tok.tokens[i].word) rarity += logProb(tok.tokens[i].text);
    return { s, k, rarity };
  });
  const keep = Math.ceil(settings.spanDensity * tok.words);
  const kept = [...scored]
    .sort((a, b) => a.rarity - b.rarity || a.k - b.k)
    .slice(0, keep)
    .sort((a, b) => a.k - b.k);
  const t3 = performance.now();

  // 4. Documents: up to maxDocsPerSpan distinct documents per span, de-duplicated across spans.
  const docs: TraceDocument[] = [];
  const docByKey = new Map<string, TraceDocument>();
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
  for (const span of spans) {
    const raw = kept[span.id].s;
    for (const row of pickRows(raw, tok.bytes, settings.maxDocsPerSpan, index)) {
      const win = index.getDocByPosition(row.shard, row.position, {
        length: raw.byteEnd - raw.byteStart,
        maxContextBytes: ctxBytes,
      });
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
    }
  }
  const t4 = performance.now();

  // 6. Relevance (BM25 over the retrieved documents' snippets).
  const chars = codePoints(response);
  const query = terms(prompt ? `${prompt}\n${response}` : response);
  // idf over the whole searched index (N documents; n estimated by the term's occurrence count), not over
  // the handful of retrieved documents: with a short response only 2-3 documents are retrieved and their
  // own idf would make every score tiny.
  const totalDocs = shards.reduce((n, s) => n + index.shards[s].docs, 0);
  const termCount = new Map<string, number>();
  const idf = (q: string): number => {
    let c = termCount.get(q);
    if (c === undefined) {
      c = countBytes(ex, encoder.encode(q));
      termCount.set(q, c);
    }
    return corpusIdf(c, totalDocs);
  };
  const scores = bm25Scores(
    query,
    docs.map((d) => terms(d.snippets.map((s) => s.text).join("\n"))),
    { idf },
  );
  docs.forEach((d, i) => {
    d.bm25 = scores[i];
    d.relevance = normalizeRelevance(scores[i], chars);
    d.level = relevanceLevel(d.relevance);
  });
  for (const span of spans) {
    for (const id of span.documents) span.relevance = Math.max(span.relevance, docs[id].relevance);
    span.level = relevanceLevel(span.relevance);
  }

  // 5. Regions: overlapping spans merged (spans are in text order, starts increasing).
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

  // Documents best first; ids are renumbered so that id = position in the list.
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
  const t5 = performance.now();

  // 7. Coverage.
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
      extensions: stats.extensions,
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

/**
 * Rows to show for a span: all when at most `max` distinct documents could occur, else a sample drawn with a
 * PRNG seeded by SAMPLE_SEED and the span's bytes, skipping documents already taken (at most 4 x max draws).
 */
function pickRows(
  span: RawSpan,
  bytes: Uint8Array,
  max: number,
  index: FmIndex,
): { shard: number; position: number; docIndex: number }[] {
  const out: { shard: number; position: number; docIndex: number }[] = [];
  const seen = new Set<string>();
  const take = (g: number): void => {
    let r = g;
    for (const seg of span.rows) {
      const n = seg.hi - seg.lo;
      if (r < n) {
        const loc = index.locate(seg.shard, seg.lo + r);
        const key = `${seg.shard}/${loc.docIndex}`;
        if (!seen.has(key)) {
          seen.add(key);
          out.push({ shard: seg.shard, position: loc.position, docIndex: loc.docIndex });
        }
        return;
      }
      r -= n;
    }
  };
  if (span.count <= max) {
    for (let g = 0; g < span.count; g++) take(g);
    return out;
  }
  const rand = prng(fnv1a(bytes.subarray(span.byteStart, span.byteEnd), SAMPLE_SEED));
  const drawn = new Set<number>();
  for (let tries = 0; tries < 4 * max && out.length < max && drawn.size < span.count; tries++) {
    const g = Math.floor(rand() * span.count);
    if (drawn.has(g)) continue;
    drawn.add(g);
    take(g);
  }
  return out;
}

export interface DocumentContext extends DocumentFacts {
  text: string;
  matchStart: number;
  matchEnd: number;
  moreBefore: boolean;
  moreAfter: boolean;
  docBytes: number;
}

/** "View document": about `words` words (default 250) either side of a match. Throws TraceError on bad input. */
export function documentContext(
  index: FmIndex,
  req: { shard: string; position: number; length: number; words?: number },
): DocumentContext {
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
  let win: ReturnType<FmIndex["getDocByPosition"]>;
  try {
    win = index.getDocByPosition(shard.index, req.position, {
      length: req.length,
      maxContextBytes: Math.min(8 * words + 16, 16_000),
    });
  } catch (e) {
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
