/**
 * Construction of one shard: text -> suffix array (SA-IS) -> BWT, sampled SA and ISA -> Huffman-shaped
 * wavelet tree over the BWT. The raw text is not kept: documents are reconstructed from the BWT.
 *
 * Symbols: the sentinel `$` is 0, the document separator is 1 and byte b is b + 2, so every byte value
 * (0x00 and 0xFF included) is an ordinary searchable symbol and no pattern can cross a separator.
 * Text layout: doc_0 SEP doc_1 SEP ... doc_{k-1} SEP $   (n = sum(len_i + 1) + 1 rows).
 */

import { deflateRawSync } from "node:zlib";
import { encodeFile, type SectionArray } from "./format";
import { RrrVector } from "./rrr";
import { suffixArray } from "./sais";

export const SYMBOLS = 258;
export const SENTINEL = 0;
export const SEPARATOR = 1;
/** SA sampled at rows i with i % SA_RATE == 0 (sdsl's SA-order sampling), ISA at text positions j % ISA_RATE == 0. */
export const DEFAULT_SA_RATE = 32;
export const DEFAULT_ISA_RATE = 64;
/** Upper bound on a shard's text so wavelet-tree bit offsets stay below 2^32. */
export const MAX_SHARD_BYTES = 256 * 1024 * 1024;
/** Document metadata is deflated in blocks of this many documents (one block is inflated per lookup). */
export const META_BLOCK_DOCS = 64;

/** Everything a shard needs, packed into transferable buffers. */
export interface ShardInput {
  name: string;
  domain: string;
  /** Document bytes, concatenated without separators. */
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
 * Time O(n + n H0) where H0 is the BWT's zero-order entropy. Peak memory about 9 n bytes, during SA-IS
 * (text 4n, SA 4n, SA-IS flags n); then the BWT overwrites the SA, the text is dropped, and the plain
 * wavelet bits (~0.7n) are compressed into an RRR vector (~0.3n).
 */
export function buildShard(
  input: ShardInput,
  progress?: ShardProgress,
  opts: { releaseText?: boolean } = {},
): { bytes: Uint8Array; meta: ShardMeta } {
  const saRate = input.saRate ?? DEFAULT_SA_RATE;
  const isaRate = input.isaRate ?? DEFAULT_ISA_RATE;
  const docs = input.docLengths.length;
  const textBytes = input.text.length;
  const n = textBytes + docs + 1;
  if (textBytes > MAX_SHARD_BYTES) throw new Error(`shard ${input.name} exceeds ${MAX_SHARD_BYTES} bytes`);

  // Text in symbols, and document start offsets. Suffix sorting only compares symbols, so it runs on any
  // order-preserving renumbering: when the shard uses at most 254 distinct byte values (always true of
  // UTF-8 text, which never contains 0xC0, 0xC1 or 0xF5-0xFF), bytes are renumbered to 2 + their rank among
  // the used values and the text takes one byte per symbol; otherwise two (b + 2). `symbolOf` maps back.
  const byteCount = new Float64Array(256);
  const text = input.text;
  for (let i = 0; i < textBytes; i++) byteCount[text[i]]++;
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
  let s: Uint8Array | Uint16Array | null = narrow ? new Uint8Array(n) : new Uint16Array(n);
  const docStarts = new Uint32Array(docs + 1);
  let p = 0;
  let q = 0;
  for (let d = 0; d < docs; d++) {
    docStarts[d] = p;
    const len = input.docLengths[d];
    for (let i = 0; i < len; i++) s[p++] = code[text[q++]];
    s[p++] = SEPARATOR;
  }
  docStarts[docs] = p;
  s[p] = SENTINEL;
  // The caller may let go of the text once it is copied (a worker owns its transferred copy), so the
  // text's n bytes can be reclaimed before SA-IS reaches its peak.
  if (opts.releaseText) input.text = new Uint8Array(0);

  progress?.("suffix-array", 0);
  const sa = new Int32Array(n);
  suffixArray(s, sa, n, alphabet - 1);
  progress?.("bwt", textBytes * 0.7);

  // SA samples (rows i % saRate == 0, a strided read), ISA samples (positions j % isaRate == 0), then the
  // BWT written over SA, which is no longer needed; the text is dropped afterwards. The BWT is a
  // permutation of the text, so its symbol frequencies are the text's: no counting in the BWT loop, whose
  // cost is one random text read per row.
  const nSa = Math.floor((n - 1) / saRate) + 1;
  const nIsa = Math.floor((n - 1) / isaRate) + 1;
  const saSamples = new Uint32Array(nSa);
  const isaSamples = new Uint32Array(nIsa);
  for (let r = 0; r < nSa; r++) saSamples[r] = sa[r * saRate];
  for (let i = 0; i < n; i++) {
    const j = sa[i];
    if (j % isaRate === 0) isaSamples[j / isaRate] = i;
  }
  const freq = new Float64Array(SYMBOLS);
  freq[SENTINEL] = 1;
  freq[SEPARATOR] = docs;
  for (let b = 0; b < 256; b++) freq[b + 2] = byteCount[b];
  const bwt = sa;
  for (let i = 0; i < n; i++) {
    const j = sa[i];
    bwt[i] = j > 0 ? symbolOf[s[j - 1]] : SENTINEL;
  }
  s = null;
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
  // Plain wavelet bits (padded for 32-bit reads), compressed into an RRR vector below.
  const words = new Uint32Array(Math.ceil(wtBits / 32) + 2);
  const cursor = new Float64Array(m);
  for (let v = 0; v < m; v++) cursor[v] = nodes[5 * v];
  // Flattened codes for the fill loop.
  const pathStart = new Int32Array(SYMBOLS + 1);
  for (let c = 0; c < SYMBOLS; c++) pathStart[c + 1] = pathStart[c] + codeNodes[c].length;
  const pathNode = new Int32Array(pathStart[SYMBOLS]);
  const pathBit = new Uint8Array(pathStart[SYMBOLS]);
  for (let c = 0; c < SYMBOLS; c++) {
    for (let k = 0; k < codeNodes[c].length; k++) {
      pathNode[pathStart[c] + k] = codeNodes[c][k];
      pathBit[pathStart[c] + k] = codeBits[c][k];
    }
  }
  for (let i = 0; i < n; i++) {
    const c = bwt[i];
    for (let k = pathStart[c], e = pathStart[c + 1]; k < e; k++) {
      const v = pathNode[k];
      const pos = cursor[v]++;
      if (pathBit[k] === 1) words[pos >>> 5] |= 1 << (pos & 31);
    }
  }
  const rrr = RrrVector.fromWords(words, wtBits);
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
