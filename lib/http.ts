import "server-only";
import type { z } from "zod";
import type { PublicUser } from "./auth/accounts";
import { type ApiKeyScope, userForApiKey } from "./auth/api-keys";
import { AuthError, currentUser } from "./auth/session";
import { db } from "./db/client";

import { errorBody, HttpError, parseJsonText } from "./http-error";

export { HttpError };

export function json(body: unknown, init?: number | ResponseInit): Response {
  const opts = typeof init === "number" ? { status: init } : init;
  return Response.json(body, { ...opts, headers: { "cache-control": "no-store", ...(opts?.headers ?? {}) } });
}

export function errorResponse(e: unknown): Response {
  const { status, body } = errorBody(e);
  return json(body, status);
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

/** A request body's text, refused with a 413 when its declared length is over `maxBytes`. */
export async function readText(req: Request, maxBytes: number): Promise<string> {
  const length = Number(req.headers.get("content-length") ?? "0");
  if (length > maxBytes) throw new HttpError(413, `The request body is over ${maxBytes} bytes.`);
  return req.text();
}

/** Parses a JSON body with a size limit and a schema; bad input becomes a 400 or 413 with a message. */
export async function readJson<T extends z.ZodType>(
  req: Request,
  schema: T,
  maxBytes = 1_000_000,
): Promise<z.infer<T>> {
  return parseJsonText(await readText(req, maxBytes), schema, maxBytes);
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
