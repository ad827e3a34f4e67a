/**
 * Typed errors of the trace, each with a stable code; the web layer maps codes to HTTP statuses
 * (lib/engine/errors.ts). Errors of the index underneath (FmError) pass through unchanged.
 */

import { EngineError } from "../errors";
import { deserializeError, FmError, type SerializedFmError, serializeError } from "../fm/errors";

export type TraceErrorCode =
  | "EMPTY_TEXT"
  | "TEXT_TOO_LONG"
  | "UNKNOWN_DOMAIN"
  | "UNKNOWN_SHARD"
  | "BAD_SETTING"
  | "BAD_POSITION"
  | "SERVICE_CLOSED"
  | "SERVICE_BUSY"
  | "SERVICE_TIMEOUT"
  | "WORKER_DIED";

export class TraceError extends EngineError<TraceErrorCode> {
  constructor(code: TraceErrorCode, message: string) {
    super("TraceError", code, message);
  }
}

export type SerializedTraceError = { name: string; code?: string; message: string } | SerializedFmError;

export function serializeTraceError(e: unknown): SerializedTraceError {
  if (e instanceof FmError) return serializeError(e);
  if (e instanceof TraceError) return { name: e.name, code: e.code, message: e.message };
  return { name: "Error", message: e instanceof Error ? e.message : String(e) };
}

export function deserializeTraceError(s: SerializedTraceError): Error {
  if (s.name === "TraceError" && s.code) return new TraceError(s.code as TraceErrorCode, s.message);
  return deserializeError(s as SerializedFmError);
}
