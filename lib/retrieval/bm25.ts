/**
 * Okapi BM25 over tokenised documents, with Lucene's non-negative idf:
 *
 *   score(d, q) = sum over distinct query terms t in d of
 *     idf(t) * tf(t, d) * (k1 + 1) / (tf(t, d) + k1 * (1 - b + b * |d| / avgdl)),
 *   idf(t) = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5)),
 *
 * with k1 = 1.2, b = 0.75 (Robertson & Zaragoza 2009, "The Probabilistic Relevance Framework: BM25 and
 * Beyond"; idf as in Lucene's BM25Similarity). Unlike Lucene we keep the constant (k1 + 1) factor (Lucene 8+
 * drops it; rankings are identical) and use exact document lengths (Lucene stores them lossily).
 * A repeated query term counts once.
 *
 * The index is a set of plain typed arrays (compressed-row postings): for small sets held in memory, the
 * sentences of retrieved passages (the extractive baseline and judge). The paper collection itself is indexed
 * by the database (./store.ts) and re-ranked with `bm25Idf` and the same formula (./search.ts).
 * engine/trace/bm25.ts stays apart: it scores a trace's documents inside the engine, which cannot import lib.
 */
import { tokenize } from "./tokenize";

export interface Bm25Params {
  k1: number;
  b: number;
}

export const DEFAULT_BM25: Bm25Params = { k1: 1.2, b: 0.75 };

export interface Bm25Index {
  params: Bm25Params;
  docCount: number;
  avgDocLength: number;
  /** Token count of each document: [docCount]. */
  docLength: Uint32Array;
  /** Sorted vocabulary; term t's postings are postingDoc/postingTf[termStart[t] .. termStart[t + 1]). */
  terms: string[];
  termStart: Uint32Array;
  postingDoc: Uint32Array;
  postingTf: Uint32Array;
}

/**
 * Builds the index from already tokenised documents (use `tokenize`). Time: O(total tokens + V log V).
 */
export function buildBm25Index(docs: readonly string[][], params: Bm25Params = DEFAULT_BM25): Bm25Index {
  const perTerm = new Map<string, number[]>(); // term -> [doc, tf, doc, tf, ...], docs increasing
  const docLength = new Uint32Array(docs.length);
  let total = 0;
  for (let d = 0; d < docs.length; d++) {
    const counts = new Map<string, number>();
    for (const t of docs[d]) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const [t, tf] of counts) {
      let list = perTerm.get(t);
      if (!list) {
        list = [];
        perTerm.set(t, list);
      }
      list.push(d, tf);
    }
    docLength[d] = docs[d].length;
    total += docs[d].length;
  }
  const terms = [...perTerm.keys()].sort();
  const termStart = new Uint32Array(terms.length + 1);
  let postings = 0;
  terms.forEach((t, i) => {
    termStart[i] = postings;
    postings += perTerm.get(t)!.length / 2;
  });
  termStart[terms.length] = postings;
  const postingDoc = new Uint32Array(postings);
  const postingTf = new Uint32Array(postings);
  terms.forEach((t, i) => {
    const list = perTerm.get(t)!;
    for (let k = 0; k < list.length; k += 2) {
      postingDoc[termStart[i] + k / 2] = list[k];
      postingTf[termStart[i] + k / 2] = list[k + 1];
    }
  });
  return {
    params,
    docCount: docs.length,
    avgDocLength: docs.length ? total / docs.length : 0,
    docLength,
    terms,
    termStart,
    postingDoc,
    postingTf,
  };
}

/** Index of `term` in the sorted vocabulary, or -1. Time: O(log V). */
export function findTerm(index: Bm25Index, term: string): number {
  let lo = 0;
  let hi = index.terms.length;
  // Invariant: terms[0..lo) < term <= terms[hi..).
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (index.terms[mid] < term) lo = mid + 1;
    else hi = mid;
  }
  return lo < index.terms.length && index.terms[lo] === term ? lo : -1;
}

/** Lucene's BM25 idf; always > 0. */
export function bm25Idf(docCount: number, docFreq: number): number {
  return Math.log(1 + (docCount - docFreq + 0.5) / (docFreq + 0.5));
}

export interface Bm25Hit {
  doc: number;
  score: number;
}

/**
 * Scores every document containing a query term; returns the top k by score (ties: lower doc id first).
 * Time: O(sum of the query terms' posting lengths + hits log k).
 */
export function searchBm25(index: Bm25Index, queryTokens: readonly string[], k = 10): Bm25Hit[] {
  const { k1, b } = index.params;
  const scores = new Map<number, number>();
  for (const term of new Set(queryTokens)) {
    const t = findTerm(index, term);
    if (t < 0) continue;
    const from = index.termStart[t];
    const to = index.termStart[t + 1];
    const idf = bm25Idf(index.docCount, to - from);
    for (let p = from; p < to; p++) {
      const d = index.postingDoc[p];
      const tf = index.postingTf[p];
      const norm = k1 * (1 - b + (b * index.docLength[d]) / index.avgDocLength);
      scores.set(d, (scores.get(d) ?? 0) + (idf * tf * (k1 + 1)) / (tf + norm));
    }
  }
  const hits: Bm25Hit[] = [];
  for (const [doc, score] of scores) hits.push({ doc, score });
  hits.sort((x, y) => y.score - x.score || x.doc - y.doc);
  return hits.slice(0, Math.max(0, k));
}

/** Convenience: tokenise the query text, then search. */
export function searchBm25Text(index: Bm25Index, query: string, k = 10): Bm25Hit[] {
  return searchBm25(index, tokenize(query), k);
}
