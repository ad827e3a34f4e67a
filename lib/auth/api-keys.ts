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

/** The owner of a live key with the scope, or null. Revoked keys and banned owners are refused. */
export async function userForApiKey(db: Db, key: string, scope: ApiKeyScope): Promise<PublicUser | null> {
  if (!key.startsWith("lmr_") || key.length > 100) return null;
  const row = await db.apiKey.findUnique({ where: { hash: hashKey(key) }, include: { user: true } });
  if (!row || row.revokedAt || row.user.banned) return null;
  if (!row.scopes.split(",").includes(scope)) return null;
  // Admin-scoped keys act with their owner's current rights: an owner demoted since loses them.
  if (scope === "admin" && row.user.role !== "admin") return null;
  await db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  return toPublicUser(row.user);
}

export async function revokeApiKey(db: Db, id: string): Promise<void> {
  await db.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
}
