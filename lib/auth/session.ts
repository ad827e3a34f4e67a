import "server-only";
import { forbidden, unauthorized } from "next/navigation";
import { getServerSession } from "next-auth";
import { db } from "../db/client";
import { type PublicUser, toPublicUser } from "./accounts";
import { authOptions } from "./options";

export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
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
  const session = await getServerSession(authOptions());
  const id = session?.user?.id;
  if (!id) return null;
  const user = await db().user.findUnique({ where: { id } });
  if (!user || user.banned) return null;
  return toPublicUser(user);
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
