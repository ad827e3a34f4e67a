import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { FmError } from "../fm/errors";
import { buildFmIndex, type CorpusDoc, type FmIndex, loadIndexFiles, openFmIndex } from "../fm/index";
import { createIndexService } from "../fm/index-service";
import { mulberry32 as rng } from "../random";
import { bm25Scores, corpusIdf, normalizeRelevance, relevanceLevel } from "./bm25";
import { TraceError } from "./errors";
import { maximalSpans } from "./spans";
import { fmExtender } from "./stages";
import { tokenize } from "./tokens";
import { coverageShare, shardsFor, traceText, trimContext } from "./trace";
import { createTraceService, type TraceService } from "./trace-service";

const tmp = mkdtempSync(join(tmpdir(), "trace-test-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

let dirs = 0;
async function build(docs: CorpusDoc[], maxShardBytes?: number): Promise<{ dir: string; index: FmIndex }> {
  const dir = join(tmp, `idx-${dirs++}`);
  await buildFmIndex({ docs, out: dir, maxShardBytes, workers: 0 });
  return { dir, index: openFmIndex(dir) };
}

/**
 * Brute force, straight from the definition: for every word start, the longest run of tokens (ending at a
 * word end or at the run-closing delimiter) whose text occurs as a substring of some document of the
 * chosen domains; then drop spans contained in another, and short ones.
 */
function bruteSpans(docs: CorpusDoc[], text: string, domains: string[], minWords: number) {
  const texts = docs
    .filter((d) => domains.length === 0 || domains.includes(d.domain))
    .map((d) => d.text as string);
  const occurs = (s: string) => texts.some((t) => t.includes(s));
  const tok = tokenize(text);
  const found: { start: number; end: number; words: number }[] = [];
  for (const run of tok.runs) {
    for (let i = run.first; i <= run.last; i++) {
      if (!tok.tokens[i].word) continue;
      let best = -1;
      for (let j = i; j <= run.last; j++) {
        const t = tok.tokens[j];
        if (!(t.word || (t.delimiter && j === run.last))) continue;
        if (occurs(text.slice(tok.tokens[i].start, t.end))) best = j;
      }
      if (best >= 0) {
        let words = 0;
        for (let k = i; k <= best; k++) if (tok.tokens[k].word) words++;
        found.push({ start: tok.tokens[i].start, end: tok.tokens[best].end, words });
      }
    }
  }
  const maximal = found.filter(
    (s) =>
      !found.some(
        (o) => o !== s && o.start <= s.start && o.end >= s.end && (o.start < s.start || o.end > s.end),
      ),
  );
  return maximal.filter((s) => s.words >= minWords).map((s) => `${s.start}-${s.end}`);
}

const VOCAB = [
  "the",
  "whale",
  "sea",
  "ship",
  "a",
  "of",
  "and",
  "Ahab",
  "white",
  "old",
  "man",
  "boat",
  "in",
  "to",
];
function sentence(r: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(VOCAB[Math.floor(r() * VOCAB.length)]);
  let s = out.join(" ");
  if (r() < 0.3) s += ",";
  if (r() < 0.5) s += ".";
  if (r() < 0.2) s += "\n";
  return s;
}

describe("maximal spans vs brute force", () => {
  test("random corpora and texts: word boundaries, maximality, delimiters, shard choice", async () => {
    const r = rng(7);
    for (let round = 0; round < 10; round++) {
      const docs: CorpusDoc[] = [];
      for (let d = 0; d < 12; d++) {
        const parts: string[] = [];
        for (let k = 0; k < 4; k++) parts.push(sentence(r, 3 + Math.floor(r() * 8)));
        docs.push({
          id: `d${d}`,
          domain: ["alpha", "beta", "gamma"][d % 3],
          text: parts.join(" "),
          meta: {},
        });
      }
      const { index } = await build(docs, round % 2 === 0 ? 300 : undefined);
      for (let q = 0; q < 15; q++) {
        const parts: string[] = [];
        for (let k = 0; k < 3; k++) {
          // Mix copied stretches with random words.
          if (r() < 0.5) {
            const src = docs[Math.floor(r() * docs.length)].text as string;
            const w = src.split(" ");
            const a = Math.floor(r() * w.length);
            parts.push(w.slice(a, a + 2 + Math.floor(r() * 8)).join(" "));
          } else parts.push(sentence(r, 2 + Math.floor(r() * 6)));
        }
        const text = parts.join(" ");
        for (const domains of [[], ["alpha"], ["beta", "gamma"]]) {
          for (const minWords of [1, 2, 3]) {
            const want = bruteSpans(docs, text, domains, minWords);
            const tok = tokenize(text);
            const got = maximalSpans(tok, fmExtender(index, shardsFor(index.shards, domains)))
              .filter((s) => s.words >= minWords)
              .map((s) => `${s.start}-${s.end}`);
            assert.deepEqual(got, want, `text ${JSON.stringify(text)} domains ${domains} min ${minWords}`);
          }
        }
      }
    }
  });

  test("a delimiter may only be a span's last token; newlines break spans", async () => {
    const docs: CorpusDoc[] = [
      { id: "a", domain: "x", text: "call me Ishmael. Some years ago I went\nto sea", meta: {} },
    ];
    const { index } = await build(docs);
    const text = "call me Ishmael. Some years ago I went\nto sea";
    const res = traceText(index, { response: text, spanDensity: 1, minSpanWords: 1 });
    assert.deepEqual(
      res.spans.map((s) => s.text),
      ["call me Ishmael.", "Some years ago I went", "to sea"],
    );
  });
});

describe("trace", () => {
  let index: FmIndex;
  let docs: CorpusDoc[];
  before(async () => {
    docs = [
      {
        id: "moby",
        domain: "creative",
        text: "Call me Ishmael. Some years ago, never mind how long precisely, having little money in my purse, I thought I would sail about a little and see the watery part of the world.",
        meta: { title: "Moby", source: "book", license: "PD" },
      },
      {
        id: "sotu",
        domain: "public",
        text: "The state of the union is strong. We will sail about the world and trade.",
        meta: { title: "SOTU", license: "PD" },
      },
      {
        id: "mail",
        domain: "email",
        text: "Hi all, the meeting is moved. I thought I would let you know.",
        meta: { title: "mail" },
      },
    ];
    for (let i = 0; i < 30; i++)
      docs.push({
        id: `rep${i}`,
        domain: "email",
        text: `note ${i}: the meeting is at ${i} o'clock`,
        meta: {},
      });
    index = (await build(docs)).index;
  });

  test("density keeps ceil(d L) rarest spans, in text order; documents, snippets and merging", () => {
    const response =
      "Some years ago, never mind how long precisely, I went away. The meeting is moved to noon and the state of the union is strong.";
    const all = traceText(index, { response, spanDensity: 1 });
    const L = tokenize(response).words;
    assert.equal(all.words, L);
    for (const d of [0.05, 0.1, 0.2]) {
      const res = traceText(index, { response, spanDensity: d });
      assert.equal(res.spans.length, Math.min(all.spans.length, Math.ceil(d * L)));
      const starts = res.spans.map((s) => s.start);
      assert.deepEqual(
        starts,
        [...starts].sort((a, b) => a - b),
      );
      // The kept spans are the rarest ones of the full list.
      const rarest = [...all.spans]
        .sort((a, b) => a.rarity - b.rarity || a.start - b.start)
        .slice(0, res.spans.length);
      assert.deepEqual(res.spans.map((s) => s.text).sort(), rarest.map((s) => s.text).sort());
    }
    const moby = all.spans.find((s) => s.text.startsWith("Some years ago"));
    assert.ok(moby);
    const doc = all.documents[moby.documents[0]];
    assert.equal(doc.docId, "moby");
    assert.equal(doc.domain, "creative");
    assert.equal(doc.license, "PD");
    const snip = doc.snippets.find((s) => s.span === moby.id)!;
    assert.equal(snip.text.slice(snip.matchStart, snip.matchEnd), moby.text);
    // Documents are de-duplicated; each document lists its spans.
    const keys = all.documents.map((d) => `${d.shard}/${d.docIndex}`);
    assert.equal(new Set(keys).size, keys.length);
    for (const s of all.spans) for (const d of s.documents) assert.ok(all.documents[d].spans.includes(s.id));
    // Regions: overlapping spans merged, nested spans kept.
    for (const r of all.regions) {
      for (const sid of r.spans) assert.ok(all.spans[sid].start >= r.start && all.spans[sid].end <= r.end);
    }
    for (let i = 1; i < all.regions.length; i++) assert.ok(all.regions[i].start >= all.regions[i - 1].end);
    assert.ok(all.coverage.all > 0 && all.coverage.all <= 1);
  });

  test("up to maxDocsPerSpan documents, the same sample each time", () => {
    const response = "the meeting is at noon";
    const a = traceText(index, { response, spanDensity: 1, maxDocsPerSpan: 10 });
    const span = a.spans.find((s) => s.text === "the meeting is at")!;
    assert.ok(span.count > 10);
    assert.equal(span.documents.length, 10);
    const b = traceText(index, { response, spanDensity: 1, maxDocsPerSpan: 10 });
    assert.deepEqual(
      a.documents.map((d) => d.docId),
      b.documents.map((d) => d.docId),
    );
  });

  test("domains limit the shards searched", () => {
    const response = "I thought I would sail about the world";
    const creative = traceText(index, { response, domains: ["creative"], spanDensity: 1 });
    assert.ok(creative.documents.every((d) => d.domain === "creative"));
    const pub = traceText(index, { response, domains: ["public"], spanDensity: 1 });
    assert.ok(pub.documents.every((d) => d.domain === "public"));
    assert.ok(pub.spans.some((s) => s.text === "sail about the world"));
  });

  test("bad input fails with typed errors", () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        assert.ok(e instanceof TraceError);
        return e.code;
      }
      return null;
    };
    assert.deepEqual(
      code(() => traceText(index, { response: "  \n " })),
      "EMPTY_TEXT",
    );
    assert.deepEqual(
      code(() => traceText(index, { response: "a".repeat(20_001) })),
      "TEXT_TOO_LONG",
    );
    assert.deepEqual(
      code(() => traceText(index, { response: "ok", domains: ["nope"] })),
      "UNKNOWN_DOMAIN",
    );
    assert.deepEqual(
      code(() => traceText(index, { response: "ok", spanDensity: 0 })),
      "BAD_SETTING",
    );
    assert.equal(
      code(() => traceText(index, { response: "a".repeat(20_000) })),
      null,
    );
  });

  test("any script: CJK, emoji, RTL and control characters", async () => {
    const cjk = "我爱北京天安门。天安门上太阳升。";
    const rtl = "مرحبا بالعالم الجميل";
    const emoji = "the whale 🐋 swims 👋🏽 far away";
    const { index: ix } = await build([
      { id: "c", domain: "x", text: cjk, meta: {} },
      { id: "r", domain: "x", text: `قال: ${rtl} اليوم`, meta: {} },
      { id: "e", domain: "x", text: `and ${emoji} now`, meta: {} },
      { id: "z", domain: "x", text: "control\u0000char here", meta: {} },
    ]);
    const c = traceText(ix, { response: `今天${cjk}`, spanDensity: 1 });
    assert.ok(
      c.spans.some((s) => s.text === "我爱北京天安门。"),
      JSON.stringify(c.spans.map((s) => s.text)),
    );
    const r = traceText(ix, { response: `hello ${rtl}`, spanDensity: 1 });
    assert.deepEqual(
      r.spans.map((s) => s.text),
      [rtl],
    );
    const e = traceText(ix, { response: emoji, spanDensity: 1 });
    assert.deepEqual(
      e.spans.map((s) => s.text),
      [emoji],
    );
    assert.equal(e.documents[0].snippets[0].text.includes("🐋"), true);
    const z = traceText(ix, {
      response: "control\u0000char here\u0007 but \u0001",
      spanDensity: 1,
      minSpanWords: 1,
    });
    // Control characters break spans.
    assert.deepEqual(
      z.spans.map((s) => s.text),
      ["control", "char here"],
    );
    const only = traceText(ix, { response: "🐋🐋 \u0000 !!", spanDensity: 1 });
    assert.equal(only.spans.length, 0);
    assert.equal(only.coverage.all, 0);
  });
});

describe("BM25", () => {
  test("matches a hand-computed example", () => {
    // N = 2 documents, avgdl = (3 + 1) / 2 = 2, k1 = 1.2, b = 0.75; query "whale sea".
    // idf(whale): n = 1 -> ln(1 + 1.5 / 1.5) = ln 2; idf(sea): n = 1 -> ln 2.
    // doc 0 = [whale, whale, ship]: |D| = 3, norm = 1.2 (0.25 + 0.75 * 1.5) = 1.65; f(whale) = 2:
    //   ln2 * 2 * 2.2 / (2 + 1.65) = ln2 * 4.4 / 3.65
    // doc 1 = [sea]: |D| = 1, norm = 1.2 (0.25 + 0.375) = 0.75; f(sea) = 1: ln2 * 2.2 / 1.75
    const s = bm25Scores(["whale", "sea"], [["whale", "whale", "ship"], ["sea"]]);
    assert.ok(Math.abs(s[0] - (Math.LN2 * 4.4) / 3.65) < 1e-12);
    assert.ok(Math.abs(s[1] - (Math.LN2 * 2.2) / 1.75) < 1e-12);
    // With a corpus idf: N = 100 documents, "whale" occurs 9 times: ln(1 + 91.5 / 9.5).
    assert.ok(Math.abs(corpusIdf(9, 100) - Math.log(1 + 91.5 / 9.5)) < 1e-12);
    const c = bm25Scores(["whale"], [["whale", "whale", "ship"], ["sea"]], {
      idf: (t) => corpusIdf(t === "whale" ? 9 : 0, 100),
    });
    assert.ok(Math.abs(c[0] - (corpusIdf(9, 100) * 4.4) / 3.65) < 1e-12);
    assert.equal(c[1], 0);
    assert.equal(normalizeRelevance(100, 100), 1);
    assert.equal(normalizeRelevance(9, 100), 0.5);
    assert.equal(relevanceLevel(0.7), "high");
    assert.equal(relevanceLevel(0.5), "medium");
    assert.equal(relevanceLevel(0.49), "low");
  });
});

describe("helpers", () => {
  test("trimContext keeps n words either side", () => {
    const t = trimContext("one two three four ", " five six seven", 2);
    assert.deepEqual(t, { before: "three four ", after: " five six", cutBefore: true, cutAfter: true });
  });
  test("coverage counts code points", () => {
    assert.equal(coverageShare("ab🐋c", [{ start: 2, end: 4 }]), 0.25);
  });
});

describe("trace service", () => {
  let service: TraceService;
  let dir: string;
  before(async () => {
    dir = (
      await build([
        { id: "m", domain: "creative", text: "Call me Ishmael. Some years ago I went to sea.", meta: {} },
      ])
    ).dir;
    service = await createTraceService({ dir, workers: 1 });
  });
  after(() => service.close());

  test("runs a trace in a worker with the same result as in-process", async () => {
    const response = "Some years ago I went to the market.";
    const got = await service.trace({ response, spanDensity: 1 });
    const want = traceText(openFmIndex(dir), { response, spanDensity: 1 });
    assert.deepEqual(got.spans, want.spans);
    assert.deepEqual(got.documents, want.documents);
    const ctx = await service.context({
      shard: got.documents[0].shard,
      position: got.documents[0].snippets[0].position,
      length: got.documents[0].snippets[0].length,
    });
    assert.equal(ctx.text.slice(ctx.matchStart, ctx.matchEnd), "Some years ago I went to");
    await assert.rejects(
      service.trace({ response: "" }),
      (e: Error) => e instanceof TraceError && e.code === "EMPTY_TEXT",
    );
  });
});

describe("services sharing one loaded index", () => {
  test("the index and trace services run on one copy; closing rejects pending and later requests", async () => {
    const { dir } = await build([
      { id: "m", domain: "creative", text: "Call me Ishmael. Some years ago I went to sea.", meta: {} },
      { id: "c", domain: "code", text: "function main() { return 0; }", meta: {} },
    ]);
    const loaded = loadIndexFiles(dir, true);
    const search = await createIndexService({ dir, workers: 2, loaded });
    const traces = await createTraceService({ dir, workers: 1, loaded });
    try {
      assert.equal(await search.countAll("Ishmael"), 1);
      const t = await traces.trace({ response: "Some years ago I went to the shop.", spanDensity: 1 });
      assert.equal(t.documents[0].shard, "creative");
      // Both services' workers read the same bytes (SharedArrayBuffers), not copies.
      assert.ok(loaded.files.every((f) => f.bytes.buffer instanceof SharedArrayBuffer));
    } finally {
      await traces.close();
    }
    const pending = assert.rejects(
      search.batch(Array.from({ length: 2000 }, (_, k) => ({ op: "countAll" as const, query: `x${k}` }))),
      (e: unknown) => e instanceof FmError && e.code === "SERVICE_CLOSED",
    );
    await search.close();
    await pending;
    await assert.rejects(
      search.count("sea"),
      (e: unknown) => e instanceof FmError && e.code === "SERVICE_CLOSED",
    );
    await assert.rejects(
      traces.trace({ response: "Call me Ishmael." }),
      (e: unknown) => e instanceof TraceError && e.code === "SERVICE_CLOSED",
    );
  });
});
