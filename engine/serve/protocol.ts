/**
 * The wire protocol between the app (client.ts) and `engine serve` processes (server.ts): JSON over HTTP.
 *
 *   GET  /info   -> ServerInfo: the whole index's manifest and its checksum, the shards this server holds
 *   POST /batch  {checksum, ops: WireOp[]} -> {answers: ({ok: true, result} | {ok: false, error})[]}
 *
 * Shards are named by their position in the whole index's manifest. One request carries every query a
 * server gets for one stage of the caller's work (a count over many shards, a trace stage, the windows of
 * a search), so a stage costs one round trip per server. Byte queries travel as base64.
 */

import { createHash } from "node:crypto";
import type { Manifest } from "../fm/manifest";
import type { SerializedTraceError } from "../trace/errors";

/** Bumped when the ops or the trace's stage algorithm change; client and servers must agree. */
export const PROTOCOL_VERSION = 1;

export interface ServerInfo {
  protocol: number;
  /** The index's name: its folder's name on the server (the infini-gram API's `index`). */
  name: string;
  /** sha256 of the whole index's manifest (canonical JSON): servers of one index all report the same. */
  checksum: string;
  manifest: Manifest;
  /** Manifest positions of the shards this server holds. */
  shards: number[];
}

export type WireOp =
  /** Rows of a byte query in some shards: non-empty segments [shard, lo, hi]. */
  | { op: "find"; query: string; shards: number[] }
  /** Occurrences of each byte query in some shards. */
  | { op: "countEach"; queries: string[]; shards: number[] }
  | { op: "locate"; shard: number; rank: number }
  | { op: "extract"; shard: number; pos: number; len: number }
  | { op: "docByRank"; shard: number; rank: number; needleLength?: number; maxContextBytes?: number }
  | { op: "docByPosition"; shard: number; position: number; length?: number; maxContextBytes?: number }
  | { op: "document"; shard: number; docIndex: number; maxBytes?: number }
  /** Trace step 1 on some shards (engine/trace/stages.ts's findMaximalSpans). */
  | { op: "spans"; response: string; shards: number[] }
  /** Occurrences of each term in some shards (the trace's BM25 idf). */
  | { op: "terms"; terms: string[]; shards: number[] };

export type WireAnswer = { ok: true; result: unknown } | { ok: false; error: SerializedTraceError };

export interface BatchRequest {
  checksum: string;
  ops: WireOp[];
}

/** Checksum of a manifest: sha256 of its JSON. */
export function manifestChecksum(manifest: Manifest): string {
  return createHash("sha256").update(JSON.stringify(manifest)).digest("hex");
}

export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");
export const fromBase64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "base64"));
