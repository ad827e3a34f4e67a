/**
 * An entropy-compressed bitvector with rank and access in the style of RRR (R. Raman, V. Raman, S. Rao,
 * "Succinct indexable dictionaries with applications to encoding k-ary trees and multisets", SODA 2002),
 * as sdsl-lite's `rrr_vector`, with two changes that suit the BWT's wavelet tree in JavaScript:
 *
 * - Blocks of b = 31 bits, so a block and its offset (at most C(31,15) < 2^29) fit 32-bit integer
 *   arithmetic. A block with k ones is stored as its class k and its rank (offset) among the C(31, k)
 *   blocks of that class, in ceil(log2 C(31, k)) bits.
 * - The class is prefix-coded: "1" then one bit for the two commonest classes (all zeros, all ones: about
 *   60% of the blocks of a text BWT's wavelet tree, which then need no offset), "0" and 5 bits otherwise.
 * - Each superblock of 16 blocks owns one region of the stream: its class codes from the region's start,
 *   and its offsets from the region's end backwards (block by block, each offset read forwards). A rank
 *   scans only the class codes (at most 15, about 3.5 bits each, a few 32-bit reads) and finds the
 *   offset from the region's end, so class and offset need one stream pointer between them.
 * - A pure superblock (all 16 blocks all zeros or all ones: 48% of the superblocks of the 1 GB bench's
 *   wavelet trees, 45% of a count's ranks) has no region: its directory entry holds which of its blocks
 *   are all ones, so a rank there reads one directory word and no stream (one cache miss, not two).
 *   The region before a pure superblock starts with a 10-bit header, its length after the header (its
 *   end is not the next entry's region start, which a pure entry does not hold).
 *
 * Directory: a hyperblock of 512 blocks keeps the ones before it and its region's start (two u32); a
 * superblock of 16 blocks keeps both relative to its hyperblock, packed in one u32 (14 + 15 bits), or,
 * when pure, bit 31 set, the ones before it relative to its hyperblock in bits 16-29 and its all-ones
 * blocks as a 16-bit mask. Space: sum over the blocks of impure superblocks of (class code + offset) + 10
 * bits per impure superblock followed by a pure one + 32 / 496 + 64 / 15872 bits per bit. On the 1 GB
 * bench's wavelet trees that is 0.31 bits per bit (0.33 with a stream region for every superblock, as
 * format version 2 had). Time: rank and access O(b) (a scan of at most 15 class codes and one block
 * decode), O(1) in a pure superblock.
 *
 * Bit order: bit i of the logical vector is bit (i mod 31) of block floor(i / 31), least significant first;
 * stream bits are least significant first within 32-bit words.
 */

export const RRR_BLOCK = 31;
/** Blocks per superblock and per hyperblock (powers of two; relative entries must fit 14 + 15 bits). */
export const RRR_SUPER = 16;
const SUPER_SHIFT = 4;
export const RRR_HYPER = 512;
const HYPER_SHIFT = 9;
const REL_PTR_BITS = 15;
const REL_PTR_MASK = (1 << REL_PTR_BITS) - 1;
/** A pure superblock's directory entry: this bit set, ones before it (from its hyperblock) from bit 16. */
const PURE = 0x80000000;
const PURE_ONES_SHIFT = 16;
const PURE_ONES_MASK = (1 << 14) - 1;
/** Bits of the header of a region followed by a pure superblock: its length after the header (<= 560). */
const HEADER_BITS = 10;
const HEADER_MASK = (1 << HEADER_BITS) - 1;

/** C(n, k) for 0 <= k <= n <= 31 at BINOM[32 n + k]; 0 for k > n. */
const BINOM = new Int32Array(32 * 32);
for (let n = 0; n < 32; n++) {
  BINOM[32 * n] = 1;
  for (let k = 1; k <= n; k++) BINOM[32 * n + k] = BINOM[32 * (n - 1) + k - 1] + BINOM[32 * (n - 1) + k];
}
/** Bits of the offset of a block of class k: ceil(log2 C(31, k)). */
const OFFSET_BITS = new Uint8Array(32);
for (let k = 0; k < 32; k++) OFFSET_BITS[k] = 32 - Math.clz32(BINOM[32 * 31 + k] - 1);
const BLOCK_MASK = 0x7fffffff;

const INV_BLOCK = 1 / RRR_BLOCK;

/**
 * floor(i / 31) for an integer 0 <= i < 2^32, by a multiplication (a division is several times slower
 * and a rank's directory address waits for it). Exact: i + 0.5 is exact in a double, and (i + 0.5) / 31
 * = q + f with q = floor(i / 31) and f = (i mod 31 + 0.5) / 31 in [0.5 / 31, 30.5 / 31], at least 1/62
 * from an integer. The computed product is (i + 0.5) / 31 * (1 + e) with |e| <= 2^-52 (two roundings:
 * of 1/31 and of the product), an absolute error below 2^32 / 31 * 2^-52 < 2^-24, far less than 1/62,
 * so truncating it gives q.
 */
function blockOf(i: number): number {
  return ((i + 0.5) * INV_BLOCK) >>> 0;
}

/**
 * 32 stream bits starting at bit `pos` (the stream carries two words of padding), as an int32: a value
 * that is sometimes a uint32 and sometimes an int32 would be kept as a double in a JIT's hot loops.
 */
function read32(words: Uint32Array, pos: number): number {
  const w = pos >>> 5;
  const sh = pos & 31;
  return sh === 0 ? words[w] | 0 : (words[w] >>> sh) | (words[w + 1] << (32 - sh));
}

/**
 * The stream word holding bit end - 1 (a region's last bit), kept inside the stream: the entry after the
 * stream's end entry (read for a rank at the very end of the vector, whose region is empty) is not a
 * region start.
 */
function lastWord(words: Uint32Array, end: number): number {
  const w = (end - 1) >>> 5;
  return w < words.length ? w : words.length - 1;
}

/** Number of ones in a 32-bit word (SWAR). */
function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Offset of a 31-bit block with k ones among its class, in lexicographic order by bit 0 first (0 before 1). */
export function encodeBlock(block: number, k: number): number {
  let o = 0;
  let left = k;
  // Only set bits contribute: bit p, set with `left` ones from p on, adds C(30 - p, left), which is 0 once
  // the remaining positions are all ones (C(n, k) = 0 for k > n). So the loop visits the k set bits
  // (lowest first), not every position up to the last one: fewer iterations, no per-bit branch.
  for (let b = block; b !== 0; b &= b - 1) {
    const p = 31 - Math.clz32(b & -b);
    o += BINOM[32 * (30 - p) + left];
    left--;
  }
  return o;
}

/**
 * Inverse of encodeBlock: the 31-bit block of class k with offset o, decoded up to bit `limit` (bits at
 * `limit` and above may read as 0). Time O(limit), O(1) for the classes 1, 2, 29 and 30.
 */
export function decodeBlock(k: number, o: number, limit = RRR_BLOCK): number {
  // The classes with one or two ones or zeros (23% of the blocks a count decodes on the 1 GB bench) by
  // table: 992 blocks, 4 KiB.
  const small = SMALL_START[k];
  if (small >= 0) return SMALL_BLOCKS[small + o] >>> 0;
  return decodeBits(k, o, limit);
}

function decodeBits(k: number, o: number, limit: number): number {
  // Branch-free: bit p is set iff o >= C(30 - p, left). No early exit is needed once the class is used
  // up: with left = 0 the bound is C(., 0) = 1 > o = 0 (zeros follow), and with left equal to the bits
  // remaining it is C(rem - 1, rem) = 0 <= o (ones follow). A data-dependent branch here mispredicts on
  // about half the bits of a mixed block.
  let bits = 0;
  let left = k;
  for (let p = 0; p < limit; p++) {
    const c = BINOM[32 * (30 - p) + left];
    const set = ((c - 1 - o) >> 31) & 1; // o, c < 2^29, so c - 1 - o < 0 iff o >= c
    o -= c & -set;
    left -= set;
    bits |= set << p;
  }
  return bits >>> 0;
}

/** Per class k, where its blocks start in SMALL_BLOCKS (by offset), or -1 when decoded bit by bit. */
const SMALL_START = new Int32Array(32).fill(-1);
const SMALL_BLOCKS = new Int32Array(2 * (BINOM[32 * 31 + 1] + BINOM[32 * 31 + 2]));
{
  let at = 0;
  for (const k of [1, 2, RRR_BLOCK - 2, RRR_BLOCK - 1]) {
    SMALL_START[k] = at;
    for (let o = 0; o < BINOM[32 * 31 + k]; o++) SMALL_BLOCKS[at++] = decodeBits(k, o, RRR_BLOCK);
  }
}

/**
 * Class codes by their low 6 stream bits: the class in bits 0-4, the code's length (2 or 6) from bit 5.
 * "1" + one bit is a 2-bit code (all zeros, all ones); "0" + 5 bits is a 6-bit code.
 */
const CODE = new Uint8Array(64);
for (let x = 0; x < 64; x++) {
  if (x & 1) CODE[x] = (x & 2 ? RRR_BLOCK : 0) | (2 << 5);
  else CODE[x] = ((x >>> 1) & 31) | (6 << 5);
}

/**
 * Rank in a pure superblock from its directory entry `e` alone (its all-ones blocks as a mask, the ones
 * before it since its hyperblock in bits 16-29): the ones before bit j of block blk, given the ones
 * before the hyperblock.
 */
function pureRank(hyperOnes: number, e: number, blk: number, j: number): number {
  const b = blk & (RRR_SUPER - 1);
  return (
    hyperOnes +
    ((e >>> PURE_ONES_SHIFT) & PURE_ONES_MASK) +
    RRR_BLOCK * popcount32(e & ((1 << b) - 1)) +
    ((e >>> b) & 1) * j
  );
}

export class RrrVector {
  /** Logical length in bits. */
  readonly length: number;
  /** Per superblock: class codes, then offsets in reverse block order. */
  readonly stream: Uint32Array;
  /**
   * Per hyperblock h: dir[2h] = ones before it, dir[2h+1] = its first region's start. Then, from dir[2 H]
   * (H hyperblocks, one extra at the end), per superblock s: (ones before s since its hyperblock) << 15 |
   * (stream bits since its hyperblock), or for a pure superblock PURE | ones << 16 | all-ones mask. Then
   * one entry for the stream's end (never pure) and a 0 (so that an entry's successor can be read).
   */
  readonly dir: Uint32Array;
  private readonly subBase: number;
  /** Set by rankAccess (and rankPair): bit i, and rank1 of the second position. */
  bit = 0;
  second = 0;
  /** Stream words read ahead of use by `prepare` are folded in here (so the reads are not optimised away). */
  touched = 0;
  /**
   * A rank pair between `prepare` and `finish`, per end: its position, its block, where its superblock's
   * class codes start (-1 in a pure superblock, whose rank is then known already), its region's end (-1:
   * after the header before the class codes), and the ones before its superblock (or its rank, when pure).
   */
  private pA = 0;
  private pB = 0;
  private blkA = 0;
  private blkB = 0;
  private posA = -1;
  private posB = -1;
  private endA = -1;
  private endB = -1;
  private onesA = 0;
  private onesB = 0;
  /**
   * Scan state left by scanOn: ones before the block, its class code's position, and the offset bits of
   * its superblock's blocks before it (its offset ends that far before the region's end).
   */
  private scanOnes = 0;
  private scanPos = 0;
  private scanOffBits = 0;
  /** Left by `codes`: the region's end, or -1 when it is read from the region's header. */
  private regionEnd = -1;

  constructor(length: number, stream: Uint32Array, dir: Uint32Array) {
    this.length = length;
    this.stream = stream;
    this.dir = dir;
    const nSuper = Math.ceil(Math.ceil(length / RRR_BLOCK) / RRR_SUPER);
    this.subBase = 2 * ((nSuper >>> (HYPER_SHIFT - SUPER_SHIFT)) + 1);
  }

  /**
   * Compresses bits [0, nBits) of a plain bitvector (`words[i >>> 5]` bit `i & 31`). Time O(n).
   * pre: words holds at least ceil(nBits / 32) + 1 words (bits past nBits are ignored). `scratch`, if
   * given and large enough, serves as the working buffer (its contents are overwritten).
   */
  static fromWords(words: Uint32Array, nBits: number, scratch?: Uint32Array): RrrVector {
    const nBlocks = Math.ceil(nBits / RRR_BLOCK);
    const nSuper = Math.ceil(nBlocks / RRR_SUPER);
    const perHyper = RRR_HYPER / RRR_SUPER;
    const nHyper = Math.floor(nSuper / perHyper) + 1;
    const subBase = 2 * nHyper;
    const dir = new Uint32Array(subBase + nSuper + 2);
    // Worst case 35 bits per block (a header of 10 bits only before a pure superblock, which saves its
    // 16 class codes); the stream is copied out at its real size at the end, so the caller may lend
    // memory for this working buffer.
    const outLen = Math.ceil((nBlocks * 35) / 32) + 4;
    const out =
      scratch && scratch.length >= outLen ? scratch.subarray(0, outLen).fill(0) : new Uint32Array(outLen);
    let pos = 0;
    const put = (value: number, width: number) => {
      if (width === 0) return;
      const w = pos >>> 5;
      const sh = pos & 31;
      out[w] |= value << sh;
      if (sh + width > 32) out[w + 1] |= value >>> (32 - sh);
      pos += width;
    };
    // Classes and offsets of superblock sb into ks/offs; returns its ones and whether it is pure (then
    // `mask` holds its all-ones blocks) and its region's bits after a header (`regionBits`).
    let mask = 0;
    let regionBits = 0;
    const scan = (sb: number, ks: Int32Array, offs: Int32Array): number => {
      const first = sb * RRR_SUPER;
      const last = Math.min(nBlocks, first + RRR_SUPER);
      let ones = 0;
      let pure = true;
      mask = 0;
      regionBits = 0;
      for (let b = first; b < last; b++) {
        const start = b * RRR_BLOCK;
        let block = read32(words, start) & BLOCK_MASK;
        const valid = nBits - start;
        if (valid < RRR_BLOCK) block &= (1 << valid) - 1;
        const k = popcount32(block);
        ones += k;
        ks[b - first] = k;
        offs[b - first] = k === 0 || k === RRR_BLOCK ? 0 : encodeBlock(block, k);
        if (k === RRR_BLOCK) mask |= 1 << (b - first);
        else if (k !== 0) pure = false;
        regionBits += (k === 0 || k === RRR_BLOCK ? 2 : 6) + OFFSET_BITS[k];
      }
      return pure ? -1 - ones : ones;
    };
    let ks = new Int32Array(RRR_SUPER);
    let offs = new Int32Array(RRR_SUPER);
    let ksNext = new Int32Array(RRR_SUPER);
    let offsNext = new Int32Array(RRR_SUPER);
    let ones = 0;
    let hOnes = 0;
    let hPos = 0;
    let cur = nSuper > 0 ? scan(0, ks, offs) : 0;
    let curMask = mask;
    let curBits = regionBits;
    for (let sb = 0; sb <= nSuper; sb++) {
      if (sb % perHyper === 0) {
        hOnes = ones;
        hPos = pos;
        dir[2 * (sb / perHyper)] = ones;
        dir[2 * (sb / perHyper) + 1] = pos;
      }
      if (sb === nSuper) {
        dir[subBase + sb] = (((ones - hOnes) << REL_PTR_BITS) | (pos - hPos)) >>> 0;
        break;
      }
      const next = sb + 1 < nSuper ? scan(sb + 1, ksNext, offsNext) : 0;
      const nextPure = sb + 1 < nSuper && next < 0;
      if (cur < 0) {
        dir[subBase + sb] = (PURE | ((ones - hOnes) << PURE_ONES_SHIFT) | curMask) >>> 0;
        ones += -1 - cur;
      } else {
        dir[subBase + sb] = (((ones - hOnes) << REL_PTR_BITS) | (pos - hPos)) >>> 0;
        ones += cur;
        if (nextPure) put(curBits, HEADER_BITS);
        const n = Math.min(nBlocks, (sb + 1) * RRR_SUPER) - sb * RRR_SUPER;
        for (let b = 0; b < n; b++) {
          const k = ks[b];
          if (k === 0) put(1, 2);
          else if (k === RRR_BLOCK) put(3, 2);
          else put(k << 1, 6);
        }
        for (let b = n - 1; b >= 0; b--) put(offs[b], OFFSET_BITS[ks[b]]);
      }
      [ks, ksNext] = [ksNext, ks];
      [offs, offsNext] = [offsNext, offs];
      cur = next;
      curMask = mask;
      curBits = regionBits;
    }
    // Directory entries and stream reads are 32-bit: MAX_SHARD_BYTES keeps every shard below this.
    if (pos >= 2 ** 32 || nBits >= 2 ** 32) {
      throw new Error(`bitvector too large for 32-bit offsets (${nBits} bits, ${pos} stream bits)`);
    }
    const stream = out.slice(0, (pos >>> 5) + 3);
    return new RrrVector(nBits, stream, dir);
  }

  /** Advances the scan state by `count` blocks (inside one superblock). */
  private scanOn(count: number): void {
    if (count === 0) return;
    const str = this.stream;
    let r = 0; // small integers in the loop; the ones before the block may pass 2^31
    let bits = 0;
    let offBits = this.scanOffBits;
    let buf = read32(str, this.scanPos);
    let avail = 32;
    for (let b = 0; b < count; b++) {
      if (avail < 6) {
        buf = read32(str, this.scanPos + bits);
        avail = 32;
      }
      const code = CODE[buf & 63];
      const k = code & 31;
      const len = code >>> 5;
      r += k;
      offBits += OFFSET_BITS[k]; // 0 for the classes 0 and 31
      buf >>= len; // an int32 shift: the bits shifted in at the top are never used (avail)
      avail -= len;
      bits += len;
    }
    this.scanOnes += r;
    this.scanPos += bits;
    this.scanOffBits = offBits;
  }

  /**
   * Bits [0, limit) of the block at the scan state (higher bits may be 0), in the region whose class
   * codes start at `codes` and which ends at `end` (-1: after the header before `codes`).
   */
  private blockBits(codes: number, end: number, limit: number): number {
    const str = this.stream;
    const t = read32(str, this.scanPos);
    if (t & 1) return t & 2 ? BLOCK_MASK : 0;
    const k = (t >>> 1) & 31;
    const ob = OFFSET_BITS[k];
    const e = end < 0 ? codes + (read32(str, codes - HEADER_BITS) & HEADER_MASK) : end;
    return decodeBlock(k, read32(str, e - this.scanOffBits - ob) & ((1 << ob) - 1), limit);
  }

  /** Ones in bits [0, i). Time O(b). pre: 0 <= i <= length. */
  rank1(i: number): number {
    return this.rankOne(i, false);
  }

  /** Ones in bits [0, i), and bit i in `this.bit`. Time O(b). pre: 0 <= i < length. */
  rankAccess(i: number): number {
    return this.rankOne(i, true);
  }

  private rankOne(i: number, access: boolean): number {
    const dir = this.dir;
    const blk = blockOf(i);
    const s = blk >>> SUPER_SHIFT;
    const e = dir[this.subBase + s];
    const h = (blk >>> HYPER_SHIFT) << 1;
    const j = i - blk * RRR_BLOCK;
    if (e & PURE) {
      if (access) this.bit = (e >>> (blk & (RRR_SUPER - 1))) & 1;
      return pureRank(dir[h], e, blk, j);
    }
    const pos = this.codes(s, e, h);
    this.scanOnes = dir[h] + (e >>> REL_PTR_BITS);
    this.scanPos = pos;
    this.scanOffBits = 0;
    this.scanOn(blk & (RRR_SUPER - 1));
    const limit = access ? j + 1 : j;
    if (limit === 0) return this.scanOnes;
    const bits = this.blockBits(pos, this.regionEnd, limit);
    if (access) this.bit = (bits >>> j) & 1;
    return this.scanOnes + popcount32(bits & ((1 << j) - 1));
  }

  /**
   * Where the class codes of the impure superblock s (directory entry e, hyperblock words at dir[h])
   * start; leaves its region's end in `regionEnd` (-1: after the header before the class codes, when
   * a pure superblock follows, whose entry does not give it).
   */
  private codes(s: number, e: number, h: number): number {
    const dir = this.dir;
    const start = dir[h + 1] + (e & REL_PTR_MASK);
    const nx = dir[this.subBase + s + 1];
    if (nx & PURE) {
      this.regionEnd = -1;
      return start + HEADER_BITS;
    }
    this.regionEnd = dir[(((s + 1) >>> (HYPER_SHIFT - SUPER_SHIFT)) << 1) + 1] + (nx & REL_PTR_MASK);
    return start;
  }

  /** Bit i. Time O(b). pre: 0 <= i < length. */
  access(i: number): number {
    this.rankAccess(i);
    return this.bit;
  }

  /**
   * rank1(a), with rank1(b) in `this.second`, sharing the scan when both fall in one superblock (as they
   * do once a backward search has narrowed its range). Time O(b). pre: 0 <= a <= b <= length.
   */
  rankPair(a: number, b: number): number {
    this.prepare(a, b);
    return this.finish();
  }

  /**
   * First half of rankPair(a, b), for callers that interleave many ranks so that their cache misses
   * overlap (FmShard.searchMany): reads both ends' directory entries, then touches the stream words
   * their scans will read (class codes, and the region's last word, where the offsets of its first
   * blocks are). A rank in a pure superblock is complete here. Finish with `finish`.
   * pre: 0 <= a <= b <= length.
   */
  prepare(a: number, b: number): void {
    const dir = this.dir;
    const str = this.stream;
    const sub = this.subBase;
    const blkA = blockOf(a);
    const blkB = blockOf(b);
    const sA = blkA >>> SUPER_SHIFT;
    const sB = blkB >>> SUPER_SHIFT;
    // Both directory entries before anything that waits for them, so that their cache misses overlap.
    const eA = dir[sub + sA];
    const eB = dir[sub + sB];
    const hA = (blkA >>> HYPER_SHIFT) << 1;
    const hB = (blkB >>> HYPER_SHIFT) << 1;
    this.pA = a;
    this.pB = b;
    this.blkA = blkA;
    this.blkB = blkB;
    let sink = 0;
    if (eA & PURE) {
      this.posA = -1;
      this.onesA = pureRank(dir[hA], eA, blkA, a - blkA * RRR_BLOCK);
    } else {
      const pos = this.codes(sA, eA, hA);
      const end = this.regionEnd;
      this.posA = pos;
      this.endA = end;
      sink ^= str[pos >>> 5];
      if (end > 0) sink ^= str[lastWord(str, end)];
      this.onesA = dir[hA] + (eA >>> REL_PTR_BITS);
    }
    if (sB === sA) {
      if (eA & PURE) {
        this.posB = -1;
        this.onesB = pureRank(dir[hA], eA, blkB, b - blkB * RRR_BLOCK);
      } else {
        this.posB = this.posA;
        this.endB = this.endA;
        this.onesB = this.onesA;
      }
    } else if (eB & PURE) {
      this.posB = -1;
      this.onesB = pureRank(dir[hB], eB, blkB, b - blkB * RRR_BLOCK);
    } else {
      const pos = this.codes(sB, eB, hB);
      const end = this.regionEnd;
      this.posB = pos;
      this.endB = end;
      sink ^= str[pos >>> 5];
      if (end > 0) sink ^= str[lastWord(str, end)];
      this.onesB = dir[hB] + (eB >>> REL_PTR_BITS);
    }
    this.touched ^= sink;
  }

  /** Second half of rankPair(a, b) after prepare(a, b): rank1(a), with rank1(b) in `this.second`. */
  finish(): number {
    const blkA = this.blkA;
    const blkB = this.blkB;
    const posA = this.posA;
    let ra = this.onesA;
    if (posA >= 0) {
      this.scanOnes = ra;
      this.scanPos = posA;
      this.scanOffBits = 0;
      this.scanOn(blkA & (RRR_SUPER - 1));
      ra = this.scanOnes;
      const jA = this.pA - blkA * RRR_BLOCK;
      if (blkA === blkB) {
        const jB = this.pB - blkB * RRR_BLOCK;
        if (jB === 0) {
          this.second = ra;
          return ra;
        }
        const bits = this.blockBits(posA, this.endA, jB);
        this.second = ra + popcount32(bits & ((1 << jB) - 1));
        return ra + popcount32(bits & ((1 << jA) - 1));
      }
      if (jA !== 0) ra += popcount32(this.blockBits(posA, this.endA, jA) & ((1 << jA) - 1));
    }
    const posB = this.posB;
    if (posB < 0) {
      this.second = this.onesB;
      return ra;
    }
    if (posB === posA)
      this.scanOn(blkB - blkA); // the same superblock: A's scan goes on
    else {
      this.scanOnes = this.onesB;
      this.scanPos = posB;
      this.scanOffBits = 0;
      this.scanOn(blkB & (RRR_SUPER - 1));
    }
    const jB = this.pB - blkB * RRR_BLOCK;
    this.second =
      jB === 0
        ? this.scanOnes
        : this.scanOnes + popcount32(this.blockBits(posB, this.endB, jB) & ((1 << jB) - 1));
    return ra;
  }

  /** Bytes used by the stream and the directory. */
  get byteLength(): number {
    return this.stream.byteLength + this.dir.byteLength;
  }
}
