/**
 * Typed errors of the FM-index library. Each carries a stable `code`; the engine knows no HTTP, so the web
 * layer maps codes to statuses (lib/engine/errors.ts), as it does for engine/moe and engine/trace.
 */

import { EngineError } from "../errors";

export type FmErrorCode =
  | "EMPTY_QUERY"
  | "QUERY_TOO_LONG"
  | "UNKNOWN_SHARD"
  | "UNKNOWN_DOMAIN"
  | "RANK_OUT_OF_RANGE"
  | "POSITION_OUT_OF_RANGE"
  | "DOC_OUT_OF_RANGE"
  | "BAD_ARGUMENT"
  | "BAD_INPUT"
  | "INDEX_MISSING"
  | "INDEX_CORRUPT"
  /** Shard servers that disagree on the index (a different manifest), or parts of different builds. */
  | "INDEX_MISMATCH"
  /** No server holding some of the shards answered in time (names the servers and shards). */
  | "SHARDS_UNAVAILABLE"
  | "SERVICE_CLOSED"
  /** The worker pool's own failures (engine/worker-pool.ts): queue full, no reply in time, thread died. */
  | "SERVICE_BUSY"
  | "SERVICE_TIMEOUT"
  | "WORKER_DIED";

/** An error of the index; subclasses say what kind (names spelled out: see engine/errors.ts). */
export class FmError extends EngineError<FmErrorCode> {
  constructor(code: FmErrorCode, message: string) {
    super("FmError", code, message);
  }
}

/** A query the caller can fix: empty or over-long query, unknown shard or domain, rank out of range. */
export class FmQueryError extends FmError {
  constructor(code: FmErrorCode, message: string) {
    super(code, message);
    this.name = "FmQueryError";
  }
}

/** A bad command or library call: wrong option value, index parts that do not belong together. */
export class FmUsageError extends FmError {
  constructor(message: string, code: FmErrorCode = "BAD_ARGUMENT") {
    super(code, message);
    this.name = "FmUsageError";
  }
}

/** Malformed input data (JSONL corpus or contamination entries); names the file and line. */
export class FmInputError extends FmError {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, message: string) {
    super("BAD_INPUT", `${file}:${line}: ${message}`);
    this.name = "FmInputError";
    this.file = file;
    this.line = line;
  }
}

/** A missing, truncated or corrupted index file; names the file. */
export class FmIndexFileError extends FmError {
  readonly file: string;
  constructor(code: "INDEX_MISSING" | "INDEX_CORRUPT" | "INDEX_MISMATCH", file: string, message: string) {
    super(code, `${file}: ${message}`);
    this.name = "FmIndexFileError";
    this.file = file;
  }
}

/** Shards no server could answer for: which servers were tried and which shards they hold. */
export class FmUnavailableError extends FmError {
  readonly servers: string[];
  readonly shards: string[];
  constructor(message: string, servers: string[], shards: string[]) {
    super("SHARDS_UNAVAILABLE", message);
    this.name = "FmUnavailableError";
    this.servers = servers;
    this.shards = shards;
  }
}

/** Plain-object form of an error, safe to post between threads (or over HTTP) and to rebuild on the other side. */
export interface SerializedFmError {
  name: string;
  code?: FmErrorCode;
  message: string;
  file?: string;
  line?: number;
  servers?: string[];
  shards?: string[];
}

export function serializeError(e: unknown): SerializedFmError {
  if (e instanceof FmError) {
    const out: SerializedFmError = { name: e.name, code: e.code, message: e.message };
    if (e instanceof FmInputError) {
      out.file = e.file;
      out.line = e.line;
    } else if (e instanceof FmIndexFileError) out.file = e.file;
    else if (e instanceof FmUnavailableError) {
      out.servers = e.servers;
      out.shards = e.shards;
    }
    return out;
  }
  return { name: "Error", message: e instanceof Error ? e.message : String(e) };
}

export function deserializeError(s: SerializedFmError): Error {
  if (s.code === undefined) return new Error(s.message);
  let e: FmError;
  if (s.name === "FmInputError") e = new FmInputError(s.file ?? "", s.line ?? 0, "");
  else if (s.name === "FmIndexFileError")
    e = new FmIndexFileError(s.code as "INDEX_CORRUPT", s.file ?? "", "");
  else if (s.name === "FmUnavailableError") e = new FmUnavailableError("", s.servers ?? [], s.shards ?? []);
  else if (s.name === "FmQueryError") e = new FmQueryError(s.code, "");
  else if (s.name === "FmUsageError") e = new FmUsageError("", s.code);
  else e = new FmError(s.code, "");
  e.message = s.message;
  return e;
}
