/**
 * Passage retrieval for a question over the collection in the database, in three steps:
 *
 * 1. Plan: the question's index terms (tokenize.ts) with their document frequencies (PaperTerm). The
 *    candidate query takes the rarest terms while their posting lists add up to at most `postingBudget`
 *    (the informative terms of a question are its rare ones; a term in a quarter of the collection adds
 *    little to BM25 and a lot to the cost). When even the rarest term is over the budget, the candidates
 *    are passages holding at least two of the four rarest terms, as the index yields them.
 * 2. Candidates: the search engine of the database (SQLite FTS5, ranked by its BM25; PostgreSQL full-text
 *    search over a GIN index, by idf-weighted coverage, tier by tier) returns the best `candidates` passages.
 * 3. Rank: Okapi BM25 of every question term (not only the rare ones), from the collection's statistics,
 *    over the candidates' text, then the relevance floor: a passage must cover enough of the question's
 *    idf mass (terms absent from the collection count too, so a question about something the collection
 *    does not hold retrieves nothing rather than passages that share its common words).
 *
 * Cost per question: two indexed lookups, one candidate query bounded by the posting budget, and
 * tokenising the candidates (~100 passages): flat in the collection size except through the budget.
 */
import type { SqlClient } from "../db/sql";
import { bm25Idf, DEFAULT_BM25 } from "./bm25";
import { paperLink } from "./papers";
import type { Passage } from "./passages";
import {
  candidatePassages,
  collectionStats,
  documentFrequencies,
  indexTerms,
  passagesById,
  type StoredPassage,
} from "./store";
import { tokenize } from "./tokenize";

/** Paper metadata shown with a citation: the one declaration of it (battles store it, exports read it). */
export interface PaperMeta {
  id: string;
  title: string;
  authors: string[];
  year: number;
  venue?: string;
  /** Where a citation of this paper links: arXiv's abstract page, the DOI, or the URL given on import. */
  url?: string;
  /** arXiv identifier without version ("2401.01234", "hep-th/9901001"). */
  arxivId?: string;
  /** DOI in lower case without resolver ("10.1000/xyz"). */
  doi?: string;
}

export interface SearchHit {
  /** 1-based rank: the citation number [n] when these hits are given to a model in this order. */
  rank: number;
  /** BM25 over every question term. */
  score: number;
  /** Share of the question's idf mass this passage matches (0..1). */
  coverage: number;
  passage: Passage;
  paper: PaperMeta;
}

export interface RelevanceFloor {
  /** A passage covering at least this share of the question's idf mass is kept... */
  coverage: number;
  /** ...and so is one covering at least this share, */
  partialCoverage: number;
  /** ...if its terms other than its single best one still cover this share (not one keyword plus filler). */
  beyondBestTerm: number;
}

/**
 * IDF-weighted coverage: the share of the question's information (its terms' idf, a term the collection lacks
 * counting as the rarest) that a passage holds. A passage is kept when it holds most of it (80%), or 60% of
 * which a quarter comes from terms other than its single best one: an off-topic question shares a word or
 * two of middling rarity with some passage ("close" and "Sunday" of "when does the pharmacy close on
 * Sundays"), an on-topic one shares its subject's terms. Chosen on the literature bench at 200,000 abstracts
 * (bench/README.md): against the earlier floor (50%, or 30% with 15% beyond the best term), off-topic
 * questions retrieving anything fell from 22 of 30 to 3 of 30, on-topic ones keeping passages from 328 to 323
 * of 330 (those lost name a subject the collection does not hold, like "Mersenne Twister"). It is lexical:
 * a passage using the question's words in another sense ("oil", "change", "motorcycle" in a speech) passes.
 */
export const DEFAULT_FLOOR: RelevanceFloor = { coverage: 0.8, partialCoverage: 0.6, beyondBestTerm: 0.25 };

export interface SearchOptions {
  /** Passages returned (default 8, the arena's number). */
  k?: number;
  /** Candidates fetched from the index and re-ranked (default 100). */
  candidates?: number;
  /** Most postings the candidate query may walk (default 20,000 on SQLite, 8,000 on PostgreSQL, whose GIN
   *  index visits a table row per match). */
  postingBudget?: number;
  floor?: RelevanceFloor;
}

export interface SearchResult {
  hits: SearchHit[];
  /** The question's index terms with their document frequencies, rarest first; `used` marks the candidate query's. */
  terms: { term: string; df: number; used: boolean }[];
  /** Candidates re-ranked, before the floor. */
  candidates: number;
}

/** Terms whose pairs make the candidates when every term of the question is common. */
const PAIR_TERMS = 4;

/** Most distinct terms of a question that are looked up (longer questions keep their rarest). */
const MAX_QUERY_TERMS = 32;

export function metaOf(row: StoredPassage): PaperMeta {
  const meta: PaperMeta = {
    id: row.paperId,
    title: row.title,
    authors: JSON.parse(row.authors) as string[],
    year: Number(row.year),
  };
  if (row.venue) meta.venue = row.venue;
  const url = paperLink(row);
  if (url) meta.url = url;
  if (row.arxivId) meta.arxivId = row.arxivId;
  if (row.doi) meta.doi = row.doi;
  return meta;
}

export async function searchPapers(
  sql: SqlClient,
  question: string,
  options: SearchOptions = {},
): Promise<SearchResult> {
  const k = options.k ?? 8;
  const floor = options.floor ?? DEFAULT_FLOOR;
  const budget = options.postingBudget ?? (sql.provider === "postgresql" ? 8_000 : 20_000);
  const queryTerms = [...new Set(tokenize(question))].slice(0, MAX_QUERY_TERMS);
  if (queryTerms.length === 0 || k <= 0) return { hits: [], terms: [], candidates: 0 };
  const [stats, df] = await Promise.all([collectionStats(sql), documentFrequencies(sql, queryTerms)]);
  const N = stats.passages;
  const terms = queryTerms
    .map((term) => ({ term, df: Math.min(df.get(term) ?? 0, N), used: false }))
    .sort((a, b) => a.df - b.df || (a.term < b.term ? -1 : 1));
  const present = terms.filter((t) => t.df > 0);
  if (N === 0 || present.length === 0) return { hits: [], terms, candidates: 0 };
  const idf = new Map(terms.map((t) => [t.term, bm25Idf(N, t.df)]));

  let walked = 0;
  for (const t of present) {
    if (walked + t.df > budget) break;
    t.used = true;
    walked += t.df;
  }
  const limit = options.candidates ?? 100;
  // A term absent from the collection weighs in the floor as if it were in one passage: as rare as a
  // term can be, without the extra weight BM25's idf gives df = 0 in a small collection.
  const totalMass = terms.reduce((s, t) => s + bm25Idf(N, Math.max(1, t.df)), 0);
  let ids: number[];
  if (present.some((t) => t.used)) {
    const used = present.filter((t) => t.used).map((t) => ({ term: t.term, idf: idf.get(t.term)! }));
    // The least weight of the candidate query's terms a passage can hold and still reach the floor, if it
    // held every other term of the question too.
    const others = present.filter((t) => !t.used).reduce((s, t) => s + idf.get(t.term)!, 0);
    const minWeight = Math.min(floor.coverage, floor.partialCoverage) * totalMass - others;
    ids = await candidatePassages(sql, used, limit, "ranked", minWeight);
  } else {
    // Even the rarest term is over the budget: passages holding two of the four rarest terms instead.
    const rarest = present.slice(0, PAIR_TERMS);
    for (const t of rarest) t.used = true;
    ids = await candidatePassages(
      sql,
      rarest.map((t) => ({ term: t.term, idf: idf.get(t.term)! })),
      limit,
      "pairs",
    );
  }
  const rows = await passagesById(sql, ids);

  const { k1, b } = DEFAULT_BM25;
  const avgdl = stats.tokens / N || 1;
  const scored = rows.map((row) => {
    const tokens = indexTerms(row.title, row.text);
    const tf = new Map<string, number>();
    for (const t of tokens) if (idf.has(t)) tf.set(t, (tf.get(t) ?? 0) + 1);
    let score = 0;
    let mass = 0;
    let best = 0;
    for (const [t, f] of tf) {
      const w = idf.get(t)!;
      score += (w * f * (k1 + 1)) / (f + k1 * (1 - b + (b * tokens.length) / avgdl));
      mass += w;
      best = Math.max(best, w);
    }
    return { row, score, coverage: mass / totalMass, beyondBest: (mass - best) / totalMass };
  });
  const kept = scored
    .filter(
      (s) =>
        s.score > 0 &&
        (s.coverage >= floor.coverage ||
          (s.coverage >= floor.partialCoverage && s.beyondBest >= floor.beyondBestTerm)),
    )
    .sort((x, y) => y.score - x.score || x.row.id - y.row.id)
    .slice(0, k);
  return {
    hits: kept.map((s, i) => ({
      rank: i + 1,
      score: s.score,
      coverage: s.coverage,
      passage: {
        id: `${s.row.paperId}#${s.row.position}`,
        paperId: s.row.paperId,
        index: Number(s.row.position),
        section: s.row.section,
        text: s.row.text,
      },
      paper: metaOf(s.row),
    })),
    terms,
    candidates: rows.length,
  };
}
