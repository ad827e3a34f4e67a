/**
 * Tokenisation for BM25 and the paper search index: lowercase, NFKC, possessive "'s" removed, English
 * stopwords dropped, then Porter stemming (the `stemmer` package) so "indexes"/"index" and
 * "trained"/"training" meet. Words are runs of letters, marks and digits; scripts written without spaces
 * (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) go through Unicode word segmentation (Intl.Segmenter,
 * ICU dictionaries). A token holds only letters, marks and digits, so the index terms joined by spaces
 * read back as the same terms in SQLite FTS5 (unicode61 with marks as token characters) and PostgreSQL.
 */
import { stemmer } from "stemmer";

/** English stopwords: the NLTK list's function words plus a few question words common in queries. */
export const ENGLISH_STOPWORDS: ReadonlySet<string> = new Set(
  (
    "a about above after again against all am an and any are aren't as at be because been before being below " +
    "between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each " +
    "e.g few for from further had hadn't has hasn't have haven't having he her here hers herself him himself his how " +
    "i i.e if in into is isn't it it's its itself just let's me more most mustn't my myself no nor not now of off on " +
    "once only or other ought our ours ourselves out over own same shan't she should shouldn't so some such than " +
    "that that's the their theirs them themselves then there there's these they this those through to too under " +
    "until up very was wasn't we were weren't what what's when where which while who whom why will with won't would " +
    "wouldn't you your yours yourself yourselves s t also via etc"
  ).split(" "),
);

const wordSegmenter = new Intl.Segmenter("en", { granularity: "word" });
/** Scripts written without spaces between words: these need dictionary segmentation. */
const NO_SPACE_SCRIPT =
  /[\u0E00-\u0EFF\u1000-\u109F\u1780-\u17FF\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]/;
/** A word: letters, marks and digits, with inner apostrophes ("don't", "o'neil", "flexolmo's"). */
const WORD = /[\p{L}\p{M}\p{N}]+(?:'[\p{L}\p{M}\p{N}]+)*/gu;
const NOT_WORD_CHAR = /[^\p{L}\p{M}\p{N}']+/u;

export interface TokenizeOptions {
  /** Keep stopwords (default false). */
  keepStopwords?: boolean;
  /** Porter-stem each token (default true). */
  stem?: boolean;
}

/**
 * Index terms of recent words: a lowercased word as the regex yields it -> its term ("" for a stopword), so
 * the common case (a word met before) is one hash lookup instead of a stopword lookup, string edits and a
 * stem lookup (measured on abstracts: about 60 -> 45 us each). It serves `tokenize` (questions, re-ranking,
 * passages taken out of the index); an import's reading thread has its own, faster table (`PaperPreparer`,
 * store.ts). The vocabulary is Zipfian, so most lookups hit. Cleared when full, which bounds its memory (a few
 * MB) whatever the collection size. Only the default options use it.
 */
const termCache = new Map<string, string>();
const TERM_CACHE_MAX = 200_000;

/**
 * The index term of a word as `indexWords` yields it: "" for a stopword (unless kept); possessive "'s" and
 * inner apostrophes removed; Porter-stemmed unless `stem` is false.
 */
export function termOfWord(raw: string, keepStopwords = false, stem = true): string {
  let w = raw;
  if (w.endsWith("'s")) w = w.slice(0, -2);
  if (w === "") return "";
  if (!keepStopwords && ENGLISH_STOPWORDS.has(w)) return "";
  if (w.includes("'")) w = w.replaceAll("'", "");
  return stem ? stemmer(w) : w;
}

function defaultTerm(raw: string): string {
  let t = termCache.get(raw);
  if (t === undefined) {
    if (termCache.size >= TERM_CACHE_MAX) termCache.clear();
    t = termOfWord(raw, false, true);
    termCache.set(raw, t);
  }
  return t;
}

/**
 * `WORD` on text without a character beyond ASCII, once lowercased: the same matches (ASCII letters are a-z
 * there, ASCII digits 0-9, and no ASCII character is a mark), about a fifth faster than the Unicode classes.
 */
const ASCII_WORD = /[a-z0-9]+(?:'[a-z0-9]+)*/g;

/**
 * The words of `text` before stopwords and stemming (`termOfWord` makes each an index term): NFKC, curly
 * apostrophes straightened, lowercased, then runs of letters, marks and digits with inner apostrophes;
 * scripts written without spaces segmented by Intl.Segmenter and split like the rest. Time: O(length).
 */
export function indexWords(text: string): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII test
  const ascii = !/[^\x00-\x7f]/.test(text);
  const normalized = (
    ascii ? text : text.normalize("NFKC").replace(/[\u2018\u2019\u02bc]/g, "'")
  ).toLowerCase();
  if (ascii) return normalized.match(ASCII_WORD) ?? [];
  if (!NO_SPACE_SCRIPT.test(normalized)) return normalized.match(WORD) ?? [];
  const out: string[] = [];
  for (const seg of wordSegmenter.segment(normalized)) {
    if (!seg.isWordLike) continue;
    // The segmenter keeps "3.5" or "a_b" whole; the index splits them like the other paths do.
    for (const part of seg.segment.split(NOT_WORD_CHAR)) if (part) out.push(part);
  }
  return out;
}

/** Lowercased (and by default stemmed) word tokens of `text`, in order. Time: O(length). */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  const out: string[] = [];
  const stem = options.stem ?? true;
  const keepStopwords = options.keepStopwords ?? false;
  const term = stem && !keepStopwords ? defaultTerm : (raw: string) => termOfWord(raw, keepStopwords, stem);
  for (const w of indexWords(text)) {
    const t = term(w);
    if (t !== "") out.push(t);
  }
  return out;
}

const sentenceSegmenter = new Intl.Segmenter("en", { granularity: "sentence" });
/** A sentence ending in one of these is not really finished (ICU breaks after "e.g. X"). */
const ABBREVIATION_END =
  /(?:\b(?:e\.g|i\.e|et al|etc|cf|fig|figs|eq|eqs|sec|vs|approx|no|resp|ref|refs)\.|\b[A-Z]\.)\s*$/i;

/** Sentences of `text` (trimmed, non-empty), by Unicode sentence segmentation with abbreviation repair. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let pending = "";
  for (const seg of sentenceSegmenter.segment(text)) {
    pending += seg.segment;
    if (ABBREVIATION_END.test(pending)) continue;
    const s = pending.trim();
    if (s) out.push(s);
    pending = "";
  }
  const rest = pending.trim();
  if (rest) out.push(rest);
  return out;
}

/** Whitespace that `collapseWhitespace` must replace: a run of two or more, or one that is not a space. */
const UNTIDY_WHITESPACE = /\s{2,}|[^\S ]/g;

/**
 * `text.replace(/\s+/g, " ")`: every run of whitespace made one space. Leaves the single spaces alone rather
 * than replacing each with itself: about a third of the time on abstracts (3 us against 11 per abstract).
 */
export function collapseWhitespace(text: string): string {
  return text.replace(UNTIDY_WHITESPACE, " ");
}

/** Number of whitespace-separated words. */
export function countWords(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}
