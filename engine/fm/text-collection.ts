/**
 * Text collection of a build: corpus records validated into documents (parseRecord), and each shard's
 * documents written as they arrive into one file in the suffix sorter's layout (ShardAccumulator), so the
 * reading thread keeps no shard text in memory.
 */

import { closeSync, openSync, writeSync, writevSync } from "node:fs";
import type { ShardInput } from "./build-shard";

/** One corpus document. `text` may be raw bytes (any byte values) when built through the library. */
export interface CorpusDoc {
  id: string;
  domain: string;
  text: string | Uint8Array;
  meta?: Record<string, unknown>;
}

/** The free slot written after each document (its separator) and at the end (the sentinel). */
const SLOT = new Uint8Array(1);

/**
 * Accumulates one shard's documents: the text goes straight to a file in the suffix sorter's layout (each
 * document followed by a free slot for its separator, then a slot for the sentinel; see ShardInput.text),
 * which the builder reads back. So the reading thread holds no shard text: the text costs page cache, not
 * memory of this process, and leaves nothing behind for the garbage collector. Metadata stays in memory.
 */
export class ShardAccumulator {
  /** Document bytes added so far (without the separator slots). */
  bytes = 0;
  lengths: number[] = [];
  meta: Uint8Array[] = [];
  metaLen = 0;
  private fd: number | null;
  constructor(
    readonly domain: string,
    readonly file: string,
  ) {
    this.fd = openSync(file, "w");
  }
  add(bytes: Uint8Array, metaJson: Uint8Array): void {
    writevSync(this.fd!, [bytes, SLOT]);
    this.bytes += bytes.length;
    this.lengths.push(bytes.length);
    this.meta.push(metaJson);
    this.metaLen += metaJson.length;
  }
  /** Closes the file (idempotent); used on failure too. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
  /** The shard, with an empty `text`: the builder reads it from `file`. */
  toInput(name: string, saRate: number, isaRate: number): ShardInput {
    writeSync(this.fd!, SLOT);
    this.close();
    const metaJson = new Uint8Array(this.metaLen);
    const metaOffsets = new Uint32Array(this.meta.length + 1);
    let off = 0;
    this.meta.forEach((m, i) => {
      metaOffsets[i] = off;
      metaJson.set(m, off);
      off += m.length;
    });
    metaOffsets[this.meta.length] = off;
    return {
      name,
      domain: this.domain,
      text: new Uint8Array(0),
      docLengths: Uint32Array.from(this.lengths),
      metaJson,
      metaOffsets,
      saRate,
      isaRate,
    };
  }
}

/** Validates one JSONL record into a document; throws a message (the caller adds file and line). */
export function parseRecord(value: unknown, fallbackId: string): CorpusDoc {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error("record is not an object");
  const r = value as Record<string, unknown>;
  if (typeof r.text !== "string") throw new Error('field "text" must be a string');
  if (r.domain !== undefined && (typeof r.domain !== "string" || r.domain === "")) {
    throw new Error('field "domain" must be a non-empty string');
  }
  if (r.id !== undefined && typeof r.id !== "string" && typeof r.id !== "number") {
    throw new Error('field "id" must be a string or number');
  }
  if (r.meta !== undefined && (typeof r.meta !== "object" || r.meta === null || Array.isArray(r.meta))) {
    throw new Error('field "meta" must be an object');
  }
  return {
    id: r.id === undefined ? fallbackId : String(r.id),
    domain: (r.domain as string | undefined) ?? "default",
    text: r.text,
    meta: r.meta as Record<string, unknown> | undefined,
  };
}
