/**
 * Extracting documents from one shard (the FM-index's "extract", Ferragina & Manzini 2000): a window of a
 * document around a match, or a whole document, reconstructed from the BWT and decoded as UTF-8 without
 * cutting a character. t = ISA sampling rate (64), H = average Huffman code length of the BWT.
 */

import { FmQueryError } from "./errors";
import type { FmShard } from "./shard";

/** Which document: its shard and domain, its index in the shard, its id and metadata. */
export interface DocumentRef {
  shard: string;
  domain: string;
  docIndex: number;
  id: string;
  meta: Record<string, unknown>;
}

/** A window of a document around a match. */
export interface DocWindow extends DocumentRef {
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

export interface DocumentResult extends DocumentRef {
  text: string;
  docBytes: number;
  /** True when only the first `maxBytes` were returned. */
  truncated: boolean;
}

const decoder = new TextDecoder();

function documentRef(s: FmShard, docIndex: number): DocumentRef {
  const info = s.docInfo(docIndex);
  return { shard: s.name, domain: s.domain, docIndex, id: info.id, meta: info.meta };
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

/**
 * The document holding text position `position` of shard `s`, as a window of at most `maxContextBytes` on
 * each side of the match of `length` bytes there. Time O((length + 2 ctx + t) H).
 */
export function docWindow(
  s: FmShard,
  position: number,
  opts: { length?: number; maxContextBytes?: number } = {},
): DocWindow {
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
  return {
    ...documentRef(s, docIndex),
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

/** A whole document of shard `s` (or its first `maxBytes`). Time O((len + t) H). */
export function wholeDocument(
  s: FmShard,
  docIndex: number,
  opts: { maxBytes?: number } = {},
): DocumentResult {
  const { start, length } = s.docSpan(docIndex);
  const take = Math.min(length, opts.maxBytes ?? length);
  const raw = s.extract(start, take);
  const [, e] = take < length ? utf8Trim(raw, 0, 0) : [0, take];
  return {
    ...documentRef(s, docIndex),
    text: decoder.decode(raw.subarray(0, e)),
    docBytes: length,
    truncated: take < length,
  };
}

/** Raw bytes of a whole document of shard `s`. Time O((len + t) H). */
export function documentBytes(s: FmShard, docIndex: number): Uint8Array {
  const { start, length } = s.docSpan(docIndex);
  return s.extract(start, length);
}
