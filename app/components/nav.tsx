import Link from "next/link";
import type { PublicUser } from "@/lib/auth/accounts";
import { SignOutButton } from "./sign-out-button";
import { ThemeToggle } from "./theme-toggle";

const LINKS = [
  { href: "/arena", label: "Arena" },
  { href: "/leaderboard", label: "Leaderboard" },
  { href: "/trace", label: "Trace" },
  { href: "/search", label: "Search" },
  { href: "/playground", label: "Playground" },
  { href: "/experts", label: "Experts" },
] as const;

function NavLinks({ user }: { user: PublicUser | null }) {
  return (
    <>
      {LINKS.map((l) => (
        <Link
          key={l.href}
          href={l.href}
          className="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800"
        >
          {l.label}
        </Link>
      ))}
      {user?.role === "admin" && (
        <Link
          href="/admin"
          className="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800"
        >
          Admin
        </Link>
      )}
    </>
  );
}

function AccountMenu({ user }: { user: PublicUser | null }) {
  if (!user) {
    return (
      <div className="flex items-center gap-1 sm:gap-2">
        <Link href="/signin" className="btn-secondary">
          Sign in
        </Link>
        <Link href="/signup" className="btn-primary">
          Sign up
        </Link>
      </div>
    );
  }
  return (
    <details className="relative">
      <summary
        className="btn-secondary cursor-pointer list-none [&::-webkit-details-marker]:hidden"
        aria-label={`Account menu for ${user.email}`}
      >
        <span className="max-w-[7rem] truncate sm:max-w-[12rem]">{user.name ?? user.email}</span>
        <span aria-hidden="true">▾</span>
      </summary>
      <div className="absolute right-0 z-20 mt-2 w-64 rounded-lg border border-slate-200 bg-white p-3 shadow-lg dark:border-slate-700 dark:bg-slate-900">
        <p className="truncate text-sm font-medium">{user.email}</p>
        <p className="muted mb-3 text-xs">
          Signed in as <span data-testid="role">{user.role}</span>
        </p>
        <Link href="/account" className="btn-secondary mb-2 w-full">
          Account and password
        </Link>
        <SignOutButton />
      </div>
    </details>
  );
}

export function Nav({ user }: { user: PublicUser | null }) {
  return (
    <header className="border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-950/90">
      <div className="mx-auto flex max-w-6xl items-center gap-3 px-4 py-3">
        <Link href="/" className="mr-2 whitespace-nowrap text-base font-semibold tracking-tight">
          LM Research
        </Link>
        <nav aria-label="Main" className="hidden flex-1 items-center gap-1 md:flex">
          <NavLinks user={user} />
        </nav>
        <div className="ml-auto flex items-center gap-2 md:ml-0">
          <ThemeToggle />
          <AccountMenu user={user} />
          <details className="relative md:hidden">
            <summary className="btn-secondary cursor-pointer list-none px-2" aria-label="Open navigation">
              <span aria-hidden="true">☰</span>
            </summary>
            <nav
              aria-label="Main (mobile)"
              className="absolute right-0 z-20 mt-2 flex w-48 flex-col rounded-lg border border-slate-200 bg-white p-2 shadow-lg dark:border-slate-700 dark:bg-slate-900"
            >
              <NavLinks user={user} />
            </nav>
          </details>
        </div>
      </div>
    </header>
  );
}
