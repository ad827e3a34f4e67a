/**
 * The infini-gram API (https://infini-gram.io/api_doc, and infini-gram mini's byte-level variant) over our
 * FM-index: request validation and the translation of engine results into infini-gram's response shapes.
 * Pure: no I/O; `run.ts` calls the index service.
 *
 * Our index is byte-level, so a "token" is one UTF-8 byte: `token_ids` are byte values 0-255, `tokens` show
 * printable ASCII as itself and any other byte as `<0xNN>` (like Llama's byte-fallback tokens), lengths such
 * as `doc_len`, `disp_len`, `needle_offset` and `max_disp_len` count bytes, and `query_ids` (instead of
 * `query`) is a list of byte values, so any byte sequence can be searched.
 */

import type { CountResult, DocWindow, FindResult } from "@/engine/fm/index";
import { HttpError } from "../http-error";

export const QUERY_TYPES = ["count", "find", "get_doc_by_rank", "search_docs"] as const;
export type QueryType = (typeof QUERY_TYPES)[number];

export const INFINI_GRAM_LIMITS = {
  /** Bytes of the request body. */
  maxBodyBytes: 64_000,
  /** infini-gram's API caps `maxnum` at 10 and `max_disp_len` at 10000. */
  maxnum: 10,
  defaultMaxnum: 1,
  maxDispLen: 10_000,
  defaultDispLen: 1000,
  maxCtxLen: 10_000,
} as const;

/** What the parser needs to know about the served index. */
export interface IndexInfo {
  name: string;
  shards: readonly { name: string; domain: string; docs: number }[];
  domains: readonly string[];
  maxQueryBytes: number;
}

interface QueryPart {
  /** UTF-8 bytes searched for. */
  bytes: Uint8Array;
  /** The query as text when it round-trips through UTF-8 (used to mark further occurrences in windows). */
  text: string | null;
}

export type InfiniGramRequest =
  | ({ queryType: "count" | "find"; domains?: string[] } & QueryPart)
  | ({
      queryType: "search_docs";
      domains?: string[];
      maxnum: number;
      maxDispLen: number;
      /** Extension: skip this many occurrences of the display order (for "more documents"). */
      offset: number;
    } & QueryPart)
  | {
      queryType: "get_doc_by_rank";
      /** The needle; without it the window has no highlighted match. */
      query: QueryPart | null;
      s: number;
      rank: number;
      maxDispLen: number;
      maxCtxLen: number | null;
    };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function bad(message: string): never {
  throw new HttpError(400, message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** An optional integer field in [min, max]; `fallback` when absent. */
function intField(
  body: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
  fallback: number,
): number;
function intField(
  body: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
  fallback: null,
): number | null;
function intField(
  body: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
  fallback: number | null,
): number | null {
  const v = body[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v)) bad(`${key} must be an integer`);
  if (v < min || v > max) bad(`${key} must be an integer in [${min}, ${max}]; got ${v}`);
  return v;
}

function requiredInt(body: Record<string, unknown>, key: string): number {
  if (body[key] === undefined || body[key] === null) bad(`Missing required field: ${key}`);
  const v = body[key];
  if (typeof v !== "number" || !Number.isSafeInteger(v)) bad(`${key} must be an integer`);
  return v;
}

/** The query bytes from `query` (a string) or `query_ids` (byte values); null when neither is given. */
function parseQuery(body: Record<string, unknown>, maxBytes: number): QueryPart | null {
  const hasQuery = body.query !== undefined && body.query !== null;
  const hasIds = body.query_ids !== undefined && body.query_ids !== null;
  if (hasQuery && hasIds) bad("Give either query or query_ids, not both");
  let part: QueryPart | null = null;
  if (hasQuery) {
    if (typeof body.query !== "string") bad("query must be a string");
    const bytes = encoder.encode(body.query);
    // A lone surrogate is encoded as U+FFFD, so the text no longer matches the bytes searched.
    part = { bytes, text: decoder.decode(bytes) === body.query ? body.query : null };
  } else if (hasIds) {
    const ids = body.query_ids;
    if (!Array.isArray(ids) || !ids.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
      bad("query_ids must be a list of byte values (integers 0-255): this index is byte-level");
    }
    const bytes = Uint8Array.from(ids as number[]);
    const text = decoder.decode(bytes);
    part = { bytes, text: bytesEqual(encoder.encode(text), bytes) ? text : null };
  }
  if (part) {
    if (part.bytes.length === 0) bad("The query is empty");
    if (part.bytes.length > maxBytes) {
      bad(`The query is ${part.bytes.length} bytes; the limit is ${maxBytes} bytes`);
    }
  }
  return part;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function parseDomains(body: Record<string, unknown>, known: readonly string[]): string[] | undefined {
  const v = body.domains;
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((d) => typeof d === "string")) bad("domains must be a list of strings");
  if (v.length === 0) bad("domains is empty: choose at least one domain");
  for (const d of v) if (!known.includes(d)) bad(`Unknown domain "${d}" (known: ${known.join(", ")})`);
  return [...new Set(v as string[])];
}

/**
 * Validates an infini-gram request body. Throws HttpError(400) naming the field on: a body that is not an
 * object, a missing or unknown index, an unknown query_type, a missing, empty, over-long or mistyped query,
 * an unknown shard `s`, a negative or mistyped rank, or an option out of its range.
 */
export function parseInfiniGramRequest(body: unknown, info: IndexInfo): InfiniGramRequest {
  if (!isObject(body)) bad("The request body must be a JSON object");
  const index = body.index ?? body.corpus;
  if (index === undefined || index === null) bad(`Missing required field: index (known: ${info.name})`);
  if (typeof index !== "string") bad("index must be a string");
  if (index !== info.name) bad(`Unknown index "${index}" (known: ${info.name})`);

  const qt = body.query_type;
  if (qt === undefined || qt === null) bad(`Missing required field: query_type (${QUERY_TYPES.join(", ")})`);
  if (typeof qt !== "string" || !(QUERY_TYPES as readonly string[]).includes(qt)) {
    bad(`Unknown query_type ${JSON.stringify(qt)} (supported: ${QUERY_TYPES.join(", ")})`);
  }
  const queryType = qt as QueryType;
  const query = parseQuery(body, info.maxQueryBytes);
  const L = INFINI_GRAM_LIMITS;

  if (queryType === "get_doc_by_rank") {
    const s = requiredInt(body, "s");
    if (s < 0 || s >= info.shards.length) {
      bad(
        `Unknown shard s=${s}: this index has ${info.shards.length} shards, s in [0, ${info.shards.length}) (${info.shards
          .map((sh, i) => `${i}=${sh.name}`)
          .join(", ")})`,
      );
    }
    const rank = requiredInt(body, "rank");
    if (rank < 0) bad(`rank must be a non-negative integer; got ${rank}`);
    return {
      queryType,
      query,
      s,
      rank,
      maxDispLen: intField(body, "max_disp_len", 1, L.maxDispLen, L.defaultDispLen),
      maxCtxLen: intField(body, "max_ctx_len", 0, L.maxCtxLen, null),
    };
  }

  if (!query) bad("Missing required field: query (a non-empty string) or query_ids");
  const domains = parseDomains(body, info.domains);
  if (queryType === "search_docs") {
    return {
      queryType,
      ...query,
      domains,
      maxnum: intField(body, "maxnum", 1, L.maxnum, L.defaultMaxnum),
      maxDispLen: intField(body, "max_disp_len", 1, L.maxDispLen, L.defaultDispLen),
      offset: intField(body, "offset", 0, Number.MAX_SAFE_INTEGER, 0),
    };
  }
  return { queryType, ...query, domains };
}

/** infini-gram's `token_ids` and `tokens` for a byte-level query. */
export function byteTokens(bytes: Uint8Array): { token_ids: number[]; tokens: string[] } {
  const token_ids = Array.from(bytes);
  const tokens = token_ids.map((b) =>
    b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`,
  );
  return { token_ids, tokens };
}

/** Shard list the responses carry so clients can name what `s` refers to. */
export function shardList(info: Pick<IndexInfo, "shards">) {
  return info.shards.map((sh, s) => ({ s, name: sh.name, domain: sh.domain, docs: sh.docs }));
}

export function countResponse(r: CountResult, info: Pick<IndexInfo, "shards">) {
  const byName = new Map(r.byShard.map((x) => [x.shard, x.count]));
  return {
    count: r.count,
    approx: false,
    count_by_domain: r.byDomain,
    count_by_shard: info.shards.map((sh) => byName.get(sh.name) ?? 0),
  };
}

export function findResponse(r: FindResult, info: Pick<IndexInfo, "shards">) {
  const segment_by_shard: [number, number][] = info.shards.map(() => [0, 0]);
  for (const seg of r.segments) segment_by_shard[seg.shard] = [seg.lo, seg.hi];
  return { cnt: r.count, approx: false, segment_by_shard, shards: shardList(info) };
}

/** A text span and the clause it matches ("0" for the query) or null, as in infini-gram's `spans`. */
export type Span = [text: string, match: string | null];

/**
 * Splits a window into spans, marking the located match and every other non-overlapping occurrence of the
 * query text in it (infini-gram marks all occurrences in the displayed document). Offsets are UTF-16.
 */
export function windowSpans(
  text: string,
  matchStart: number,
  matchEnd: number,
  query: string | null,
): Span[] {
  const marks: [number, number][] = [];
  if (matchEnd > matchStart) marks.push([matchStart, matchEnd]);
  if (query) {
    for (let i = text.indexOf(query); i >= 0; i = text.indexOf(query, i + query.length)) {
      const end = i + query.length;
      if (!marks.some(([a, b]) => i < b && a < end)) marks.push([i, end]);
    }
  }
  marks.sort((x, y) => x[0] - y[0]);
  const spans: Span[] = [];
  let at = 0;
  for (const [a, b] of marks) {
    if (a > at) spans.push([text.slice(at, a), null]);
    spans.push([text.slice(a, b), "0"]);
    at = b;
  }
  if (at < text.length || spans.length === 0) spans.push([text.slice(at), null]);
  return spans;
}

/** Bytes of context on each side of a needle so the window holds at most `maxDispLen` bytes. */
export function contextBytes(maxDispLen: number, needleLen: number, maxCtxLen: number | null): number {
  if (maxCtxLen !== null) return maxCtxLen;
  return Math.max(0, Math.floor((maxDispLen - needleLen) / 2));
}

export interface DocMeta {
  id: string;
  shard: string;
  domain: string;
  source?: string;
  license?: string;
  title?: string;
  url?: string;
  [key: string]: unknown;
}

/** One document window in infini-gram's shape (byte lengths), plus our `meta` object and the UTF-16 text. */
export function documentResponse(
  win: DocWindow,
  s: number,
  rank: number,
  info: Pick<IndexInfo, "shards">,
  query: string | null,
) {
  let before = 0;
  for (let i = 0; i < s; i++) before += info.shards[i].docs;
  const meta: DocMeta = { id: win.id, shard: win.shard, domain: win.domain, ...win.meta };
  return {
    s,
    rank,
    doc_ix: before + win.docIndex,
    doc_len: win.docBytes,
    disp_len: win.windowEnd - win.windowStart,
    /** Extension: byte offset of the displayed window in the document. */
    window_start: win.windowStart,
    needle_offset: win.matchByteStart - win.windowStart,
    needle_len: win.matchByteEnd - win.matchByteStart,
    /** infini-gram gives metadata as a JSON string; `meta` is the same as an object. */
    metadata: JSON.stringify(meta),
    meta,
    text: win.text,
    spans: windowSpans(win.text, win.matchStart, win.matchEnd, query),
    token_ids: Array.from(encoder.encode(win.text)),
  };
}

export type InfiniGramDocument = ReturnType<typeof documentResponse>;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * The occurrence shown at display position `j` (0 <= j < cnt): j * step mod cnt with step coprime to cnt
 * near cnt / golden ratio, so consecutive positions are spread over all occurrences (and hence shards and
 * documents) and every occurrence is shown exactly once as j runs over [0, cnt). Deterministic.
 */
export function displayOrder(cnt: number, j: number): number {
  if (cnt <= 1) return 0;
  let step = Math.max(1, Math.round(cnt * 0.6180339887498949));
  while (gcd(step, cnt) !== 1) step++;
  if (cnt < 94_906_265) return (j * step) % cnt; // j * step < 2^53
  return Number((BigInt(j) * BigInt(step)) % BigInt(cnt));
}

/** The shard and rank of the `k`-th occurrence, counting through the segments in order. */
export function occurrenceRank(
  segments: readonly { shard: number; lo: number; hi: number }[],
  k: number,
): { shard: number; rank: number } {
  let r = k;
  for (const seg of segments) {
    if (r < seg.hi - seg.lo) return { shard: seg.shard, rank: seg.lo + r };
    r -= seg.hi - seg.lo;
  }
  throw new RangeError(`occurrence ${k} is past the last segment`);
}

/** infini-gram's human-readable summary line for search_docs. */
export function searchMessage(cnt: number, idxs: number[]): string {
  if (cnt === 0) return "0 occurrences found";
  return `${cnt} occurrences found. Displaying the documents of occurrences #[${idxs.join(", ")}]`;
}
