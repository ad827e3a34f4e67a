/**
 * Typed errors of the FM-index library. Each carries a stable `code` and the HTTP status a web layer
 * should answer with, so a route handler maps them without parsing messages.
 */

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
  | "SERVICE_CLOSED";

export class FmError extends Error {
  readonly code: FmErrorCode;
  /** 4xx for errors the caller caused, 5xx for a broken installation. */
  readonly status: number;
  constructor(code: FmErrorCode, message: string, status: number) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
  }
}

/** A query the caller can fix: empty or over-long query, unknown shard or domain, rank out of range. */
export class FmQueryError extends FmError {
  constructor(code: FmErrorCode, message: string) {
    super(code, message, code === "UNKNOWN_SHARD" || code === "UNKNOWN_DOMAIN" ? 404 : 400);
  }
}

/** Malformed input data (JSONL corpus or contamination entries); names the file and line. */
export class FmInputError extends FmError {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, message: string) {
    super("BAD_INPUT", `${file}:${line}: ${message}`, 400);
    this.file = file;
    this.line = line;
  }
}

/** A missing, truncated or corrupted index file; names the file. */
export class FmIndexFileError extends FmError {
  readonly file: string;
  constructor(code: "INDEX_MISSING" | "INDEX_CORRUPT", file: string, message: string) {
    super(code, `${file}: ${message}`, 500);
    this.file = file;
  }
}

/** Plain-object form of an error, safe to post between threads and to rebuild on the other side. */
export interface SerializedFmError {
  name: string;
  code?: FmErrorCode;
  status?: number;
  message: string;
  file?: string;
  line?: number;
}

export function serializeError(e: unknown): SerializedFmError {
  if (e instanceof FmError) {
    const out: SerializedFmError = { name: e.name, code: e.code, status: e.status, message: e.message };
    if (e instanceof FmInputError) {
      out.file = e.file;
      out.line = e.line;
    } else if (e instanceof FmIndexFileError) out.file = e.file;
    return out;
  }
  return { name: "Error", message: e instanceof Error ? e.message : String(e) };
}

export function deserializeError(s: SerializedFmError): Error {
  if (s.code === undefined) return new Error(s.message);
  if (s.name === "FmInputError") {
    const e = new FmInputError(s.file ?? "", s.line ?? 0, "");
    e.message = s.message;
    return e;
  }
  if (s.name === "FmIndexFileError") {
    const e = new FmIndexFileError(s.code as "INDEX_CORRUPT", s.file ?? "", "");
    e.message = s.message;
    return e;
  }
  if (s.name === "FmQueryError") return new FmQueryError(s.code, s.message);
  return new FmError(s.code, s.message, s.status ?? 500);
}
