import "server-only";
import type { z } from "zod";
import type { PublicUser } from "./auth/accounts";
import { type ApiKeyScope, resolveApiKey } from "./auth/api-keys";
import { isSameOriginRequest } from "./auth/origin";
import { AuthError, currentUser } from "./auth/session";
import { CLIENT_ADDRESS_HEADER } from "./client-address";
import { db } from "./db/client";

import { checkDeclaredLength, errorBody, HttpError, parseJsonText, readLimited } from "./http-error";

import { consume, type RuleName } from "./throttle";

export { HttpError };

export function json(body: unknown, init?: number | ResponseInit): Response {
  const opts = typeof init === "number" ? { status: init } : init;
  return Response.json(body, { ...opts, headers: { "cache-control": "no-store", ...(opts?.headers ?? {}) } });
}

export function errorResponse(e: unknown): Response {
  const { status, body, headers } = errorBody(e);
  // After a 413 the rest of the body is left unread: the connection closes instead of draining it.
  return json(body, { status, headers: { ...headers, ...(status === 413 ? { connection: "close" } : {}) } });
}

export type Access = "public" | "user" | "admin" | { apiKey: ApiKeyScope; orSession?: "user" | "admin" };

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * A write that a session cookie would authenticate must come from this app's own pages (lib/auth/origin.ts):
 * a cross-site one is refused before the session is read. Writes authenticated by an API key are not checked
 * (a browser never sends one by itself).
 */
function checkSameOrigin(req: Request): void {
  if (WRITES.has(req.method) && !isSameOriginRequest(req.headers))
    throw new AuthError(
      403,
      "Cross-site request refused: this endpoint only accepts writes from this app's own pages.",
      "cross_site",
    );
}

/** Resolves who is calling: a session user, or the owner of a bearer API key. Throws AuthError. */
export async function authorize(req: Request, access: Access): Promise<PublicUser | null> {
  if (access === "public") {
    if (!WRITES.has(req.method)) return currentUser();
    // A public write does not act as the session's user when it comes from another site.
    return isSameOriginRequest(req.headers) ? currentUser() : null;
  }
  if (access === "user" || access === "admin") {
    checkSameOrigin(req);
    const user = await currentUser();
    if (!user) throw new AuthError(401, "Sign in to continue.");
    if (access === "admin" && user.role !== "admin") throw new AuthError(403, "Only admins can do this.");
    return user;
  }
  const header = req.headers.get("authorization") ?? "";
  const bearer = header.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) {
    const found = await resolveApiKey(db(), bearer, access.apiKey);
    if ("user" in found) return found.user;
    if (found.refused === "unknown")
      throw new AuthError(401, "Incorrect API key provided: unknown or revoked.", "invalid_api_key");
    throw new AuthError(
      403,
      "This API key does not have the scope this endpoint needs.",
      "insufficient_scope",
    );
  }
  if (access.orSession) {
    checkSameOrigin(req);
    const user = await currentUser();
    if (user && (access.orSession === "user" || user.role === "admin")) return user;
    if (user) throw new AuthError(403, "Only admins can do this.");
  }
  throw new AuthError(401, "Send an API key as `Authorization: Bearer <key>`.");
}

/**
 * A request body's bytes, read as they stream in and refused with a 413 naming the limit as soon as they pass
 * `maxBytes` (declared by Content-Length or not): nothing past the limit is read or held. Every route handler
 * reads its body through this (or readText/readJson).
 */
export async function readBody(req: Request, maxBytes: number): Promise<Buffer> {
  checkDeclaredLength(req.headers.get("content-length"), maxBytes);
  return readLimited(req.body, maxBytes);
}

/** readBody as UTF-8 text. */
export async function readText(req: Request, maxBytes: number): Promise<string> {
  return (await readBody(req, maxBytes)).toString("utf8");
}

/** Parses a JSON body with a size limit and a schema; bad input becomes a 400 or 413 with a message. */
export async function readJson<T extends z.ZodType>(
  req: Request,
  schema: T,
  maxBytes = 1_000_000,
): Promise<z.infer<T>> {
  return parseJsonText(await readText(req, maxBytes), schema, maxBytes);
}

/** The address the production server saw the request come from (lib/client-address.ts; TRUST_PROXY). */
export function requestAddress(headers: { get(name: string): string | null }): string {
  return headers.get(CLIENT_ADDRESS_HEADER) ?? "unknown";
}

/**
 * Who a public API counts a request against: the API key it carries (any live key; an unknown one is a 401),
 * else the signed-in user, else the client's address.
 */
export async function callerSubject(req: Request, user: PublicUser | null): Promise<string> {
  const bearer = (req.headers.get("authorization") ?? "").match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) {
    const found = await resolveApiKey(db(), bearer);
    if (!("user" in found))
      throw new AuthError(401, "Incorrect API key provided: unknown or revoked.", "invalid_api_key");
    return `key:${found.keyId}`;
  }
  return user ? `user:${user.id}` : `addr:${requestAddress(req.headers)}`;
}

/**
 * Wraps a route handler: checks access first (every handler does, not only middleware), then the throttles
 * named in `opts.throttle` (lib/throttle.ts; counted per callerSubject, before the body is read), then maps
 * thrown errors to JSON responses with the right status.
 */
export function handler<C = unknown>(
  access: Access,
  fn: (req: Request, ctx: { user: PublicUser | null; params: C }) => Promise<Response>,
  opts: { throttle?: RuleName[] } = {},
) {
  return async (req: Request, ctx: { params: Promise<C> }): Promise<Response> => {
    try {
      const user = await authorize(req, access);
      if (opts.throttle?.length) {
        const subject = await callerSubject(req, user);
        for (const rule of opts.throttle) await consume(rule, subject);
      }
      return await fn(req, { user, params: await ctx.params });
    } catch (e) {
      return errorResponse(e);
    }
  };
}
