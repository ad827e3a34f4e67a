/**
 * The index over all shards (infini-gram mini's engine in TypeScript): count, find, locate, extract and
 * contamination over every shard or a selection of domains and shards, searched in lockstep
 * (FmShard.searchMany). One shard's structures are ./shard.ts; documents ./documents.ts; loading ./load.ts.
 *
 * Every query takes bytes or a string (UTF-8 encoded). Any byte value is searchable; a match never spans
 * two documents; counts include overlapping occurrences. Ranges are half-open `[lo, hi)` BWT rows.
 * Costs: m = query bytes, S = shards searched, H = average Huffman code length of the BWT (about 5),
 * s = 32 (SA sampling), t = 64 (ISA sampling).
 */

import {
  type ContaminationEntry,
  type ContaminationResult,
  contaminationLabel,
  contaminationProbes,
} from "./contamination";
import { type DocumentResult, type DocWindow, documentBytes, docWindow, wholeDocument } from "./documents";
import { decodeFile } from "./format";
import type { Manifest } from "./manifest";
import { countResult, findResult, queryBytes, selectShards, shardIndex, spreadOccurrences } from "./queries";
import { FmShard, type RankRange } from "./shard";

/** Default limit on query length in bytes (infini-gram's API uses a similar bound). */
export const DEFAULT_MAX_QUERY_BYTES = 1000;

export interface ShardInfo {
  /** Position in `index.shards`; queries take this or the name. */
  index: number;
  name: string;
  domain: string;
  docs: number;
  /** Document text bytes. */
  bytes: number;
}

export type ShardRef = number | string;

export interface QueryOptions {
  /** Limit to these domains (all when omitted). Unknown names are an error. */
  domains?: string[];
  /** Limit to these shard numbers (with `domains`: those of them in the domains). Unknown ones are an error. */
  shards?: readonly number[];
}

export interface CountResult {
  count: number;
  byShard: { shard: string; domain: string; count: number }[];
  byDomain: Record<string, number>;
}

export interface FindSegment {
  shard: number;
  name: string;
  domain: string;
  /** Rows [lo, hi) of this shard whose suffix starts with the query. */
  lo: number;
  hi: number;
}

export interface FindResult {
  count: number;
  segments: FindSegment[];
}

export interface Located {
  /** Byte position in the shard's concatenated text. */
  position: number;
  docIndex: number;
  /** Byte offset of the position inside its document. */
  docOffset: number;
}

const encoder = new TextEncoder();

export class FmIndex {
  readonly manifest: Manifest;
  readonly shards: readonly ShardInfo[];
  readonly domains: readonly string[];
  maxQueryBytes = DEFAULT_MAX_QUERY_BYTES;
  private readonly fm: FmShard[];
  private readonly allIds: number[];
  /** Ranges left by `search`, one slot per shard. */
  private readonly rangeLo: Float64Array;
  private readonly rangeHi: Float64Array;

  /** Wraps already loaded shard files (see `loadIndexFiles`); `verify` checks every CRC-32. */
  constructor(manifest: Manifest, files: { file: string; bytes: Uint8Array }[], verify = true) {
    this.manifest = manifest;
    this.fm = files.map(({ file, bytes }) => new FmShard(decodeFile(file, bytes, verify)));
    this.shards = this.fm.map((s, index) => ({
      index,
      name: s.name,
      domain: s.domain,
      docs: s.docs,
      bytes: s.bytes,
    }));
    this.domains = [...new Set(this.fm.map((s) => s.domain))];
    this.allIds = this.fm.map((_, i) => i);
    this.rangeLo = new Float64Array(this.fm.length);
    this.rangeHi = new Float64Array(this.fm.length);
  }

  /** UTF-8 bytes of a query, checked for emptiness and length. */
  queryBytes(query: Uint8Array | string): Uint8Array {
    return queryBytes(query, this.maxQueryBytes);
  }

  /** Shard numbers to search for the given domains. Time O(S). */
  selectShards(opts: QueryOptions = {}): number[] {
    return selectShards(this.fm, this.domains, opts);
  }

  /**
   * Backward search in the selected shards, all at once (FmShard.searchMany): the k-th selected shard,
   * ids[k], has rows [lo[k], hi[k]). The arrays are reused by the next call.
   */
  private search(
    bytes: Uint8Array,
    opts: QueryOptions,
  ): { ids: number[]; lo: Float64Array; hi: Float64Array } {
    const some = opts.domains || opts.shards;
    const ids = some ? this.selectShards(opts) : this.allIds;
    const shards = some ? ids.map((i) => this.fm[i]) : this.fm;
    FmShard.searchMany(shards, bytes, this.rangeLo, this.rangeHi);
    return { ids, lo: this.rangeLo, hi: this.rangeHi };
  }

  /**
   * Builds every shard's query tables now (see setTableThreshold: otherwise a shard builds them after its
   * first searches). Returns the bytes of memory they take.
   */
  prepareTables(): number {
    return this.fm.reduce((sum, s) => sum + s.prepareTables(), 0);
  }

  /**
   * For a serving thread: searches no longer build a shard's triple table (up to a few hundred ms) in the
   * middle of a request; call `buildWantedTable` when idle instead.
   */
  deferTableBuilds(): void {
    for (const s of this.fm) s.deferTripleTable = true;
  }

  /** Builds the query tables of one shard that wants them (see deferTableBuilds); false when none does. */
  buildWantedTable(): boolean {
    const shard = this.fm.find((s) => s.wantsTripleTable);
    if (!shard) return false;
    shard.prepareTables();
    return true;
  }

  /**
   * Searches each shard answers before it builds (or, deferred, asks for) its triple table (default
   * FmShard.TRIPLE_TABLE_AFTER);
   * 0 builds it at the next search, Infinity never (the pair tables and plain steps answer alone).
   */
  setTableThreshold(searches: number): void {
    for (const s of this.fm) s.tripleTableAfter = searches;
  }

  /** Per shard, whether its triple table is built (for tests and diagnostics). */
  tableStates(): boolean[] {
    return this.fm.map((s) => s.hasTripleTable);
  }

  /** Resolves a shard number or name. Time O(S). */
  shardIndex(ref: ShardRef): number {
    return shardIndex(this.fm, ref);
  }

  /** Occurrences per shard and domain. Time O(m H S). */
  count(query: Uint8Array | string, opts: QueryOptions = {}): CountResult {
    const { ids, lo, hi } = this.search(this.queryBytes(query), opts);
    return countResult(this.fm, ids, (k) => hi[k] - lo[k]);
  }

  /** Total occurrences over the selected shards (no per-shard detail). Time O(m H S). */
  countAll(query: Uint8Array | string, opts: QueryOptions = {}): number {
    const { ids, lo, hi } = this.search(this.queryBytes(query), opts);
    let total = 0;
    for (let k = 0; k < ids.length; k++) total += hi[k] - lo[k];
    return total;
  }

  /** Rank ranges per shard (only shards where the query occurs). Time O(m H S). */
  find(query: Uint8Array | string, opts: QueryOptions = {}): FindResult {
    const { ids, lo, hi } = this.search(this.queryBytes(query), opts);
    return findResult(this.fm, ids, (k) => [lo[k], hi[k]]);
  }

  /**
   * Starting ranges for incremental backward search: per shard the range of the empty pattern (all rows),
   * or an empty range for shards outside `domains`. Extend with `extendAllLeft`; read with `rangeCount`.
   */
  startRanges(opts: QueryOptions = {}): RankRange[] {
    const chosen = new Set(this.selectShards(opts));
    return this.fm.map((s, i) => (chosen.has(i) ? s.fullRange() : ([0, 0] as const)));
  }

  /** One backward-search step in one shard: rows of P -> rows of `byte` P. Time O(H). */
  extendLeft(shard: ShardRef, range: RankRange, byte: number): RankRange {
    return this.fm[this.shardIndex(shard)].extendLeft(range[0], range[1], byte);
  }

  /** One backward-search step in every shard. Time O(H S). */
  extendAllLeft(ranges: readonly RankRange[], byte: number): RankRange[] {
    return ranges.map((r, i) => (r[1] > r[0] ? this.fm[i].extendLeft(r[0], r[1], byte) : r));
  }

  /** Occurrences represented by per-shard ranges (meaningful once at least one byte was added). Time O(S). */
  rangeCount(ranges: readonly RankRange[]): number {
    let c = 0;
    for (const r of ranges) c += r[1] - r[0];
    return c;
  }

  /** Text position and document of the suffix at `rank`. Time O(s H) expected. */
  locate(shard: ShardRef, rank: number): Located {
    const s = this.fm[this.shardIndex(shard)];
    const position = s.locate(rank);
    const docIndex = s.docAt(position);
    return { position, docIndex, docOffset: position - s.docSpan(docIndex).start };
  }

  /** Raw bytes [pos, pos+len) of a shard's text (a separator reads as 0x00). Time O((len + t) H). */
  extract(shard: ShardRef, pos: number, len: number): Uint8Array {
    return this.fm[this.shardIndex(shard)].extract(pos, len);
  }

  /**
   * The document holding the suffix at `rank`, as a window of at most `maxContextBytes` on each side of
   * the match of `needleLength` bytes. Time O((needle + 2 ctx + s + t) H).
   */
  getDocByRank(
    shard: ShardRef,
    rank: number,
    opts: { needleLength?: number; maxContextBytes?: number } = {},
  ): DocWindow {
    const i = this.shardIndex(shard);
    const position = this.fm[i].locate(rank);
    return this.getDocByPosition(i, position, {
      length: opts.needleLength,
      maxContextBytes: opts.maxContextBytes,
    });
  }

  /** Like getDocByRank, from a text position. Time O((length + 2 ctx + t) H). */
  getDocByPosition(
    shard: ShardRef,
    position: number,
    opts: { length?: number; maxContextBytes?: number } = {},
  ): DocWindow {
    return docWindow(this.fm[this.shardIndex(shard)], position, opts);
  }

  /** A whole document (or its first `maxBytes`), reconstructed from the index. Time O((len + t) H). */
  getDocument(shard: ShardRef, docIndex: number, opts: { maxBytes?: number } = {}): DocumentResult {
    return wholeDocument(this.fm[this.shardIndex(shard)], docIndex, opts);
  }

  /** Raw bytes of a whole document. Time O((len + t) H). */
  getDocumentBytes(shard: ShardRef, docIndex: number): Uint8Array {
    return documentBytes(this.fm[this.shardIndex(shard)], docIndex);
  }

  /**
   * Up to `maxDocs` documents containing the query, spread evenly over all occurrences (deterministic),
   * each as a window around one match. Time O(find + maxDocs * getDocByRank).
   */
  searchDocs(
    query: Uint8Array | string,
    opts: QueryOptions & { maxDocs?: number; maxContextBytes?: number } = {},
  ): { count: number; docs: DocWindow[] } {
    const bytes = this.queryBytes(query);
    const found = this.find(bytes, opts);
    const docs = spreadOccurrences(found, opts.maxDocs).map(({ shard, rank }) =>
      this.getDocByRank(shard, rank, { needleLength: bytes.length, maxContextBytes: opts.maxContextBytes }),
    );
    return { count: found.count, docs };
  }

  /**
   * Benchmark contamination as in infini-gram mini: for each entry, the share of its probes (50-character
   * substrings at word starts) found anywhere in the selected shards; clean < 20%, suspicious < 80%,
   * dirty otherwise. Time O(sum of entry lengths * 50 * H * S).
   */
  contamination(entries: readonly ContaminationEntry[], opts: QueryOptions = {}): ContaminationResult[] {
    this.selectShards(opts); // unknown domains fail before any work
    return entries.map((entry, k) => {
      const probes = contaminationProbes(entry.text);
      let found = 0;
      for (const p of probes) {
        const { ids, lo, hi } = this.search(encoder.encode(p).subarray(0, this.maxQueryBytes), opts);
        for (let s = 0; s < ids.length; s++) {
          if (hi[s] > lo[s]) {
            found++;
            break;
          }
        }
      }
      const share = probes.length === 0 ? 0 : found / probes.length;
      return {
        id: entry.id ?? String(k),
        probes: probes.length,
        found,
        share,
        label: contaminationLabel(share),
      };
    });
  }

  /** Bytes of each structure summed over shards (the index's size breakdown). */
  sizeBreakdown(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.fm)
      for (const [k, v] of Object.entries(s.sizeBreakdown())) out[k] = (out[k] ?? 0) + v;
    return out;
  }
}
