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
  /**
   * Per symbol c, its root-to-leaf path as steps pathStart[c] to pathStart[c + 1] - 1; per step, its
   * node's first bit in the bitvector and the ones before it (nodes[5 v] and nodes[5 v + 2] of node v),
   * and the branch taken.
   */
  private readonly pathStart = new Int32Array(SYMBOLS + 1);
  private readonly pathOff: Float64Array;
  private readonly pathBefore: Float64Array;
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
  /**
   * The third step by table: for every three bytes "c a b" that occur, their rows within c's bucket
   * (a GramTable keyed by c << 16 | a << 8 | b). Built from the pair table by walking, for each pair's
   * rows, the wavelet tree into the symbols that occur before them.
   */
  private tripleTable: GramTable | null = null;

  /** Searches answered so far (until the triple table is built). */
  private searches = 0;
  /** Range left by the last `step` or `tableRange` call (avoids allocating a pair per step). */
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
    this.pathOff = new Float64Array(this.pathStart[SYMBOLS]);
    this.pathBefore = new Float64Array(this.pathStart[SYMBOLS]);
    this.pathBit = new Uint8Array(this.pathStart[SYMBOLS]);
    for (let c = 0; c < SYMBOLS; c++) {
      for (let k = 0; k < paths[c].length / 2; k++) {
        const v = paths[c][2 * k];
        this.pathOff[this.pathStart[c] + k] = this.nodes[5 * v];
        this.pathBefore[this.pathStart[c] + k] = this.nodes[5 * v + 2];
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
    return this.levels(c, start, lo, hi);
  }

  /**
   * The rest of a step for symbol c from its path's step k (rows [lo, hi) at that node) down to its leaf:
   * leaves the rows of c P in rlo/rhi and returns whether they are non-empty. Both ends share one RRR
   * scan per level once they fall in the same superblock.
   */
  private levels(c: number, k: number, lo: number, hi: number): boolean {
    const bits = this.bits;
    const pathOff = this.pathOff;
    const pathBefore = this.pathBefore;
    const pathBit = this.pathBit;
    for (const end = this.pathStart[c + 1]; k < end; k++) {
      const off = pathOff[k];
      const before = pathBefore[k];
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
   * Searches answered before the triple table is built (per shard). It costs tens to a few hundred ms
   * and about 12 bytes per distinct three-byte string, so a one-off query (the CLI) does not pay for it
   * and a serving process has it after its first queries. Its owner may change it
   * (FmIndex.setTableThreshold).
   */
  static readonly TRIPLE_TABLE_AFTER = 64;
  tripleTableAfter = FmShard.TRIPLE_TABLE_AFTER;

  /**
   * When set (a serving thread: see FmIndex.deferTableBuilds), a search never builds the triple table
   * itself; the shard only asks for it (`wantsTripleTable`) and its owner builds it between requests.
   */
  deferTripleTable = false;

  /** Whether the triple table is built. */
  get hasTripleTable(): boolean {
    return this.tripleTable !== null;
  }

  /** Whether this shard has answered enough searches to want its triple table and does not have it. */
  get wantsTripleTable(): boolean {
    return this.tripleTable === null && this.searches > this.tripleTableAfter;
  }

  /**
   * The first backward-search steps by table: leaves in rlo/rhi the rows of the pattern's last three
   * bytes (triple table, once built), last two (pair table) or its only byte (C); an empty range when
   * they do not occur; the full range for an empty pattern. Returns the index of the next byte to
   * extend by (-1 when the table answered the whole pattern).
   */
  private tableRange(pattern: Uint8Array): number {
    const j = pattern.length - 1;
    this.rlo = 0;
    this.rhi = 0;
    if (j < 0) {
      this.rhi = this.n;
      return j;
    }
    if (j === 0) {
      const c = pattern[0] + 2;
      if (this.pathStart[c] !== this.pathStart[c + 1]) {
        this.rlo = this.C[c];
        this.rhi = this.C[c + 1];
      }
      return -1;
    }
    if (j >= 2 && (this.tripleTable || (++this.searches > this.tripleTableAfter && !this.deferTripleTable))) {
      const triples = this.tripleTable ?? this.buildTripleTable();
      const c = pattern[j - 2];
      if (!triples.get((c << 16) | (pattern[j - 1] << 8) | pattern[j])) return j - 3;
      const base = this.C[c + 2];
      this.rlo = base + triples.lo;
      this.rhi = base + triples.hi;
      return j - 3;
    }
    const t = this.pairTable ?? this.buildPairTable();
    const a = pattern[j - 1];
    const k = 257 * a + pattern[j];
    const base = this.C[a + 2];
    this.rlo = base + t[k];
    this.rhi = base + t[k + 1];
    return j - 2;
  }

  /**
   * Backward search of one pattern in several shards at once: leaves shard k's range in lo[k], hi[k]
   * (lo[k] === hi[k] === 0 when the pattern does not occur there): the rows whose suffix starts with it.
   *
   * A wavelet-tree rank is a chain of dependent cache misses (directory, then stream), and one shard's
   * step is a chain of such ranks, so searching shards one after another waits for each miss in turn.
   * Here, while several shards still match, every level of every one of them first reads its two
   * directory entries and touches the stream words its ranks will read (RrrVector.prepare), then all
   * compute (RrrVector.finish): the misses of all shards (and of both ends of each range) are in flight
   * together. Once one shard is left (most bytes of a long pattern), its levels run as a plain step.
   * The last two or three bytes come from each shard's tables (`tableRange`). Time O(m H b) per shard.
   */
  static searchMany(
    shards: readonly FmShard[],
    pattern: Uint8Array,
    lo: Float64Array,
    hi: Float64Array,
  ): void {
    const S = shards.length;
    const st = lockstep(S);
    const active = st.active;
    const next = st.next;
    let j = -1;
    let alive = 0;
    for (let x = 0; x < S; x++) {
      const sh = shards[x];
      // Shards may differ in how many bytes their tables answer (the triple table is built per shard).
      next[x] = sh.tableRange(pattern);
      if (next[x] > j) j = next[x];
      if (sh.rlo < sh.rhi) {
        lo[x] = sh.rlo;
        hi[x] = sh.rhi;
        active[alive++] = x;
      } else {
        lo[x] = 0;
        hi[x] = 0;
      }
    }
    const { k: cur, end, pending } = st;
    for (; j >= 0 && alive > 0; j--) {
      const c = pattern[j] + 2;
      let nPending = 0;
      let nAlive = 0;
      for (let q = 0; q < alive; q++) {
        const x = active[q];
        if (next[x] < j) {
          active[nAlive++] = x; // its table covered this byte
          continue;
        }
        const sh = shards[x];
        const start = sh.pathStart[c];
        const stop = sh.pathStart[c + 1];
        if (start === stop) {
          lo[x] = 0;
          hi[x] = 0;
          continue;
        }
        active[nAlive++] = x; // never the full range here: the tables answered at least one byte
        cur[x] = start;
        end[x] = stop;
        pending[nPending++] = x;
      }
      alive = nAlive;
      while (nPending > 0) {
        if (nPending === 1) {
          // One shard left at this byte (most of a long pattern's bytes): nothing to overlap with, so
          // its levels run one after another.
          const x = pending[0];
          const sh = shards[x];
          if (sh.levels(c, cur[x], lo[x], hi[x])) {
            lo[x] = sh.rlo;
            hi[x] = sh.rhi;
          } else {
            lo[x] = 0;
            hi[x] = 0;
          }
          break;
        }
        // Every pending shard's directory reads and stream touches, then every shard's computation.
        for (let q = 0; q < nPending; q++) {
          const x = pending[q];
          const sh = shards[x];
          const off = sh.pathOff[cur[x]];
          sh.bits.prepare(off + lo[x], off + hi[x]);
        }
        let next = 0;
        for (let q = 0; q < nPending; q++) {
          const x = pending[q];
          const sh = shards[x];
          const k = cur[x];
          const before = sh.pathBefore[k];
          const onesLo = sh.bits.finish() - before;
          const onesHi = sh.bits.second - before;
          let l = lo[x];
          let h = hi[x];
          if (sh.pathBit[k] === 1) {
            l = onesLo;
            h = onesHi;
          } else {
            l -= onesLo;
            h -= onesHi;
          }
          if (l >= h) {
            lo[x] = 0;
            hi[x] = 0;
          } else if (k + 1 === end[x]) {
            lo[x] = sh.C[c] + l;
            hi[x] = sh.C[c] + h;
          } else {
            lo[x] = l;
            hi[x] = h;
            cur[x] = k + 1;
            pending[next++] = x;
          }
        }
        nPending = next;
      }
      nAlive = 0;
      for (let q = 0; q < alive; q++) if (hi[active[q]] > lo[active[q]]) active[nAlive++] = active[q];
      alive = nAlive;
    }
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

  /**
   * Builds the pair and triple tables now rather than on demand (for a process that will answer many
   * queries and wants the first ones fast). Returns the bytes they take.
   */
  prepareTables(): number {
    const pair = this.pairTable ?? this.buildPairTable();
    const triple = this.tripleTable ?? this.buildTripleTable();
    return pair.byteLength + triple.byteLength;
  }

  /**
   * Builds the triple table: one walk of the wavelet tree over each pair's rows into the bytes that occur
   * before them (one rank pair per node visited).
   */
  private buildTripleTable(): GramTable {
    const t = this.pairTable ?? this.buildPairTable();
    const triples = new GramBuilder();
    for (let a = 0; a < 256; a++) {
      const base = this.C[a + 2];
      for (let b = 0; b < 256; b++) {
        const k = 257 * a + b;
        const lo = base + t[k];
        const hi = base + t[k + 1];
        if (lo < hi) this.symbolsBefore(lo, hi, (a << 8) | b, 65536, triples);
      }
    }
    this.tripleTable = triples.build();
    return this.tripleTable;
  }

  /**
   * For every byte x that occurs in BWT rows [lo, hi) (i.e. before the rows' common prefix), adds the
   * entry x * scale + prefix with the rows of "x prefix" within x's bucket: a walk of the wavelet tree
   * that visits only the nodes with a non-empty part of the range.
   */
  private symbolsBefore(lo: number, hi: number, prefix: number, scale: number, out: GramBuilder): void {
    const nodes = this.nodes;
    const bits = this.bits;
    const walk = (v: number, l: number, h: number) => {
      const v5 = 5 * v;
      const off = nodes[v5];
      const before = nodes[v5 + 2];
      const onesL = bits.rankPair(off + l, off + h) - before;
      const onesH = bits.second - before;
      for (let side = 0; side < 2; side++) {
        const cl = side === 1 ? onesL : l - onesL;
        const ch = side === 1 ? onesH : h - onesH;
        if (ch <= cl) continue;
        const child = nodes[v5 + 3 + side];
        if (child >= 0) walk(child, cl, ch);
        else if (-child - 1 >= 2) out.add((-child - 3) * scale + prefix, cl, ch); // a byte, not a separator
      }
    };
    walk(0, lo, hi);
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

/** Entries collected for a GramTable. */
class GramBuilder {
  keys: number[] = [];
  los: number[] = [];
  his: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  add(key: number, lo: number, hi: number): void {
    this.keys.push(key);
    this.los.push(lo);
    this.his.push(hi);
  }

  build(): GramTable {
    return new GramTable(this.keys, this.los, this.his);
  }
}

/**
 * Rows of short strings (up to four bytes, packed in a u32 key, first byte highest) within the bucket of
 * their first byte: open addressing with linear probing, 3-word slots (key, lo, hi); hi is never 0 for an
 * entry (lo < hi), so hi === 0 marks an empty slot. Load factor at most 0.7.
 */
class GramTable {
  private readonly slots: Uint32Array;
  private readonly size: number;
  /** Rows found by the last successful `get`. */
  lo = 0;
  hi = 0;

  constructor(keys: readonly number[], los: readonly number[], his: readonly number[]) {
    this.size = Math.ceil(keys.length / 0.7) + 1;
    this.slots = new Uint32Array(3 * this.size);
    for (let e = 0; e < keys.length; e++) {
      let slot = this.home(keys[e]);
      while (this.slots[3 * slot + 2] !== 0) slot = slot + 1 === this.size ? 0 : slot + 1;
      this.slots[3 * slot] = keys[e];
      this.slots[3 * slot + 1] = los[e];
      this.slots[3 * slot + 2] = his[e];
    }
  }

  /** Multiplicative hashing spreads the key's bits over 32, then reduces to a slot. */
  private home(key: number): number {
    return (Math.imul(key, 0x9e3779b1) >>> 0) % this.size;
  }

  /** Whether `key` is present; if so its rows are left in lo/hi. */
  get(key: number): boolean {
    const slots = this.slots;
    for (let slot = this.home(key); ; slot = slot + 1 === this.size ? 0 : slot + 1) {
      const hi = slots[3 * slot + 2];
      if (hi === 0) return false;
      if (slots[3 * slot] === key) {
        this.lo = slots[3 * slot + 1];
        this.hi = hi;
        return true;
      }
    }
  }

  get byteLength(): number {
    return this.slots.byteLength;
  }
}

/** Working arrays of FmShard.searchMany, per shard count (queries run one at a time per thread). */
interface Lockstep {
  next: Int32Array;
  active: Int32Array;
  pending: Int32Array;
  k: Int32Array;
  end: Int32Array;
}
let lockstepState: Lockstep | null = null;

function lockstep(shards: number): Lockstep {
  if (lockstepState && lockstepState.active.length >= shards) return lockstepState;
  const n = Math.max(shards, 16);
  lockstepState = {
    next: new Int32Array(n),
    active: new Int32Array(n),
    pending: new Int32Array(n),
    k: new Int32Array(n),
    end: new Int32Array(n),
  };
  return lockstepState;
}
