/**
 * The framework-free half of the HTTP helpers (lib/http.ts has the Next.js half): the error type route
 * handlers throw, how any error becomes a status and a JSON body, and JSON body parsing with a size limit.
 * The production server's fast routes (server/fast-routes.ts) use these too, so both answer alike.
 */
import { z } from "zod";
import { engineErrorStatus } from "./engine/errors";

/** An error a caller caused: route handlers turn it into a JSON `{error}` with this status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** The status and JSON body for a thrown error; anything unexpected is logged and answered as a 500. */
export function errorBody(e: unknown): { status: number; body: Record<string, unknown> } {
  if (e instanceof HttpError)
    return { status: e.status, body: { error: e.message, ...(e.details ? { details: e.details } : {}) } };
  if (e instanceof z.ZodError) {
    return {
      status: 400,
      body: {
        error: "Invalid request",
        details: e.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
      },
    };
  }
  // Engine errors carry codes (mapped here); auth and library errors a `status` when the caller caused them.
  // An engine's 503 (shard servers down, service closed) names what is unavailable, so it is shown too.
  const engine = engineErrorStatus(e);
  const status = engine ?? (e as { status?: unknown }).status;
  if (typeof status === "number" && ((status >= 400 && status < 500) || engine === 503)) {
    const code = (e as { code?: unknown }).code;
    return { status, body: { error: (e as Error).message, ...(code === undefined ? {} : { code }) } };
  }
  console.error(e);
  return { status: 500, body: { error: "Internal error" } };
}

/** Parses a request body's text against a schema; bad input becomes a 400 or 413 with a message. */
export function parseJsonText<T extends z.ZodType>(text: string, schema: T, maxBytes: number): z.infer<T> {
  if (Buffer.byteLength(text) > maxBytes)
    throw new HttpError(413, `The request body is over ${maxBytes} bytes.`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, "The request body is not valid JSON.");
  }
  return schema.parse(body);
}
