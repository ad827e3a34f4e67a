import assert from "node:assert/strict";
import { test } from "node:test";
import { mulberry32 as rng } from "../random";
import { SENTINEL, sampleAndTransform } from "./build-shard";
import { suffixArray } from "./sais";

/** A text of n symbols (>= 1, sentinel 0 last) over `sigma` symbols, and its suffix array. */
function textAndSa(n: number, sigma: number, seed: number): { s: Uint8Array; sa: Int32Array } {
  const rand = rng(seed);
  const s = Uint8Array.from({ length: n }, () => 1 + Math.floor(rand() * sigma));
  s[n - 1] = 0;
  const sa = new Int32Array(n);
  suffixArray(s, sa, n, sigma);
  return { s, sa };
}

test("sampleAndTransform: BWT and samples as the direct definitions, over many chunks and buckets", () => {
  for (const [n, chunk, shift, saRate, isaRate] of [
    [50_000, 1_000, 8, 32, 64], // 50 chunks, 196 buckets
    [50_000, 7_777, 12, 32, 64], // a partial last chunk
    [50_001, 1 << 23, 22, 32, 64], // the defaults: one chunk, one bucket
    [20_000, 999, 6, 3, 10], // rates that are not powers of two
  ] as const) {
    const { s, sa } = textAndSa(n, 5, n + chunk);
    const want = new Uint8Array(n);
    for (let i = 0; i < n; i++) want[i] = sa[i] > 0 ? s[sa[i] - 1] : SENTINEL;
    const wantSa = Uint32Array.from({ length: Math.floor((n - 1) / saRate) + 1 }, (_, r) => sa[r * saRate]);
    const wantIsa = new Uint32Array(Math.floor((n - 1) / isaRate) + 1);
    for (let i = 0; i < n; i++) if (sa[i] % isaRate === 0) wantIsa[sa[i] / isaRate] = i;
    // The samples alone (the build's path when WebAssembly writes the BWT).
    const onlySa = new Uint32Array(wantSa.length);
    const onlyIsa = new Uint32Array(wantIsa.length);
    sampleAndTransform(sa, s, null, onlySa, saRate, onlyIsa, isaRate);
    assert.deepEqual(onlySa, wantSa);
    assert.deepEqual(onlyIsa, wantIsa);
    // As in the build: the BWT is written over SA's own memory.
    const bwt = new Uint8Array(sa.buffer, 0, n);
    const saSamples = new Uint32Array(wantSa.length);
    const isaSamples = new Uint32Array(wantIsa.length);
    sampleAndTransform(sa, s, bwt, saSamples, saRate, isaSamples, isaRate, chunk, shift);
    const label = `n=${n} chunk=${chunk} shift=${shift}`;
    assert.deepEqual(bwt, want, label);
    assert.deepEqual(saSamples, wantSa, label);
    assert.deepEqual(isaSamples, wantIsa, label);
  }
});
