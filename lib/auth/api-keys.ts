/**
 * API keys for callers outside the app (scripts, the OpenAI-compatible endpoint, exports). A key is
 * shown once at creation; only its SHA-256 hash is stored (keys are 192 random bits, so a fast hash is
 * enough: there is nothing to brute-force).
 */
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db/create";
import { type PublicUser, toPublicUser } from "./accounts";

export const API_KEY_SCOPES = ["models", "admin"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

function hashKey(key: string) {
  return createHash("sha256").update(key).digest("hex");
}

export async function createApiKey(
  db: Db,
  opts: { userId: string; name: string; scopes: ApiKeyScope[] },
): Promise<{ id: string; key: string; prefix: string }> {
  const key = `lmr_${randomBytes(24).toString("base64url")}`;
  const prefix = key.slice(0, 10);
  const row = await db.apiKey.create({
    data: { name: opts.name, prefix, hash: hashKey(key), scopes: opts.scopes.join(","), userId: opts.userId },
  });
  return { id: row.id, key, prefix };
}

/**
 * Who a bearer key belongs to, or why it is refused: `unknown` (no such key, revoked, or its owner banned:
 * answered 401 like OpenAI's API answers an invalid key) or `scope` (a live key without this scope, or an
 * admin-scoped key whose owner is no longer an admin: 403). Without a scope, any live key is accepted (the
 * public APIs count requests per key).
 */
export async function resolveApiKey(
  db: Db,
  key: string,
  scope?: ApiKeyScope,
): Promise<{ user: PublicUser; keyId: string } | { refused: "unknown" | "scope" }> {
  if (!key.startsWith("lmr_") || key.length > 100) return { refused: "unknown" };
  const row = await db.apiKey.findUnique({ where: { hash: hashKey(key) }, include: { user: true } });
  if (!row || row.revokedAt || row.user.banned) return { refused: "unknown" };
  if (scope !== undefined && !row.scopes.split(",").includes(scope)) return { refused: "scope" };
  // Admin-scoped keys act with their owner's current rights: an owner demoted since loses them.
  if (scope === "admin" && row.user.role !== "admin") return { refused: "scope" };
  await db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  return { user: toPublicUser(row.user), keyId: row.id };
}

export async function revokeApiKey(db: Db, id: string): Promise<void> {
  await db.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
}
