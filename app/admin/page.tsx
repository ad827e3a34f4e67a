import type { Metadata } from "next";
import Link from "next/link";
import { requirePageUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { DataRow, DataTable } from "../components/data-table";
import { ApiKeyForm, RevokeKeyButton, UserActions } from "./admin-forms";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  const admin = await requirePageUser("admin");
  const [users, keys, userCount] = await Promise.all([
    db().user.findMany({
      orderBy: { createdAt: "desc" },
      take: 200,
      select: {
        id: true,
        email: true,
        name: true,
        role: true,
        banned: true,
        trusted: true,
        createdAt: true,
        passwordHash: true,
      },
    }),
    db().apiKey.findMany({
      where: { revokedAt: null },
      orderBy: { createdAt: "desc" },
      select: {
        id: true,
        name: true,
        prefix: true,
        scopes: true,
        createdAt: true,
        lastUsedAt: true,
        user: { select: { email: true } },
      },
    }),
    db().user.count(),
  ]);
  return (
    <div className="space-y-10">
      <div>
        <h1 className="text-2xl font-semibold">Admin</h1>
        <p className="muted mt-1 text-sm">
          Accounts, roles and API keys. Arena models, the vote cap and the paper collection are on{" "}
          <Link href="/admin/models" className="underline">
            Models and literature
          </Link>
          .
        </p>
      </div>

      <section aria-labelledby="users-heading" className="space-y-3">
        <h2 id="users-heading" className="text-lg font-semibold">
          Accounts <span className="muted text-sm font-normal">({userCount})</span>
        </h2>
        <DataTable columns={["Email", "Role", "Status", "Joined", "Actions"]}>
          {users.map((u) => (
            <DataRow key={u.id}>
              <td className="max-w-[16rem] truncate px-3 py-2" title={u.email}>
                {u.email}
                {u.name && <span className="muted block text-xs">{u.name}</span>}
              </td>
              <td className="px-3 py-2">{u.role}</td>
              <td className="px-3 py-2">
                {u.banned ? <span className="text-red-700 dark:text-red-400">banned</span> : "active"}
                {u.trusted && <span className="ml-2 text-emerald-700 dark:text-emerald-400">trusted</span>}
              </td>
              <td className="px-3 py-2 whitespace-nowrap">{u.createdAt.toISOString().slice(0, 10)}</td>
              <td className="px-3 py-2">
                <UserActions
                  email={u.email}
                  role={u.role}
                  banned={u.banned}
                  trusted={u.trusted}
                  self={u.id === admin.id}
                  hasPassword={u.passwordHash !== null}
                />
              </td>
            </DataRow>
          ))}
        </DataTable>
      </section>

      <section aria-labelledby="keys-heading" className="space-y-3">
        <h2 id="keys-heading" className="text-lg font-semibold">
          API keys
        </h2>
        <p className="muted text-sm">
          Keys let scripts call the model API (<code>models</code>) or the admin API (<code>admin</code>).
          Only a hash is stored.
        </p>
        <ApiKeyForm />
        {keys.length === 0 ? (
          <p className="muted text-sm">No active keys.</p>
        ) : (
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
            {keys.map((k) => (
              <li key={k.id} className="flex flex-wrap items-center gap-3 px-3 py-2 text-sm">
                <span className="font-medium">{k.name}</span>
                <code className="muted">{k.prefix}…</code>
                <span className="muted">scopes: {k.scopes}</span>
                <span className="muted">by {k.user.email}</span>
                <span className="muted">
                  last used:{" "}
                  {k.lastUsedAt ? k.lastUsedAt.toISOString().slice(0, 16).replace("T", " ") : "never"}
                </span>
                <span className="ml-auto">
                  <RevokeKeyButton id={k.id} name={k.name} />
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
