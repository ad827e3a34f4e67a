/** Splitting papers into retrievable passages. */
import type { Paper } from "./papers";
import { collapseWhitespace, countWords, splitSentences } from "./tokenize";

export interface Passage {
  /** `${paperId}#${index}`. */
  id: string;
  paperId: string;
  /** 0 = the abstract, 1.. = body passages in reading order. */
  index: number;
  section: "abstract" | "body";
  text: string;
}

export interface SplitOptions {
  /** Body passages aim for minWords..maxWords words, breaking only between sentences. */
  minWords?: number;
  maxWords?: number;
}

/**
 * The abstract as one passage, then the body packed greedily into passages of about 100-200 words at
 * sentence boundaries: a passage closes when the next sentence would take it past maxWords and it already
 * has minWords; a sentence longer than maxWords becomes its own passage; a short tail (< minWords / 2)
 * joins the previous passage when that stays within maxWords. Time: O(text length).
 */
export function splitIntoPassages(paper: Paper, options: SplitOptions = {}): Passage[] {
  const minWords = options.minWords ?? 100;
  const maxWords = options.maxWords ?? 200;
  if (!(minWords > 0 && maxWords >= minWords)) throw new RangeError("need 0 < minWords <= maxWords");
  const out: Passage[] = [
    { id: `${paper.id}#0`, paperId: paper.id, index: 0, section: "abstract", text: paper.abstract.trim() },
  ];
  if (!paper.text) return out;
  const chunks: { sentences: string[]; words: number }[] = [];
  let current: { sentences: string[]; words: number } = { sentences: [], words: 0 };
  // Paragraph breaks are kept as sentence boundaries.
  for (const paragraph of paper.text.split(/\n\s*\n/)) {
    for (const sentence of splitSentences(collapseWhitespace(paragraph))) {
      const w = countWords(sentence);
      if (current.words > 0 && current.words + w > maxWords && current.words >= minWords) {
        chunks.push(current);
        current = { sentences: [], words: 0 };
      } else if (current.words > 0 && w > maxWords) {
        chunks.push(current);
        current = { sentences: [], words: 0 };
      }
      current.sentences.push(sentence);
      current.words += w;
    }
  }
  if (current.words > 0) {
    const last = chunks.at(-1);
    if (last && current.words < minWords / 2 && last.words + current.words <= maxWords) {
      last.sentences.push(...current.sentences);
      last.words += current.words;
    } else {
      chunks.push(current);
    }
  }
  chunks.forEach((chunk, k) => {
    out.push({
      id: `${paper.id}#${k + 1}`,
      paperId: paper.id,
      index: k + 1,
      section: "body",
      text: chunk.sentences.join(" "),
    });
  });
  return out;
}
