/**
 * Accounts: sign-up, credential checks, role changes and bans. Pure data access with explicit
 * arguments; the callers (server actions, next-auth, the admin CLI) do the session checks.
 */
import type { Db } from "../db/create";
import { dummyHash, hashPassword, verifyPassword } from "./password";
import { type Role, signUpSchema } from "./schemas";

export type AccountErrorCode = "email_taken" | "invalid" | "banned" | "bad_credentials" | "not_found";

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
