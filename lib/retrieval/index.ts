/**
 * lib/retrieval: the paper collection and its search. Papers come from files (arXiv snapshot, OpenAlex
 * works, this app's JSONL) through `importPapersFile`, are split into passages and indexed by the
 * database's own search engine (SQLite FTS5, PostgreSQL full-text search) in `store.ts`, and are retrieved
 * for a question by `searchPapers` (candidates from the index, BM25 over every question term, relevance
 * floor). `extractiveAnswer` is the arena's baseline model over retrieved passages.
 *
 *   await importPapersFile(sql(), "arxiv-metadata-oai-snapshot.json", { format: "arxiv" });
 *   const { hits } = await searchPapers(sql(), question, { k: 8 });   // hits[i].rank is the citation [n]
 *   const answer = extractiveAnswer(question, hits.map((h) => h.passage));
 */
export {
  type Bm25Hit,
  type Bm25Index,
  type Bm25Params,
  bm25Idf,
  buildBm25Index,
  DEFAULT_BM25,
  searchBm25,
} from "./bm25";
export {
  type ExtractiveAnswer,
  type ExtractiveOptions,
  type ExtractiveQuote,
  extractiveAnswer,
  extractiveAnswerDetails,
} from "./extractive";
export { type ImportOptions, type ImportProgress, type ImportSummary, importPapersFile } from "./import";
export {
  normalizeArxivId,
  normalizeDoi,
  PAPER_FORMATS,
  type Paper,
  type PaperFormat,
  PaperImportError,
  type PaperInput,
  paperLink,
  paperSchema,
  parseArxivRecord,
  parseOpenAlexRecord,
  parsePaper,
  parsePapersJsonl,
} from "./papers";
export { type Passage, type SplitOptions, splitIntoPassages } from "./passages";
export {
  DEFAULT_FLOOR,
  type PaperMeta,
  type RelevanceFloor,
  type SearchHit,
  type SearchOptions,
  type SearchResult,
  searchPapers,
} from "./search";
export {
  indexUnindexedPassages,
  PaperPreparer,
  type PreparedPaper,
  preparePaper,
  writeBatch,
} from "./store";
export { countWords, ENGLISH_STOPWORDS, splitSentences, tokenize } from "./tokenize";
