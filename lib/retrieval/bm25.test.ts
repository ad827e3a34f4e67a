import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bm25Idf, buildBm25Index, searchBm25 } from "./bm25";

describe("BM25", () => {
  it("matches a hand-computed example (k1 = 1.2, b = 0.75, Lucene idf)", () => {
    // N = 3 documents, avgdl = (3 + 2 + 4) / 3 = 3, query "cat bird".
    // idf(cat)  = ln(1 + (3 - 1 + 0.5) / (1 + 0.5)) = ln(2.6667) = 0.980829
    // idf(bird) = ln(1 + (3 - 2 + 0.5) / (2 + 0.5)) = ln(1.6)    = 0.470004
    // d0 "cat cat dog":  cat tf 2, K = 1.2 * (0.25 + 0.75 * 3/3) = 1.2 -> 0.980829 * 2 * 2.2 / 3.2 = 1.348640
    // d1 "dog bird":     bird tf 1, K = 1.2 * (0.25 + 0.75 * 2/3) = 0.9 -> 0.470004 * 2.2 / 1.9 = 0.544215
    // d2 "bird x3 fish": bird tf 3, K = 1.2 * (0.25 + 0.75 * 4/3) = 1.5 -> 0.470004 * 6.6 / 4.5 = 0.689339
    const index = buildBm25Index([
      ["cat", "cat", "dog"],
      ["dog", "bird"],
      ["bird", "bird", "bird", "fish"],
    ]);
    const hits = searchBm25(index, ["cat", "bird"], 10);
    assert.deepEqual(
      hits.map((h) => h.doc),
      [0, 2, 1],
    );
    const expected = [1.34864, 0.689339, 0.544215];
    for (const [i, h] of hits.entries())
      assert.ok(Math.abs(h.score - expected[i]) < 1e-6, `${h.doc}: ${h.score}`);
    assert.ok(Math.abs(bm25Idf(3, 1) - 0.980829) < 1e-6);
  });

  it("agrees with a naive scorer on random documents; repeated query terms count once", () => {
    let seed = 1;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const vocab = "alpha beta gamma delta epsilon zeta eta theta iota kappa".split(" ");
    const docs = Array.from({ length: 60 }, () =>
      Array.from(
        { length: 1 + Math.floor(rand() * 30) },
        () => vocab[Math.floor(rand() * rand() * vocab.length)],
      ),
    );
    const index = buildBm25Index(docs);
    const query = ["beta", "theta", "beta", "missing"];
    const N = docs.length;
    const avg = docs.reduce((s, d) => s + d.length, 0) / N;
    const naive = docs.map((d, i) => {
      let s = 0;
      for (const t of new Set(query)) {
        const tf = d.filter((x) => x === t).length;
        if (!tf) continue;
        const df = docs.filter((x) => x.includes(t)).length;
        const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
        s += (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * d.length) / avg));
      }
      return { doc: i, score: s };
    });
    const expected = naive.filter((h) => h.score > 0).sort((x, y) => y.score - x.score || x.doc - y.doc);
    const got = searchBm25(index, query, 100);
    assert.equal(got.length, expected.length);
    got.forEach((h, i) => {
      assert.equal(h.doc, expected[i].doc);
      assert.ok(Math.abs(h.score - expected[i].score) < 1e-12);
    });
    assert.equal(searchBm25(index, query, 5).length, 5);
    assert.deepEqual(searchBm25(index, [], 5), []);
  });
});
