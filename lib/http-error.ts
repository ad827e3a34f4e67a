/**
 * The framework-free half of the HTTP helpers (lib/http.ts has the Next.js half): the error type route
 * handlers throw, how any error becomes a status and a JSON body, and JSON body parsing with a size limit.
 * The production server's fast routes (server/fast-routes.ts) use these too, so both answer alike.
 */
import { z } from "zod";
import { engineErrorStatus } from "./engine/errors";
import { log } from "./log";

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

/**
 * Server actions' body limit: next.config.js's `experimental.serverActions.bodySizeLimit` ("1mb", a test keeps
 * the two equal). Next.js enforces it while reading but answers 500; the production server answers 413 naming
 * it: for a declared length over it before Next.js reads a byte, and for an undeclared (chunked) one as soon as
 * the bytes streamed in pass it (server/fast-routes.ts, `limitStreamedBody`).
 */
export const SERVER_ACTION_BODY_LIMIT = 1024 * 1024;

/** The largest body any route accepts (a dataset import, lib/judges/datasets.ts's MAX_IMPORT_BYTES). */
export const LARGEST_BODY_LIMIT = 50 * 1024 * 1024;

/** A byte count for messages: "64 KB", "50 MB" for exact multiples of 1024, otherwise "64,000 bytes". */
export function formatBytes(n: number): string {
  for (const [unit, size] of [
    ["GB", 1024 ** 3],
    ["MB", 1024 ** 2],
    ["KB", 1024],
  ] as const) {
    if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  }
  return `${n.toLocaleString("en-US")} bytes`;
}

/**
 * A request body over its route's limit (413). The message names the limit; `limitBytes` is in the JSON
 * body too. The answer closes the connection, so the rest of the body is never read.
 */
export class BodyTooLargeError extends HttpError {
  constructor(readonly limitBytes: number) {
    super(413, `The request body is over this endpoint's limit of ${formatBytes(limitBytes)}.`, undefined);
    this.name = "BodyTooLargeError";
  }
}

/** A throttle said no (429): `retryAfterS` goes out as `Retry-After` and in the JSON body. */
export class TooManyRequestsError extends HttpError {
  constructor(
    readonly retryAfterS: number,
    message: string,
  ) {
    super(429, message);
    this.name = "TooManyRequestsError";
  }
}

/**
 * Whether `e` is a TooManyRequestsError, recognised by name and shape rather than `instanceof`: the throttle is a
 * process-wide singleton (lib/throttle.ts), so its errors may come from another bundle's copy of this class.
 */
export function isTooManyRequests(e: unknown): e is TooManyRequestsError {
  const x = e as { name?: unknown; status?: unknown; retryAfterS?: unknown } | null;
  return x?.name === "TooManyRequestsError" && x.status === 429 && typeof x.retryAfterS === "number";
}

/** The status, JSON body and extra headers for a thrown error; anything unexpected is logged and answered as a 500. */
export function errorBody(e: unknown): {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
} {
  if (isTooManyRequests(e))
    return {
      status: 429,
      body: { error: e.message, retryAfterS: e.retryAfterS },
      headers: { "retry-after": String(e.retryAfterS) },
    };
  if (e instanceof BodyTooLargeError || (e as { name?: unknown } | null)?.name === "BodyTooLargeError")
    return {
      status: 413,
      body: { error: (e as BodyTooLargeError).message, limitBytes: (e as BodyTooLargeError).limitBytes },
    };
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
  log("http").error({ err: e instanceof Error ? (e.stack ?? e.message) : String(e) }, "internal error");
  return { status: 500, body: { error: "Internal error" } };
}

/** A declared Content-Length over `maxBytes` is refused before a byte of the body is read. */
export function checkDeclaredLength(contentLength: string | null | undefined, maxBytes: number): void {
  if (contentLength != null && contentLength !== "" && Number(contentLength) > maxBytes)
    throw new BodyTooLargeError(maxBytes);
}

/**
 * Reads a web body stream as it arrives, stopping as soon as it passes `maxBytes`, so at most `maxBytes` plus
 * one chunk is ever held, whatever the sender declared (chunked bodies declare nothing). Throws
 * BodyTooLargeError. Past the limit the stream is left unread (its reader released, not cancelled:
 * cancelling would destroy the socket before the 413 is sent); the 413 closes the connection.
 */
export async function readLimited(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(chunks, size);
}

/**
 * The same for a Node.js request (the production server's fast routes): reading pauses at the limit and the
 * request is left paused; the 413 closes the connection.
 */
export function readLimitedNode(req: import("node:http").IncomingMessage, maxBytes: number): Promise<Buffer> {
  try {
    checkDeclaredLength(req.headers["content-length"], maxBytes);
  } catch (e) {
    return Promise.reject(e);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.pause();
        req.off("data", onData);
        reject(new BodyTooLargeError(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks, size)));
    req.on("error", reject);
  });
}

/** Parses a request body's text against a schema; bad input becomes a 400 or 413 with a message. */
export function parseJsonText<T extends z.ZodType>(text: string, schema: T, maxBytes: number): z.infer<T> {
  if (Buffer.byteLength(text) > maxBytes) throw new BodyTooLargeError(maxBytes);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, "The request body is not valid JSON.");
  }
  return schema.parse(body);
}
