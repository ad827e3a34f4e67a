/**
 * The paper corpus as a searchable passage index: build once (e.g. at import), keep in memory, serialise.
 */
import { type Bm25Index, type Bm25Params, buildBm25Index, DEFAULT_BM25, searchBm25 } from "./bm25";
import type { Paper } from "./papers";
import { type Passage, type SplitOptions, splitIntoPassages } from "./passages";
import { tokenize } from "./tokenize";

/** Paper metadata shown with a citation. */
export interface PaperMeta {
  id: string;
  title: string;
  authors: string[];
  year: number;
  venue?: string;
  url?: string;
}

export interface RetrievalIndex {
  version: 1;
  papers: PaperMeta[];
  passages: Passage[];
  /** Paper of each passage, index into `papers`: [passages.length]. */
  passagePaper: Uint32Array;
  bm25: Bm25Index;
}

export interface SearchHit {
  /** 1-based rank: the citation number [n] when these hits are given to a model in this order. */
  rank: number;
  score: number;
  passage: Passage;
  paper: PaperMeta;
}

export interface BuildOptions extends SplitOptions {
  bm25?: Bm25Params;
}

/** Splits the papers into passages and indexes them with BM25. Time: O(total text). */
export function buildRetrievalIndex(papers: readonly Paper[], options: BuildOptions = {}): RetrievalIndex {
  const metas: PaperMeta[] = [];
  const passages: Passage[] = [];
  const passagePaper: number[] = [];
  papers.forEach((paper, i) => {
    const meta: PaperMeta = {
      id: paper.id,
      title: paper.title,
      authors: [...paper.authors],
      year: paper.year,
    };
    if (paper.venue) meta.venue = paper.venue;
    if (paper.url) meta.url = paper.url;
    metas.push(meta);
    for (const p of splitIntoPassages(paper, options)) {
      passages.push(p);
      passagePaper.push(i);
    }
  });
  // The title is indexed with every passage of its paper: a query naming a paper finds its passages.
  const docs = passages.map((p, i) => tokenize(`${metas[passagePaper[i]].title}\n${p.text}`));
  return {
    version: 1,
    papers: metas,
    passages,
    passagePaper: Uint32Array.from(passagePaper),
    bm25: buildBm25Index(docs, options.bm25 ?? DEFAULT_BM25),
  };
}

/**
 * Top-k passages for a question (default 8, the arena's number), best first, with their paper's metadata.
 * An empty or stopword-only query gives no hits. Time: O(postings of the query terms).
 */
export function search(index: RetrievalIndex, query: string, k = 8): SearchHit[] {
  return searchBm25(index.bm25, tokenize(query), k).map((hit, i) => ({
    rank: i + 1,
    score: hit.score,
    passage: index.passages[hit.doc],
    paper: index.papers[index.passagePaper[hit.doc]],
  }));
}

/** JSON-safe form of the index (typed arrays as number arrays). */
export interface SerializedRetrievalIndex {
  version: 1;
  papers: PaperMeta[];
  passages: Passage[];
  passagePaper: number[];
  bm25: Omit<Bm25Index, "docLength" | "termStart" | "postingDoc" | "postingTf"> & {
    docLength: number[];
    termStart: number[];
    postingDoc: number[];
    postingTf: number[];
  };
}

export function serializeRetrievalIndex(index: RetrievalIndex): SerializedRetrievalIndex {
  const { bm25 } = index;
  return {
    version: 1,
    papers: index.papers,
    passages: index.passages,
    passagePaper: Array.from(index.passagePaper),
    bm25: {
      ...bm25,
      docLength: Array.from(bm25.docLength),
      termStart: Array.from(bm25.termStart),
      postingDoc: Array.from(bm25.postingDoc),
      postingTf: Array.from(bm25.postingTf),
    },
  };
}

/** Inverse of `serializeRetrievalIndex`; checks the version and array sizes. */
export function deserializeRetrievalIndex(data: SerializedRetrievalIndex): RetrievalIndex {
  if (data?.version !== 1) throw new Error(`unsupported retrieval index version ${String(data?.version)}`);
  const b = data.bm25;
  const index: RetrievalIndex = {
    version: 1,
    papers: data.papers,
    passages: data.passages,
    passagePaper: Uint32Array.from(data.passagePaper),
    bm25: {
      ...b,
      docLength: Uint32Array.from(b.docLength),
      termStart: Uint32Array.from(b.termStart),
      postingDoc: Uint32Array.from(b.postingDoc),
      postingTf: Uint32Array.from(b.postingTf),
    },
  };
  const ok =
    index.passagePaper.length === index.passages.length &&
    index.bm25.docLength.length === index.passages.length &&
    index.bm25.termStart.length === index.bm25.terms.length + 1 &&
    index.bm25.postingDoc.length === index.bm25.postingTf.length &&
    index.bm25.termStart[index.bm25.terms.length] === index.bm25.postingDoc.length;
  if (!ok) throw new Error("corrupt retrieval index: array sizes disagree");
  return index;
}
