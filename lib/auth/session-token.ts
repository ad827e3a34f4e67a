/**
 * Reads next-auth's session cookie (an encrypted JWT) into the signed-in user's id, without
 * `getServerSession`.
 *
 * Why: getServerSession derives the encryption key (HKDF), decrypts, runs the callbacks and then
 * re-encrypts the token to roll its expiry on every call; profiled under load that was ~0.4 ms of CPU per
 * request. Here a token is decrypted once (next-auth's own `decode`, so the format stays theirs) and its
 * payload is cached by the token string: the string is authenticated, so the same string always decodes
 * to the same payload. Expiry is still checked on every call. The expiry is rolled (a fresh cookie) at
 * most once a day per token, where the response can carry cookies (route handlers, server actions).
 */
import { decode, encode, type JWT } from "next-auth/jwt";
import { parseDbTime, type SqlRunner } from "../db/sql";
import { type PublicUser, toPublicUser } from "./accounts";

/** next-auth's cookie names (the `__Secure-` one on https deployments). */
export const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;

/** How long a session lasts after its last renewal (next-auth's maxAge). */
export const SESSION_MAX_AGE_S = 30 * 24 * 3600;
/** A token older than this is re-issued with a fresh expiry when the response can carry a cookie. */
const RENEW_AFTER_S = 24 * 3600;
const CACHE_LIMIT = 10_000;

export interface SessionToken {
  uid: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Issued at, seconds since the epoch. */
  iat: number;
  payload: JWT;
}

/** Decoded tokens by token string; null for strings that do not decode (tampered, other secret). */
const cache = new Map<string, SessionToken | null>();
/** The secrets the cached entries were decoded with (the cache is emptied when they change). */
let cacheSecret: string | undefined;

interface CookieReader {
  get(name: string): { value: string } | undefined;
  getAll(): { name: string; value: string }[];
}

/** The session token in a cookie store: whole, or in next-auth's numbered chunks (`name.0`, `name.1`, ...). */
export function sessionCookie(
  cookies: CookieReader,
): { name: string; value: string; chunked: boolean } | null {
  for (const name of SESSION_COOKIES) {
    const whole = cookies.get(name);
    if (whole?.value) return { name, value: whole.value, chunked: false };
    const chunks = cookies
      .getAll()
      .filter((c) => c.name.startsWith(`${name}.`) && /^\d+$/.test(c.name.slice(name.length + 1)))
      .sort((a, b) => Number(a.name.slice(name.length + 1)) - Number(b.name.slice(name.length + 1)));
    if (chunks.length > 0) return { name, value: chunks.map((c) => c.value).join(""), chunked: true };
  }
  return null;
}

/**
 * Decodes a token with the first of `secrets` that opens it (lib/secrets.ts's sessionSecrets: the current
 * session key, then the previous secret's, so sessions outlive a rotation until they expire); null if none does.
 */
export async function decodeWithAny(token: string, secrets: string | readonly string[]): Promise<JWT | null> {
  for (const secret of typeof secrets === "string" ? [secrets] : secrets) {
    try {
      const payload = await decode({ token, secret });
      if (payload) return payload;
    } catch {
      // Not this secret's.
    }
  }
  return null;
}

/** Decodes (or recalls) a session token; null when it is invalid or expired. */
export async function readSessionToken(
  token: string,
  secrets: string | readonly string[],
): Promise<SessionToken | null> {
  const cacheKey = typeof secrets === "string" ? secrets : secrets.join("\n");
  if (cacheKey !== cacheSecret) {
    cache.clear();
    cacheSecret = cacheKey;
  }
  let entry = cache.get(token);
  if (entry === undefined) {
    const payload = await decodeWithAny(token, secrets);
    const uid = payload?.uid;
    entry =
      payload && typeof uid === "string" && uid !== ""
        ? { uid, exp: Number(payload.exp ?? 0), iat: Number(payload.iat ?? 0), payload }
        : null;
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(token, entry);
  }
  if (!entry || entry.exp * 1000 <= Date.now()) return null;
  return entry;
}

/**
 * The session's own id (`sid`, set at sign-in and kept by every renewal, unlike `jti`), or null for
 * tokens issued before sessions carried one.
 */
function sessionId(token: SessionToken): string | null {
  const sid = token.payload.sid;
  return typeof sid === "string" && sid !== "" ? sid : null;
}

export interface SessionCookie {
  name: string;
  value: string;
  options: { httpOnly: boolean; sameSite: "lax"; path: string; secure: boolean; expires: Date };
}

/**
 * The signed-in user behind a request's cookies as the database has them now, or null (no or invalid
 * session, deleted or banned user: a ban takes effect on the next request), and a renewed cookie to send
 * when the session is more than a day old. Plain SQL, not Prisma: this runs on every signed-in request.
 */
export async function sessionUser(
  cookies: CookieReader,
  secrets: string | readonly string[],
  sql: SqlRunner,
): Promise<{ user: PublicUser; renewal: SessionCookie | null } | null> {
  const cookie = sessionCookie(cookies);
  if (!cookie) return null;
  const token = await readSessionToken(cookie.value, secrets);
  if (!token) return null;
  const [row] = await sql.all<{
    id: string;
    email: string;
    name: string | null;
    role: string;
    banned: number | boolean;
    trusted: number | boolean;
    sessionsValidFrom: unknown;
    revoked: unknown;
  }>(
    `SELECT "id", "email", "name", "role", "banned", "trusted", "sessionsValidFrom",
       (SELECT 1 FROM "RevokedSession" WHERE "sid" = ?) AS "revoked"
     FROM "User" WHERE "id" = ?`,
    [sessionId(token) ?? "", token.uid],
  );
  // A signed-out session (revokeSession) stays refused, even if its cookie was copied before the sign-out.
  if (!row || row.banned || row.revoked != null) return null;
  // Sessions from before a password change or reset are over (compared in whole seconds, like `iat`).
  if (row.sessionsValidFrom != null && token.iat < Math.floor(parseDbTime(row.sessionsValidFrom) / 1000))
    return null;
  const user = toPublicUser({
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    banned: false,
    trusted: Boolean(row.trusted),
  });
  // Chunked cookies are left to next-auth (a renewal would leave the old chunks behind).
  // Renewed under the first (current) secret, so a cookie from before a rotation moves to the new key.
  const secret = typeof secrets === "string" ? secrets : secrets[0];
  const renewal = cookie.chunked ? null : await renewedSessionCookie(cookie.name, token, secret);
  return { user, renewal };
}

/** A renewed cookie for `token` when it is more than a day old (or `force`), else null. */
export async function renewedSessionCookie(
  name: string,
  token: SessionToken,
  secret: string,
  force = false,
): Promise<SessionCookie | null> {
  const now = Math.floor(Date.now() / 1000);
  if (!force && now - token.iat < RENEW_AFTER_S) return null;
  const { exp: _exp, iat: _iat, jti: _jti, ...claims } = token.payload;
  const value = await encode({ token: claims, secret, maxAge: SESSION_MAX_AGE_S });
  return {
    name,
    value,
    options: {
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secure: name.startsWith("__Secure-"),
      expires: new Date((now + SESSION_MAX_AGE_S) * 1000),
    },
  };
}
