/**
 * lib/retrieval: paper import, passage splitting, BM25 search and the extractive baseline. Pure except
 * ./read-papers-file (the file-reading helper).
 *
 *   const index = buildRetrievalIndex(parsePapersJsonl(text));   // once, keep in memory
 *   const hits = search(index, question, 8);                     // hits[i].rank is the citation [n]
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
export {
  type Paper,
  PaperImportError,
  type PaperInput,
  paperSchema,
  parsePaper,
  parsePapersJsonl,
} from "./papers";
export { type Passage, type SplitOptions, splitIntoPassages } from "./passages";
export {
  type BuildOptions,
  buildRetrievalIndex,
  deserializeRetrievalIndex,
  type PaperMeta,
  type RetrievalIndex,
  type SearchHit,
  type SerializedRetrievalIndex,
  search,
  serializeRetrievalIndex,
} from "./retrieval-index";
export { countWords, ENGLISH_STOPWORDS, splitSentences, tokenize } from "./tokenize";
