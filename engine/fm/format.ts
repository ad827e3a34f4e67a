/**
 * On-disk layout of one shard file (`*.fmi`), format version FORMAT_VERSION:
 *
 *   bytes 0..8    magic "FMIXSHRD"
 *   bytes 8..12   format version (u32 little endian)
 *   bytes 12..16  header length L (u32)
 *   bytes 16..20  CRC-32 of the header (u32)
 *   bytes 20..24  reserved (0)
 *   bytes 24..24+L  header: UTF-8 JSON {meta, sections:[{name, type, offset, length, crc32}]}
 *   then each section at an 8-byte aligned offset, in the order listed.
 *
 * Writing and reading go through one section list, so they stay symmetric, and the writer reports the
 * size of every section (the index's size breakdown). Every section is checked (bounds and CRC-32) on load;
 * a truncated or corrupted file is refused with an error naming it.
 */

import { crc32 } from "node:zlib";
import { FmIndexFileError } from "./errors";

export const MAGIC = "FMIXSHRD";
/**
 * Version 3: pure RRR superblocks (all blocks all zeros or all ones) live in their directory entry, with
 * no stream region (engine/fm/rrr.ts). Version 2 indexes must be rebuilt.
 */
export const FORMAT_VERSION = 3;

/** Why an index of another format version cannot be read, and how to get one that can. */
export function versionMismatch(version: unknown): string {
  return (
    `format version ${version}, this program reads version ${FORMAT_VERSION}; rebuild the index with ` +
    "`npm run -s engine -- index build --input CORPUS.jsonl --out DIR` (the default index: `npm run setup:data`)"
  );
}
const PREFIX = 24;

export type SectionArray = Uint8Array | Uint32Array | Int32Array | Float64Array;
type SectionType = "u8" | "u32" | "i32" | "f64";

export interface SectionEntry {
  name: string;
  type: SectionType;
  offset: number;
  length: number;
  crc32: number;
}

const align8 = (x: number) => (x + 7) & ~7;

function typeOf(a: SectionArray): SectionType {
  if (a instanceof Uint8Array) return "u8";
  if (a instanceof Uint32Array) return "u32";
  if (a instanceof Int32Array) return "i32";
  return "f64";
}

function bytesOf(a: SectionArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * Serializes `meta` and named sections into one buffer. Time and space O(total size).
 * Returns the file bytes and the byte size of each section.
 */
export function encodeFile(
  meta: unknown,
  sections: Record<string, SectionArray>,
): { bytes: Uint8Array; sizes: Record<string, number> } {
  const names = Object.keys(sections);
  const layout = (headerLen: number): SectionEntry[] => {
    let off = align8(PREFIX + headerLen);
    return names.map((name) => {
      const a = sections[name];
      const e = { name, type: typeOf(a), offset: off, length: a.length, crc32: crc32(bytesOf(a)) };
      off = align8(off + a.byteLength);
      return e;
    });
  };
  const encoder = new TextEncoder();
  // Offsets depend on the header length: reserve room for every offset's digits, then pad with spaces.
  const draft = encoder.encode(JSON.stringify({ meta, sections: layout(0) }));
  const headerLen = align8(draft.length + 16 * names.length + 16);
  const entries = layout(headerLen);
  const json = encoder.encode(JSON.stringify({ meta, sections: entries }));
  if (json.length > headerLen) throw new Error("index header overflow");
  const headerBytes = new Uint8Array(headerLen).fill(0x20);
  headerBytes.set(json);
  const last = entries[entries.length - 1];
  const total = last ? align8(last.offset + sections[last.name].byteLength) : align8(PREFIX + headerLen);
  const out = new Uint8Array(total);
  new TextEncoder().encodeInto(MAGIC, out);
  const dv = new DataView(out.buffer);
  dv.setUint32(8, FORMAT_VERSION, true);
  dv.setUint32(12, headerBytes.length, true);
  dv.setUint32(16, crc32(headerBytes), true);
  out.set(headerBytes, PREFIX);
  const sizes: Record<string, number> = { header: align8(PREFIX + headerBytes.length) };
  for (const e of entries) {
    out.set(bytesOf(sections[e.name]), e.offset);
    sizes[e.name] = sections[e.name].byteLength;
  }
  return { bytes: out, sizes };
}

export interface DecodedFile {
  meta: unknown;
  sections: Record<string, SectionArray>;
}

/**
 * Parses a file produced by `encodeFile`, returning views into `bytes` (no copy; works on a
 * SharedArrayBuffer). `verify` checks every section's CRC-32 (O(size)); bounds are always checked.
 * pre: `bytes.byteOffset` is a multiple of 8.
 */
export function decodeFile(file: string, bytes: Uint8Array, verify: boolean): DecodedFile {
  const bad = (msg: string) => new FmIndexFileError("INDEX_CORRUPT", file, msg);
  if (bytes.length < PREFIX) throw bad(`truncated (${bytes.length} bytes, not an index shard)`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== MAGIC) throw bad("not an FM-index shard (bad magic header)");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(8, true);
  if (version !== FORMAT_VERSION) {
    throw bad(versionMismatch(version));
  }
  const headerLen = dv.getUint32(12, true);
  if (PREFIX + headerLen > bytes.length) throw bad("truncated inside the header");
  const headerBytes = bytes.subarray(PREFIX, PREFIX + headerLen);
  if (crc32(headerBytes) !== dv.getUint32(16, true)) throw bad("header checksum mismatch (corrupted)");
  let header: { meta: unknown; sections: SectionEntry[] };
  try {
    header = JSON.parse(new TextDecoder().decode(headerBytes));
  } catch {
    throw bad("header is not valid JSON (corrupted)");
  }
  const sections: Record<string, SectionArray> = {};
  for (const e of header.sections) {
    const width = e.type === "u8" ? 1 : e.type === "f64" ? 8 : 4;
    const end = e.offset + e.length * width;
    if (end > bytes.length)
      throw bad(`truncated: section ${e.name} ends at byte ${end}, file has ${bytes.length}`);
    const raw = bytes.subarray(e.offset, end);
    if (verify && crc32(raw) !== e.crc32) throw bad(`section ${e.name} checksum mismatch (corrupted)`);
    const abs = bytes.byteOffset + e.offset;
    sections[e.name] =
      e.type === "u8"
        ? raw
        : e.type === "u32"
          ? new Uint32Array(bytes.buffer, abs, e.length)
          : e.type === "i32"
            ? new Int32Array(bytes.buffer, abs, e.length)
            : new Float64Array(bytes.buffer, abs, e.length);
  }
  return { meta: header.meta, sections };
}
