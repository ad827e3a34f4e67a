import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { mulberry32 as rng } from "../random";
import { decodeBlock, encodeBlock, RRR_BLOCK, RRR_HYPER, RRR_SUPER, RrrVector } from "./rrr";

function toWords(bits: Uint8Array): Uint32Array {
  const words = new Uint32Array(Math.ceil(bits.length / 32) + 1);
  bits.forEach((b, i) => {
    if (b) words[i >>> 5] |= 1 << (i & 31);
  });
  return words;
}

/** Checks rank1, access, rankAccess and rankPair at every position against a naive prefix count. */
function checkAgainstNaive(bits: Uint8Array, label: string, pairSeed = 1) {
  const v = RrrVector.fromWords(toWords(bits), bits.length);
  const prefix = new Int32Array(bits.length + 1);
  for (let i = 0; i < bits.length; i++) prefix[i + 1] = prefix[i] + bits[i];
  for (let i = 0; i <= bits.length; i++) {
    assert.equal(v.rank1(i), prefix[i], `${label}: rank1(${i})`);
    if (i < bits.length) {
      assert.equal(v.rankAccess(i), prefix[i], `${label}: rankAccess(${i})`);
      assert.equal(v.bit, bits[i], `${label}: bit ${i}`);
      assert.equal(v.access(i), bits[i], `${label}: access(${i})`);
    }
  }
  const rand = rng(pairSeed);
  for (let t = 0; t < 2000; t++) {
    const a = Math.floor(rand() * (bits.length + 1));
    // Near pairs (same block or superblock) and far ones.
    const span = rand() < 0.7 ? Math.floor(rand() * 70) : Math.floor(rand() * (bits.length + 1));
    const b = Math.min(bits.length, a + span);
    assert.equal(v.rankPair(a, b), prefix[a], `${label}: rankPair(${a}, ${b}) first`);
    assert.equal(v.second, prefix[b], `${label}: rankPair(${a}, ${b}) second`);
  }
  // A rebuilt vector from its own arrays (as loaded from a file) answers the same.
  const copy = new RrrVector(v.length, v.stream.slice(), v.dir.slice());
  for (let i = 0; i <= bits.length; i += 7) assert.equal(copy.rank1(i), prefix[i]);
}

describe("RRR bitvector against a naive bitvector", () => {
  test("every block of every class round-trips through encode/decode (sampled offsets)", () => {
    const rand = rng(3);
    for (let k = 0; k <= RRR_BLOCK; k++) {
      for (let t = 0; t < 300; t++) {
        // A random 31-bit block with exactly k ones.
        const pos = Array.from({ length: RRR_BLOCK }, (_, i) => i);
        for (let i = pos.length - 1; i > 0; i--) {
          const j = Math.floor(rand() * (i + 1));
          [pos[i], pos[j]] = [pos[j], pos[i]];
        }
        let block = 0;
        for (let i = 0; i < k; i++) block |= 1 << pos[i];
        block >>>= 0;
        const o = encodeBlock(block, k);
        assert.equal(decodeBlock(k, o), block, `class ${k} block ${block.toString(2)}`);
        // A partial decode (odd and even lengths) gives the block's first bits.
        for (let limit = 0; limit <= RRR_BLOCK; limit++) {
          const mask = limit === 32 ? -1 : (1 << limit) - 1;
          assert.equal(
            (decodeBlock(k, o, limit) & mask) >>> 0,
            (block & mask) >>> 0,
            `class ${k} block ${block.toString(2)} first ${limit} bits`,
          );
        }
      }
    }
  });

  test("offsets enumerate a class in order without gaps (classes 1, 2, 30)", () => {
    for (const k of [1, 2, 30]) {
      const seen = new Set<number>();
      const count = k === 2 ? (31 * 30) / 2 : 31;
      for (let o = 0; o < count; o++) {
        const b = decodeBlock(k, o);
        let ones = 0;
        for (let x = b; x; x &= x - 1) ones++;
        assert.equal(ones, k);
        assert.equal(encodeBlock(b, k), o);
        seen.add(b);
      }
      assert.equal(seen.size, count);
    }
  });

  test("random densities, lengths around block and superblock edges", () => {
    const rand = rng(11);
    const S = 31 * RRR_SUPER;
    const H = 31 * RRR_HYPER;
    const lengths = [0, 1, 30, 31, 32, 61, 62, 63, S - 1, S, S + 1, 5000, H - 1, H, H + 1, 2 * H + 40];
    for (const n of lengths) {
      for (const p of [0.02, 0.5, 0.97]) {
        const bits = Uint8Array.from({ length: n }, () => (rand() < p ? 1 : 0));
        checkAgainstNaive(bits, `n=${n} p=${p}`, n + 1);
      }
    }
  });

  test("adversarial patterns: all zeros, all ones, alternating, runs, one set bit per block", () => {
    const S = 31 * RRR_SUPER;
    const n = 31 * RRR_HYPER * 2 + 31 * RRR_SUPER * 3 + 17;
    const patterns: [string, (i: number) => number][] = [
      ["zeros", () => 0],
      ["ones", () => 1],
      ["alternating", (i) => i & 1],
      ["runs of 31 offset by 5", (i) => Math.floor((i + 5) / 31) & 1],
      ["runs of 100", (i) => Math.floor(i / 100) & 1],
      ["bit 30 of each block", (i) => (i % 31 === 30 ? 1 : 0)],
      ["all but bit 0 of each block", (i) => (i % 31 === 0 ? 0 : 1)],
      ["half-full blocks (largest offsets)", (i) => (i % 31 < 15 ? 0 : 1)],
      // Pure superblocks (every block all zeros or all ones) have no stream region; the region before
      // one carries a length header. Alternate them with mixed ones, in runs, across hyperblocks.
      [
        "superblocks alternately pure and mixed",
        (i) => (Math.floor(i / S) % 2 ? (Math.floor(i / 31) % 3 === 0 ? 1 : 0) : i % 7 === 0 ? 1 : 0),
      ],
      [
        "runs of four pure superblocks between mixed ones",
        (i) => (Math.floor(i / S) % 5 === 4 ? (i % 5 === 0 ? 1 : 0) : Math.floor(i / 31) % 2),
      ],
      [
        "dense hyperblock then sparse",
        (i) => (i < 31 * RRR_HYPER ? (i % 31 < 16 ? 1 : 0) : i % 997 === 0 ? 1 : 0),
      ],
    ];
    for (const [name, f] of patterns)
      checkAgainstNaive(
        Uint8Array.from({ length: n }, (_, i) => f(i)),
        name,
      );
  });

  test("split ranks: prepare on several vectors, then finish each, as a lockstep search interleaves them", () => {
    const rand = rng(29);
    const S = 31 * RRR_SUPER;
    const n = 31 * RRR_HYPER + 7 * S + 3;
    const makers = [
      () => (rand() < 0.03 ? 1 : 0),
      (i: number) => (Math.floor(i / S) % 3 === 0 ? Math.floor(i / 31) & 1 : rand() < 0.5 ? 1 : 0),
      (i: number) => (i % 31 < 12 ? 1 : 0),
    ];
    const vectors = makers.map((f) => {
      const bits = Uint8Array.from({ length: n }, (_, i) => f(i));
      const prefix = new Int32Array(n + 1);
      for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + bits[i];
      return { v: RrrVector.fromWords(toWords(bits), n), prefix };
    });
    for (let t = 0; t < 3000; t++) {
      const ends = vectors.map(() => {
        const a = Math.floor(rand() * (n + 1));
        return [a, Math.min(n, a + (rand() < 0.5 ? Math.floor(rand() * 40) : Math.floor(rand() * n)))];
      });
      for (let x = 0; x < vectors.length; x++) vectors[x].v.prepare(ends[x][0], ends[x][1]);
      vectors.forEach(({ v, prefix }, x) => {
        const [a, b] = ends[x];
        assert.equal(v.finish(), prefix[a], `vector ${x}: rank1(${a})`);
        assert.equal(v.second, prefix[b], `vector ${x}: rank1(${b})`);
      });
    }
  });

  test("pure superblocks take no stream: runs of whole superblocks cost only their directory entries", () => {
    const S = 31 * RRR_SUPER;
    const n = 31 * RRR_HYPER * 3 + 5;
    const runs = RrrVector.fromWords(
      toWords(Uint8Array.from({ length: n }, (_, i) => Math.floor(i / (3 * S)) % 2)),
      n,
    );
    // Every superblock is pure (the last, partial one holds zeros): the stream is its padding.
    assert.ok(runs.stream.length <= 8, `stream of ${runs.stream.length} words`);
    const mixed = RrrVector.fromWords(
      toWords(Uint8Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0))),
      n,
    );
    assert.ok(mixed.stream.length > 100 * runs.stream.length);
  });
});
