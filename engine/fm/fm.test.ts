import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { mulberry32 as rng } from "../random";
import { MAX_SHARD_BYTES } from "./build-shard";
import {
  buildFmIndex,
  type CorpusDoc,
  chooseShardBytes,
  contaminationLabel,
  defaultMemoryBudget,
  FmIndexFileError,
  FmInputError,
  FmQueryError,
  FmUsageError,
  openFmIndex,
  READER_RESERVE_BYTES,
  shardPlan,
  WORKER_BYTES_PER_SHARD_BYTE,
} from "./index";
import { createIndexService } from "./index-service";
import { FmShard } from "./shard";

const tmp = mkdtempSync(join(tmpdir(), "fm-test-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

const bytesOf = (d: CorpusDoc) => (typeof d.text === "string" ? new TextEncoder().encode(d.text) : d.text);

/** Oracle: overlapping occurrences inside each document, as (domain, docId, offset). */
function naiveOccurrences(docs: CorpusDoc[], q: Uint8Array): string[] {
  const out: string[] = [];
  for (const d of docs) {
    const b = bytesOf(d);
    for (let i = 0; i + q.length <= b.length; i++) {
      let k = 0;
      while (k < q.length && b[i + k] === q[k]) k++;
      if (k === q.length) out.push(`${d.domain}/${d.id}@${i}`);
    }
  }
  return out.sort();
}

let dirCount = 0;
async function build(docs: CorpusDoc[], maxShardBytes?: number, workers = 0) {
  const out = join(tmp, `idx-${dirCount++}`);
  await buildFmIndex({ docs, out, maxShardBytes, workers });
  return { out, index: openFmIndex(out) };
}

/**
 * Checks count, locate and document reconstruction against the oracle for the given queries, with the
 * first steps of every search answered by the pair tables, then by the triple tables in some shards only
 * (those of the first domain, so one search mixes shards that start at different bytes), then in all.
 */
function checkAgainstOracle(docs: CorpusDoc[], index: ReturnType<typeof openFmIndex>, queries: Uint8Array[]) {
  try {
    index.setTableThreshold(Number.POSITIVE_INFINITY);
    checkQueries(docs, index, queries);
    index.setTableThreshold(0);
    const first = index.domains[0];
    for (const q of queries) {
      if (q.length >= 3) index.count(q, { domains: [first] });
    }
    index.setTableThreshold(Number.POSITIVE_INFINITY);
    checkQueries(docs, index, queries);
    index.setTableThreshold(0);
    checkQueries(docs, index, queries);
  } finally {
    index.setTableThreshold(FmShard.TRIPLE_TABLE_AFTER);
  }
}

function checkQueries(docs: CorpusDoc[], index: ReturnType<typeof openFmIndex>, queries: Uint8Array[]) {
  for (const q of queries) {
    const want = naiveOccurrences(docs, q);
    assert.equal(index.countAll(q), want.length, `count of [${q}]`);
    const found = index.find(q);
    const got: string[] = [];
    for (const seg of found.segments) {
      for (let r = seg.lo; r < seg.hi; r++) {
        const loc = index.locate(seg.shard, r);
        const doc = index.getDocument(seg.shard, loc.docIndex);
        got.push(`${doc.domain}/${doc.id}@${loc.docOffset}`);
      }
    }
    assert.deepEqual(got.sort(), want, `occurrences of [${q}]`);
    assert.equal(
      index.count(q).byShard.reduce((sum, s) => sum + s.count, 0),
      want.length,
      `per-shard counts of [${q}]`,
    );
  }
  const byId = new Map(docs.map((d) => [d.id, d]));
  for (const s of index.shards) {
    for (let d = 0; d < s.docs; d++) {
      const doc = index.getDocument(s.index, d);
      assert.deepEqual(index.getDocumentBytes(s.index, d), bytesOf(byId.get(doc.id)!), `document ${doc.id}`);
    }
  }
}

describe("FM-index against naive counting", () => {
  test("random documents over every byte value, including empty and one-byte documents, many shards", async () => {
    const rand = rng(7);
    for (let round = 0; round < 6; round++) {
      const alphabet = round % 2 === 0 ? 256 : 3;
      const docs: CorpusDoc[] = [];
      const nDocs = 4 + Math.floor(rand() * 12);
      for (let i = 0; i < nDocs; i++) {
        const len = i === 0 ? 0 : i === 1 ? 1 : Math.floor(rand() * 80);
        const b = new Uint8Array(len);
        for (let k = 0; k < len; k++)
          b[k] = alphabet === 256 ? Math.floor(rand() * 256) : [0, 1, 255][Math.floor(rand() * 3)];
        docs.push({ id: `d${i}`, domain: ["alpha", "beta", "gamma"][i % 3], text: b });
      }
      const { index } = await build(docs, 40 + round * 10);
      assert.ok(index.shards.length >= 3, "domains split into several shards");
      const queries: Uint8Array[] = [];
      for (let k = 0; k < 60; k++) {
        const d = bytesOf(docs[Math.floor(rand() * docs.length)]);
        if (d.length === 0) continue;
        const s = Math.floor(rand() * d.length);
        queries.push(d.slice(s, s + 1 + Math.floor(rand() * 6)));
      }
      for (let k = 0; k < 20; k++)
        queries.push(Uint8Array.from({ length: 1 + (k % 3) }, () => Math.floor(rand() * 256)));
      queries.push(Uint8Array.of(0), Uint8Array.of(255), Uint8Array.of(0, 0), Uint8Array.of(1));
      checkAgainstOracle(docs, index, queries);
    }
  });

  test("every 1- and 2-byte pattern (the two-byte lookup table) and byte-by-byte extension agree with the oracle", async () => {
    const rand = rng(19);
    const symbols = [0, 1, 2, 0x61, 0x62, 0xfe, 0xff];
    const docs: CorpusDoc[] = Array.from({ length: 9 }, (_, i) => ({
      id: `p${i}`,
      domain: ["one", "two"][i % 2],
      text: Uint8Array.from({ length: i * 7 }, () => symbols[Math.floor(rand() * (symbols.length - 1))]),
    }));
    const { index } = await build(docs, 30);
    const queries: Uint8Array[] = [];
    for (const a of symbols) {
      queries.push(Uint8Array.of(a));
      for (const b of symbols) queries.push(Uint8Array.of(a, b), Uint8Array.of(a, b, symbols[(a + b) % 7]));
    }
    checkAgainstOracle(docs, index, queries);
    for (const q of queries) {
      let ranges = index.startRanges();
      for (let j = q.length - 1; j >= 0; j--) ranges = index.extendAllLeft(ranges, q[j]);
      assert.equal(index.rangeCount(ranges), naiveOccurrences(docs, q).length, `extendAllLeft [${q}]`);
    }
  });

  test("dozens of shards searched in one lockstep agree with the oracle", async () => {
    const rand = rng(31);
    const docs: CorpusDoc[] = Array.from({ length: 60 }, (_, i) => ({
      id: `m${i}`,
      domain: `d${i % 7}`,
      text: Uint8Array.from(
        { length: 5 + Math.floor(rand() * 40) },
        () => [0x61, 0x62, 0x6e, 0x20][Math.floor(rand() * 4)],
      ),
    }));
    const { index } = await build(docs, 24);
    assert.ok(index.shards.length > 20, `${index.shards.length} shards`);
    const queries: Uint8Array[] = [];
    for (let k = 0; k < 80; k++) {
      const d = bytesOf(docs[Math.floor(rand() * docs.length)]);
      const s = Math.floor(rand() * d.length);
      queries.push(d.slice(s, s + 1 + Math.floor(rand() * 7)));
    }
    checkAgainstOracle(docs, index, queries);
  });

  test("a serving index builds its triple tables between requests, not during them", async () => {
    const rand = rng(23);
    const docs: CorpusDoc[] = Array.from({ length: 12 }, (_, i) => ({
      id: `t${i}`,
      domain: ["left", "right"][i % 2],
      text: Uint8Array.from(
        { length: 60 + i * 9 },
        () => [0x61, 0x62, 0x63, 0x20, 0xff][Math.floor(rand() * 5)],
      ),
    }));
    const { index } = await build(docs, 200);
    const queries = Array.from({ length: 40 }, () =>
      Uint8Array.from(
        { length: 3 + Math.floor(rand() * 4) },
        () => [0x61, 0x62, 0x63, 0x20][Math.floor(rand() * 4)],
      ),
    );
    index.setTableThreshold(10);
    try {
      index.deferTableBuilds();
      for (const q of queries) assert.equal(index.countAll(q), naiveOccurrences(docs, q).length);
      assert.ok(
        index.tableStates().every((built) => !built),
        "no search built a table",
      );
      let built = 0;
      while (index.buildWantedTable()) built++;
      assert.equal(built, index.shards.length, "one call per shard that wanted its table");
      assert.ok(index.tableStates().every((b) => b));
      for (const q of queries) assert.equal(index.countAll(q), naiveOccurrences(docs, q).length);
    } finally {
      index.setTableThreshold(FmShard.TRIPLE_TABLE_AFTER);
    }
  });

  test("a match never spans two documents, even for the separator-like bytes", async () => {
    const docs: CorpusDoc[] = [
      { id: "a", domain: "x", text: "ab" },
      { id: "b", domain: "x", text: "cd" },
      { id: "c", domain: "x", text: new Uint8Array([0, 0]) },
      { id: "d", domain: "x", text: new Uint8Array([0, 1]) },
    ];
    const { index } = await build(docs);
    assert.equal(index.countAll("bc"), 0);
    assert.equal(index.countAll(new Uint8Array([0, 0, 0])), 0);
    assert.equal(index.countAll(new Uint8Array([0])), 3);
    assert.equal(index.countAll(new Uint8Array([0, 1])), 1);
  });

  test("long repeats count overlapping occurrences (aaaa...)", async () => {
    const docs: CorpusDoc[] = [
      { id: "r", domain: "x", text: "a".repeat(700) },
      { id: "s", domain: "y", text: "ab".repeat(300) },
    ];
    const { index } = await build(docs);
    assert.equal(index.countAll("a"), 1000);
    assert.equal(index.countAll("aa"), 699);
    assert.equal(index.countAll("a".repeat(700)), 1);
    assert.equal(index.countAll("a".repeat(701)), 0);
    assert.equal(index.countAll("abab"), 299);
    checkAgainstOracle(docs, index, [Uint8Array.of(97, 97, 97), Uint8Array.of(98, 97)]);
  });

  test("one document, built in worker threads, matches the in-thread build byte for byte", async () => {
    const text = "It was the best of times, it was the worst of times.";
    const docs: CorpusDoc[] = [{ id: "only", domain: "public", text, meta: { title: "Two Cities" } }];
    const a = await build(docs, undefined, 0);
    const b = await build(docs, undefined, 2);
    assert.deepEqual(a.index.manifest.shards, b.index.manifest.shards);
    assert.equal(a.index.countAll("it was"), 1);
    assert.equal(a.index.countAll("times"), 2);
    assert.deepEqual(a.index.getDocument(0, 0).meta, { title: "Two Cities" });
  });
});

describe("documents and windows", () => {
  test("windows around matches are valid UTF-8 whatever the cut, and highlight the match", async () => {
    const text = "naïve café — 日本語のテキスト 😀 emoji, Ünïcödé everywhere: ☃☃☃ end";
    const docs: CorpusDoc[] = [{ id: "u", domain: "x", text }];
    const { index } = await build(docs);
    const chars = Array.from(text);
    for (let i = 0; i < chars.length; i++) {
      for (let len = 1; len <= 3 && i + len <= chars.length; len++) {
        const q = chars.slice(i, i + len).join("");
        const qb = new TextEncoder().encode(q);
        const f = index.find(q);
        assert.ok(f.count >= 1);
        for (let ctx = 0; ctx < 9; ctx += 2) {
          const w = index.getDocByRank(f.segments[0].shard, f.segments[0].lo, {
            needleLength: qb.length,
            maxContextBytes: ctx,
          });
          assert.ok(!w.text.includes("\uFFFD"), `no broken character with context ${ctx}`);
          assert.equal(w.text.slice(w.matchStart, w.matchEnd), q);
          assert.ok(text.includes(w.text));
        }
      }
    }
  });

  test("searchDocs returns documents with the match highlighted and metadata", async () => {
    const docs: CorpusDoc[] = Array.from({ length: 20 }, (_, i) => ({
      id: `doc${i}`,
      domain: i % 2 ? "odd" : "even",
      text: `document number ${i} mentions the white whale ${i % 3 === 0 ? "twice: white whale" : ""}`,
      meta: { title: `Doc ${i}` },
    }));
    const { index } = await build(docs);
    const r = index.searchDocs("white whale", { maxDocs: 5, domains: ["odd"] });
    assert.equal(r.count, 10 + docs.filter((_, i) => i % 2 && i % 3 === 0).length);
    assert.equal(r.docs.length, 5);
    for (const d of r.docs) {
      assert.equal(d.domain, "odd");
      assert.equal(d.text.slice(d.matchStart, d.matchEnd), "white whale");
      assert.match(String(d.meta.title), /^Doc \d+$/);
    }
    assert.deepEqual(index.count("whale").byDomain, { even: 14, odd: 13 });
  });
});

describe("errors a caller can make", () => {
  test("empty and over-long queries, unknown shard or domain, rank out of range", async () => {
    const { index } = await build([{ id: "a", domain: "x", text: "hello" }]);
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        assert.ok(e instanceof FmQueryError);
        return e.code;
      }
      assert.fail("no error");
    };
    assert.equal(
      code(() => index.count("")),
      "EMPTY_QUERY",
    );
    assert.equal(
      code(() => index.count("x".repeat(1001))),
      "QUERY_TOO_LONG",
    );
    assert.equal(
      code(() => index.locate("nope", 0)),
      "UNKNOWN_SHARD",
    );
    assert.equal(
      code(() => index.locate(5, 0)),
      "UNKNOWN_SHARD",
    );
    assert.equal(
      code(() => index.count("h", { domains: ["nope"] })),
      "UNKNOWN_DOMAIN",
    );
    assert.equal(
      code(() => index.getDocByRank(0, 7)),
      "RANK_OUT_OF_RANGE",
    );
    assert.equal(
      code(() => index.getDocByRank(0, -1)),
      "RANK_OUT_OF_RANGE",
    );
    assert.equal(
      code(() => index.getDocument(0, 1)),
      "DOC_OUT_OF_RANGE",
    );
  });

  test("a truncated or corrupted shard file is refused with its name", async () => {
    const { out } = await build([{ id: "a", domain: "x", text: "some text to index ".repeat(50) }]);
    const file = join(out, "000.fmi");
    const original = readFileSync(file);
    const corrupt = Buffer.from(original);
    corrupt[corrupt.length - 100] ^= 0xff;
    writeFileSync(file, corrupt);
    assert.throws(
      () => openFmIndex(out),
      (e: unknown) => e instanceof FmIndexFileError && e.message.includes(file) && /checksum/.test(e.message),
    );
    writeFileSync(file, original);
    truncateSync(file, original.length - 10);
    assert.throws(
      () => openFmIndex(out),
      (e: unknown) =>
        e instanceof FmIndexFileError && e.message.includes(file) && /truncated/.test(e.message),
    );
    writeFileSync(file, original);
    assert.equal(openFmIndex(out).countAll("text"), 50);
    assert.throws(
      () => openFmIndex(join(tmp, "missing")),
      (e: unknown) => e instanceof FmIndexFileError && e.code === "INDEX_MISSING",
    );
  });

  test("an index of an older format version is refused, saying how to rebuild it", async () => {
    const { out } = await build([{ id: "a", domain: "x", text: "older format ".repeat(20) }]);
    const manifestPath = join(out, "manifest.json");
    const manifest = readFileSync(manifestPath, "utf8");
    const rebuild = (e: unknown) =>
      e instanceof FmIndexFileError &&
      /format version 2, this program reads version \d+; rebuild the index with .*index build/.test(
        e.message,
      );
    writeFileSync(manifestPath, manifest.replace(/"version": \d+/, '"version": 2'));
    assert.throws(() => openFmIndex(out), rebuild);
    writeFileSync(manifestPath, manifest);
    // A shard file written by the older program under a current manifest: refused by its own header.
    const file = join(out, "000.fmi");
    const original = readFileSync(file);
    const old = Buffer.from(original);
    old.writeUInt32LE(2, 8);
    writeFileSync(file, old);
    assert.throws(
      () => openFmIndex(out),
      (e: unknown) => rebuild(e) && (e as Error).message.includes(file),
    );
    writeFileSync(file, original);
    assert.equal(openFmIndex(out).countAll("older"), 20);
  });

  test("malformed JSONL names file and line; --skip-bad counts what it skipped; .gz input works", async () => {
    const file = join(tmp, "bad.jsonl");
    writeFileSync(
      file,
      '{"id":"1","domain":"x","text":"ok"}\n{"id":"2","text":\n{"id":"3","domain":"x","text":5}\n{"id":"4","domain":"y","text":"fine"}\n',
    );
    await assert.rejects(
      buildFmIndex({ inputs: [file], out: join(tmp, "bad-idx"), workers: 0 }),
      (e: unknown) => e instanceof FmInputError && e.message.startsWith(`${file}:2:`),
    );
    const r = await buildFmIndex({ inputs: [file], out: join(tmp, "bad-idx"), workers: 0, skipBad: true });
    assert.equal(r.skipped, 2);
    assert.equal(r.manifest.totalDocs, 2);
    const { gzipSync } = await import("node:zlib");
    const gz = join(tmp, "good.jsonl.gz");
    writeFileSync(gz, gzipSync('{"id":"g","domain":"z","text":"gzipped text"}\n'));
    await buildFmIndex({ inputs: [gz], out: join(tmp, "gz-idx"), workers: 0 });
    assert.equal(openFmIndex(join(tmp, "gz-idx")).countAll("gzip"), 1);
  });
});

describe("contamination", () => {
  test("labels entries by the share of 50-character probes found", async () => {
    const source =
      "The quick brown fox jumps over the lazy dog while the cat watches from the old wooden fence near the barn.";
    const { index } = await build([{ id: "s", domain: "x", text: source }]);
    const [dirty, clean, half] = index.contamination([
      { id: "dirty", text: source },
      {
        id: "clean",
        text: "Completely unrelated words that never appear anywhere in the indexed corpus at all, truly.",
      },
      {
        id: "half",
        text: `${source.slice(0, 70)} and then something else entirely different happens here afterwards okay`,
      },
    ]);
    assert.equal(dirty.label, "dirty");
    assert.equal(dirty.share, 1);
    assert.equal(clean.label, "clean");
    assert.equal(clean.found, 0);
    assert.equal(half.label, "suspicious");
    assert.equal(contaminationLabel(0.2), "suspicious");
    assert.equal(contaminationLabel(0.8), "dirty");
  });
});

describe("index service", () => {
  test("worker threads answer like the library, singly and in batches", async () => {
    const docs: CorpusDoc[] = Array.from({ length: 30 }, (_, i) => ({
      id: `d${i}`,
      domain: `dom${i % 3}`,
      text: `row ${i} of the table; ${"xy".repeat(i)}`,
    }));
    const { out, index } = await build(docs);
    const service = await createIndexService({ dir: out, workers: 2 });
    try {
      assert.deepEqual(await service.count("xy"), index.count("xy"));
      assert.deepEqual(await service.find("row 1"), index.find("row 1"));
      const f = index.find("table");
      assert.deepEqual(
        await service.getDocByRank(f.segments[0].shard, f.segments[0].lo, { needleLength: 5 }),
        index.getDocByRank(f.segments[0].shard, f.segments[0].lo, { needleLength: 5 }),
      );
      const queries = Array.from({ length: 200 }, (_, k) => ({
        op: "countAll" as const,
        query: "xy".repeat(1 + (k % 20)),
      }));
      const results = await service.batch([...queries, { op: "countAll", query: "" }]);
      for (let k = 0; k < 200; k++) {
        assert.deepEqual(results[k], { ok: true, result: index.countAll(queries[k].query) });
      }
      // Again, once the workers have had idle time to build their triple tables.
      await new Promise((r) => setTimeout(r, 50));
      const again = await service.batch(queries);
      for (let k = 0; k < 200; k++) assert.deepEqual(again[k], results[k]);
      const last = results[200];
      assert.ok(!last.ok && last.error instanceof FmQueryError && last.error.code === "EMPTY_QUERY");
      await assert.rejects(
        service.locate("nope", 0),
        (e: unknown) => e instanceof FmQueryError && e.code === "UNKNOWN_SHARD",
      );
    } finally {
      await service.close();
    }
  });
});

describe("shard size from the memory budget", () => {
  const GiB = 2 ** 30;
  const MiB = 2 ** 20;
  test("every worker's shard and the reading thread fit in the budget, in multiples of 16 MiB, at most 400 MiB", () => {
    assert.equal(chooseShardBytes(2 * GiB, 2), 128 * MiB); // (2048 - 512) / (2 * 6) = 128
    assert.equal(chooseShardBytes(1 * GiB, 2), 32 * MiB); // 42.7 rounds down to 32
    assert.equal(chooseShardBytes(1 * GiB, 0), 80 * MiB); // building in this thread: one builder
    assert.equal(chooseShardBytes(64 * GiB, 2), MAX_SHARD_BYTES);
    assert.equal(MAX_SHARD_BYTES, 400 * MiB);
    for (const gb of [1, 1.5, 3, 6, 12]) {
      for (const workers of [1, 2, 4]) {
        const s = chooseShardBytes(gb * GiB, workers);
        assert.equal(s % (16 * MiB), 0);
        assert.ok(READER_RESERVE_BYTES + workers * WORKER_BYTES_PER_SHARD_BYTE * s <= gb * GiB, `${gb} GiB`);
      }
    }
  });

  test("a budget too small for 16 MiB shards, or a given shard size over the budget, is refused", () => {
    assert.throws(
      () => chooseShardBytes(0.6 * GiB, 2),
      (e: Error) => {
        assert.ok(e instanceof FmUsageError);
        assert.match(e.message, /0\.60 GiB is too small for 2 build worker\(s\).*0\.69 GiB/);
        return true;
      },
    );
    assert.throws(
      () => shardPlan({ maxShardBytes: 256 * MiB, memoryBytes: 2 * GiB, workers: 2 }),
      /shards of 256 MiB with 2 worker\(s\) need about 3\.50 GiB, more than the memory budget of 2\.00 GiB/,
    );
    assert.deepEqual(shardPlan({ maxShardBytes: 256 * MiB, workers: 2 }), {
      shardBytes: 256 * MiB,
      memoryBytes: null,
    });
    assert.deepEqual(shardPlan({ memoryBytes: 2 * GiB, workers: 2 }), {
      shardBytes: 128 * MiB,
      memoryBytes: 2 * GiB,
    });
    const def = shardPlan({ workers: 2 });
    assert.equal(def.memoryBytes, defaultMemoryBudget());
  });

  test("a build with a budget for 16 MiB shards splits a 17 MiB domain into two shards and says so", async () => {
    const docs: CorpusDoc[] = [];
    const rand = rng(77);
    for (let d = 0; d < 17; d++) {
      const b = new Uint8Array(MiB);
      for (let i = 0; i < b.length; i++) b[i] = 97 + Math.floor(rand() * 4);
      b.set(new TextEncoder().encode(`<doc ${d}>`), 100);
      docs.push({ id: `d${d}`, domain: "one", text: b });
    }
    const out = join(tmp, `idx-${dirCount++}`);
    const memoryBytes = READER_RESERVE_BYTES + WORKER_BYTES_PER_SHARD_BYTE * 16 * MiB;
    const r = await buildFmIndex({ docs, out, memoryBytes, workers: 0 });
    assert.equal(r.shardBytes, 16 * MiB);
    assert.equal(r.memoryBytes, memoryBytes);
    assert.deepEqual(
      r.manifest.shards.map((s) => [s.name, s.bytes]),
      [
        ["one-0", 16 * MiB],
        ["one-1", MiB],
      ],
    );
    const index = openFmIndex(out);
    for (let d = 0; d < 17; d += 8) assert.equal(index.count(`<doc ${d}>`).count, 1);
    assert.equal(index.count("<doc 16>").byShard[1].count, 1);
  });
});
