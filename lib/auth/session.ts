import "server-only";
import { cookies } from "next/headers";
import { forbidden, unauthorized } from "next/navigation";
import { sql } from "../db/client";
import { sessionSecrets } from "../secrets";
import type { PublicUser } from "./accounts";
import { readSessionToken, renewedSessionCookie, sessionCookie, sessionUser } from "./session-token";

export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
    /** A machine-readable reason where one helps callers (e.g. "invalid_api_key", "cross_site"). */
    readonly code?: string,
  ) {
    super(message);
    this.name = "AuthError";
  }
}

/**
 * The signed-in user as the database has them now, or null. A session whose user was deleted or
 * banned counts as signed out, so a ban takes effect on the user's next request.
 */
export async function currentUser(): Promise<PublicUser | null> {
  const store = await cookies();
  const session = await sessionUser(store, sessionSecrets(), sql());
  if (!session) return null;
  if (session.renewal) {
    try {
      store.set(session.renewal.name, session.renewal.value, session.renewal.options);
    } catch {
      // Rendering a page cannot set cookies; the next route handler or server action renews it.
    }
  }
  return session.user;
}

/**
 * Issues this request's session afresh (a new `iat`), for server actions that just ended every older
 * session (a password change) but should keep the person who made it signed in.
 */
export async function reissueSession(): Promise<void> {
  const store = await cookies();
  const cookie = sessionCookie(store);
  if (!cookie) return;
  const secrets = sessionSecrets();
  const token = await readSessionToken(cookie.value, secrets);
  if (!token) return;
  const renewed = await renewedSessionCookie(cookie.name, token, secrets[0], true);
  if (renewed) store.set(renewed.name, renewed.value, renewed.options);
}

/** For server actions and route handlers: the user, or an AuthError (401 signed out, 403 wrong role). */
export async function requireUser(role?: "admin"): Promise<PublicUser> {
  const user = await currentUser();
  if (!user) throw new AuthError(401, "Sign in to continue.");
  if (role === "admin" && user.role !== "admin") throw new AuthError(403, "Only admins can do this.");
  return user;
}

/** For pages: renders the 401 page when signed out and the 403 page when the role is wrong. */
export async function requirePageUser(role?: "admin"): Promise<PublicUser> {
  const user = await currentUser();
  if (!user) unauthorized();
  if (role === "admin" && user.role !== "admin") forbidden();
  return user;
}
