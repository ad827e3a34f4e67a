import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Paper, parsePapersJsonl } from "./papers";
import { splitIntoPassages } from "./passages";
import { readSamplePapers } from "./read-papers-file";
import {
  buildRetrievalIndex,
  deserializeRetrievalIndex,
  search,
  serializeRetrievalIndex,
} from "./retrieval-index";
import { countWords, splitSentences, tokenize } from "./tokenize";

describe("tokenize", () => {
  it("lowercases, segments Unicode words, drops stopwords and possessives, stems", () => {
    assert.deepEqual(tokenize("What is FlexOlmo’s routing? The MoE uses GPT-4o."), [
      "flexolmo",
      "rout",
      "moe",
      "us",
      "gpt",
      "4o",
    ]);
    assert.deepEqual(tokenize("indexes index"), ["index", "index"]);
    assert.deepEqual(tokenize("Trained models", { stem: false }), ["trained", "models"]);
    assert.deepEqual(tokenize("Ünïcode naïve état"), ["ünïcode", "naïv", "état"]);
    assert.deepEqual(tokenize("深度学习模型"), ["深度", "学习", "模型"]);
    assert.deepEqual(tokenize("the of and"), []);
  });

  it("splits sentences without breaking after common abbreviations", () => {
    assert.deepEqual(splitSentences("We use e.g. BM25 here. It works (Smith et al. 2020). Done!"), [
      "We use e.g. BM25 here.",
      "It works (Smith et al. 2020).",
      "Done!",
    ]);
  });
});

function paper(overrides: Partial<Paper> = {}): Paper {
  return {
    id: "p1",
    title: "A paper",
    authors: ["A. Author"],
    year: 2024,
    abstract: "Short abstract.",
    ...overrides,
  };
}

describe("splitIntoPassages", () => {
  it("keeps the abstract whole and packs the body into 100-200 word passages at sentence ends", () => {
    // 60 sentences of 9-19 words (capitalised: Unicode sentence breaks need an upper-case start).
    const sentences = Array.from({ length: 60 }, (_, i) => `Start ${"word ".repeat(7 + (i % 11))}end${i}.`);
    const body = `${sentences.slice(0, 30).join(" ")}\n\n${sentences.slice(30).join(" ")}`;
    const passages = splitIntoPassages(paper({ text: body }));
    assert.equal(passages[0].section, "abstract");
    assert.equal(passages[0].text, "Short abstract.");
    const bodyPassages = passages.slice(1);
    assert.ok(bodyPassages.length >= 4);
    for (const p of bodyPassages.slice(0, -1)) {
      const w = countWords(p.text);
      assert.ok(w >= 100 && w <= 200, `passage of ${w} words`);
    }
    for (const p of bodyPassages) assert.match(p.text, /end\d+\.$/);
    // Nothing lost, nothing reordered.
    assert.equal(bodyPassages.map((p) => p.text).join(" "), sentences.join(" "));
    assert.deepEqual(
      passages.map((p) => p.id),
      passages.map((_, i) => `p1#${i}`),
    );
  });

  it("gives a paper without body text one passage", () => {
    assert.equal(splitIntoPassages(paper()).length, 1);
  });
});

describe("parsePapersJsonl", () => {
  const good = JSON.stringify({ id: "a", title: "T", authors: ["X"], year: 2020, abstract: "Abs." });

  it("accepts Semantic Scholar shapes (numeric ids, author objects, null venue)", () => {
    const [p] = parsePapersJsonl(
      JSON.stringify({
        id: 123,
        title: "T",
        authors: [{ name: "Ada" }],
        year: 2021,
        venue: null,
        abstract: "A.",
      }),
    );
    assert.equal(p.id, "123");
    assert.deepEqual(p.authors, ["Ada"]);
    assert.equal(p.venue, undefined);
  });

  it("names the line and the field of a bad record", () => {
    const cases: [string, RegExp][] = [
      ["{not json", /line 3: invalid JSON/],
      [
        JSON.stringify({ id: "b", title: "T", authors: ["X"], year: "2020", abstract: "A." }),
        /line 3: year:/,
      ],
      [
        JSON.stringify({ id: "b", title: "", authors: ["X"], year: 2020, abstract: "A." }),
        /line 3: title: title must not be empty/,
      ],
      [JSON.stringify({ id: "b", title: "T", authors: "X", year: 2020, abstract: "A." }), /line 3: authors:/],
      [JSON.stringify({ id: "b", title: "T", authors: [], year: 2020 }), /line 3: abstract:/],
      [
        JSON.stringify({ id: "b", title: "T", authors: [], year: 2020, abstract: "A.", url: "nope" }),
        /line 3: url:/,
      ],
      [good, /line 3: duplicate id "a" \(first on line 1\)/],
    ];
    for (const [bad, pattern] of cases)
      assert.throws(() => parsePapersJsonl(`${good}\n\n${bad}\n`), pattern, bad);
  });

  it("loads the bundled sample: ten seed papers with titles, authors and years", () => {
    const papers = readSamplePapers();
    assert.equal(papers.length, 10);
    assert.equal(new Set(papers.map((p) => p.id)).size, 10);
    for (const p of papers) {
      assert.ok(p.title.length > 10 && p.authors.length > 0 && p.year === 2025 && p.abstract.length > 500);
    }
  });
});

describe("search", () => {
  const index = buildRetrievalIndex(readSamplePapers());

  it("finds the paper a researcher is asking about", () => {
    const cases: [string, string][] = [
      [
        "Which system traces language model outputs back to their training data in real time?",
        "olmotrace-2025",
      ],
      [
        "How large is an FM-index compared to the corpus, and how contaminated are benchmarks?",
        "infini-gram-mini-2025",
      ],
      ["Can experts trained on closed datasets be combined without joint training?", "flexolmo-2025"],
      ["Do random or spurious rewards improve math reasoning with RLVR on Qwen?", "spurious-rewards-2025"],
      ["How should the batch size be warmed up during training?", "critical-batch-size-2025"],
    ];
    for (const [question, id] of cases) {
      const hits = search(index, question);
      assert.equal(hits[0].paper.id, id, question);
    }
  });

  it("returns at most k hits ranked 1..k with paper metadata and decreasing scores", () => {
    const hits = search(index, "language models evaluation benchmark", 8);
    assert.equal(hits.length, 8);
    hits.forEach((h, i) => {
      assert.equal(h.rank, i + 1);
      assert.ok(h.paper.title && h.paper.authors.length && h.paper.year);
      assert.equal(h.passage.paperId, h.paper.id);
      if (i > 0) assert.ok(h.score <= hits[i - 1].score);
    });
    assert.deepEqual(search(index, "the of and"), []);
    assert.deepEqual(search(index, ""), []);
  });

  it("survives a JSON round trip unchanged", () => {
    const copy = deserializeRetrievalIndex(JSON.parse(JSON.stringify(serializeRetrievalIndex(index))));
    const q = "community voting leaderboard for scientific literature";
    assert.deepEqual(search(copy, q), search(index, q));
    assert.throws(
      () => deserializeRetrievalIndex({ ...serializeRetrievalIndex(index), version: 2 as 1 }),
      /version/,
    );
  });
});
