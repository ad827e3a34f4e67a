/**
 * Construction of one shard: text -> suffix array (SA-IS) -> BWT, sampled SA and ISA -> Huffman-shaped
 * wavelet tree over the BWT. The raw text is not kept: documents are reconstructed from the BWT.
 *
 * Symbols: the sentinel `$` is 0, the document separator is 1 and byte b is b + 2, so every byte value
 * (0x00 and 0xFF included) is an ordinary searchable symbol and no pattern can cross a separator.
 * Text layout: doc_0 SEP doc_1 SEP ... doc_{k-1} SEP $   (n = sum(len_i + 1) + 1 rows).
 */

import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync, rmSync, writeFileSync } from "node:fs";
import { deflateRawSync } from "node:zlib";
import { encodeFile, type SectionArray } from "./format";
import { RRR_BLOCK, RrrVector } from "./rrr";
import { suffixArray } from "./sais";
import { SaisArena } from "./sais-wasm";

export const SYMBOLS = 258;
export const SENTINEL = 0;
export const SEPARATOR = 1;
/** SA sampled at rows i with i % SA_RATE == 0 (sdsl's SA-order sampling), ISA at text positions j % ISA_RATE == 0. */
export const DEFAULT_SA_RATE = 32;
export const DEFAULT_ISA_RATE = 64;
/**
 * Upper bound on a shard's text so that the wavelet tree's bit offsets and its RRR stream's bit offsets stay
 * below 2^32 for any bytes: a Huffman-shaped tree has fewer than H0 + 1 <= log2(258) + 1 < 9.02 bits per
 * symbol, and the RRR stream at most 35 bits per 31 (a 6-bit class and a 29-bit offset; a region's 10-bit
 * header comes only before a pure superblock, which has no region and so saves at least 2 bits per block,
 * leaving at most 8 bits over for the whole stream), so 400 MiB of text take at most 4.3e9 stream bits. (Text takes far fewer: about 5 wavelet bits and 2 stream bits per byte.)
 * Text positions stay below 2^31 as well, so suffix arrays and samples remain 32-bit.
 */
export const MAX_SHARD_BYTES = 400 * 1024 * 1024;
/** Document metadata is deflated in blocks of this many documents (one block is inflated per lookup). */
export const META_BLOCK_DOCS = 64;

/** Everything a shard needs, packed into transferable buffers. */
export interface ShardInput {
  name: string;
  domain: string;
  /**
   * Document bytes, each document followed by one free slot (for its separator), then one more (for the
   * sentinel): the layout of the suffix sorter's text, so that when one byte per symbol suffices the text
   * is converted in place. The slots' values are ignored. buildShard consumes it (overwrites, then drops it).
   */
  text: Uint8Array;
  docLengths: Uint32Array;
  /** Per document the UTF-8 JSON `{"id":...,"meta":...}`, concatenated; doc d is metaJson[metaOffsets[d], metaOffsets[d+1]). */
  metaJson: Uint8Array;
  metaOffsets: Uint32Array;
  saRate?: number;
  isaRate?: number;
}

export interface ShardMeta {
  name: string;
  domain: string;
  /** Rows of the BWT (text length including separators and sentinel). */
  n: number;
  /** Bytes of document text (without separators). */
  textBytes: number;
  docs: number;
  saRate: number;
  isaRate: number;
  saWidth: number;
  isaWidth: number;
  wtBits: number;
}

/**
 * Buffers a builder keeps from one shard to the next (a worker builds several, largest first): reusing
 * them means the next shard allocates nothing large, instead of depending on when the collector frees
 * the previous shard's text and suffix array.
 */
export interface ShardScratch {
  /**
   * The WebAssembly suffix sorter's instance, whose memory holds the text and SA (see sais-wasm.ts); null
   * when it cannot be used here (then `text` and `sa` below and the JavaScript sorter).
   */
  arena?: SaisArena | null;
  text?: Uint8Array;
  sa?: Int32Array;
  /** Which suffix sorter the last shard used (native: libdivsufsort, see sais-native.ts). */
  sorter?: "native" | "wasm" | "js";
}

/**
 * Reads (and deletes) a shard's text file written by text-collection.ts, into `scratch.text` when it is
 * large enough. A plain Uint8Array, not a Buffer: the suffix sorter specialises its code by array type.
 */
export function readShardText(file: string, scratch: ShardScratch = {}): Uint8Array {
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    if (scratch.arena === undefined) scratch.arena = SaisArena.create();
    let text: Uint8Array;
    if (scratch.arena?.fits(size, false)) text = scratch.arena.text(size);
    else {
      if (!scratch.text || scratch.text.length < size) scratch.text = new Uint8Array(size);
      text = scratch.text.subarray(0, size);
    }
    for (let off = 0; off < size; ) {
      const got = readSync(fd, text, off, size - off, off);
      if (got === 0) throw new Error(`${file}: unexpected end of file`);
      off += got;
    }
    return text;
  } finally {
    closeSync(fd);
    rmSync(file);
  }
}

/** What build.ts records of a written shard file. */
export interface WrittenShard {
  meta: ShardMeta;
  fileBytes: number;
  sha256: string;
  /** Which suffix sorter sorted it (ShardScratch.sorter). */
  sorter?: "native" | "wasm" | "js";
}

/**
 * Builds a shard (see buildShard) and writes its file to `out`, in the thread that built it: the file's
 * bytes never travel to (and linger in) the coordinating thread.
 */
export function buildShardFile(
  input: ShardInput,
  out: string,
  progress?: ShardProgress,
  scratch: ShardScratch = {},
): WrittenShard {
  const { bytes, meta } = buildShard(input, progress, scratch);
  writeFileSync(out, bytes);
  return {
    meta,
    fileBytes: bytes.length,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    sorter: scratch.sorter,
  };
}

export type BuildStage = "read" | "suffix-array" | "bwt" | "wavelet-tree" | "write";
export type ShardProgress = (stage: BuildStage, doneBytes: number) => void;

/** Bits needed to store values in [0, max]. */
export function bitWidth(max: number): number {
  let w = 1;
  while (2 ** w <= max) w++;
  return w;
}

/** Packs `values[0, count)` of `width` bits each into 32-bit words. */
function packInts(values: Uint32Array, count: number, width: number): Uint32Array {
  const out = new Uint32Array(Math.ceil((count * width) / 32) + 1);
  for (let i = 0; i < count; i++) {
    const bit = i * width;
    const w = Math.floor(bit / 32);
    const sh = bit % 32;
    const v = values[i];
    out[w] |= v << sh;
    if (sh + width > 32) out[w + 1] |= v >>> (32 - sh);
  }
  return out;
}

interface HuffmanTree {
  /** Per internal node (root = 0): child for bit 0 and bit 1; a leaf is encoded as -(symbol + 1). */
  children: Int32Array;
  internal: number;
}

/**
 * Huffman tree over the symbol frequencies (deterministic: ties go to the earlier-created item).
 * Symbols with zero frequency get no leaf. Time O(sigma^2), sigma <= 258.
 */
export function huffmanTree(freq: Float64Array): HuffmanTree {
  type Item = { w: number; order: number; ref: number };
  const items: Item[] = [];
  let order = 0;
  for (let c = 0; c < freq.length; c++)
    if (freq[c] > 0) items.push({ w: freq[c], order: order++, ref: -(c + 1) });
  // A tree needs two leaves: pad with zero-weight symbols.
  for (let c = 0; items.length < 2; c++)
    if (freq[c] === 0) items.push({ w: 0, order: order++, ref: -(c + 1) });
  const pairs: number[][] = [];
  while (items.length > 1) {
    items.sort((a, b) => a.w - b.w || a.order - b.order);
    const a = items.shift()!;
    const b = items.shift()!;
    pairs.push([a.ref, b.ref]);
    items.push({ w: a.w + b.w, order: order++, ref: pairs.length - 1 });
  }
  // Renumber so the root (last merge) is node 0, in breadth-first order.
  const m = pairs.length;
  const newId = new Int32Array(m).fill(-1);
  const queue = [m - 1];
  newId[m - 1] = 0;
  let next = 1;
  for (let q = 0; q < queue.length; q++) {
    for (const ch of pairs[queue[q]]) {
      if (ch >= 0) {
        newId[ch] = next++;
        queue.push(ch);
      }
    }
  }
  const children = new Int32Array(2 * m);
  for (let old = 0; old < m; old++) {
    const v = newId[old];
    for (let b = 0; b < 2; b++) {
      const ch = pairs[old][b];
      children[2 * v + b] = ch >= 0 ? newId[ch] : ch;
    }
  }
  return { children, internal: m };
}

/**
 * Deflates document metadata in blocks of META_BLOCK_DOCS documents. `blocks[b]` is block b's start in `z`
 * (one extra entry at the end); inside a block, documents keep their offsets from `offsets` relative to
 * the block's first document. Time O(size).
 */
function compressMeta(json: Uint8Array, offsets: Uint32Array): { z: Uint8Array; blocks: Uint32Array } {
  const docs = offsets.length - 1;
  const nBlocks = Math.ceil(docs / META_BLOCK_DOCS);
  const parts: Uint8Array[] = [];
  const blocks = new Uint32Array(nBlocks + 1);
  let size = 0;
  for (let b = 0; b < nBlocks; b++) {
    blocks[b] = size;
    const from = offsets[b * META_BLOCK_DOCS];
    const to = offsets[Math.min(docs, (b + 1) * META_BLOCK_DOCS)];
    const part = deflateRawSync(json.subarray(from, to), { level: 9 });
    parts.push(part);
    size += part.length;
  }
  blocks[nBlocks] = size;
  const z = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    z.set(p, off);
    off += p.length;
  }
  return { z, blocks };
}

/**
 * Builds one shard and returns its file bytes.
 * Time O(n + n H0) where H0 is the BWT's zero-order entropy. Peak memory about 5n bytes, during SA-IS: the
 * text (n, converted in place from the input) and SA (4n); 6n for a shard that needs two bytes per symbol.
 * Then the BWT overwrites SA's memory, the text is dropped, and the plain wavelet bits (~0.6n) and the RRR
 * encoder's working buffer are laid out in SA's memory too; the RRR vector (~0.3n) and the file are new.
 */
/**
 * Writes the wavelet tree's bits (node v's bits from bit nodes[5 v] of `words`, which must be zero) from the
 * BWT (symbol codes; x stands for symbol symbolOf[x]), level by level: node v's symbols, in BWT order, lie
 * in one stretch of one of two buffers (the BWT's, then `alt`, alternately by depth); a sequential scan of
 * the stretch writes v's bits in order and partitions its symbols, stably, into its children's stretches
 * in the other buffer (nodes are numbered breadth first, so a level is read whole before it is
 * overwritten). Every access is sequential, where appending each symbol's code bits to its nodes in one
 * pass over the BWT was a scattered write per bit: 13.5 s against about 6 for a 419 MB shard. Destroys the
 * BWT. Time O(n H).
 */
function fillWaveletBits(
  bwt: Uint8Array | Uint16Array,
  alt: Uint8Array | Uint16Array,
  words: Uint32Array,
  nodes: Float64Array,
  tree: HuffmanTree,
  codeNodes: readonly number[][],
  codeBits: readonly number[][],
  symbolOf: Uint16Array,
  alphabet: number,
  freq: Float64Array,
  arena: SaisArena | null = null,
  tableWords: Uint32Array = new Uint32Array(64),
): void {
  const m = tree.internal;
  // One byte per symbol and everything in the suffix sorter's memory: the node passes run in WebAssembly
  // (its `waveletNode`, the loop below compiled with no bounds checks: about twice as fast).
  const table = new Uint8Array(tableWords.buffer, tableWords.byteOffset, 256);
  const inWasm =
    arena !== null &&
    bwt instanceof Uint8Array &&
    alt instanceof Uint8Array &&
    arena.owns(bwt, alt, words, table);
  const children = tree.children;
  // bit[v * alphabet + x]: the branch symbol code x takes at node v (when v is on its path).
  const bit = new Uint8Array(m * alphabet);
  for (let x = 0; x < alphabet; x++) {
    const c = symbolOf[x];
    for (let k = 0; k < codeNodes[c].length; k++) bit[codeNodes[c][k] * alphabet + x] = codeBits[c][k];
  }
  const size = (ch: number) => (ch < 0 ? freq[-ch - 1] : nodes[5 * ch + 1]);
  // Stretch of each internal node in its buffer; depth parity says which buffer.
  const start = new Float64Array(m);
  const depth = new Int32Array(m);
  const bufs = [bwt, alt];
  let levelEnd = 0; // where the next child stretch goes in the level being written
  let level = -1;
  for (let v = 0; v < m; v++) {
    if (depth[v] !== level) {
      level = depth[v];
      levelEnd = 0;
    }
    const src = bufs[level & 1];
    const dst = bufs[(level + 1) & 1];
    const c0 = children[2 * v];
    const c1 = children[2 * v + 1];
    // Where the children's stretches start in the other buffer.
    const start0 = levelEnd;
    const start1 = levelEnd + size(c0);
    if (c0 >= 0) {
      start[c0] = start0;
      depth[c0] = level + 1;
    }
    if (c1 >= 0) {
      start[c1] = start1;
      depth[c1] = level + 1;
    }
    levelEnd = start1 + size(c1);
    const from = start[v];
    const to = from + nodes[5 * v + 1];
    const tb = bit.subarray(v * alphabet, (v + 1) * alphabet);
    if (inWasm) {
      table.set(tb);
      arena.waveletNode(
        src as Uint8Array,
        dst as Uint8Array,
        from,
        to,
        table,
        words,
        nodes[5 * v],
        start0,
        start1,
        c0 >= 0 || c1 >= 0,
      );
      continue;
    }
    // Int32 bit cursor, read as unsigned (>>> 5): bit offsets may pass 2^31. Bits gather in `acc` and go
    // to `words` a word at a time. Branch-free partition: at a balanced node either side is a coin flip.
    let pos = nodes[5 * v] | 0;
    let acc = 0;
    const copy = c0 >= 0 || c1 >= 0;
    let p0 = start0 | 0;
    let p1 = start1 | 0;
    for (let i = from | 0, e = to | 0; i < e; i++) {
      const x = src[i];
      const b = tb[x];
      acc |= b << (pos & 31);
      if ((pos & 31) === 31) {
        words[pos >>> 5] |= acc;
        acc = 0;
      }
      pos = (pos + 1) | 0;
      if (copy) {
        dst[p0 + ((p1 - p0) & -b)] = x;
        p0 += 1 - b;
        p1 += b;
      }
    }
    if (pos & 31) words[pos >>> 5] |= acc;
  }
}

/**
 * SA samples (rows i % saRate == 0), ISA samples (positions j % isaRate == 0) and the BWT (BWT[i] =
 * text[SA[i] - 1]), written over SA's own memory: BWT entry i lies within SA[0, i].
 *
 * The BWT's reads of the text are at random: one cache and TLB miss each, about 45 ns, most of this step
 * for a large shard. So rows are taken a chunk at a time and their text positions sorted, by one counting
 * pass, into buckets of 4 MiB of text; reading the text bucket by bucket keeps each bucket's reads within
 * a few megabytes (cache hits), and the BWT writes stay within the chunk's rows. Time O(n); memory 8 bytes
 * per row of a chunk (64 MiB).
 */
export function sampleAndTransform(
  sa: Int32Array,
  s: Uint8Array | Uint16Array,
  /** Where the BWT goes; null: the samples only. */
  bwt: Uint8Array | Uint16Array | null,
  saSamples: Uint32Array,
  saRate: number,
  isaSamples: Uint32Array,
  isaRate: number,
  /** Rows per chunk and log2 of a bucket's text bytes (parameters for tests). */
  chunkRows = 1 << 23,
  shift = 22,
): void {
  const n = sa.length;
  const pow2 = (x: number) => x > 0 && (x & (x - 1)) === 0;
  if (!bwt) {
    for (let r = 0, e = saSamples.length; r < e; r++) saSamples[r] = sa[r * saRate];
    if (pow2(isaRate)) {
      const isaMask = isaRate - 1;
      const isaShift = 31 - Math.clz32(isaRate);
      for (let i = 0; i < n; i++) {
        const j = sa[i];
        if ((j & isaMask) === 0) isaSamples[j >>> isaShift] = i;
      }
    } else {
      for (let i = 0; i < n; i++) if (sa[i] % isaRate === 0) isaSamples[sa[i] / isaRate] = i;
    }
    return;
  }
  const chunk = Math.min(n, chunkRows);
  const rows = new Int32Array(chunk);
  const positions = new Int32Array(chunk);
  const buckets = (n >>> shift) + 1;
  const at = new Int32Array(buckets + 1);
  const fast = pow2(saRate) && pow2(isaRate);
  const saMask = saRate - 1;
  const saShift = 31 - Math.clz32(saRate);
  const isaMask = isaRate - 1;
  const isaShift = 31 - Math.clz32(isaRate);
  for (let c0 = 0; c0 < n; c0 += chunk) {
    const c1 = Math.min(n, c0 + chunk);
    at.fill(0);
    // Bucket of the position read: SA[i] - 1 (the sentinel's row, SA[i] = 0, reads nothing: bucket 0).
    for (let i = c0; i < c1; i++) {
      const j = sa[i];
      at[(j > 0 ? (j - 1) >>> shift : 0) + 1]++;
    }
    for (let b = 0; b < buckets; b++) at[b + 1] += at[b];
    for (let i = c0; i < c1; i++) {
      const j = sa[i];
      if (fast) {
        if ((i & saMask) === 0) saSamples[i >>> saShift] = j;
        if ((j & isaMask) === 0) isaSamples[j >>> isaShift] = i;
      } else {
        if (i % saRate === 0) saSamples[i / saRate] = j;
        if (j % isaRate === 0) isaSamples[j / isaRate] = i;
      }
      const b = j > 0 ? (j - 1) >>> shift : 0;
      const k = at[b]++;
      rows[k] = i;
      positions[k] = j;
    }
    // SA[c0, c1) has been read whole: the BWT may now overwrite it (and earlier entries).
    for (let k = 0, e = c1 - c0; k < e; k++) {
      const j = positions[k];
      bwt[rows[k]] = j > 0 ? s[j - 1] : SENTINEL;
    }
  }
}

export function buildShard(
  input: ShardInput,
  progress?: ShardProgress,
  scratch: ShardScratch = {},
): { bytes: Uint8Array; meta: ShardMeta } {
  const saRate = input.saRate ?? DEFAULT_SA_RATE;
  const isaRate = input.isaRate ?? DEFAULT_ISA_RATE;
  const docs = input.docLengths.length;
  const n = input.text.length;
  const textBytes = n - docs - 1;
  if (textBytes > MAX_SHARD_BYTES) throw new Error(`shard ${input.name} exceeds ${MAX_SHARD_BYTES} bytes`);
  let text: Uint8Array | null = input.text;
  input.text = new Uint8Array(0);

  // Byte frequencies (skipping the separator slots) and document start offsets.
  const byteCount = new Float64Array(256);
  const docStarts = new Uint32Array(docs + 1);
  let p = 0;
  for (let d = 0; d < docs; d++) {
    docStarts[d] = p;
    for (const e = p + input.docLengths[d]; p < e; p++) byteCount[text[p]]++;
    p++;
  }
  docStarts[docs] = p;
  if (p !== n - 1) throw new Error(`shard ${input.name}: text length does not match the document lengths`);

  // Text in symbols. Suffix sorting only compares symbols, so it runs on any order-preserving renumbering:
  // when the shard uses at most 254 distinct byte values (always true of UTF-8 text, which never contains
  // 0xC0, 0xC1 or 0xF5-0xFF), byte b becomes 2 + its rank among the used values, in place, one byte per
  // symbol; otherwise b + 2 in a new two-byte array. `symbolOf` maps a code back to its symbol.
  const code = new Uint16Array(256);
  const symbolOf = new Uint16Array(SYMBOLS);
  symbolOf[SEPARATOR] = SEPARATOR;
  let alphabet = 2;
  for (let b = 0; b < 256; b++) {
    if (byteCount[b] === 0) continue;
    code[b] = alphabet;
    symbolOf[alphabet++] = b + 2;
  }
  const narrow = alphabet <= 256;
  if (!narrow) {
    alphabet = SYMBOLS;
    for (let b = 0; b < 256; b++) {
      code[b] = b + 2;
      symbolOf[b + 2] = b + 2;
    }
  }
  // The WebAssembly sorter sorts in its own memory: the text is normally read straight into it (see
  // readShardText); otherwise it is copied there. Asking for room may grow that memory, which detaches
  // earlier views of it, so whether the text is already there is checked first.
  if (scratch.arena === undefined) scratch.arena = SaisArena.create();
  let arena = scratch.arena;
  const inArena = arena?.holds(text, n) ?? false;
  if (arena && !arena.fits(n, !narrow)) arena = null;
  if (arena) {
    if (inArena) text = arena.text(n);
    else {
      arena.text(n).set(text);
      text = arena.text(n);
    }
  }
  let s: Uint8Array | Uint16Array | null = narrow ? text : arena ? arena.wideText(n) : new Uint16Array(n);
  for (let d = 0; d < docs; d++) {
    for (let i = docStarts[d], e = docStarts[d + 1] - 1; i < e; i++) s[i] = code[text[i]];
    s[docStarts[d + 1] - 1] = SEPARATOR;
  }
  s[n - 1] = SENTINEL;
  text = null;

  progress?.("suffix-array", 0);
  let sa: Int32Array;
  if (arena) {
    // SA stays in the sorter's memory and is used in place below; the views are taken after sorting
    // (the sorter may have grown the memory).
    scratch.sorter = arena.sort(n, alphabet - 1, !narrow);
    sa = arena.sa(n);
    s = narrow ? arena.text(n) : arena.wideText(n);
  } else {
    if (!scratch.sa || scratch.sa.length < n) scratch.sa = new Int32Array(n);
    sa = scratch.sa.subarray(0, n);
    suffixArray(s, sa, n, alphabet - 1);
    scratch.sorter = "js";
  }
  progress?.("bwt", textBytes * 0.7);

  // SA samples (rows i % saRate == 0, a strided read) and ISA samples (positions j % isaRate == 0); then the
  // BWT, in symbol codes, written over SA's memory (byte or two-byte entry i lies within SA[0, i], already
  // read). The BWT is a permutation of the text, so its symbol frequencies are the text's.
  const nSa = Math.floor((n - 1) / saRate) + 1;
  const nIsa = Math.floor((n - 1) / isaRate) + 1;
  const saSamples = new Uint32Array(nSa);
  const isaSamples = new Uint32Array(nIsa);
  const bwt = narrow
    ? new Uint8Array(sa.buffer, sa.byteOffset, n)
    : new Uint16Array(sa.buffer, sa.byteOffset, n);
  if (arena && s instanceof Uint8Array && bwt instanceof Uint8Array && arena.owns(sa, s, bwt)) {
    // The samples by a sequential pass, then the BWT's random reads in WebAssembly (29 against 45 ns a
    // read on the bench machine: no bounds checks, more reads in flight).
    sampleAndTransform(sa, s, null, saSamples, saRate, isaSamples, isaRate);
    arena.bwtGather(sa, s, bwt);
  } else sampleAndTransform(sa, s, bwt, saSamples, saRate, isaSamples, isaRate);
  s = null;
  const freq = new Float64Array(SYMBOLS);
  freq[SENTINEL] = 1;
  freq[SEPARATOR] = docs;
  for (let b = 0; b < 256; b++) freq[b + 2] = byteCount[b];
  const C = new Float64Array(SYMBOLS + 1);
  for (let c = 0; c < SYMBOLS; c++) C[c + 1] = C[c] + freq[c];
  progress?.("wavelet-tree", textBytes * 0.8);

  // Huffman-shaped wavelet tree: node sizes, then one pass appending each BWT symbol's code bits.
  const tree = huffmanTree(freq);
  const m = tree.internal;
  const nodeLen = new Float64Array(m);
  const codeNodes: number[][] = Array.from({ length: SYMBOLS }, () => []);
  const codeBits: number[][] = Array.from({ length: SYMBOLS }, () => []);
  const walk = (v: number, nodes: number[], bits: number[]) => {
    for (let b = 0; b < 2; b++) {
      const ch = tree.children[2 * v + b];
      if (ch < 0) {
        codeNodes[-ch - 1] = [...nodes, v];
        codeBits[-ch - 1] = [...bits, b];
      } else walk(ch, [...nodes, v], [...bits, b]);
    }
  };
  walk(0, [], []);
  for (let c = 0; c < SYMBOLS; c++) for (const v of codeNodes[c]) nodeLen[v] += freq[c];
  // Node layout: [bitOffset, length, onesBefore, child0, child1] per node.
  const nodes = new Float64Array(5 * m);
  let off = 0;
  for (let v = 0; v < m; v++) {
    nodes[5 * v] = off;
    nodes[5 * v + 1] = nodeLen[v];
    nodes[5 * v + 3] = tree.children[2 * v];
    nodes[5 * v + 4] = tree.children[2 * v + 1];
    off += nodeLen[v];
  }
  const wtBits = off;
  // Plain wavelet bits (padded for 32-bit reads), compressed into an RRR vector below. Both buffers are
  // taken from SA's memory past the BWT when they fit (always for one byte per symbol: BWT n, bits about
  // 0.6n, RRR working buffer about 0.7n of 4n), so that a shard leaves no large garbage behind.
  let spare = sa.byteOffset + Math.ceil((n * bwt.BYTES_PER_ELEMENT) / 8) * 8;
  const spareWords = (len: number) => {
    if (spare + 4 * len > sa.buffer.byteLength) return new Uint32Array(len);
    const a = new Uint32Array(sa.buffer, spare, len).fill(0);
    spare += 4 * len;
    return a;
  };
  const words = spareWords(Math.ceil(wtBits / 32) + 2);
  const rrrWords = Math.ceil((Math.ceil(wtBits / RRR_BLOCK) * 35) / 32) + 4;
  // The BWT's symbols partitioned level by level (see fillWaveletBits): a second buffer as long as the BWT,
  // from SA's memory when it fits (one byte per symbol), else allocated.
  const altBytes = n * bwt.BYTES_PER_ELEMENT;
  let alt: Uint8Array | Uint16Array;
  if (narrow && spare + altBytes + 4 * rrrWords <= sa.buffer.byteLength) {
    alt = new Uint8Array(sa.buffer, spare, n);
    spare += Math.ceil(altBytes / 8) * 8;
  } else alt = narrow ? new Uint8Array(n) : new Uint16Array(n);
  fillWaveletBits(
    bwt,
    alt,
    words,
    nodes,
    tree,
    codeNodes,
    codeBits,
    symbolOf,
    alphabet,
    freq,
    arena,
    spareWords(64),
  );
  const rrr = RrrVector.fromWords(words, wtBits, spareWords(rrrWords));
  for (let v = 0; v < m; v++) nodes[5 * v + 2] = rrr.rank1(nodes[5 * v]);
  const meta = compressMeta(input.metaJson, input.metaOffsets);
  progress?.("write", textBytes * 0.95);

  const saWidth = bitWidth(n);
  const shardMeta: ShardMeta = {
    name: input.name,
    domain: input.domain,
    n,
    textBytes,
    docs,
    saRate,
    isaRate,
    saWidth,
    isaWidth: saWidth,
    wtBits,
  };
  const sections: Record<string, SectionArray> = {
    counts: C,
    wtNodes: nodes,
    wtStream: rrr.stream,
    wtDir: rrr.dir,
    saSamples: packInts(saSamples, nSa, saWidth),
    isaSamples: packInts(isaSamples, nIsa, saWidth),
    docStarts,
    metaOffsets: input.metaOffsets,
    metaBlocks: meta.blocks,
    metaZ: meta.z,
  };
  const { bytes } = encodeFile(shardMeta, sections);
  return { bytes, meta: shardMeta };
}
