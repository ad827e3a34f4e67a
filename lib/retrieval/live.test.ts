/**
 * Live literature sources against a fake server on loopback that replays responses in each API's layout
 * (fixtures/: OpenAlex `GET /works?search=`, Semantic Scholar `GET /graph/v1/paper/search`; the papers are
 * two of the sample collection, the OpenAlex and Semantic Scholar ids are placeholders). No network is used.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { retrievePassages } from "../arena/papers";
import { type LiveSource, searchLive } from "./live";
import { type TestDatabase, testDatabases } from "./test-databases";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

let server: Server;
let base: string;
const requests: IncomingMessage[] = [];
let mode: "ok" | "error" | "slow" | "huge" | "html" = "ok";

before(async () => {
  server = createServer((req, res) => {
    requests.push(req);
    if (mode === "error") return res.writeHead(503).end("busy");
    if (mode === "slow") return setTimeout(() => res.writeHead(200).end("{}"), 1000);
    if (mode === "html") return res.writeHead(200, { "content-type": "text/html" }).end("<html>");
    if (mode === "huge") {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(1 << 20, 32);
      for (let i = 0; i < 8; i++) res.write(chunk);
      return res.end();
    }
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const body =
      path === "/works"
        ? fixture("openalex-works-search.json")
        : path === "/graph/v1/paper/search"
          ? fixture("semantic-scholar-paper-search.json")
          : null;
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json" }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const openalex = (): LiveSource => ({ kind: "openalex", baseUrl: base, timeoutMs: 2000 });
const s2 = (): LiveSource => ({
  kind: "semantic-scholar",
  baseUrl: `${base}/`,
  apiKey: "s2-key",
  timeoutMs: 2000,
});

describe("live sources", () => {
  it("OpenAlex: asks the works search, rebuilds abstracts, keeps works that have one", async () => {
    mode = "ok";
    const papers = await searchLive(openalex(), "tracing model outputs", 5);
    const url = new URL(requests.at(-1)?.url ?? "", "http://x");
    assert.equal(url.pathname, "/works");
    assert.equal(url.searchParams.get("search"), "tracing model outputs");
    assert.equal(url.searchParams.get("filter"), "has_abstract:true");
    assert.equal(url.searchParams.get("per_page"), "5");
    assert.equal(papers.length, 1);
    assert.equal(papers[0].arxivId, "2504.07096");
    assert.match(papers[0].abstract, /^We present OLMoTrace, the first system/);
    assert.equal(papers[0].authors.length, 3);
  });

  it("Semantic Scholar: sends the key, maps external ids, leaves out papers without a year", async () => {
    mode = "ok";
    const papers = await searchLive(s2(), "FM-index size", 5);
    const req = requests.at(-1)!;
    assert.equal(req.headers["x-api-key"], "s2-key");
    const url = new URL(req.url ?? "", "http://x");
    assert.equal(url.pathname, "/graph/v1/paper/search");
    assert.equal(url.searchParams.get("fields"), "title,abstract,authors,year,venue,externalIds,url");
    assert.equal(papers.length, 1);
    assert.equal(papers[0].id, "s2:0000000000000000000000000000000000000001");
    assert.equal(papers[0].arxivId, "2506.12229");
    assert.equal(papers[0].doi, "10.48550/arxiv.2506.12229");
    assert.deepEqual(papers[0].authors.slice(0, 2), ["Hao Xu", "Jiacheng Liu"]);
  });

  it("fails with a reason on an error status, a timeout, an oversized or non-JSON body", async () => {
    for (const [m, pattern] of [
      ["error", /answered 503/],
      ["slow", /no answer within 200 ms/],
      ["huge", /more than 5242880 bytes/],
      ["html", /something other than JSON/],
    ] as const) {
      mode = m;
      await assert.rejects(
        searchLive({ ...openalex(), timeoutMs: m === "slow" ? 200 : 5000 }, "q"),
        pattern,
        m,
      );
    }
    mode = "ok";
  });
});

for (const [name, make] of testDatabases()) {
  describe(`live papers join the collection (${name})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await make();
    });
    after(async () => {
      await t?.drop();
    });

    it("a question cites a paper only the live source knew, linked to arXiv; a failing source falls back", async () => {
      mode = "ok";
      const question = "How can language model outputs be traced back to training data in real time?";
      const first = await retrievePassages(t.sql, question, 8, openalex());
      assert.equal(first.liveError, undefined);
      assert.equal(
        first.passages[0].paper.title,
        "OLMoTrace: Tracing Language Model Outputs Back to Trillions of Training Tokens",
      );
      assert.equal(first.passages[0].paper.url, "https://arxiv.org/abs/2504.07096");
      // The same paper from Semantic Scholar is another paper (another arXiv id): both are kept.
      const second = await retrievePassages(t.sql, "exact n-gram search with an FM-index", 8, s2());
      assert.equal(second.passages[0].paper.url, "https://arxiv.org/abs/2506.12229");
      mode = "error";
      const fallback = await retrievePassages(t.sql, question, 8, openalex());
      assert.match(fallback.liveError ?? "", /answered 503/);
      assert.equal(fallback.passages[0].paper.url, "https://arxiv.org/abs/2504.07096");
      mode = "ok";
    });
  });
}
