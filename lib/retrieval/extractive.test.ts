import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { extractiveAnswer, extractiveAnswerDetails, NO_MATCH_ANSWER, NO_PASSAGES_ANSWER } from "./extractive";
import { parsePapersJsonl } from "./papers";

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

  it("does not quote a sentence that only shares a keyword with the question", () => {
    const question = "How does the FM-index compress text?";
    const offTopic = [
      { text: "Dogs bark at night. An index of dog breeds lists their sizes." },
      { text: "The FM-index compresses text while supporting search. It is used by infini-gram mini." },
    ];
    const { quotes } = extractiveAnswerDetails(question, offTopic);
    assert.ok(quotes.length >= 1);
    for (const q of quotes) assert.equal(q.citation, 2, q.sentence);
    assert.equal(extractiveAnswer("How do dogs compress text?", [offTopic[0]]), NO_MATCH_ANSWER);
  });

  it("answers a question over the sample abstracts, citing the infini-gram mini abstract", () => {
    const papers = parsePapersJsonl(readFileSync(new URL("./sample-papers.jsonl", import.meta.url), "utf8"));
    const question = "What is the size of an infini-gram mini index relative to the corpus?";
    const passages = papers.map((p) => ({ text: p.abstract }));
    const { markdown, quotes } = extractiveAnswerDetails(question, passages);
    const infini = papers.findIndex((p) => p.id === "infini-gram-mini-2025") + 1;
    assert.ok(quotes.length >= 1 && quotes.length <= 3);
    assert.ok(quotes.some((q) => /44% of the corpus/.test(q.sentence)));
    for (const q of quotes) assert.equal(q.citation, infini, q.sentence);
    for (const m of markdown.matchAll(/\[(\d+)\]/g))
      assert.ok(Number(m[1]) >= 1 && Number(m[1]) <= passages.length);
  });
});
