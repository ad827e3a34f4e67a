/**
 * The collection in a real database, on SQLite always and on PostgreSQL when TEST_POSTGRES_URL is set:
 * streaming import (formats, gzip, resume, dedupe, bad lines), the search index and its statistics, and
 * retrieval (the right paper, BM25 as computed by hand, the relevance floor, links).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { bm25Idf } from "./bm25";
import { importPapersFile } from "./import";
import { PaperImportError } from "./papers";
import { searchPapers } from "./search";
import {
  candidatePassages,
  collectionStats,
  documentFrequencies,
  indexTerms,
  passagesById,
  preparePaper,
  writeBatch,
} from "./store";
import { type TestDatabase, testDatabases } from "./test-databases";
import { tokenize } from "./tokenize";

const SAMPLE = path.join(import.meta.dirname, "sample-papers.jsonl");
const files = mkdtempSync(path.join(tmpdir(), "lmr-import-"));
after(() => rmSync(files, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const p = path.join(files, name);
  writeFileSync(p, content);
  return p;
}

const jsonl = (records: object[]) => `${records.map((r) => JSON.stringify(r)).join("\n")}\n`;

function arxivRecord(i: number, abstract: string, extra: object = {}) {
  return {
    id: `2401.${String(i).padStart(5, "0")}`,
    title: `Paper ${i}`,
    authors: "A. Author, B. Author",
    authors_parsed: [
      ["Author", "A.", ""],
      ["Author", "B.", ""],
    ],
    abstract,
    categories: "cs.IR",
    versions: [{ version: "v1", created: "Mon, 1 Jan 2024 00:00:00 GMT" }],
    update_date: "2024-01-02",
    doi: null,
    ...extra,
  };
}

for (const [name, make] of testDatabases()) {
  describe(name, () => {
    let t: TestDatabase;
    before(async () => {
      t = await make();
    });
    after(async () => {
      await t?.drop();
    });

    it("imports the sample and finds the paper a researcher is asking about, linked to arXiv", async () => {
      const r = await importPapersFile(t.sql, SAMPLE, { format: "jsonl", strict: true });
      assert.equal(r.status, "done");
      assert.equal(r.added, 10);
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
        const { hits } = await searchPapers(t.sql, question);
        assert.equal(hits[0]?.paper.id, id, question);
        assert.match(hits[0].paper.url ?? "", /^https:\/\/arxiv\.org\/abs\/25\d\d\.\d{5}$/);
        assert.ok(hits[0].paper.authors.length >= 4);
        hits.forEach((h, i) => {
          assert.equal(h.rank, i + 1);
          if (i > 0) assert.ok(h.score <= hits[i - 1].score);
        });
      }
      // LaTeX reaches the passage as written.
      const { hits } = await searchPapers(t.sql, "FM-index indexing speed and memory use");
      assert.ok(hits.some((h) => h.passage.text.includes("18$\\times$")));
    });

    it("retrieves nothing for off-topic questions, and no passage that only shares a common word", async () => {
      for (const q of [
        "What is the capital of France?",
        "How do I bake sourdough bread?",
        "Which language do people speak in Brazil?",
        "the of and",
        "",
      ]) {
        assert.deepEqual((await searchPapers(t.sql, q)).hits, [], q);
      }
      // "models" is in most sample abstracts; "poetry" and "rhyme" in none: nothing clears the floor.
      assert.deepEqual((await searchPapers(t.sql, "Can language models write poetry that rhymes?")).hits, []);
      const { hits } = await searchPapers(t.sql, "How do language models follow verifiable instructions?");
      assert.equal(hits[0].paper.id, "ifbench-2025");
      for (const h of hits) assert.ok(h.coverage >= 0.3, `${h.paper.id} covers ${h.coverage}`);
    });

    it("scores with BM25 over every question term from the collection's statistics", async () => {
      const question = "benchmark contamination of language model evaluation";
      const { hits, terms } = await searchPapers(t.sql, question, { k: 3 });
      const stats = await collectionStats(t.sql);
      assert.equal(stats.passages, 10);
      const df = await documentFrequencies(t.sql, [...new Set(tokenize(question))]);
      assert.deepEqual(new Map(terms.map((x) => [x.term, x.df])), df);
      const avgdl = stats.tokens / stats.passages;
      const sample = readFileSync(SAMPLE, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { id: string; title: string; abstract: string });
      for (const h of hits) {
        const p = sample.find((s) => s.id === h.paper.id)!;
        const tokens = tokenize(`${p.title}\n${p.abstract}`);
        let expected = 0;
        for (const [term, n] of df) {
          const tf = tokens.filter((x) => x === term).length;
          if (tf)
            expected += (bm25Idf(10, n) * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * tokens.length) / avgdl));
        }
        assert.ok(Math.abs(h.score - expected) < 1e-9, `${h.paper.id}: ${h.score} vs ${expected}`);
      }
      assert.equal(hits[0].paper.id, "infini-gram-mini-2025");
    });

    it("streams arXiv files, plain and gzip, skipping and reporting bad lines", async () => {
      const lines = [
        JSON.stringify(arxivRecord(1, "Dense retrieval with learned sparse vectors.")),
        "{not json",
        JSON.stringify(arxivRecord(2, "")),
        "",
        JSON.stringify(
          arxivRecord(3, "Learned sparse retrieval for question answering.", { doi: "10.1000/LSR" }),
        ),
      ].join("\n");
      const r = await importPapersFile(t.sql, file("a.jsonl.gz", gzipSync(lines)), { format: "arxiv" });
      assert.equal(r.added, 2);
      assert.equal(r.skipped, 2);
      assert.match(r.errors[0], /^line 2: invalid JSON/);
      assert.match(r.errors[1], /^line 3: abstract: abstract must not be empty/);
      const again = await importPapersFile(t.sql, file("a.jsonl.gz", gzipSync(lines)), { format: "arxiv" });
      assert.equal(again.status, "already-done");
      await assert.rejects(
        importPapersFile(t.sql, file("b.jsonl", lines), { format: "arxiv", strict: true, restart: true }),
        (e: unknown) => e instanceof PaperImportError && /^line 2: invalid JSON/.test((e as Error).message),
      );
      const both = await searchPapers(t.sql, "learned sparse retrieval");
      assert.deepEqual(both.hits.map((h) => h.paper.id).sort(), ["2401.00001", "2401.00003"]);
      // Paper 1 shares "learned sparse retrieval" but not the question's "question answering": below the floor.
      const { hits } = await searchPapers(t.sql, "learned sparse retrieval for answering questions");
      assert.deepEqual(
        hits.map((h) => h.paper.id),
        ["2401.00003"],
      );
      assert.equal(hits[0].paper.url, "https://arxiv.org/abs/2401.00003");
      assert.equal(hits[0].paper.doi, "10.1000/lsr");
    });

    it("resumes an interrupted import after the last committed batch, storing nothing twice", async () => {
      const records = Array.from({ length: 25 }, (_, i) =>
        arxivRecord(100 + i, `Resumable import record ${i} about zebrafish${i % 5} regeneration.`),
      );
      const big = "x".repeat(5000);
      const text = `${jsonl(records.slice(0, 12))}{"id":"${big}"}\n${jsonl(records.slice(12))}`;
      const f = file("resume.jsonl", text);
      const stop = new AbortController();
      const first = await importPapersFile(t.sql, f, {
        format: "arxiv",
        batchSize: 5,
        maxLineBytes: 4096,
        signal: stop.signal,
        onProgress: (p) => {
          if (p.lines >= 10) stop.abort();
        },
      });
      assert.equal(first.status, "stopped");
      assert.equal(first.added, 10);
      const second = await importPapersFile(t.sql, f, { format: "arxiv", batchSize: 5, maxLineBytes: 4096 });
      assert.equal(second.status, "done");
      assert.equal(second.resumedAt, 10);
      assert.equal(second.added, 25);
      assert.equal(second.lines, 26);
      assert.deepEqual(second.errors, ["line 13: longer than 4096 bytes"]);
      const [{ n }] = await t.sql.all<{ n: number | string }>(
        `SELECT count(*) AS "n" FROM "Paper" WHERE "id" LIKE '2401.001%'`,
      );
      assert.equal(Number(n), 25);
      const { hits } = await searchPapers(t.sql, "zebrafish3 regeneration", { k: 10 });
      assert.deepEqual(hits.map((h) => h.paper.id).sort(), [
        "2401.00103",
        "2401.00108",
        "2401.00113",
        "2401.00118",
        "2401.00123",
      ]);
    });

    it("reads in a worker thread what it reads in-process: batches, skipped lines, strict errors", async () => {
      const records = Array.from({ length: 30 }, (_, i) =>
        arxivRecord(300 + i, `Worker thread record ${i} on axolotl limb growth.`),
      );
      const text = `${jsonl(records.slice(0, 20))}{bad\n${jsonl(records.slice(20))}`;
      const r = await importPapersFile(t.sql, file("worker.jsonl.gz", gzipSync(text)), {
        format: "arxiv",
        batchSize: 7,
        workerMinBytes: 0,
      });
      assert.deepEqual([r.status, r.added, r.lines, r.skipped], ["done", 30, 31, 1]);
      assert.match(r.errors[0], /^line 21: invalid JSON/);
      await assert.rejects(
        importPapersFile(t.sql, file("worker-strict.jsonl", text), {
          format: "arxiv",
          strict: true,
          workerMinBytes: 0,
        }),
        (e: unknown) => e instanceof PaperImportError && /^line 21: invalid JSON/.test((e as Error).message),
      );
      const { hits } = await searchPapers(t.sql, "axolotl limb growth", { k: 30 });
      assert.equal(hits.length, 30);
    });

    it("recognises one paper across sources by DOI and arXiv id; a changed record replaces the old passages", async () => {
      const arxiv = arxivRecord(500, "Graph neural networks for molecular property prediction.", {
        doi: "10.5555/GNN.1",
      });
      await importPapersFile(t.sql, file("gnn-arxiv.jsonl", jsonl([arxiv])), { format: "arxiv" });
      const openalex = {
        id: "https://openalex.org/W123",
        doi: "https://doi.org/10.5555/gnn.1",
        title: "Paper 500",
        publication_year: 2024,
        authorships: [{ author: { display_name: "A. Author" } }],
        abstract_inverted_index: {
          Message: [0],
          passing: [1],
          networks: [2],
          predict: [3],
          quantum: [4],
          chemistry: [5],
        },
        primary_location: {
          landing_page_url: "https://journal.example/gnn",
          source: { display_name: "J. Chem." },
        },
      };
      const r = await importPapersFile(t.sql, file("gnn-openalex.jsonl", jsonl([openalex, openalex])), {
        format: "openalex",
      });
      assert.deepEqual([r.added, r.updated, r.unchanged], [0, 1, 1]);
      const rows = await t.sql.all<{ id: string; arxivId: string; doi: string; venue: string }>(
        `SELECT "id", "arxivId", "doi", "venue" FROM "Paper" WHERE "doi" = ?`,
        ["10.5555/gnn.1"],
      );
      assert.deepEqual(rows, [
        { id: "2401.00500", arxivId: "2401.00500", doi: "10.5555/gnn.1", venue: "J. Chem." },
      ]);
      assert.deepEqual((await searchPapers(t.sql, "molecular property prediction graph")).hits, []);
      const { hits } = await searchPapers(t.sql, "message passing networks for quantum chemistry");
      assert.equal(hits[0].paper.id, "2401.00500");
      assert.equal(hits[0].paper.url, "https://arxiv.org/abs/2401.00500");
      // The statistics follow: "molecular" left with the old passage.
      assert.equal((await documentFrequencies(t.sql, ["molecular"])).get("molecular"), 0);
    });

    it("keeps the statistics equal to a recount after adds and replacements", async () => {
      const before = await collectionStats(t.sql);
      const p = (abstract: string) =>
        preparePaper(
          { id: "stats-1", title: "Stats", authors: [], year: 2020, abstract },
          "jsonl",
          t.sql.provider,
        );
      await writeBatch(t.sql, [p("alpha beta beta gamma")]);
      await writeBatch(t.sql, [p("alpha delta")]);
      const after = await collectionStats(t.sql);
      assert.equal(after.passages, before.passages + 1);
      assert.equal(after.tokens, before.tokens + tokenize("Stats\nalpha delta").length);
      const df = await documentFrequencies(t.sql, ["beta", "delta", "alpha"]);
      assert.deepEqual([df.get("beta"), df.get("delta")], [0, 1]);
      const [{ n }] = await t.sql.all<{ n: number | string }>(`SELECT count(*) AS "n" FROM "PaperPassage"`);
      assert.equal(after.passages, Number(n));
    });

    it("ranks candidates holding all the question's terms first (PostgreSQL: by the weight of the terms held)", async () => {
      const paper = (id: string, abstract: string) =>
        preparePaper({ id, title: "Tiers", authors: [], year: 2021, abstract }, "jsonl", t.sql.provider);
      await writeBatch(t.sql, [
        paper("tier-all", "quokka wombat numbat"),
        paper("tier-two", "quokka wombat"),
        paper("tier-numbat", "numbat"),
        paper("tier-quokka", "quokka"),
        paper("tier-none", "platypus"),
      ]);
      const [quokka, wombat, numbat] = tokenize("quokka wombat numbat");
      const terms = [
        { term: quokka, idf: 3 },
        { term: wombat, idf: 2 },
        { term: numbat, idf: 1.5 },
      ];
      const idsOf = async (ids: number[]) => (await passagesById(t.sql, ids)).map((p) => p.paperId);
      const ranked = await candidatePassages(t.sql, terms, 10, "ranked");
      const order = new Map((await passagesById(t.sql, ranked)).map((p) => [p.id, p.paperId]));
      const papers = ranked.map((id) => order.get(id));
      assert.equal(papers[0], "tier-all");
      assert.deepEqual([...papers].sort(), ["tier-all", "tier-numbat", "tier-quokka", "tier-two"]);
      assert.deepEqual(await idsOf(await candidatePassages(t.sql, terms, 1, "ranked")), ["tier-all"]);
      if (t.sql.provider === "postgresql") {
        // By the given weights: all three (6.5), quokka + wombat (5), numbat (1.5) is lighter than quokka (3).
        assert.deepEqual(papers, ["tier-all", "tier-two", "tier-quokka", "tier-numbat"]);
        // Tiers lighter than the least weight are not read: quokka alone (3) and numbat alone (1.5) are not.
        const heavy = await candidatePassages(t.sql, terms, 10, "ranked", 3.5);
        assert.deepEqual((await idsOf(heavy)).sort(), ["tier-all", "tier-two"]);
      }
    });

    it("keeps every term's statistics equal to a recount through a file import with duplicates, unchanged and changed records", async () => {
      const a = arxivRecord(700, "Spectral clustering of sparse graphs with heavy tails.");
      const b = arxivRecord(701, "Heavy tails in sparse random graphs and their spectra.");
      const a2 = { ...a, abstract: "Spectral embedding of dense graphs, revisited." };
      // One batch holds b twice and a then its replacement a2; the second import meets b unchanged and a2 changed.
      await importPapersFile(t.sql, file("stats-1.jsonl", jsonl([a, b, b, a2])), {
        format: "arxiv",
        workerMinBytes: 0,
      });
      const r = await importPapersFile(
        t.sql,
        file("stats-2.jsonl", jsonl([b, { ...a2, abstract: "Dense graphs." }])),
        {
          format: "arxiv",
          workerMinBytes: 0,
        },
      );
      assert.deepEqual([r.added, r.updated, r.unchanged], [0, 1, 1]);
      const passages = await t.sql.all<{ title: string; text: string }>(
        `SELECT p."title", pp."text" FROM "PaperPassage" pp JOIN "Paper" p ON p."id" = pp."paperId"`,
      );
      const recount = new Map<string, number>();
      let tokens = 0;
      for (const x of passages) {
        const terms = indexTerms(x.title, x.text);
        tokens += terms.length;
        for (const term of new Set(terms)) recount.set(term, (recount.get(term) ?? 0) + 1);
      }
      const stored = await t.sql.all<{ term: string; df: number | string }>(
        `SELECT "term", "df" FROM "PaperTerm" WHERE "df" <> 0 AND "term" NOT LIKE '#%'`,
      );
      assert.deepEqual(new Map(stored.map((x) => [x.term, Number(x.df)])), recount);
      assert.deepEqual(await collectionStats(t.sql), { passages: passages.length, tokens });
    });
  });
}
