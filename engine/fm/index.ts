/**
 * Public API of the FM-index (infini-gram mini in TypeScript).
 *
 *   const index = openFmIndex("data/index/flexmix-mini");
 *   index.count("whale").count;                       // occurrences inside documents, all shards
 *   const { segments } = index.find("whale", { domains: ["creative"] });
 *   index.getDocByRank(segments[0].shard, segments[0].lo, { needleLength: 5, maxContextBytes: 200 });
 *
 * Every query takes bytes or a string (UTF-8 encoded). Any byte value is searchable; a match never spans
 * two documents; counts include overlapping occurrences. Ranges are half-open `[lo, hi)` BWT rows.
 * Costs: m = query bytes, S = shards searched, H = average Huffman code length of the BWT (about 5),
 * s = 32 (SA sampling), t = 64 (ISA sampling).
 */

import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, realpathSync } from "node:fs";
import { join } from "node:path";
import type { Manifest } from "./build";
import { FmIndexFileError, FmQueryError } from "./errors";
import { decodeFile, FORMAT_VERSION } from "./format";
import { FmShard, type RankRange } from "./shard";

export {
  type BuildOptions,
  type BuildProgress,
  type BuildResult,
  buildFmIndex,
  type CorpusDoc,
  chooseShardBytes,
  defaultMemoryBudget,
  type Manifest,
  type ManifestShard,
  READER_RESERVE_BYTES,
  shardPlan,
  WORKER_BYTES_PER_SHARD_BYTE,
} from "./build";
export {
  FmError,
  type FmErrorCode,
  FmIndexFileError,
  FmInputError,
  FmQueryError,
  FmUsageError,
} from "./errors";
export type { RankRange } from "./shard";

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

/** A window of a document around a match. */
export interface DocWindow {
  shard: string;
  domain: string;
  docIndex: number;
  id: string;
  meta: Record<string, unknown>;
  /** The window decoded as UTF-8 (cut only at character boundaries; invalid bytes become U+FFFD). */
  text: string;
  /** The match as UTF-16 offsets into `text`, [matchStart, matchEnd). */
  matchStart: number;
  matchEnd: number;
  /** Byte offsets: window start/end and match start/end inside the document. */
  windowStart: number;
  windowEnd: number;
  matchByteStart: number;
  matchByteEnd: number;
  /** Length of the whole document in bytes. */
  docBytes: number;
}

export interface DocumentResult {
  shard: string;
  domain: string;
  docIndex: number;
  id: string;
  meta: Record<string, unknown>;
  text: string;
  docBytes: number;
  /** True when only the first `maxBytes` were returned. */
  truncated: boolean;
}

export interface ContaminationEntry {
  id?: string;
  text: string;
}

export type ContaminationLabel = "clean" | "suspicious" | "dirty";

export interface ContaminationResult {
  id: string;
  /** Probes checked: 50-character substrings starting at word starts (the whole text if shorter). */
  probes: number;
  found: number;
  share: number;
  label: ContaminationLabel;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** infini-gram mini's thresholds: clean below 20% of probes found, suspicious below 80%, dirty otherwise. */
export function contaminationLabel(share: number): ContaminationLabel {
  return share < 0.2 ? "clean" : share < 0.8 ? "suspicious" : "dirty";
}

/** The probes of one text: every 50-code-point substring that starts at a word start. Time O(len). */
export function contaminationProbes(text: string, width = 50): string[] {
  const chars = Array.from(text);
  const probes: string[] = [];
  const space = /\s/u;
  for (let i = 0; i + width <= chars.length; i++) {
    if (space.test(chars[i])) continue;
    if (i > 0 && !space.test(chars[i - 1])) continue;
    probes.push(chars.slice(i, i + width).join(""));
  }
  const trimmed = text.trim();
  if (probes.length === 0 && trimmed !== "") probes.push(trimmed);
  return probes;
}

/** Moves a byte window's edges inward so it does not cut a UTF-8 sequence, never past [keepFrom, keepTo). */
function utf8Trim(bytes: Uint8Array, keepFrom: number, keepTo: number): [number, number] {
  let s = 0;
  while (s < keepFrom && s < 3 && (bytes[s] & 0xc0) === 0x80) s++;
  let e = bytes.length;
  for (let k = e - 1; k >= Math.max(keepTo, e - 4); k--) {
    const b = bytes[k];
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (k + need > e) e = k;
    break;
  }
  return [s, e];
}

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
    const bytes = typeof query === "string" ? encoder.encode(query) : query;
    if (bytes.length === 0) throw new FmQueryError("EMPTY_QUERY", "the query is empty");
    if (bytes.length > this.maxQueryBytes) {
      throw new FmQueryError(
        "QUERY_TOO_LONG",
        `the query is ${bytes.length} bytes; the limit is ${this.maxQueryBytes} bytes`,
      );
    }
    return bytes;
  }

  /** Shard numbers to search for the given domains. Time O(S). */
  selectShards(opts: QueryOptions = {}): number[] {
    if (opts.shards) {
      const inDomains = new Set(this.selectShards({ domains: opts.domains }));
      return opts.shards.map((s) => this.shardIndex(s)).filter((s) => inDomains.has(s));
    }
    if (!opts.domains) return this.fm.map((_, i) => i);
    for (const d of opts.domains) {
      if (!this.domains.includes(d)) {
        throw new FmQueryError("UNKNOWN_DOMAIN", `unknown domain "${d}" (known: ${this.domains.join(", ")})`);
      }
    }
    return this.fm.flatMap((s, i) => (opts.domains!.includes(s.domain) ? [i] : []));
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
    const i = typeof ref === "number" ? ref : this.fm.findIndex((s) => s.name === ref);
    if (!Number.isInteger(i) || i < 0 || i >= this.fm.length) {
      throw new FmQueryError(
        "UNKNOWN_SHARD",
        `unknown shard ${JSON.stringify(ref)} (shards: ${this.fm.map((s) => s.name).join(", ")})`,
      );
    }
    return i;
  }

  /** Occurrences per shard and domain. Time O(m H S). */
  count(query: Uint8Array | string, opts: QueryOptions = {}): CountResult {
    const { ids, lo, hi } = this.search(this.queryBytes(query), opts);
    const byShard: CountResult["byShard"] = [];
    const byDomain: Record<string, number> = {};
    let count = 0;
    for (let k = 0; k < ids.length; k++) {
      const s = this.fm[ids[k]];
      const c = hi[k] - lo[k];
      byShard.push({ shard: s.name, domain: s.domain, count: c });
      byDomain[s.domain] = (byDomain[s.domain] ?? 0) + c;
      count += c;
    }
    return { count, byShard, byDomain };
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
    const segments: FindSegment[] = [];
    let count = 0;
    for (let k = 0; k < ids.length; k++) {
      if (hi[k] > lo[k]) {
        const i = ids[k];
        const s = this.fm[i];
        segments.push({ shard: i, name: s.name, domain: s.domain, lo: lo[k], hi: hi[k] });
        count += hi[k] - lo[k];
      }
    }
    return { count, segments };
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
    const i = this.shardIndex(shard);
    const s = this.fm[i];
    if (!Number.isInteger(position) || position < 0 || position >= s.n - 1) {
      throw new FmQueryError("POSITION_OUT_OF_RANGE", `position ${position} is outside shard ${s.name}`);
    }
    const ctx = Math.max(0, Math.floor(opts.maxContextBytes ?? 500));
    const docIndex = s.docAt(position);
    const { start, length } = s.docSpan(docIndex);
    const offset = position - start;
    const matchLen = Math.max(0, Math.min(opts.length ?? 0, length - offset));
    const ws = Math.max(0, offset - ctx);
    const we = Math.min(length, offset + matchLen + ctx);
    const raw = s.extract(start + ws, we - ws);
    const [a, b] = utf8Trim(raw, offset - ws, offset + matchLen - ws);
    const win = raw.subarray(a, b);
    const mStart = offset - ws - a;
    const mEnd = mStart + matchLen;
    const info = s.docInfo(docIndex);
    return {
      shard: s.name,
      domain: s.domain,
      docIndex,
      id: info.id,
      meta: info.meta,
      text: decoder.decode(win),
      matchStart: decoder.decode(win.subarray(0, mStart)).length,
      matchEnd: decoder.decode(win.subarray(0, mEnd)).length,
      windowStart: ws + a,
      windowEnd: ws + b,
      matchByteStart: offset,
      matchByteEnd: offset + matchLen,
      docBytes: length,
    };
  }

  /** A whole document (or its first `maxBytes`), reconstructed from the index. Time O((len + t) H). */
  getDocument(shard: ShardRef, docIndex: number, opts: { maxBytes?: number } = {}): DocumentResult {
    const s = this.fm[this.shardIndex(shard)];
    const { start, length } = s.docSpan(docIndex);
    const take = Math.min(length, opts.maxBytes ?? length);
    const raw = s.extract(start, take);
    const [, e] = take < length ? utf8Trim(raw, 0, 0) : [0, take];
    const info = s.docInfo(docIndex);
    return {
      shard: s.name,
      domain: s.domain,
      docIndex,
      id: info.id,
      meta: info.meta,
      text: decoder.decode(raw.subarray(0, e)),
      docBytes: length,
      truncated: take < length,
    };
  }

  /** Raw bytes of a whole document. Time O((len + t) H). */
  getDocumentBytes(shard: ShardRef, docIndex: number): Uint8Array {
    const s = this.fm[this.shardIndex(shard)];
    const { start, length } = s.docSpan(docIndex);
    return s.extract(start, length);
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
    const want = Math.min(found.count, Math.max(0, opts.maxDocs ?? 10));
    const docs: DocWindow[] = [];
    for (let k = 0; k < want; k++) {
      let r = Math.floor((k * found.count) / want);
      for (const seg of found.segments) {
        if (r < seg.hi - seg.lo) {
          docs.push(
            this.getDocByRank(seg.shard, seg.lo + r, {
              needleLength: bytes.length,
              maxContextBytes: opts.maxContextBytes,
            }),
          );
          break;
        }
        r -= seg.hi - seg.lo;
      }
    }
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

/** Reads and checks manifest.json. */
export function readManifest(dir: string): Manifest {
  const path = join(dir, "manifest.json");
  if (!existsSync(path))
    throw new FmIndexFileError("INDEX_MISSING", path, "no index here (manifest.json missing)");
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    throw new FmIndexFileError("INDEX_CORRUPT", path, "manifest.json is not valid JSON");
  }
  if (m.format !== "flexmix-fm-index" || !Array.isArray(m.shards)) {
    throw new FmIndexFileError("INDEX_CORRUPT", path, "not an FM-index manifest");
  }
  if (m.version !== FORMAT_VERSION) {
    throw new FmIndexFileError(
      "INDEX_CORRUPT",
      path,
      `format version ${m.version}, this program reads version ${FORMAT_VERSION}; rebuild the index`,
    );
  }
  return m;
}

/** An index folder's manifest and shard files, as loadIndexFiles reads them. */
export interface LoadedIndex {
  manifest: Manifest;
  files: { file: string; bytes: Uint8Array }[];
}

/**
 * Reads every shard file of an index folder into memory, into SharedArrayBuffers when `shared` (so worker
 * threads can use them without copies). Checks each file's size against the manifest. Time O(index size).
 * With `only`, reads just those shards (manifest positions) and returns a manifest that lists just them.
 */
export function loadIndexFiles(linkOrDir: string, shared = false, only?: readonly number[]): LoadedIndex {
  // Resolved once: an index path is a link that a rebuild swaps (./replace-dir.ts); manifest and shards are
  // read from the one version it named when loading began.
  const dir = existsSync(linkOrDir) ? realpathSync(linkOrDir) : linkOrDir;
  const whole = readManifest(dir);
  // A shard server loads only its shards: the manifest it wraps lists those (`only`, manifest positions).
  const manifest = only ? { ...whole, shards: only.map((k) => whole.shards[k]) } : whole;
  const files = manifest.shards.map((sh) => {
    // Read from the resolved version; named by the configured path in errors.
    const path = join(linkOrDir, sh.file);
    const real = join(dir, sh.file);
    if (!existsSync(real)) throw new FmIndexFileError("INDEX_MISSING", path, "shard file missing");
    const fd = openSync(real, "r");
    try {
      const size = fstatSync(fd).size;
      if (size !== sh.fileBytes) {
        throw new FmIndexFileError(
          "INDEX_CORRUPT",
          path,
          `${size < sh.fileBytes ? "truncated" : "wrong size"}: ${size} bytes, manifest says ${sh.fileBytes}`,
        );
      }
      const bytes = new Uint8Array(shared ? new SharedArrayBuffer(size) : new ArrayBuffer(size));
      let off = 0;
      while (off < size) off += readSync(fd, bytes, off, size - off, off);
      return { file: path, bytes };
    } finally {
      closeSync(fd);
    }
  });
  return { manifest, files };
}

/**
 * Loads an index folder, checking sizes and CRC-32s (a truncated or corrupted file is refused with an
 * FmIndexFileError naming it). Time and memory O(index size).
 */
export function openFmIndex(dir: string, opts: { verify?: boolean; shared?: boolean } = {}): FmIndex {
  const { manifest, files } = loadIndexFiles(dir, opts.shared ?? false);
  return new FmIndex(manifest, files, opts.verify ?? true);
}
