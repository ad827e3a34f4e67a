import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { buildFmIndex, type CorpusDoc } from "@/engine/fm/index";
import { createIndexService, type IndexService } from "@/engine/fm/index-service";
import { errorBody, HttpError } from "../http-error";
import {
  byteTokens,
  displayOrder,
  type IndexInfo,
  type InfiniGramDocument,
  occurrenceRank,
  parseInfiniGramRequest,
  windowSpans,
} from "./infini-gram";
import { runInfiniGram } from "./run";

const INFO: IndexInfo = {
  name: "flexmix-mini",
  shards: [
    { name: "creative", domain: "creative", docs: 3 },
    { name: "email-0", domain: "email", docs: 2 },
  ],
  domains: ["creative", "email"],
  maxQueryBytes: 1000,
};

/** Asserts that parsing fails with a 4xx HttpError whose message matches. */
function rejects(body: unknown, status: number, message: RegExp) {
  assert.throws(
    () => parseInfiniGramRequest(body, INFO),
    (e: unknown) => e instanceof HttpError && e.status === status && message.test(e.message),
  );
}

describe("parseInfiniGramRequest", () => {
  const base = { index: "flexmix-mini", query_type: "count", query: "whale" };

  test("accepts the infini-gram request shape, and `corpus` as the old name of `index`", () => {
    const r = parseInfiniGramRequest(base, INFO);
    assert.equal(r.queryType, "count");
    assert.deepEqual(r.queryType === "count" && Array.from(r.bytes), Array.from(Buffer.from("whale")));
    const old = parseInfiniGramRequest({ corpus: "flexmix-mini", query_type: "find", query: "a" }, INFO);
    assert.equal(old.queryType, "find");
  });

  test("any string is a query: leading dash, emoji, CJK, NUL", () => {
    for (const q of ["-v", "🐋 whale", "白鯨", "a\u0000b"]) {
      const r = parseInfiniGramRequest({ ...base, query: q }, INFO);
      assert.ok(r.queryType === "count");
      assert.deepEqual(Buffer.from(r.bytes), Buffer.from(q, "utf8"));
      assert.equal(r.text, q);
    }
  });

  test("query_ids are byte values; invalid UTF-8 is allowed but has no text form", () => {
    const r = parseInfiniGramRequest({ ...base, query: undefined, query_ids: [0xe2, 0x80] }, INFO);
    assert.ok(r.queryType === "count");
    assert.deepEqual(Array.from(r.bytes), [0xe2, 0x80]);
    assert.equal(r.text, null);
    rejects({ ...base, query: undefined, query_ids: [256] }, 400, /byte values/);
    rejects({ ...base, query_ids: [97] }, 400, /either query or query_ids/);
  });

  test("bad requests name the problem", () => {
    rejects("count whale", 400, /JSON object/);
    rejects([base], 400, /JSON object/);
    rejects({ ...base, index: undefined }, 400, /Missing required field: index \(known: flexmix-mini\)/);
    rejects(
      { ...base, index: "v4_rpj_llama_s4" },
      400,
      /Unknown index "v4_rpj_llama_s4" \(known: flexmix-mini\)/,
    );
    rejects({ ...base, query_type: "ntd" }, 400, /Unknown query_type "ntd" \(supported: count, find/);
    rejects({ ...base, query_type: undefined }, 400, /Missing required field: query_type/);
    rejects({ ...base, query: "" }, 400, /The query is empty/);
    rejects({ ...base, query: undefined }, 400, /Missing required field: query/);
    rejects({ ...base, query: 42 }, 400, /query must be a string/);
    rejects({ ...base, query: "é".repeat(501) }, 400, /1002 bytes; the limit is 1000 bytes/);
    rejects({ ...base, domains: ["fiction"] }, 400, /Unknown domain "fiction" \(known: creative, email\)/);
    rejects({ ...base, domains: "creative" }, 400, /domains must be a list/);
    rejects(
      { ...base, query_type: "search_docs", maxnum: 11 },
      400,
      /maxnum must be an integer in \[1, 10\]/,
    );
    rejects({ ...base, query_type: "search_docs", maxnum: "3" }, 400, /maxnum must be an integer/);
    rejects({ ...base, query_type: "search_docs", max_disp_len: 0 }, 400, /max_disp_len/);
  });

  test("get_doc_by_rank checks s and rank", () => {
    const doc = { index: "flexmix-mini", query_type: "get_doc_by_rank", s: 1, rank: 5 };
    const r = parseInfiniGramRequest(doc, INFO);
    assert.ok(r.queryType === "get_doc_by_rank");
    assert.equal(r.query, null);
    assert.equal(r.maxDispLen, 1000);
    rejects({ ...doc, s: 2 }, 400, /Unknown shard s=2: this index has 2 shards.*0=creative, 1=email-0/);
    rejects({ ...doc, s: -1 }, 400, /Unknown shard/);
    rejects({ ...doc, s: "creative" }, 400, /s must be an integer/);
    rejects({ ...doc, rank: undefined }, 400, /Missing required field: rank/);
    rejects({ ...doc, rank: -3 }, 400, /non-negative/);
    rejects({ ...doc, rank: 1.5 }, 400, /rank must be an integer/);
  });
});

describe("response pieces", () => {
  test("byte tokens show printable ASCII and <0xNN> for other bytes", () => {
    const t = byteTokens(new TextEncoder().encode("a é\n"));
    assert.deepEqual(t.token_ids, [97, 32, 0xc3, 0xa9, 10]);
    assert.deepEqual(t.tokens, ["a", " ", "<0xC3>", "<0xA9>", "<0x0A>"]);
  });

  test("spans mark the located match and further occurrences", () => {
    assert.deepEqual(windowSpans("a whale, a whale", 2, 7, "whale"), [
      ["a ", null],
      ["whale", "0"],
      [", a ", null],
      ["whale", "0"],
    ]);
    // Overlapping occurrences: the located one wins, the overlapping scan hit is dropped.
    assert.deepEqual(windowSpans("aaa", 1, 3, "aa"), [
      ["a", null],
      ["aa", "0"],
    ]);
    assert.deepEqual(windowSpans("plain", 0, 0, null), [["plain", null]]);
    assert.deepEqual(windowSpans("", 0, 0, null), [["", null]]);
  });

  test("display order visits every occurrence once, spread out", () => {
    for (const cnt of [1, 2, 7, 10, 64, 1000]) {
      const seen = new Set<number>();
      for (let j = 0; j < cnt; j++) seen.add(displayOrder(cnt, j));
      assert.equal(seen.size, cnt);
    }
    const first = [0, 1, 2, 3].map((j) => displayOrder(1000, j));
    assert.ok(
      first.every((k, i) => i === 0 || Math.abs(k - first[i - 1]) > 100),
      String(first),
    );
    assert.ok(displayOrder(200_000_000, 199_999_999) < 200_000_000);
  });

  test("occurrence ranks walk the segments", () => {
    const segs = [
      { shard: 0, lo: 10, hi: 12 },
      { shard: 3, lo: 5, hi: 6 },
    ];
    assert.deepEqual(occurrenceRank(segs, 0), { shard: 0, rank: 10 });
    assert.deepEqual(occurrenceRank(segs, 2), { shard: 3, rank: 5 });
    assert.throws(() => occurrenceRank(segs, 3), RangeError);
  });
});

describe("runInfiniGram against a real index", () => {
  const tmp = mkdtempSync(join(tmpdir(), "search-test-"));
  let service: IndexService;
  let info: IndexInfo;
  const docs: CorpusDoc[] = [
    {
      id: "moby-1",
      domain: "creative",
      text: "Call me Ishmael. Some years ago, never mind how long.",
      meta: { source: "Moby-Dick", license: "Public domain", title: "Loomings" },
    },
    {
      id: "poem",
      domain: "creative",
      text: "The whale, the whale! 🐋",
      meta: { source: "x", license: "CC0" },
    },
    {
      id: "mail",
      domain: "email",
      text: "Re: whale watching -- call me",
      meta: { source: "spam", license: "Apache-2.0" },
    },
  ];

  before(async () => {
    await buildFmIndex({ docs, out: join(tmp, "idx"), workers: 0 });
    service = await createIndexService({ dir: join(tmp, "idx"), workers: 0 });
    info = { name: "idx", shards: service.shards, domains: service.domains, maxQueryBytes: 1000 };
  });
  after(async () => {
    await service.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const run = (body: Record<string, unknown>) =>
    runInfiniGram(service, info, parseInfiniGramRequest({ index: "idx", ...body }, info));

  test("count answers count, approx, per-domain counts, latency and byte tokens", async () => {
    const r = await run({ query_type: "count", query: "whale" });
    assert.equal(r.count, 3);
    assert.equal(r.approx, false);
    assert.deepEqual(r.count_by_domain, { creative: 2, email: 1 });
    assert.equal(typeof r.latency, "number");
    assert.deepEqual(r.token_ids, [119, 104, 97, 108, 101]);
    const only = await run({ query_type: "count", query: "whale", domains: ["email"] });
    assert.equal(only.count, 1);
    assert.equal((await run({ query_type: "count", query: "-- call" })).count, 1);
    assert.equal((await run({ query_type: "count", query: "🐋" })).count, 1);
  });

  test("find gives one segment per shard; get_doc_by_rank returns the window with the match", async () => {
    const f = await run({ query_type: "find", query: "Ishmael" });
    assert.equal(f.cnt, 1);
    const segs = f.segment_by_shard as [number, number][];
    assert.equal(segs.length, service.shards.length);
    const s = segs.findIndex(([lo, hi]) => hi > lo);
    const d = (await run({
      query_type: "get_doc_by_rank",
      query: "Ishmael",
      s,
      rank: segs[s][0],
    })) as InfiniGramDocument & { latency: number };
    assert.equal(d.meta.title, "Loomings");
    assert.equal(JSON.parse(d.metadata).id, "moby-1");
    assert.equal(d.doc_len, Buffer.byteLength(docs[0].text as string));
    assert.equal(d.needle_offset, 8);
    assert.deepEqual(
      d.spans.filter(([, m]) => m === "0").map(([t]) => t),
      ["Ishmael"],
    );
    // A rank outside the query's segment is refused rather than highlighting the wrong bytes.
    await assert.rejects(
      run({ query_type: "get_doc_by_rank", query: "Ishmael", s, rank: segs[s][1] }),
      (e: unknown) => e instanceof HttpError && e.status === 400 && /out of range/.test(e.message),
    );
    // A rank past the shard's end is the engine's 400.
    await assert.rejects(
      run({ query_type: "get_doc_by_rank", s, rank: 10_000_000 }),
      (e: unknown) => errorBody(e).status === 400,
    );
  });

  test("max_disp_len bounds the window in bytes", async () => {
    const f = await run({ query_type: "find", query: "Some" });
    const segs = f.segment_by_shard as [number, number][];
    const s = segs.findIndex(([lo, hi]) => hi > lo);
    const d = (await run({
      query_type: "get_doc_by_rank",
      query: "Some",
      s,
      rank: segs[s][0],
      max_disp_len: 10,
    })) as InfiniGramDocument;
    assert.ok(d.disp_len <= 10, String(d.disp_len));
    assert.ok(d.text.includes("Some"));
  });

  test("search_docs returns documents with spans, and pages with offset without repeats", async () => {
    const first = await run({ query_type: "search_docs", query: "whale", maxnum: 2 });
    assert.equal(first.cnt, 3);
    const docsA = first.documents as InfiniGramDocument[];
    assert.equal(docsA.length, 2);
    for (const d of docsA) assert.ok(d.spans.some(([t, m]) => m === "0" && t === "whale"));
    assert.equal(first.next_offset, 2);
    const second = await run({ query_type: "search_docs", query: "whale", maxnum: 2, offset: 2 });
    assert.equal((second.documents as InfiniGramDocument[]).length, 1);
    assert.equal(second.next_offset, null);
    const all = [...(first.idxs as number[]), ...(second.idxs as number[])].sort();
    assert.deepEqual(all, [0, 1, 2]);
    const none = await run({ query_type: "search_docs", query: "narwhal" });
    assert.equal(none.cnt, 0);
    assert.deepEqual(none.documents, []);
    assert.equal(none.message, "0 occurrences found");
  });
});
