/**
 * Accounts: sign-up, credential checks, role changes and bans. Pure data access with explicit
 * arguments; the callers (server actions, next-auth, the admin CLI) do the session checks.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db/create";
import { dummyHash, hashPassword, verifyPassword } from "./password";
import { passwordSchema, type Role, signUpSchema } from "./schemas";

export type AccountErrorCode =
  | "email_taken"
  | "invalid"
  | "banned"
  | "bad_credentials"
  | "not_found"
  | "not_allowed";

export class AccountError extends Error {
  constructor(
    readonly code: AccountErrorCode,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = "AccountError";
  }
}

export type PublicUser = {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  banned: boolean;
  trusted: boolean;
};

export function toPublicUser(u: {
  id: string;
  email: string;
  name: string | null;
  role: string;
  banned: boolean;
  trusted: boolean;
}): PublicUser {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role === "admin" ? "admin" : "researcher",
    banned: u.banned,
    trusted: u.trusted,
  };
}

/** Creates a researcher account (an admin one when the email is in ADMIN_EMAILS). */
export async function createAccount(
  db: Db,
  input: unknown,
  opts: { adminEmails?: readonly string[]; role?: Role } = {},
): Promise<PublicUser> {
  const parsed = signUpSchema.safeParse(input);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const i of parsed.error.issues) fields[String(i.path[0] ?? "form")] ??= i.message;
    throw new AccountError("invalid", "Please correct the highlighted fields.", fields);
  }
  const { email, password, name } = parsed.data;
  const role: Role = opts.role ?? (opts.adminEmails?.includes(email) ? "admin" : "researcher");
  const passwordHash = await hashPassword(password);
  try {
    const user = await db.user.create({ data: { email, name: name ?? null, passwordHash, role } });
    return toPublicUser(user);
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") {
      throw new AccountError("email_taken", "An account with this email already exists.", {
        email: "An account with this email already exists. Sign in instead?",
      });
    }
    throw e;
  }
}

/** Checks an email and password. Takes the same time whether or not the email exists. */
export async function checkCredentials(
  db: Db,
  email: string,
  password: string,
  opts: { adminEmails?: readonly string[] } = {},
): Promise<PublicUser> {
  const normalized = email.trim().toLowerCase();
  const user = await db.user.findUnique({ where: { email: normalized } });
  if (!user?.passwordHash) {
    await verifyPassword(await dummyHash(), password);
    throw new AccountError("bad_credentials", "Wrong email or password.");
  }
  if (!(await verifyPassword(user.passwordHash, password))) {
    throw new AccountError("bad_credentials", "Wrong email or password.");
  }
  if (user.banned) throw new AccountError("banned", "This account has been suspended.");
  const promote = opts.adminEmails?.includes(normalized) && user.role !== "admin";
  const updated = await db.user.update({
    where: { id: user.id },
    data: { lastSignInAt: new Date(), ...(promote ? { role: "admin" } : {}) },
  });
  return toPublicUser(updated);
}

/** Finds or creates the account for an OAuth identity; links by verified email. */
export async function upsertOAuthAccount(
  db: Db,
  identity: { provider: string; providerAccountId: string; email: string; name?: string | null },
  opts: { adminEmails?: readonly string[] } = {},
): Promise<PublicUser> {
  const email = identity.email.trim().toLowerCase();
  const linked = await db.oAuthAccount.findUnique({
    where: {
      provider_providerAccountId: {
        provider: identity.provider,
        providerAccountId: identity.providerAccountId,
      },
    },
    include: { user: true },
  });
  let user = linked?.user ?? (await db.user.findUnique({ where: { email } }));
  if (!user) {
    user = await db.user.create({
      data: {
        email,
        name: identity.name ?? null,
        role: opts.adminEmails?.includes(email) ? "admin" : "researcher",
      },
    });
  }
  if (!linked) {
    await db.oAuthAccount.create({
      data: { provider: identity.provider, providerAccountId: identity.providerAccountId, userId: user.id },
    });
  }
  if (user.banned) throw new AccountError("banned", "This account has been suspended.");
  user = await db.user.update({
    where: { id: user.id },
    data: {
      lastSignInAt: new Date(),
      ...(opts.adminEmails?.includes(email) && user.role !== "admin" ? { role: "admin" } : {}),
    },
  });
  return toPublicUser(user);
}

async function updateByEmail(
  db: Db,
  email: string,
  data: { role?: Role; banned?: boolean; trusted?: boolean },
) {
  try {
    return toPublicUser(await db.user.update({ where: { email: email.trim().toLowerCase() }, data }));
  } catch (e) {
    if ((e as { code?: string }).code === "P2025")
      throw new AccountError("not_found", `No account for ${email}.`);
    throw e;
  }
}

export const setRole = (db: Db, email: string, role: Role) => updateByEmail(db, email, { role });
export const setBanned = (db: Db, email: string, banned: boolean) => updateByEmail(db, email, { banned });
export const setTrusted = (db: Db, email: string, trusted: boolean) => updateByEmail(db, email, { trusted });

export const USER_CHANGES = ["make-admin", "make-researcher", "ban", "unban", "trust", "untrust"] as const;
export type UserChange = (typeof USER_CHANGES)[number];

/**
 * An admin's change to an account, from the Admin page. Rule: nobody bans or demotes themself (another admin
 * must), so an admin cannot lock the last admin out by mistake. The CLI, run by the operator, calls
 * setRole/setBanned directly.
 */
export async function changeUser(db: Db, actor: { email: string }, email: string, change: UserChange) {
  if (
    email.trim().toLowerCase() === actor.email.toLowerCase() &&
    (change === "ban" || change === "make-researcher")
  ) {
    throw new AccountError("not_allowed", "You cannot ban or demote yourself; ask another admin.");
  }
  if (change === "make-admin" || change === "make-researcher") {
    return setRole(db, email, change === "make-admin" ? "admin" : "researcher");
  }
  if (change === "ban" || change === "unban") return setBanned(db, email, change === "ban");
  return setTrusted(db, email, change === "trust");
}

/** How long an admin-issued password-reset link stays valid. */
export const PASSWORD_RESET_TTL_MS = 60 * 60 * 1000;

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Sets a new password and signs out every other session: sessions issued before now are refused
 * (lib/auth/session-token.ts checks `sessionsValidFrom`). Clears any pending reset link.
 */
async function setPassword(db: Db, userId: string, password: string, now: Date): Promise<void> {
  await db.user.update({
    where: { id: userId },
    data: {
      passwordHash: await hashPassword(password),
      sessionsValidFrom: now,
      passwordResetHash: null,
      passwordResetExpires: null,
    },
  });
}

/**
 * Ends every session of the user issued before `now` (lib/auth/session-token.ts checks
 * `sessionsValidFrom`); the caller reissues the current one to keep it.
 */
export async function endSessionsBefore(db: Db, userId: string, now = new Date()): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { sessionsValidFrom: now } });
}

/**
 * Signs one session out for good: its id is refused (lib/auth/session-token.ts) until `expiresAt`, when
 * its cookie would have expired anyway; rows past that are removed on the way.
 */
export async function revokeSession(db: Db, sid: string, expiresAt: Date, now = new Date()): Promise<void> {
  await db.revokedSession.upsert({ where: { sid }, create: { sid, expiresAt }, update: {} });
  await db.revokedSession.deleteMany({ where: { expiresAt: { lt: now } } });
}

/** A signed-in researcher changes their password (the current one is required). */
export async function changePassword(
  db: Db,
  userId: string,
  input: { current: string; next: string },
  now = new Date(),
): Promise<void> {
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user) throw new AccountError("not_found", "There is no such account.");
  if (!user.passwordHash)
    throw new AccountError(
      "invalid",
      "This account signs in through GitHub or your organisation; it has no password.",
    );
  if (!(await verifyPassword(user.passwordHash, input.current)))
    throw new AccountError("bad_credentials", "The current password is wrong.", {
      current: "The current password is wrong",
    });
  const parsed = passwordSchema.safeParse(input.next);
  if (!parsed.success)
    throw new AccountError("invalid", "Please correct the highlighted fields.", {
      next: parsed.error.issues[0].message,
    });
  await setPassword(db, user.id, parsed.data, now);
}

/**
 * An admin issues a one-time link for a researcher who forgot their password (there is no mail server:
 * the admin passes the link on). Only the token's SHA-256 is stored; issuing again replaces the last link.
 * Returns the token (the path is /reset-password/<token>).
 */
export async function issuePasswordReset(db: Db, email: string, now = new Date()): Promise<string> {
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user) throw new AccountError("not_found", `There is no account for ${email}.`);
  const token = randomBytes(32).toString("base64url");
  await db.user.update({
    where: { id: user.id },
    data: {
      passwordResetHash: sha256(token),
      passwordResetExpires: new Date(now.getTime() + PASSWORD_RESET_TTL_MS),
    },
  });
  return token;
}

/** The account a reset token belongs to while it is valid, else null. */
export async function passwordResetAccount(
  db: Db,
  token: string,
  now = new Date(),
): Promise<{ email: string } | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const user = await db.user.findFirst({
    where: { passwordResetHash: sha256(token), passwordResetExpires: { gt: now } },
    select: { email: true },
  });
  return user;
}

/**
 * Sets the password through a reset link; the link then stops working (one conditional update, so two
 * submissions of the same link cannot both succeed). Returns the account's email.
 */
export async function resetPassword(
  db: Db,
  token: string,
  password: string,
  now = new Date(),
): Promise<string> {
  const parsed = passwordSchema.safeParse(password);
  if (!parsed.success)
    throw new AccountError("invalid", "Please correct the highlighted fields.", {
      password: parsed.error.issues[0].message,
    });
  const invalid = new AccountError(
    "invalid",
    "This reset link is invalid or has expired. Ask an admin for a new one.",
  );
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) throw invalid;
  const hash = sha256(token);
  const user = await db.user.findFirst({
    where: { passwordResetHash: hash, passwordResetExpires: { gt: now } },
    select: { id: true, email: true },
  });
  if (!user) throw invalid;
  const { count } = await db.user.updateMany({
    where: { id: user.id, passwordResetHash: hash },
    data: {
      passwordHash: await hashPassword(parsed.data),
      sessionsValidFrom: now,
      passwordResetHash: null,
      passwordResetExpires: null,
    },
  });
  if (count === 0) throw invalid;
  return user.email;
}
