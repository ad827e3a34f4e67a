/**
 * Tokenisation for BM25: Unicode word segmentation (Intl.Segmenter, UAX #29 plus ICU dictionaries for
 * scripts without spaces), lowercase, NFKC, possessive "'s" removed, English stopwords dropped, then
 * Porter stemming (the `stemmer` package) so "indexes"/"index" and "trained"/"training" meet.
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

export interface TokenizeOptions {
  /** Keep stopwords (default false). */
  keepStopwords?: boolean;
  /** Porter-stem each token (default true). */
  stem?: boolean;
}

/** Lowercased (and by default stemmed) word tokens of `text`, in order. Time: O(length). */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  const out: string[] = [];
  const stem = options.stem ?? true;
  const normalized = text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'");
  for (const seg of wordSegmenter.segment(normalized)) {
    if (!seg.isWordLike) continue;
    let w = seg.segment;
    if (w.endsWith("'s")) w = w.slice(0, -2);
    if (w === "") continue;
    if (!options.keepStopwords && ENGLISH_STOPWORDS.has(w)) continue;
    out.push(stem ? stemmer(w) : w);
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

/** Number of whitespace-separated words. */
export function countWords(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}
