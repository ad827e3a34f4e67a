import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  abstractFromInvertedIndex,
  arxivSchema,
  checkArxivRecordFast,
  normalizeArxivId,
  normalizeDoi,
  type Paper,
  paperLink,
  parseArxivRecord,
  parseOpenAlexRecord,
  parsePapersJsonl,
} from "./papers";
import { splitIntoPassages } from "./passages";
import { indexTerms, PaperPreparer, preparePassageIndex, tsvectorLiteral } from "./store";
import { collapseWhitespace, countWords, indexWords, splitSentences, tokenize } from "./tokenize";

const readSamplePapers = () =>
  parsePapersJsonl(readFileSync(new URL("./sample-papers.jsonl", import.meta.url), "utf8"));

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

  it("finds the same words in ASCII text as the Unicode word pattern does", () => {
    const WORD = /[\p{L}\p{M}\p{N}]+(?:'[\p{L}\p{M}\p{N}]+)*/gu;
    const alphabet = "aZ9 '-_.\n\t$\\{}x'";
    let seed = 1;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let i = 0; i < 2_000; i++) {
      const s = Array.from({ length: next() % 40 }, () => alphabet[next() % alphabet.length]).join("");
      assert.deepEqual(indexWords(s), s.toLowerCase().match(WORD) ?? [], JSON.stringify(s));
    }
    assert.deepEqual(indexWords("Don't O'Neil's 'quoted' x''y GPT-4o"), [
      "don't",
      "o'neil's",
      "quoted",
      "x",
      "y",
      "gpt",
      "4o",
    ]);
  });

  it("collapses whitespace as /\\s+/ does", () => {
    const spaces = " \t\n\v\f\r\u00a0\u1680\u2000\u2005\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";
    for (const a of spaces)
      for (const b of ["", ...spaces]) {
        const s = `x${a}${b}y${a} z${b}`;
        assert.equal(collapseWhitespace(s), s.replace(/\s+/g, " "), JSON.stringify(s));
      }
    assert.equal(collapseWhitespace("  a  b\n"), " a b ");
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

  it("loads the bundled sample: ten papers with arXiv ids, full author lists and years", () => {
    const papers = readSamplePapers();
    assert.equal(papers.length, 10);
    assert.equal(new Set(papers.map((p) => p.id)).size, 10);
    for (const p of papers) {
      assert.ok(p.title.length > 10 && p.authors.length >= 4 && p.year === 2025 && p.abstract.length > 500);
      assert.match(p.arxivId ?? "", /^25\d\d\.\d{5}$/);
      assert.ok(!p.authors.includes("et al."));
    }
    // LaTeX stays as written, for the renderer.
    assert.ok(papers.some((p) => p.abstract.includes("18$\\times$")));
  });

  it("takes DOIs and arXiv ids in any common spelling, and needs one identifier", () => {
    const [p] = parsePapersJsonl(
      JSON.stringify({
        title: "T",
        authors: [],
        year: 2020,
        abstract: "A.",
        doi: "https://doi.org/10.1103/PhysRevD.76.013009",
      }),
    );
    assert.equal(p.id, "doi:10.1103/physrevd.76.013009");
    assert.equal(p.doi, "10.1103/physrevd.76.013009");
    assert.throws(
      () => parsePapersJsonl(JSON.stringify({ title: "T", authors: [], year: 2020, abstract: "A." })),
      /line 1: id: a paper needs an id, a doi or an arxivId/,
    );
    assert.throws(
      () =>
        parsePapersJsonl(
          JSON.stringify({ id: "x", title: "T", authors: [], year: 2020, abstract: "A.", doi: "nope" }),
        ),
      /line 1: doi: not a DOI/,
    );
  });
});

describe("identifiers and links", () => {
  it("normalises arXiv ids and DOIs; a citation links to arXiv, else the DOI, else the given URL", () => {
    assert.equal(normalizeArxivId("arXiv:2401.01234v3"), "2401.01234");
    assert.equal(normalizeArxivId("hep-th/9901001v1"), "hep-th/9901001");
    assert.equal(normalizeArxivId("0704.0001"), "0704.0001");
    assert.equal(normalizeArxivId("2401.1"), undefined);
    assert.equal(normalizeDoi("doi: 10.1000/ABC"), "10.1000/abc");
    assert.equal(normalizeDoi("http://dx.doi.org/10.1000/x y"), "10.1000/x");
    assert.equal(normalizeDoi("11.1000/x"), undefined);
    assert.equal(paperLink({ arxivId: "2401.01234", doi: "10.1/x" }), "https://arxiv.org/abs/2401.01234");
    assert.equal(paperLink({ doi: "10.1/x", url: "https://example.org/p" }), "https://doi.org/10.1/x");
    assert.equal(paperLink({ url: "https://example.org/p" }), "https://example.org/p");
    assert.equal(paperLink({}), undefined);
  });
});

describe("arXiv metadata snapshot records", () => {
  // The layout of arxiv-metadata-oai-snapshot.json, one object per line (its first record).
  const record = {
    id: "0704.0001",
    submitter: "Pavel Nadolsky",
    authors: "C. Bal\\'azs, E. L. Berger, P. M. Nadolsky, C.-P. Yuan",
    title: "Calculation of prompt diphoton production cross sections at Tevatron and\n  LHC energies",
    comments: "37 pages, 15 figures; published version",
    "journal-ref": "Phys.Rev.D76:013009,2007",
    doi: "10.1103/PhysRevD.76.013009",
    "report-no": "ANL-HEP-PR-07-12",
    categories: "hep-ph",
    license: null,
    abstract:
      "  A fully differential calculation in perturbative quantum chromodynamics is\npresented for the production of massive photon pairs at $\\sqrt{s}$ = 1.96 TeV.\n",
    versions: [
      { version: "v1", created: "Mon, 2 Apr 2007 19:18:42 GMT" },
      { version: "v2", created: "Tue, 24 Jul 2007 20:10:27 GMT" },
    ],
    update_date: "2008-11-13",
    authors_parsed: [
      ["Balázs", "C.", ""],
      ["Berger", "E. L.", ""],
      ["Nadolsky", "P. M.", ""],
      ["Yuan", "C. -P.", ""],
    ],
  };

  it("reads id, authors (parsed), title, abstract with its LaTeX, year of the first version, DOI, venue", () => {
    const p = parseArxivRecord(record, 1);
    assert.equal(p.id, "0704.0001");
    assert.equal(p.arxivId, "0704.0001");
    assert.deepEqual(p.authors, ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan"]);
    assert.equal(
      p.title,
      "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies",
    );
    assert.equal(
      p.abstract,
      "A fully differential calculation in perturbative quantum chromodynamics is presented for the production of massive photon pairs at $\\sqrt{s}$ = 1.96 TeV.",
    );
    assert.equal(p.year, 2007);
    assert.equal(p.doi, "10.1103/physrevd.76.013009");
    assert.equal(p.venue, "Phys.Rev.D76:013009,2007");
    assert.equal(p.categories, "hep-ph");
  });

  it("falls back to the authors string and to the year in an old-style id", () => {
    const p = parseArxivRecord(
      {
        ...record,
        id: "hep-th/9901001",
        versions: [],
        authors_parsed: undefined,
        doi: null,
        "journal-ref": null,
      },
      7,
    );
    assert.equal(p.year, 1999);
    assert.equal(p.venue, "arXiv");
    assert.deepEqual(p.authors, ["C. Bal\\'azs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"]);
    assert.equal(p.doi, undefined);
  });

  it("takes the same records as the schema and reads them the same way (the import's hand-written fast path)", () => {
    const long = (n: number) => "x".repeat(n);
    const variants: unknown[] = [
      record,
      { ...record, authors_parsed: null, authors: null, doi: null, "journal-ref": null, categories: null },
      { ...record, authors_parsed: undefined, versions: undefined, update_date: undefined, categories: "  " },
      { ...record, title: " \t\u00a0Spaced\u2003 title\r\n ", abstract: "a\u2028b\u00a0 c  " },
      { ...record, versions: [{ created: null }, { version: "v2" }], id: "hep-th/9901001v3" },
      { ...record, authors_parsed: [["Only"], [null, "A."], []] },
      // Bad records, each failing one check of the schema.
      null,
      [record],
      "a string",
      { ...record, id: 704.0001 },
      { ...record, id: "nope" },
      { ...record, title: " \n " },
      { ...record, title: long(2_001) },
      { ...record, title: undefined },
      { ...record, abstract: long(100_001) },
      { ...record, abstract: 5 },
      { ...record, authors: long(100_001) },
      { ...record, authors: ["A"] },
      { ...record, authors_parsed: "Balázs" },
      { ...record, authors_parsed: [["Balázs", 1]] },
      { ...record, authors_parsed: ["Balázs"] },
      { ...record, authors_parsed: Array.from({ length: 5_001 }, () => ["A"]) },
      { ...record, categories: 3 },
      { ...record, doi: { doi: "10.1/x" } },
      { ...record, "journal-ref": false },
      { ...record, versions: {} },
      { ...record, versions: [null] },
      { ...record, versions: [["v1"]] },
      { ...record, versions: [{ created: 5 }] },
      { ...record, update_date: 2008 },
    ];
    let accepted = 0;
    for (const [i, v] of variants.entries()) {
      const fast = checkArxivRecordFast(v);
      const schema = arxivSchema.safeParse(v);
      if (fast === null) continue; // declined: the schema decides (and names what is wrong)
      accepted++;
      assert.ok(schema.success, `variant ${i}: the fast path accepted what the schema refuses`);
      const { versions: fv, ...fastRest } = fast;
      const { versions: sv, ...schemaRest } = schema.data;
      assert.deepEqual(fastRest, schemaRest, `variant ${i}`);
      assert.deepEqual(
        fv?.map((x) => x.created),
        sv?.map((x) => x.created),
        `variant ${i}`,
      );
    }
    assert.equal(accepted, 6, "the valid variants take the fast path");
    for (const v of variants.slice(6)) assert.equal(arxivSchema.safeParse(v).success, false);
  });

  it("names the line and the field of a bad record", () => {
    assert.throws(
      () => parseArxivRecord({ ...record, authors_parsed: [["A", 1]] }, 4),
      /line 4: authors_parsed\.0\.1: /,
    );
    assert.throws(() => parseArxivRecord({ ...record, title: undefined }, 3), /line 3: title: /);
    assert.throws(
      () => parseArxivRecord({ ...record, id: "nope" }, 5),
      /line 5: id: not an arXiv identifier/,
    );
    assert.throws(
      () => parseArxivRecord({ ...record, abstract: "  " }, 6),
      /line 6: abstract: abstract must not be empty/,
    );
  });
});

describe("OpenAlex works", () => {
  const work = {
    id: "https://openalex.org/W2741809807",
    doi: "https://doi.org/10.7717/PEERJ.4375",
    title: "The state of OA: a large-scale analysis of the prevalence and impact of Open Access articles",
    display_name: "The state of OA",
    publication_year: 2018,
    authorships: [
      { author: { display_name: "Heather Piwowar" } },
      { author: { display_name: "Jason Priem" } },
    ],
    abstract_inverted_index: {
      Despite: [0],
      growing: [1],
      interest: [2],
      in: [3, 6],
      Open: [4],
      Access: [5],
      "(OA),": [7],
    },
    primary_location: {
      landing_page_url: "https://doi.org/10.7717/peerj.4375",
      source: { display_name: "PeerJ" },
    },
    locations: [{ landing_page_url: "https://arxiv.org/abs/1707.01234v2", pdf_url: null }],
    ids: { openalex: "https://openalex.org/W2741809807", doi: "https://doi.org/10.7717/peerj.4375" },
    topics: [{ display_name: "Open access publishing" }],
  };

  it("rebuilds the abstract from the inverted index and reads ids, authors, venue and an arXiv location", () => {
    const p = parseOpenAlexRecord(work, 1);
    assert.equal(p.id, "W2741809807");
    assert.equal(p.abstract, "Despite growing interest in Open Access in (OA),");
    assert.equal(p.doi, "10.7717/peerj.4375");
    assert.equal(p.arxivId, "1707.01234");
    assert.deepEqual(p.authors, ["Heather Piwowar", "Jason Priem"]);
    assert.equal(p.venue, "PeerJ");
    assert.equal(p.year, 2018);
    assert.equal(p.categories, "Open access publishing");
  });

  it("refuses works without an abstract, and inverted indexes too large to rebuild, at flat memory", () => {
    assert.throws(
      () => parseOpenAlexRecord({ ...work, abstract_inverted_index: null }, 3),
      /line 3: .*no abstract/,
    );
    // Positions are untrusted: one word at position 2^31 must not allocate an array that long.
    assert.equal(abstractFromInvertedIndex({ a: [2 ** 31], b: [0] }), "b a");
    const huge = { w: Array.from({ length: 20_001 }, (_, i) => i) };
    assert.throws(
      () => parseOpenAlexRecord({ ...work, abstract_inverted_index: huge }, 4),
      /line 4: .*over 20000 words/,
    );
  });
});

describe("index terms", () => {
  it("are the same from a PaperPreparer as from indexTerms, with the batch's document frequencies", () => {
    const papers: Paper[] = [
      ...readSamplePapers(),
      paper({
        id: "u1",
        title: "Ünïcode naïve état",
        abstract: "深度学习模型 and FlexOlmo’s routing; it's naïve.",
      }),
      paper({
        id: "u2",
        title: "Indexes",
        abstract: "indexes index INDEXED the of and",
        text: "Body one. Body two!",
      }),
      paper({ id: "u3", title: "the", abstract: "of and" }),
      paper({
        id: "u4",
        title: "Don't O'Neil's 'quoted'",
        abstract: "x''y it's a'b'c 'tis end' GPT-4o 3.5e-7",
      }),
    ];
    // Random ASCII text (the preparer scans ASCII itself instead of using the regular expression).
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    const pieces = ["a", "Z", "9", " ", "'", "'s", "-", "\n", "the", "Index", "ing", "s", "$", "\\"];
    for (let i = 0; i < 200; i++) {
      const words = Array.from({ length: next() % 30 }, () => pieces[next() % pieces.length]).join("");
      papers.push(paper({ id: `r${i}`, title: words.slice(0, 9), abstract: words || "x" }));
    }
    for (const provider of ["sqlite", "postgresql"] as const) {
      // maxWords 5: the preparer forgets its words after each batch, which must not change a term or a count.
      for (const preparer of [
        new PaperPreparer("jsonl", provider),
        new PaperPreparer("jsonl", provider, 5),
      ]) {
        for (const batch of [papers.slice(0, 7), papers.slice(7), papers]) {
          const df = new Map<string, number>();
          let passages = 0;
          let tokens = 0;
          for (const p of batch) {
            const prepared = preparer.prepare(p);
            assert.equal(prepared.passages.length, splitIntoPassages(p).length);
            for (const pp of prepared.passages) {
              const terms = indexTerms(p.title, pp.text);
              const expected = preparePassageIndex(terms, provider);
              assert.deepEqual(
                { indexed: pp.indexed, distinct: pp.distinct, length: pp.length },
                expected,
                `${p.id} #${pp.position}`,
              );
              passages++;
              tokens += terms.length;
              for (const t of new Set(terms)) df.set(t, (df.get(t) ?? 0) + 1);
            }
          }
          const counts = preparer.takeCounts();
          assert.deepEqual([counts.passages, counts.tokens], [passages, tokens]);
          const terms = counts.terms ? counts.terms.split(" ") : [];
          assert.deepEqual(new Map(terms.map((t, i) => [t, counts.counts[i]])), df);
          assert.equal(terms.length, df.size, "each term once");
        }
      }
    }
  });

  it("write a stripped tsvector literal: each term once, without positions", () => {
    assert.equal(tsvectorLiteral(["a", "b", "a"]), "'a' 'b'");
    assert.equal(tsvectorLiteral(Array.from({ length: 300 }, () => "x")), "'x'");
  });
});
