import "server-only";
import { z } from "zod";
import type { PublicUser } from "./auth/accounts";
import { type ApiKeyScope, userForApiKey } from "./auth/api-keys";
import { AuthError, currentUser } from "./auth/session";
import { db } from "./db/client";

import { HttpError } from "./http-error";

export { HttpError };

export function json(body: unknown, init?: number | ResponseInit): Response {
  const opts = typeof init === "number" ? { status: init } : init;
  return Response.json(body, { ...opts, headers: { "cache-control": "no-store", ...(opts?.headers ?? {}) } });
}

export function errorResponse(e: unknown): Response {
  if (e instanceof HttpError)
    return json({ error: e.message, ...(e.details ? { details: e.details } : {}) }, e.status);
  if (e instanceof AuthError) return json({ error: e.message }, e.status);
  if (e instanceof z.ZodError) {
    return json(
      {
        error: "Invalid request",
        details: e.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
      },
      400,
    );
  }
  // Engine and library errors carry a `status` (4xx) when the caller caused them.
  const status = (e as { status?: unknown }).status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return json({ error: (e as Error).message, code: (e as { code?: string }).code }, status);
  }
  console.error(e);
  return json({ error: "Internal error" }, 500);
}

export type Access = "public" | "user" | "admin" | { apiKey: ApiKeyScope; orSession?: "user" | "admin" };

/** Resolves who is calling: a session user, or the owner of a bearer API key. Throws AuthError. */
export async function authorize(req: Request, access: Access): Promise<PublicUser | null> {
  if (access === "public") return currentUser();
  if (access === "user" || access === "admin") {
    const user = await currentUser();
    if (!user) throw new AuthError(401, "Sign in to continue.");
    if (access === "admin" && user.role !== "admin") throw new AuthError(403, "Only admins can do this.");
    return user;
  }
  const header = req.headers.get("authorization") ?? "";
  const bearer = header.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) {
    const user = await userForApiKey(db(), bearer, access.apiKey);
    if (!user) throw new AuthError(403, "This API key is not valid for this endpoint.");
    return user;
  }
  if (access.orSession) {
    const user = await currentUser();
    if (user && (access.orSession === "user" || user.role === "admin")) return user;
    if (user) throw new AuthError(403, "Only admins can do this.");
  }
  throw new AuthError(401, "Send an API key as `Authorization: Bearer <key>`.");
}

/** Parses a JSON body with a size limit and a schema; bad input becomes a 400 or 413 with a message. */
export async function readJson<T extends z.ZodType>(
  req: Request,
  schema: T,
  maxBytes = 1_000_000,
): Promise<z.infer<T>> {
  const length = Number(req.headers.get("content-length") ?? "0");
  if (length > maxBytes) throw new HttpError(413, `The request body is over ${maxBytes} bytes.`);
  const text = await req.text();
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

/**
 * Wraps a route handler: checks access first (every handler does, not only middleware), then maps
 * thrown errors to JSON responses with the right status.
 */
export function handler<C = unknown>(
  access: Access,
  fn: (req: Request, ctx: { user: PublicUser | null; params: C }) => Promise<Response>,
) {
  return async (req: Request, ctx: { params: Promise<C> }): Promise<Response> => {
    try {
      const user = await authorize(req, access);
      return await fn(req, { user, params: await ctx.params });
    } catch (e) {
      return errorResponse(e);
    }
  };
}
