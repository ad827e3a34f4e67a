/** Typed errors of the trace: each carries a stable code and the HTTP status a web layer answers with. */

export type TraceErrorCode =
  | "EMPTY_TEXT"
  | "TEXT_TOO_LONG"
  | "UNKNOWN_DOMAIN"
  | "UNKNOWN_SHARD"
  | "BAD_SETTING"
  | "BAD_POSITION"
  | "SERVICE_CLOSED";

export class TraceError extends Error {
  readonly code: TraceErrorCode;
  readonly status: number;
  constructor(code: TraceErrorCode, message: string, status = 400) {
    super(message);
    this.name = "TraceError";
    this.code = code;
    this.status = status;
  }
}

export function serializeTraceError(e: unknown): {
  name: string;
  code?: string;
  status?: number;
  message: string;
} {
  if (e instanceof Error) {
    const x = e as Error & { code?: string; status?: number };
    return { name: x.name, code: x.code, status: x.status, message: x.message };
  }
  return { name: "Error", message: String(e) };
}

export function deserializeTraceError(s: {
  name: string;
  code?: string;
  status?: number;
  message: string;
}): Error {
  if (s.name === "TraceError" && s.code) return new TraceError(s.code as TraceErrorCode, s.message, s.status);
  const e = new Error(s.message) as Error & { code?: string; status?: number };
  e.name = s.name;
  if (s.code) e.code = s.code;
  if (s.status) e.status = s.status;
  return e;
}
