/**
 * Query side of one shard (Ferragina & Manzini 2000, "Opportunistic data structures with applications").
 * It only loads and answers; construction lives in build-shard.ts.
 *
 * Costs below use m = pattern length, H = average Huffman code length of the BWT (about 4.5-5 for text),
 * s = SA sampling rate (32), t = ISA sampling rate (64). One wavelet rank is O(H) bitvector ranks, each O(1).
 */

import { rank1 } from "./bitvector";
import { SENTINEL, SEPARATOR, type ShardMeta, SYMBOLS } from "./build-shard";
import { FmQueryError } from "./errors";
import type { DecodedFile } from "./format";

/** A half-open range of BWT rows `[lo, hi)`; rows in it are the suffixes that start with the pattern. */
export type RankRange = readonly [lo: number, hi: number];

export class FmShard {
  readonly name: string;
  readonly domain: string;
  /** Number of documents. */
  readonly docs: number;
  /** Bytes of document text (separators excluded). */
  readonly bytes: number;
  /** BWT rows: text bytes + one separator per document + the sentinel. */
  readonly n: number;
  private readonly C: Float64Array;
  private readonly nodes: Float64Array;
  private readonly words: Uint32Array;
  private readonly blocks: Uint32Array;
  private readonly saSamples: Uint32Array;
  private readonly isaSamples: Uint32Array;
  private readonly saRate: number;
  private readonly isaRate: number;
  private readonly width: number;
  private readonly docStarts: Uint32Array;
  private readonly metaOffsets: Uint32Array;
  private readonly metaJson: Uint8Array;
  /** Per symbol, its root-to-leaf path as (node, bit) pairs in pathNode/pathBit[pathStart[c], pathStart[c+1]). */
  private readonly pathStart = new Int32Array(SYMBOLS + 1);
  private readonly pathNode: Int32Array;
  private readonly pathBit: Uint8Array;
  /** Symbol read by the last `lf` call (avoids allocating a pair per step). */
  private lastSymbol = 0;

  constructor(file: DecodedFile) {
    const meta = file.meta as ShardMeta;
    const s = file.sections;
    this.name = meta.name;
    this.domain = meta.domain;
    this.docs = meta.docs;
    this.bytes = meta.textBytes;
    this.n = meta.n;
    this.saRate = meta.saRate;
    this.isaRate = meta.isaRate;
    this.width = meta.saWidth;
    this.C = s.counts as Float64Array;
    this.nodes = s.wtNodes as Float64Array;
    this.words = s.wtWords as Uint32Array;
    this.blocks = s.wtBlocks as Uint32Array;
    this.saSamples = s.saSamples as Uint32Array;
    this.isaSamples = s.isaSamples as Uint32Array;
    this.docStarts = s.docStarts as Uint32Array;
    this.metaOffsets = s.metaOffsets as Uint32Array;
    this.metaJson = s.metaJson as Uint8Array;

    const paths: number[][] = Array.from({ length: SYMBOLS }, () => []);
    const walk = (v: number, acc: number[]) => {
      for (let b = 0; b < 2; b++) {
        const ch = this.nodes[5 * v + 3 + b];
        if (ch < 0) paths[-ch - 1] = [...acc, v, b];
        else walk(ch, [...acc, v, b]);
      }
    };
    walk(0, []);
    for (let c = 0; c < SYMBOLS; c++) this.pathStart[c + 1] = this.pathStart[c] + paths[c].length / 2;
    this.pathNode = new Int32Array(this.pathStart[SYMBOLS]);
    this.pathBit = new Uint8Array(this.pathStart[SYMBOLS]);
    for (let c = 0; c < SYMBOLS; c++) {
      for (let k = 0; k < paths[c].length / 2; k++) {
        this.pathNode[this.pathStart[c] + k] = paths[c][2 * k];
        this.pathBit[this.pathStart[c] + k] = paths[c][2 * k + 1];
      }
    }
  }

  /** The range of all rows (the empty pattern). */
  fullRange(): RankRange {
    return [0, this.n];
  }

  /**
   * One backward-search step: from the rows prefixed by P to the rows prefixed by `byte` P.
   * Time O(H). pre: 0 <= lo <= hi <= n. Returns an empty range `[x, x]` when `byte` P does not occur.
   */
  extendLeft(lo: number, hi: number, byte: number): RankRange {
    const c = byte + 2;
    const start = this.pathStart[c];
    const end = this.pathStart[c + 1];
    if (start === end || lo >= hi) return [0, 0];
    const nodes = this.nodes;
    const words = this.words;
    const blocks = this.blocks;
    for (let k = start; k < end; k++) {
      const v5 = 5 * this.pathNode[k];
      const off = nodes[v5];
      const before = nodes[v5 + 2];
      const onesLo = rank1(words, blocks, off + lo) - before;
      const onesHi = rank1(words, blocks, off + hi) - before;
      if (this.pathBit[k] === 1) {
        lo = onesLo;
        hi = onesHi;
      } else {
        lo -= onesLo;
        hi -= onesHi;
      }
      if (lo >= hi) return [0, 0];
    }
    const base = this.C[c];
    return [base + lo, base + hi];
  }

  /**
   * Rows whose suffix starts with `pattern` (backward search). Time O(m H). Empty range if absent.
   * An empty pattern gives the full range.
   */
  find(pattern: Uint8Array): RankRange {
    let lo = 0;
    let hi = this.n;
    for (let j = pattern.length - 1; j >= 0; j--) {
      const r = this.extendLeft(lo, hi, pattern[j]);
      lo = r[0];
      hi = r[1];
      if (lo >= hi) return [0, 0];
    }
    return [lo, hi];
  }

  /** Occurrences of `pattern` inside documents (overlapping ones included). Time O(m H). */
  count(pattern: Uint8Array): number {
    const [lo, hi] = this.find(pattern);
    return hi - lo;
  }

  /**
   * LF mapping: the row of the suffix one position to the left of row i's suffix; sets lastSymbol to
   * BWT[i]. Time O(H).
   */
  private lf(i: number): number {
    const nodes = this.nodes;
    const words = this.words;
    const blocks = this.blocks;
    let v5 = 0;
    for (;;) {
      const p = nodes[v5] + i;
      const ones = rank1(words, blocks, p) - nodes[v5 + 2];
      const bit = (words[p >>> 5] >>> (p & 31)) & 1;
      let child: number;
      if (bit === 1) {
        i = ones;
        child = nodes[v5 + 4];
      } else {
        i -= ones;
        child = nodes[v5 + 3];
      }
      if (child < 0) {
        const c = -child - 1;
        this.lastSymbol = c;
        return this.C[c] + i;
      }
      v5 = 5 * child;
    }
  }

  private sample(samples: Uint32Array, k: number): number {
    const w = this.width;
    const bit = k * w;
    const word = Math.floor(bit / 32);
    const sh = bit % 32;
    let v = samples[word] >>> sh;
    if (sh + w > 32) v |= samples[word + 1] << (32 - sh);
    return w === 32 ? v >>> 0 : v & ((1 << w) - 1);
  }

  private checkRank(rank: number): void {
    if (!Number.isInteger(rank) || rank < 0 || rank >= this.n) {
      throw new FmQueryError(
        "RANK_OUT_OF_RANGE",
        `rank ${rank} is out of range for shard ${this.name} (0 <= rank < ${this.n})`,
      );
    }
  }

  /**
   * Text position of the suffix at `rank` (SA[rank]). Time O(s H) expected with SA-order sampling
   * (sdsl's default; walks LF until a sampled row). pre: 0 <= rank < n.
   */
  locate(rank: number): number {
    this.checkRank(rank);
    let i = rank;
    let steps = 0;
    while (i % this.saRate !== 0) {
      i = this.lf(i);
      if (this.lastSymbol === SENTINEL) return steps; // row i held the suffix starting at 0
      steps++;
    }
    return this.sample(this.saSamples, i / this.saRate) + steps;
  }

  /**
   * Text bytes `[pos, pos + len)` of the shard's concatenated text, in which every document is
   * followed by one separator position that reads as 0x00. Time O((len + t) H).
   */
  extract(pos: number, len: number): Uint8Array {
    const textLen = this.n - 1;
    if (!Number.isInteger(pos) || !Number.isInteger(len) || pos < 0 || len < 0 || pos + len > textLen) {
      throw new FmQueryError(
        "POSITION_OUT_OF_RANGE",
        `range [${pos}, ${pos + len}) is outside shard ${this.name} (text length ${textLen})`,
      );
    }
    const out = new Uint8Array(len);
    const end = pos + len;
    let j = Math.ceil(end / this.isaRate) * this.isaRate;
    let row: number;
    if (j >= textLen) {
      j = textLen; // the sentinel's suffix is always row 0
      row = 0;
    } else row = this.sample(this.isaSamples, j / this.isaRate);
    // Invariant: row is the row of the suffix starting at j.
    for (let p = j - 1; p >= pos; p--) {
      row = this.lf(row);
      if (p < end) {
        const c = this.lastSymbol;
        out[p - pos] = c >= 2 ? c - 2 : 0;
      }
    }
    return out;
  }

  /** Index of the document containing text position pos (binary search over starts). Time O(log docs). */
  docAt(pos: number): number {
    const starts = this.docStarts;
    let lo = 0;
    let hi = this.docs;
    // Invariant: starts[lo] <= pos < starts[hi] (starts[docs] is the sentinel's position).
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid] <= pos) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  checkDoc(docIndex: number): void {
    if (!Number.isInteger(docIndex) || docIndex < 0 || docIndex >= this.docs) {
      throw new FmQueryError(
        "DOC_OUT_OF_RANGE",
        `document ${docIndex} is out of range for shard ${this.name} (0 <= doc < ${this.docs})`,
      );
    }
  }

  /** Start position and byte length of a document. Time O(1). */
  docSpan(docIndex: number): { start: number; length: number } {
    this.checkDoc(docIndex);
    const start = this.docStarts[docIndex];
    return { start, length: this.docStarts[docIndex + 1] - start - 1 };
  }

  /** A document's id and metadata. Time O(size of its metadata). */
  docInfo(docIndex: number): { id: string; meta: Record<string, unknown> } {
    this.checkDoc(docIndex);
    const raw = this.metaJson.subarray(this.metaOffsets[docIndex], this.metaOffsets[docIndex + 1]);
    return JSON.parse(new TextDecoder().decode(raw));
  }

  /** Sizes of the loaded structures in bytes. */
  sizeBreakdown(): Record<string, number> {
    return {
      wavelet: this.words.byteLength + this.blocks.byteLength + this.nodes.byteLength,
      saSamples: this.saSamples.byteLength,
      isaSamples: this.isaSamples.byteLength,
      docs: this.docStarts.byteLength + this.metaOffsets.byteLength + this.metaJson.byteLength,
    };
  }
}

export { SEPARATOR };
