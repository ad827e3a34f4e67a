/**
 * Okapi BM25 (Robertson & Zaragoza 2009) over a small collection: the documents a trace retrieved.
 *
 *   score(D, Q) = sum over query terms q (repeats count) of
 *                 idf(q) * f(q, D) * (k1 + 1) / (f(q, D) + k1 * (1 - b + b * |D| / avgdl))
 *   idf(q)      = ln(1 + (N - n(q) + 0.5) / (n(q) + 0.5))      (always positive, Lucene's form)
 *
 * N = documents in the collection, n(q) = documents containing q, |D| = terms in D, avgdl = mean |D|.
 * The trace passes its own idf, estimated over the whole searched index (see trace.ts).
 */

/** idf from a corpus of N documents in which a term occurs n times (n capped at N). */
export function corpusIdf(n: number, N: number): number {
  const m = Math.min(Math.max(0, n), N);
  return Math.log(1 + (N - m + 0.5) / (m + 0.5));
}

export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

/**
 * BM25 score of each document (a list of terms) against the query terms. `idf` replaces the collection's
 * own idf (e.g. one estimated over a whole corpus). Time O(sum |D| + |Q| * N).
 */
export function bm25Scores(
  query: readonly string[],
  docs: readonly (readonly string[])[],
  opts: { k1?: number; b?: number; idf?: (term: string) => number } = {},
) {
  const k1 = opts.k1 ?? BM25_K1;
  const b = opts.b ?? BM25_B;
  const N = docs.length;
  if (N === 0) return [];
  const tfs = docs.map((d) => {
    const m = new Map<string, number>();
    for (const t of d) m.set(t, (m.get(t) ?? 0) + 1);
    return m;
  });
  const avgdl = docs.reduce((s, d) => s + d.length, 0) / N || 1;
  const idf = new Map<string, number>();
  for (const q of query) {
    if (idf.has(q)) continue;
    if (opts.idf) {
      idf.set(q, opts.idf(q));
      continue;
    }
    let n = 0;
    for (const tf of tfs) if (tf.has(q)) n++;
    idf.set(q, Math.log(1 + (N - n + 0.5) / (n + 0.5)));
  }
  return docs.map((d, i) => {
    const tf = tfs[i];
    const norm = k1 * (1 - b + (b * d.length) / avgdl);
    let s = 0;
    for (const q of query) {
      const f = tf.get(q);
      if (f) s += (idf.get(q)! * f * (k1 + 1)) / (f + norm);
    }
    return s;
  });
}

export type RelevanceLevel = "high" | "medium" | "low";

/** OLMoTrace's normalisation: score / (0.18 * response characters), clipped to [0, 1]. */
export function normalizeRelevance(score: number, responseChars: number): number {
  if (responseChars <= 0) return 0;
  return Math.min(1, Math.max(0, score / (0.18 * responseChars)));
}

/** Lowest normalised relevance of a "high" document (OLMoTrace's colouring). */
export const RELEVANCE_HIGH = 0.7;
/** Lowest normalised relevance of a "medium" document. */
export const RELEVANCE_MEDIUM = 0.5;

/** high >= RELEVANCE_HIGH, medium >= RELEVANCE_MEDIUM, low otherwise. */
export function relevanceLevel(relevance: number): RelevanceLevel {
  return relevance >= RELEVANCE_HIGH ? "high" : relevance >= RELEVANCE_MEDIUM ? "medium" : "low";
}

export const LEVEL_RANK: Record<RelevanceLevel, number> = { high: 2, medium: 1, low: 0 };
