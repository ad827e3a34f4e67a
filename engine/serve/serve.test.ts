/**
 * `engine serve` against the local index: the FM-index oracle checks and the trace run through three shard
 * servers on 127.0.0.1 (each holding a third of the shards) and must give exactly what the local index
 * gives; then replicas, a server that is down or slow, one holding another index, and bad requests.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { buildFmIndex, type CorpusDoc, type FmError, type FmIndex, openFmIndex } from "../fm/index";
import { mulberry32 as rng } from "../random";
import { documentContext, traceText } from "../trace/trace";
import { connectShardServers, type RemoteIndex, type RemoteTrace, ShardCluster } from "./client";
import { type ShardServer, startShardServer } from "./server";

const tmp = mkdtempSync(join(tmpdir(), "serve-test-"));
const servers: ShardServer[] = [];
const fakes: Server[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  for (const f of fakes) {
    f.closeAllConnections();
    f.close();
  }
  rmSync(tmp, { recursive: true, force: true });
});

const WORDS = "the whale sea ship captain harpoon night storm sail deck rope Ishmael white ocean".split(" ");
function sentence(r: () => number, n: number): string {
  return Array.from({ length: n }, () => WORDS[Math.floor(r() * WORDS.length)]).join(" ");
}

/** Three domains of sentences (and a few documents of arbitrary bytes), in many small shards. */
function corpus(seed: number): CorpusDoc[] {
  const r = rng(seed);
  const docs: CorpusDoc[] = [];
  for (let d = 0; d < 90; d++) {
    const parts = Array.from({ length: 4 }, () => `${sentence(r, 3 + Math.floor(r() * 8))}.`);
    docs.push({
      id: `d${d}`,
      domain: ["alpha", "beta", "gamma"][d % 3],
      text: parts.join(" "),
      meta: { n: d, title: `Doc ${d}` },
    });
  }
  for (let d = 0; d < 6; d++) {
    docs.push({
      id: `b${d}`,
      domain: "bytes",
      text: Uint8Array.from({ length: 200 }, () => Math.floor(r() * 256)),
    });
  }
  return docs;
}

async function serve(dir: string, shards: string, workers = 0): Promise<ShardServer> {
  const s = await startShardServer({ dir, shards, port: 0, workers });
  servers.push(s);
  return s;
}

/** Shard numbers k with k mod 3 = part, as a --shards list. */
const third = (n: number, part: number) =>
  Array.from({ length: n }, (_, k) => k)
    .filter((k) => k % 3 === part)
    .join(",");

const strip = <T extends { timings?: unknown; stats?: unknown }>(r: T) => {
  const { timings, stats, ...rest } = r as T & { stats: { extensions: number } };
  return { ...rest, stats: { ...stats, extensions: 0 } };
};

let docs: CorpusDoc[];
let dir: string;
let local: FmIndex;
let index: RemoteIndex;
let trace: RemoteTrace;

before(async () => {
  docs = corpus(7);
  dir = join(tmp, "idx");
  await buildFmIndex({ docs, out: dir, maxShardBytes: 1200, workers: 0 });
  local = openFmIndex(dir);
  const n = local.shards.length;
  assert.ok(n >= 12, `expected many shards, got ${n}`);
  // The first server answers from a worker thread, the others on the event loop: both paths are checked.
  const three = [
    await serve(dir, third(n, 0), 1),
    await serve(dir, third(n, 1)),
    await serve(dir, third(n, 2)),
  ];
  // Answers, not speed, are checked here (timeouts have tests of their own below): a generous timeout, so a
  // worker thread starting on a busy machine is not taken for a server that is down.
  ({ index, trace } = await connectShardServers({ urls: three.map((s) => s.url), timeoutMs: 30_000 }));
});

const bytesOf = (d: CorpusDoc) => (typeof d.text === "string" ? new TextEncoder().encode(d.text) : d.text);
function naiveCount(q: Uint8Array, domains?: string[]): number {
  let c = 0;
  for (const d of docs) {
    if (domains && !domains.includes(d.domain)) continue;
    const b = bytesOf(d);
    for (let i = 0; i + q.length <= b.length; i++) {
      let k = 0;
      while (k < q.length && b[i + k] === q[k]) k++;
      if (k === q.length) c++;
    }
  }
  return c;
}

describe("FM-index through three shard servers", () => {
  test("count, find, locate, extract and documents equal the local index and the naive oracle", async () => {
    const r = rng(3);
    const queries: Uint8Array[] = [];
    for (let k = 0; k < 60; k++) {
      const d = bytesOf(docs[Math.floor(r() * docs.length)]);
      const a = Math.floor(r() * d.length);
      queries.push(d.subarray(a, a + 1 + Math.floor(r() * 12)));
    }
    queries.push(new TextEncoder().encode("whale sea"), new Uint8Array([0]), new Uint8Array([0xff, 0xfe]));
    for (const q of queries) {
      for (const domains of [undefined, ["beta"], ["alpha", "bytes"]]) {
        const opts = { domains };
        const got = await index.count(q, opts);
        assert.deepEqual(got, local.count(q, opts));
        assert.equal(got.count, naiveCount(q, domains));
        assert.deepEqual(await index.find(q, opts), local.find(q, opts));
      }
    }
    const found = local.find("whale");
    for (const seg of found.segments.slice(0, 6)) {
      assert.deepEqual(await index.locate(seg.shard, seg.lo), local.locate(seg.shard, seg.lo));
      assert.deepEqual(
        await index.getDocByRank(seg.name, seg.lo, { needleLength: 5, maxContextBytes: 40 }),
        local.getDocByRank(seg.name, seg.lo, { needleLength: 5, maxContextBytes: 40 }),
      );
      assert.deepEqual(await index.extract(seg.shard, 3, 50), local.extract(seg.shard, 3, 50));
      assert.deepEqual(
        await index.getDocument(seg.shard, 1, { maxBytes: 30 }),
        local.getDocument(seg.shard, 1, { maxBytes: 30 }),
      );
    }
    assert.deepEqual(
      await index.searchDocs("ship", { maxDocs: 7 }),
      local.searchDocs("ship", { maxDocs: 7 }),
    );
    const entries = [
      { id: "copied", text: docs[4].text as string },
      { text: "nothing of the kind appears here at all, not one word" },
    ];
    assert.deepEqual(await index.contamination(entries), local.contamination(entries));
  });

  test("a batch answers like the local index, and each bad query fails alone with the local error", async () => {
    const answers = await index.batch([
      { op: "countAll", query: "whale" },
      { op: "count", query: "" },
      { op: "getDocByRank", shard: 0, rank: 1_000_000 },
      { op: "count", query: "sea", opts: { domains: ["nope"] } },
      { op: "locate", shard: "nope", rank: 0 },
      { op: "find", query: "x".repeat(1001) },
    ]);
    assert.deepEqual(answers[0], { ok: true, result: local.countAll("whale") });
    const localError = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return { code: (e as FmError).code, message: (e as Error).message };
      }
      return null;
    };
    const expected = [
      () => local.count(""),
      () => local.getDocByRank(0, 1_000_000),
      () => local.count("sea", { domains: ["nope"] }),
      () => local.locate("nope", 0),
      () => local.find("x".repeat(1001)),
    ].map(localError);
    assert.deepEqual(
      answers
        .slice(1)
        .map((a) => (a.ok ? null : { code: (a.error as FmError).code, message: a.error.message })),
      expected,
    );
  });
});

describe("trace through three shard servers", () => {
  test("spans, documents, relevance and coverage equal the local trace", async () => {
    const r = rng(11);
    let compared = 0;
    for (let q = 0; q < 12; q++) {
      const parts: string[] = [];
      for (let k = 0; k < 4; k++) {
        if (r() < 0.6) {
          const w = (docs[Math.floor(r() * 90)].text as string).split(" ");
          const a = Math.floor(r() * w.length);
          parts.push(w.slice(a, a + 3 + Math.floor(r() * 10)).join(" "));
        } else parts.push(sentence(r, 2 + Math.floor(r() * 6)));
      }
      const response = parts.join(" ");
      for (const input of [
        { response },
        { response, spanDensity: 1, minSpanWords: 1, prompt: "Tell me of the whale." },
        { response, domains: ["beta", "gamma"], spanDensity: 0.5, maxDocsPerSpan: 2 },
      ]) {
        const want = traceText(local, input);
        const got = await trace.trace(input);
        assert.deepEqual(strip(got), strip(want), `trace of ${JSON.stringify(input)}`);
        compared++;
        const doc = want.documents[0];
        if (doc) {
          const req = {
            shard: doc.shard,
            position: doc.snippets[0].position,
            length: doc.snippets[0].length,
            words: 20,
          };
          assert.deepEqual(await trace.context(req), documentContext(local, req));
        }
      }
    }
    assert.equal(compared, 36);
    await assert.rejects(
      trace.trace({ response: " " }),
      (e: Error & { code?: string }) => e.code === "EMPTY_TEXT",
    );
    await assert.rejects(
      trace.context({ shard: local.shards[0].name, position: 10_000_000, length: 3 }),
      (e: Error & { code?: string }) => e.code === "BAD_POSITION",
    );
  });
});

/** A server that says it holds `info`'s shards but never answers a batch (a hung or overloaded machine). */
async function hungServer(info: unknown): Promise<string> {
  const s = createServer((req, res) => {
    if (req.url === "/info") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(info));
    }
    // Anything else: no answer at all.
  });
  fakes.push(s);
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

describe("servers down, slow, or holding another index", () => {
  test("a replica answers for a server that is down or slow; without one, a 503-coded error names the server and its shards", async () => {
    const n = local.shards.length;
    const [a, b, c, replica] = [
      await serve(dir, third(n, 0)),
      await serve(dir, third(n, 1)),
      await serve(dir, third(n, 2)),
      await serve(dir, third(n, 1)),
    ];
    const hung = await hungServer(c.info);
    // The hung server is listed before the real holder of its shards, so it is asked first.
    const { index: remote, cluster } = await connectShardServers({
      urls: [a.url, b.url, hung, c.url, replica.url],
      timeoutMs: 3000,
      retryAfterMs: 60_000,
    });
    const want = local.count("the whale");
    assert.deepEqual(await remote.count("the whale"), want);
    await b.close();
    servers.splice(servers.indexOf(b), 1);
    assert.deepEqual(await remote.count("the whale"), want);
    assert.deepEqual(await remote.find("ship"), local.find("ship"));
    const health = await cluster.health();
    const names = (part: number) => local.shards.filter((_, k) => k % 3 === part).map((s) => s.name);
    assert.deepEqual(
      health.map((h) => [h.url, h.status, h.shards]),
      [
        [a.url, "ok", names(0)],
        [b.url, "down", names(1)],
        [hung, "down", names(2)],
        [c.url, "ok", names(2)],
        [replica.url, "ok", names(1)],
      ],
    );
    // Now the last holder of a third of the shards goes too.
    await replica.close();
    servers.splice(servers.indexOf(replica), 1);
    await assert.rejects(remote.count("the whale"), (e: FmError & { shards?: string[] }) => {
      assert.equal(e.code, "SHARDS_UNAVAILABLE");
      assert.match(
        e.message,
        new RegExp(`${b.url.replace(/[.]/g, "\\.")} \\(holds ${names(1).join(", ")}\\)`),
      );
      assert.match(e.message, new RegExp(replica.url.replace(/[.]/g, "\\.")));
      assert.deepEqual(e.shards, names(1));
      return true;
    });
    // Queries that need only the shards still served keep working.
    const alphaOnly = local.shards.filter((_s, k) => k % 3 !== 1).map((s) => s.index);
    assert.deepEqual(
      await remote.count("sea", { shards: alphaOnly }),
      local.count("sea", { shards: alphaOnly }),
    );
  });

  test("a server holding another index is refused at start, and health says why", async () => {
    const otherDir = join(tmp, "other");
    await buildFmIndex({ docs: corpus(8), out: otherDir, maxShardBytes: 1200, workers: 0 });
    const whole = await serve(dir, "all");
    const other = await serve(otherDir, "all");
    const { index: remote, cluster } = await connectShardServers({ urls: [whole.url, other.url] });
    assert.deepEqual(await remote.count("whale"), local.count("whale"));
    const health = await cluster.health();
    assert.equal(health[1].status, "refused");
    assert.match(health[1].detail ?? "", /another index \(manifest checksum/);
    // Alone, the other index's server cannot stand in for this one: every request names the checksum.
    const res = await fetch(`${other.url}/batch`, {
      method: "POST",
      body: JSON.stringify({ checksum: whole.info.checksum, ops: [] }),
    });
    assert.equal(res.status, 409);
    assert.equal((await res.json()).code, "INDEX_MISMATCH");
  });

  test("bad requests get a clear 4xx; an op on a shard the server does not hold names what it holds", async () => {
    const s = await startShardServer({ dir, shards: "0-1", port: 0, workers: 0, maxBodyBytes: 2000 });
    servers.push(s);
    const post = (body: string) => fetch(`${s.url}/batch`, { method: "POST", body });
    assert.equal((await post("{not json")).status, 400);
    assert.equal((await post(JSON.stringify({ checksum: s.info.checksum }))).status, 400);
    assert.equal((await post("x".repeat(5000))).status, 413);
    assert.equal((await fetch(`${s.url}/nope`)).status, 404);
    assert.equal((await fetch(`${s.url}/batch`)).status, 405);
    const res = await post(
      JSON.stringify({
        checksum: s.info.checksum,
        ops: [{ op: "locate", shard: 5, rank: 0 }, { op: "bogus" }, { op: "locate", shard: 1, rank: -1 }],
      }),
    );
    const { answers } = await res.json();
    assert.equal(answers[0].error.code, "UNKNOWN_SHARD");
    assert.match(
      answers[0].error.message,
      new RegExp(`holds ${local.shards[0].name}, ${local.shards[1].name}`),
    );
    assert.match(answers[1].error.message, /unknown op "bogus"/);
    assert.equal(answers[2].error.code, "BAD_ARGUMENT");
    await assert.rejects(startShardServer({ dir, shards: "zzz", port: 0, workers: 0 }), (e: Error) =>
      /unknown shard "zzz"/.test(e.message),
    );
    await assert.rejects(
      ShardCluster.connect({ urls: ["http://127.0.0.1:9"], timeoutMs: 500 }),
      (e: FmError) => {
        assert.equal(e.code, "SHARDS_UNAVAILABLE");
        assert.match(e.message, /no shard server answered: http:\/\/127\.0\.0\.1:9/);
        return true;
      },
    );
  });

  test("with a token, only requests that carry it are answered; a server beyond loopback needs one", async () => {
    const token = "s3cret-token-0123456789";
    const s = await startShardServer({ dir, shards: "all", port: 0, workers: 0, token });
    servers.push(s);
    // Health stays open for load balancers; everything else needs the token.
    assert.equal((await fetch(`${s.url}/health`)).status, 200);
    const info = await fetch(`${s.url}/info`);
    assert.equal(info.status, 401);
    assert.match((await info.json()).error, /Bearer <ENGINE_TOKEN>/);
    const wrong = await fetch(`${s.url}/batch`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}x` },
      body: JSON.stringify({ checksum: s.info.checksum, ops: [] }),
    });
    assert.equal(wrong.status, 401);
    await assert.rejects(ShardCluster.connect({ urls: [s.url], timeoutMs: 2000 }), (e: FmError) => {
      assert.equal(e.code, "SHARDS_UNAVAILABLE");
      assert.match(e.message, /HTTP 401: missing or wrong token/);
      return true;
    });
    const { index: remote } = await connectShardServers({ urls: [s.url], token });
    assert.deepEqual(await remote.count("whale"), local.count("whale"));
    await assert.rejects(
      startShardServer({ dir, port: 0, workers: 0, host: "0.0.0.0" }),
      /listening on 0\.0\.0\.0 without a token: set ENGINE_TOKEN/,
    );
    await assert.rejects(startShardServer({ dir, port: 0, workers: 0, token: "short" }), /at least 16/);
    const open = await startShardServer({ dir, port: 0, workers: 0, host: "0.0.0.0", allowNoToken: true });
    servers.push(open);
    assert.equal((await fetch(`${open.url.replace("0.0.0.0", "127.0.0.1")}/info`)).status, 200);
  });
});
