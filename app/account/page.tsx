import type { Metadata } from "next";
import { requirePageUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { PasswordForm } from "./password-form";
import { SessionsForm } from "./sessions-form";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const user = await requirePageUser();
  const row = await db().user.findUniqueOrThrow({
    where: { id: user.id },
    select: { passwordHash: true, createdAt: true, accounts: { select: { provider: true } } },
  });
  const providers = [...new Set(row.accounts.map((a) => a.provider))];
  return (
    <div className="mx-auto max-w-lg space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">Account</h1>
        <dl className="mt-4 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="muted">Email</dt>
          <dd className="truncate" title={user.email}>
            {user.email}
          </dd>
          <dt className="muted">Name</dt>
          <dd>{user.name ?? <span className="muted">not given</span>}</dd>
          <dt className="muted">Role</dt>
          <dd>
            {user.role}
            {user.trusted && <span className="ml-2 text-emerald-700 dark:text-emerald-400">trusted</span>}
          </dd>
          <dt className="muted">Joined</dt>
          <dd>{row.createdAt.toISOString().slice(0, 10)}</dd>
          {providers.length > 0 && (
            <>
              <dt className="muted">Signs in with</dt>
              <dd>{providers.join(", ")}</dd>
            </>
          )}
        </dl>
      </div>
      <section aria-labelledby="password-heading" className="space-y-3">
        <h2 id="password-heading" className="text-lg font-semibold">
          Password
        </h2>
        {row.passwordHash ? (
          <>
            <p className="muted text-sm">
              Changing your password signs you out everywhere else. Forgot it? An admin can give you a reset
              link.
            </p>
            <PasswordForm />
          </>
        ) : (
          <p className="muted text-sm">
            This account signs in through {providers.join(", ") || "an external provider"} and has no
            password.
          </p>
        )}
      </section>
      <section aria-labelledby="sessions-heading" className="space-y-3">
        <h2 id="sessions-heading" className="text-lg font-semibold">
          Sessions
        </h2>
        <SessionsForm />
      </section>
    </div>
  );
}
