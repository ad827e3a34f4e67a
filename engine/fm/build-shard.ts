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
  return { meta, fileBytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
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
  for (let r = 0; r < nSa; r++) saSamples[r] = sa[r * saRate];
  for (let i = 0; i < n; i++) {
    const j = sa[i];
    if (j % isaRate === 0) isaSamples[j / isaRate] = i;
  }
  const bwt = narrow
    ? new Uint8Array(sa.buffer, sa.byteOffset, n)
    : new Uint16Array(sa.buffer, sa.byteOffset, n);
  for (let i = 0; i < n; i++) {
    const j = sa[i];
    bwt[i] = j > 0 ? s[j - 1] : SENTINEL;
  }
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
  // Int32 cursors, read as unsigned (>>> 0 semantics via >>> 5): all arithmetic stays in 32-bit integers.
  const cursor = new Int32Array(m);
  for (let v = 0; v < m; v++) cursor[v] = nodes[5 * v];
  // Flattened codes for the fill loop, indexed by the BWT's symbol codes (x -> symbol symbolOf[x]): each
  // step is one int, node << 1 | bit (one load instead of two).
  const pathStart = new Int32Array(alphabet + 1);
  for (let x = 0; x < alphabet; x++) pathStart[x + 1] = pathStart[x] + codeNodes[symbolOf[x]].length;
  const path = new Int32Array(pathStart[alphabet]);
  for (let x = 0; x < alphabet; x++) {
    const c = symbolOf[x];
    for (let k = 0; k < codeNodes[c].length; k++)
      path[pathStart[x] + k] = (codeNodes[c][k] << 1) | codeBits[c][k];
  }
  // Branch-free: the bit (0 or 1) is OR-ed in either way, as the branch would be mispredicted about half
  // the time.
  for (let i = 0; i < n; i++) {
    const x = bwt[i];
    for (let k = pathStart[x], e = pathStart[x + 1]; k < e; k++) {
      const step = path[k];
      const v = step >> 1;
      const pos = cursor[v];
      cursor[v] = (pos + 1) | 0;
      words[pos >>> 5] |= (step & 1) << (pos & 31);
    }
  }
  const rrr = RrrVector.fromWords(
    words,
    wtBits,
    spareWords(Math.ceil((Math.ceil(wtBits / RRR_BLOCK) * 35) / 32) + 4),
  );
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
