/**
 * The arena's extractive baseline model: answers by quoting the retrieved sentences most relevant to the
 * question (BM25 over sentences, with the question as the query), each with its citation [n], where n is
 * the 1-based position of its passage in the list given to the models. Deterministic: same question and
 * passages, same answer.
 *
 * A sentence is quoted only if it shares at least two distinct terms with the question (or the question's
 * one term), or if it directly follows such a sentence in its passage and shares a term ("It was
 * introduced by ..." after "The FM-index compresses text ..."): a sentence that only shares a keyword
 * with the question is not evidence for an answer.
 */
import { buildBm25Index, DEFAULT_BM25, searchBm25 } from "./bm25";
import { splitSentences, tokenize } from "./tokenize";

export interface ExtractiveOptions {
  /** Most sentences quoted (default 3). */
  maxSentences?: number;
  /** A candidate sharing at least this Jaccard overlap of terms with a chosen sentence is skipped (default 0.6). */
  maxOverlap?: number;
}

export interface ExtractiveQuote {
  /** 1-based passage number, as cited. */
  citation: number;
  sentence: string;
  score: number;
}

export interface ExtractiveAnswer {
  markdown: string;
  quotes: ExtractiveQuote[];
}

export const NO_PASSAGES_ANSWER =
  "Nothing in the literature collection is relevant to this question, so there is nothing to quote.";
export const NO_MATCH_ANSWER =
  "No sentence of the retrieved passages shares enough of the question's terms, so there is nothing to quote.";

/** Quote the best sentences; see `extractiveAnswer` for the markdown only. Time: O(total passage text). */
export function extractiveAnswerDetails(
  question: string,
  passages: readonly { text: string }[],
  options: ExtractiveOptions = {},
): ExtractiveAnswer {
  const maxSentences = options.maxSentences ?? 3;
  const maxOverlap = options.maxOverlap ?? 0.6;
  if (passages.length === 0) return { markdown: NO_PASSAGES_ANSWER, quotes: [] };
  const questionTerms = new Set(tokenize(question));
  const needed = Math.min(2, questionTerms.size);
  const sentences: { citation: number; text: string; terms: Set<string>; relevant: boolean }[] = [];
  const docs: string[][] = [];
  passages.forEach((p, i) => {
    let previousRelevant = false;
    for (const s of splitSentences(p.text)) {
      const tokens = tokenize(s);
      const terms = new Set(tokens);
      let shared = 0;
      for (const t of terms) if (questionTerms.has(t)) shared++;
      const relevant = shared >= needed || (previousRelevant && shared >= 1);
      sentences.push({ citation: i + 1, text: s, terms, relevant: relevant && shared > 0 });
      docs.push(tokens);
      previousRelevant = shared >= needed && shared > 0;
    }
  });
  const index = buildBm25Index(docs, DEFAULT_BM25);
  const hits = searchBm25(index, [...questionTerms], sentences.length).filter(
    (h) => sentences[h.doc].relevant,
  );
  const chosen: (typeof sentences)[number][] = [];
  const quotes: ExtractiveQuote[] = [];
  for (const hit of hits) {
    if (quotes.length >= maxSentences) break;
    const s = sentences[hit.doc];
    if (chosen.some((c) => jaccard(c.terms, s.terms) >= maxOverlap)) continue;
    chosen.push(s);
    quotes.push({ citation: s.citation, sentence: s.text, score: hit.score });
  }
  if (quotes.length === 0) return { markdown: NO_MATCH_ANSWER, quotes };
  const lines = quotes.map((q) => `- ${withCitation(q.sentence, q.citation)}`);
  return { markdown: `The retrieved literature says:\n\n${lines.join("\n")}`, quotes };
}

/** Markdown answer of the extractive baseline (see `extractiveAnswerDetails`). */
export function extractiveAnswer(
  question: string,
  passages: readonly { text: string }[],
  options: ExtractiveOptions = {},
): string {
  return extractiveAnswerDetails(question, passages, options).markdown;
}

/** "Claim." + 3 -> "Claim [3]." (the citation goes before the closing punctuation). */
function withCitation(sentence: string, n: number): string {
  const m = /^(.*?)([.!?]["'”’)]*)?$/s.exec(sentence.trim())!;
  return `${m[1]} [${n}]${m[2] ?? ""}`;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const t of a) if (b.has(t)) inter++;
  return inter / (a.size + b.size - inter);
}
