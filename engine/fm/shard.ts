/**
 * Query side of one shard (Ferragina & Manzini 2000, "Opportunistic data structures with applications").
 * It only loads and answers; construction lives in build-shard.ts.
 *
 * Costs below use m = pattern length, H = average Huffman code length of the BWT (about 4.5-5 for text),
 * s = SA sampling rate (32), t = ISA sampling rate (64), b = RRR block size (31). One wavelet rank is O(H)
 * bitvector ranks, each O(b).
 */

import { inflateRawSync } from "node:zlib";
import { META_BLOCK_DOCS, SENTINEL, SEPARATOR, type ShardMeta, SYMBOLS } from "./build-shard";
import { FmQueryError } from "./errors";
import type { DecodedFile } from "./format";
import { RrrVector } from "./rrr";

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
  private readonly bits: RrrVector;
  private readonly saSamples: Uint32Array;
  private readonly isaSamples: Uint32Array;
  private readonly saRate: number;
  private readonly isaRate: number;
  private readonly width: number;
  private readonly docStarts: Uint32Array;
  private readonly metaOffsets: Uint32Array;
  private readonly metaBlocks: Uint32Array;
  private readonly metaZ: Uint8Array;
  /** The last inflated metadata block (lookups of one document's neighbours are common). */
  private metaCache: { block: number; json: Uint8Array } | null = null;
  /** Per symbol, its root-to-leaf path as (node, bit) pairs in pathNode/pathBit[pathStart[c], pathStart[c+1]). */
  private readonly pathStart = new Int32Array(SYMBOLS + 1);
  private readonly pathNode: Int32Array;
  private readonly pathBit: Uint8Array;
  /** Symbol read by the last `lf` call (avoids allocating a pair per step). */
  private lastSymbol = 0;
  /**
   * Backward search's first two steps by table (as Bowtie's "ftab"): rows of the two bytes "a b" are
   * [C[a+2] + t[257 a + b], C[a+2] + t[257 a + b + 1]), where t[257 a + j] is the number of a's in the BWT
   * before row C[j + 2]. Built on first use from the wavelet tree (257 x 257 ranks, tens of ms), held in
   * memory only (257 KiB per shard), not stored in the file.
   */
  private pairTable: Uint32Array | null = null;
  /** Range left by the last `step` or `search` call (avoids allocating a pair per step). */
  private rlo = 0;
  private rhi = 0;

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
    this.bits = new RrrVector(meta.wtBits, s.wtStream as Uint32Array, s.wtDir as Uint32Array);
    this.saSamples = s.saSamples as Uint32Array;
    this.isaSamples = s.isaSamples as Uint32Array;
    this.docStarts = s.docStarts as Uint32Array;
    this.metaOffsets = s.metaOffsets as Uint32Array;
    this.metaBlocks = s.metaBlocks as Uint32Array;
    this.metaZ = s.metaZ as Uint8Array;

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
   * Time O(H b). pre: 0 <= lo <= hi <= n. Returns an empty range `[x, x]` when `byte` P does not occur.
   */
  extendLeft(lo: number, hi: number, byte: number): RankRange {
    return this.step(lo, hi, byte) ? [this.rlo, this.rhi] : [0, 0];
  }

  /**
   * extendLeft without allocation: leaves the new range in rlo/rhi and returns whether it is non-empty.
   * Both ends share one RRR scan per level once they fall in the same superblock.
   */
  private step(lo: number, hi: number, byte: number): boolean {
    const c = byte + 2;
    const start = this.pathStart[c];
    const end = this.pathStart[c + 1];
    if (start === end || lo >= hi) return false;
    if (lo === 0 && hi === this.n) {
      this.rlo = this.C[c];
      this.rhi = this.C[c + 1];
      return true; // c has a leaf, so it occurs
    }
    const nodes = this.nodes;
    const bits = this.bits;
    const pathNode = this.pathNode;
    const pathBit = this.pathBit;
    for (let k = start; k < end; k++) {
      const v5 = 5 * pathNode[k];
      const off = nodes[v5];
      const before = nodes[v5 + 2];
      const onesLo = bits.rankPair(off + lo, off + hi) - before;
      const onesHi = bits.second - before;
      if (pathBit[k] === 1) {
        lo = onesLo;
        hi = onesHi;
      } else {
        lo -= onesLo;
        hi -= onesHi;
      }
      if (lo >= hi) return false;
    }
    const base = this.C[c];
    this.rlo = base + lo;
    this.rhi = base + hi;
    return true;
  }

  /**
   * Rows whose suffix starts with `pattern` (backward search). Time O(m H b). Empty range if absent.
   * An empty pattern gives the full range.
   */
  find(pattern: Uint8Array): RankRange {
    return this.search(pattern) ? [this.rlo, this.rhi] : [0, 0];
  }

  /** Backward search leaving the range in rlo/rhi; false when the pattern is absent. */
  private search(pattern: Uint8Array): boolean {
    let lo = 0;
    let hi = this.n;
    let j = pattern.length - 1;
    if (j >= 1) {
      const t = this.pairTable ?? this.buildPairTable();
      const a = pattern[j - 1];
      const k = 257 * a + pattern[j];
      const base = this.C[a + 2];
      lo = base + t[k];
      hi = base + t[k + 1];
      if (lo >= hi) return false;
      j -= 2;
    }
    for (; j >= 0; j--) {
      if (!this.step(lo, hi, pattern[j])) return false;
      lo = this.rlo;
      hi = this.rhi;
    }
    this.rlo = lo;
    this.rhi = hi;
    return true;
  }

  private buildPairTable(): Uint32Array {
    const t = new Uint32Array(256 * 257);
    const ranks = new Float64Array(SYMBOLS);
    const nodes = this.nodes;
    const bits = this.bits;
    // Number of each symbol among BWT rows [0, i) of node v's subtree, by one rank per internal node.
    const walk = (v: number, i: number) => {
      const v5 = 5 * v;
      const ones = i === 0 ? 0 : bits.rank1(nodes[v5] + i) - nodes[v5 + 2];
      for (let b = 0; b < 2; b++) {
        const child = nodes[v5 + 3 + b];
        const count = b === 1 ? ones : i - ones;
        if (child < 0) ranks[-child - 1] = count;
        else walk(child, count);
      }
    };
    for (let j = 0; j <= 256; j++) {
      ranks.fill(0);
      walk(0, this.C[j + 2]);
      for (let a = 0; a < 256; a++) t[257 * a + j] = ranks[a + 2];
    }
    this.pairTable = t;
    return t;
  }

  /** Occurrences of `pattern` inside documents (overlapping ones included). Time O(m H b). */
  count(pattern: Uint8Array): number {
    return this.search(pattern) ? this.rhi - this.rlo : 0;
  }

  /**
   * LF mapping: the row of the suffix one position to the left of row i's suffix; sets lastSymbol to
   * BWT[i]. Time O(H b).
   */
  private lf(i: number): number {
    const nodes = this.nodes;
    const bits = this.bits;
    let v5 = 0;
    for (;;) {
      const ones = bits.rankAccess(nodes[v5] + i) - nodes[v5 + 2];
      const bit = bits.bit;
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
    const block = Math.floor(docIndex / META_BLOCK_DOCS);
    if (this.metaCache?.block !== block) {
      const z = this.metaZ.subarray(this.metaBlocks[block], this.metaBlocks[block + 1]);
      this.metaCache = { block, json: new Uint8Array(inflateRawSync(z)) };
    }
    const base = this.metaOffsets[block * META_BLOCK_DOCS];
    const raw = this.metaCache.json.subarray(
      this.metaOffsets[docIndex] - base,
      this.metaOffsets[docIndex + 1] - base,
    );
    return JSON.parse(new TextDecoder().decode(raw));
  }

  /** Sizes of the loaded structures in bytes. */
  sizeBreakdown(): Record<string, number> {
    return {
      wavelet: this.bits.byteLength + this.nodes.byteLength,
      saSamples: this.saSamples.byteLength,
      isaSamples: this.isaSamples.byteLength,
      docs:
        this.docStarts.byteLength +
        this.metaOffsets.byteLength +
        this.metaBlocks.byteLength +
        this.metaZ.byteLength,
    };
  }
}

export { SEPARATOR };
