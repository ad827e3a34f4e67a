import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { extractiveAnswer, extractiveAnswerDetails, NO_MATCH_ANSWER, NO_PASSAGES_ANSWER } from "./extractive";
import { readSamplePapers } from "./read-papers-file";
import { buildRetrievalIndex, search } from "./retrieval-index";

const passages = [
  { text: "Cats are small mammals. They sleep most of the day. Many cats enjoy fish." },
  {
    text: "The FM-index compresses text while supporting search. It was introduced by Ferragina and Manzini.",
  },
  { text: "Dogs bark. Some dogs also enjoy fish, but fewer than cats do." },
];

describe("extractiveAnswer", () => {
  it("quotes the most relevant sentences with their passage numbers as citations", () => {
    const { markdown, quotes } = extractiveAnswerDetails("Who introduced the FM-index?", passages);
    // Sentence-level BM25 has no coreference: "It was introduced by ..." matches only "introduced", so the
    // sentence naming the FM-index comes first; both come from passage 2.
    assert.deepEqual(
      quotes.slice(0, 2).map((q) => q.citation),
      [2, 2],
    );
    assert.match(
      markdown,
      /^The retrieved literature says:\n\n- The FM-index compresses text while supporting search \[2\]\./,
    );
    assert.match(markdown, /\n- It was introduced by Ferragina and Manzini \[2\]\./);
    // Every quote is a sentence of the passage it cites.
    for (const q of quotes) assert.ok(passages[q.citation - 1].text.includes(q.sentence));
  });

  it("quotes a few sentences, best first, without near-duplicates, deterministically", () => {
    const a = extractiveAnswerDetails("Which animals enjoy fish?", passages, { maxSentences: 2 });
    assert.equal(a.quotes.length, 2);
    assert.ok(a.quotes[0].score >= a.quotes[1].score);
    assert.deepEqual(new Set(a.quotes.map((q) => q.citation)), new Set([1, 3]));
    assert.equal(extractiveAnswer("Which animals enjoy fish?", passages, { maxSentences: 2 }), a.markdown);
  });

  it("says so when nothing matches or nothing was retrieved", () => {
    assert.equal(extractiveAnswer("quantum chromodynamics", passages), NO_MATCH_ANSWER);
    assert.equal(extractiveAnswer("anything", []), NO_PASSAGES_ANSWER);
  });

  it("answers a question over retrieved sample papers with valid citations", () => {
    const index = buildRetrievalIndex(readSamplePapers());
    const question = "What is the size of an infini-gram mini index relative to the corpus?";
    const hits = search(index, question, 8);
    const { markdown, quotes } = extractiveAnswerDetails(
      question,
      hits.map((h) => h.passage),
    );
    assert.ok(quotes.length >= 1 && quotes.length <= 3);
    // The answer sentence is among the quotes (BM25 at sentence level favours short sentences, so it
    // need not be first), and every quote cites the infini-gram mini abstract.
    assert.ok(quotes.some((q) => /44% of the corpus/.test(q.sentence)));
    for (const q of quotes) assert.equal(hits[q.citation - 1].paper.id, "infini-gram-mini-2025");
    for (const m of markdown.matchAll(/\[(\d+)\]/g))
      assert.ok(Number(m[1]) >= 1 && Number(m[1]) <= hits.length);
  });
});
