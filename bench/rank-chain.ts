/**
 * Micro-bench of one wavelet-tree rank step on a real shard: how many dependent cache misses a rank costs
 * in the RRR layout (engine/fm/rrr.ts), and what a rank in a pure superblock (answered from its directory
 * entry alone, format version 3) saves against one that reads the stream.
 *
 *   npx tsx bench/rank-chain.ts --index DIR [--shard 0] [--steps 2000000]
 *
 * Every chain below is a pointer chase: the next position is a hash of the value the step read, so no
 * step can start before the previous one has finished (as in a backward search, where the next level's
 * position is the rank just computed). Per chain it prints ns per step (wall and process CPU). Chains:
 *
 * - `L2 / L3 / DRAM word`: one dependent read of a random 32-bit word in an array of 1 MiB (L2), 24 MiB (L3)
 *   and the shard's whole stream (DRAM, and a TLB miss). The DRAM figure is what one miss per step costs.
 *   The shard is loaded as the app loads it, asking for 2 MiB pages (../engine/huge-pages.ts); run with
 *   ENGINE_HUGE_PAGES=0 for 4 KiB pages.
 * - `directory entry`: the superblock and hyperblock entries of a random position (what `locate` reads).
 * - `directory then stream word`: those entries, then the first stream word of the region they point to:
 *   the two dependent misses of a rank, without its computation.
 * - `rank1`: the full rank (directory, class-code scan, offset read, block decode).
 * - `rank1, cache-warm`: the same rank cycling over 64 positions whose lines stay cached: its computation.
 * - `rankPair`: both ends of a narrow range (as a backward search's step once its range is narrow).
 * - `rank1 in pure / impure superblocks`: rank at a random position of a random pure (or impure)
 *   superblock, picked from a list of them (one more miss in both: compare the two, not with the above).
 * - `directory then stream, next dir ahead`: the directory-then-stream chain where the next step's
 *   directory entry is read while the stream word is in flight (a backward search knows the next
 *   level's superblock to within one from the directory entry alone). Tried in FmShard.searchMany: it
 *   made counts slower (more work per level than the overlap saves in JavaScript), so it is not used.
 */

import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { ShardMeta } from "../engine/fm/build-shard";
import { decodeFile } from "../engine/fm/format";
import { readManifest } from "../engine/fm/index";
import { RRR_BLOCK, RRR_HYPER, RRR_SUPER, RrrVector } from "../engine/fm/rrr";
import { allocateHuge } from "../engine/huge-pages";

const { values } = parseArgs({
  options: {
    index: { type: "string" },
    shard: { type: "string", default: "0" },
    steps: { type: "string", default: "2000000" },
  },
});
if (!values.index) {
  console.error("usage: npx tsx bench/rank-chain.ts --index DIR [--shard 0] [--steps N]");
  process.exit(2);
}
const STEPS = Number(values.steps);

const manifest = readManifest(values.index);
const entry = manifest.shards[Number(values.shard)];
const path = join(values.index, entry.file);
const fd = openSync(path, "r");
const size = fstatSync(fd).size;
// As the app loads it: on 2 MiB pages where Linux allows (ENGINE_HUGE_PAGES=0 measures 4 KiB pages).
const bytes = allocateHuge(size);
for (let off = 0; off < size; ) off += readSync(fd, bytes, off, size - off, off);
closeSync(fd);
const file = decodeFile(path, bytes, false);
const meta = file.meta as ShardMeta;
const bits = new RrrVector(
  meta.wtBits,
  file.sections.wtStream as Uint32Array,
  file.sections.wtDir as Uint32Array,
);
const len = bits.length;
const stream = bits.stream;
const dir = bits.dir;
const nSuper = Math.ceil(Math.ceil(len / RRR_BLOCK) / RRR_SUPER);
const subBase = 2 * (Math.floor(nSuper / (RRR_HYPER / RRR_SUPER)) + 1);
const SUPER_BITS = RRR_BLOCK * RRR_SUPER;
const isPure = (s: number) => dir[subBase + s] >>> 31 === 1;
let nPure = 0;
for (let s = 0; s < nSuper; s++) nPure += isPure(s) ? 1 : 0;
const pureSupers = new Uint32Array(nPure);
const impureSupers = new Uint32Array(nSuper - nPure);
for (let s = 0, p = 0, q = 0; s < nSuper; s++) {
  if (isPure(s)) pureSupers[p++] = s;
  else impureSupers[q++] = s;
}

/** A position from a loaded value: multiplicative hash, reduced to [0, n). */
const next = (x: number, k: number, n: number) => (Math.imul((x ^ k) >>> 0, 0x9e3779b1) >>> 0) % n;

function time(name: string, steps: number, run: (steps: number) => number): number {
  run(Math.min(steps, 100_000)); // compiled before it is timed
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const sink = run(steps);
  const wall = ((performance.now() - t0) * 1e6) / steps;
  const c = process.cpuUsage(c0);
  const cpu = ((c.user + c.system) * 1e3) / steps;
  console.log(
    `${name.padEnd(34)} ${wall.toFixed(1).padStart(7)} ns wall ${cpu.toFixed(1).padStart(7)} ns CPU   (sink ${sink & 1})`,
  );
  return cpu;
}

function wordChain(words: Uint32Array): (steps: number) => number {
  return (steps) => {
    let p = 0;
    let x = 0;
    for (let k = 0; k < steps; k++) {
      x = words[p];
      p = next(x, k, words.length);
    }
    return x;
  };
}

console.log(
  `shard ${entry.file}: ${(len / 1e6).toFixed(0)} M wavelet bits, stream ${(stream.byteLength / 2 ** 20).toFixed(1)} MiB, ` +
    `directory ${(dir.byteLength / 2 ** 20).toFixed(1)} MiB, ${((100 * nPure) / nSuper).toFixed(1)}% of ${nSuper} ` +
    `superblocks pure; load average ${loadavg()[0].toFixed(2)}`,
);
const l2 = stream.subarray(0, (1 << 20) / 4);
const l3 = stream.subarray(0, (24 << 20) / 4);
time("L2 word (1 MiB)", STEPS, wordChain(l2));
time("L3 word (24 MiB)", STEPS, wordChain(l3));
const dram = time("DRAM word (whole stream)", STEPS, wordChain(stream));
const dirOnly = time("directory entry", STEPS, (steps) => {
  let p = 0;
  let x = 0;
  for (let k = 0; k < steps; k++) {
    const blk = (p / 31) >>> 0;
    x = dir[2 * (blk >>> 9)] + dir[subBase + (blk >>> 4)];
    p = next(x, k, len);
  }
  return x;
});
const dirStream = time("directory then stream word", STEPS, (steps) => {
  let p = 0;
  let x = 0;
  for (let k = 0; k < steps; k++) {
    const blk = (p / 31) >>> 0;
    const start = dir[2 * (blk >>> 9) + 1] + (dir[subBase + (blk >>> 4)] & 0x7fff);
    x = stream[start >>> 5];
    p = next(x, k, len);
  }
  return x;
});
const ahead = time("directory then stream, next dir ahead", STEPS, (steps) => {
  // The next step's superblock is known (up to one) from the directory entry alone, as a child level's
  // is from the parent's superblock count: its entry is read while the stream word is still in flight.
  let s = 0;
  let x = 0;
  let t = 0;
  for (let k = 0; k < steps; k++) {
    const e = dir[subBase + s];
    const start = dir[2 * (s >>> 5) + 1] + (e & 0x7fff);
    x = stream[start >>> 5];
    const predicted = next(e, k, nSuper - 1);
    t ^= dir[subBase + predicted];
    s = predicted + (x & 1);
  }
  return x ^ t;
});
const rank = time("rank1", STEPS, (steps) => {
  let p = 0;
  let x = 0;
  for (let k = 0; k < steps; k++) {
    x = bits.rank1(p);
    p = next(x, k, len);
  }
  return x;
});
const warm = time("rank1, cache-warm (64 positions)", STEPS, (steps) => {
  const ps = new Float64Array(64);
  for (let q = 0; q < 64; q++) ps[q] = next(q, 7, len);
  let x = 0;
  for (let k = 0; k < steps; k++) x ^= bits.rank1(ps[(k + x) & 63]);
  return x;
});
const pair = time("rankPair (range of 3 rows)", STEPS, (steps) => {
  let p = 0;
  let x = 0;
  for (let k = 0; k < steps; k++) {
    x = bits.rankPair(p, p + 3);
    p = next(x, k, len - 3);
  }
  return x;
});

function rankIn(supers: Uint32Array): (steps: number) => number {
  return (steps) => {
    let x = 0;
    for (let k = 0; k < steps; k++) {
      const s = supers[next(x, k, supers.length)];
      const p = Math.min(len - 1, s * SUPER_BITS + (next(x, k + 1, SUPER_BITS) >>> 0));
      x = bits.rank1(p);
    }
    return x;
  };
}
const pureRank = nPure > 0 ? time("rank1 in pure superblocks", STEPS, rankIn(pureSupers)) : Number.NaN;
const impureRank = time("rank1 in impure superblocks", STEPS, rankIn(impureSupers));

console.log(
  `\nper rank: ${rank.toFixed(0)} ns CPU = computation ~${warm.toFixed(0)} + waiting ~${(rank - warm).toFixed(0)}; ` +
    `one miss (DRAM word) ${dram.toFixed(0)} ns, directory then stream ${dirStream.toFixed(0)} ns ` +
    `(${(dirStream / dram).toFixed(2)} misses' worth), directory alone ${dirOnly.toFixed(0)} ns.`,
);
console.log(
  `A layout with one miss per rank would save at most ${(dirStream - dram).toFixed(0)} ns per rank ` +
    `(${((100 * (dirStream - dram)) / rank).toFixed(0)}% of rank1, ${((100 * (dirStream - dram)) / pair).toFixed(0)}% of rankPair); ` +
    `reading the next directory entry ahead gives ${ahead.toFixed(0)} ns per directory-and-stream step; ` +
    `load average ${loadavg()[0].toFixed(2)}`,
);
console.log(
  `A rank in a pure superblock: ${pureRank.toFixed(0)} ns against ${impureRank.toFixed(0)} ns in an impure one ` +
    `(${(impureRank - pureRank).toFixed(0)} ns saved, with one miss more than rank1 in both).`,
);
