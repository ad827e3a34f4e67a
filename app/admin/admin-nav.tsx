"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/admin", label: "Accounts and keys" },
  { href: "/admin/models", label: "Models" },
  { href: "/admin/experts", label: "Experts" },
  { href: "/admin/export", label: "Export" },
  { href: "/admin/judges", label: "Judges" },
  { href: "/admin/agreement", label: "Agreement" },
  { href: "/admin/voters", label: "Voters" },
];

/** The admin section's sub-navigation (shown to admins only; see layout.tsx). */
export function AdminNav() {
  const path = usePathname();
  return (
    <nav aria-label="Admin sections" className="mb-6 border-b border-slate-200 dark:border-slate-800">
      <ul className="-mb-px flex flex-wrap gap-1 text-sm">
        {LINKS.map((l) => {
          const current = l.href === "/admin" ? path === "/admin" : path.startsWith(l.href);
          return (
            <li key={l.href}>
              <Link
                href={l.href}
                aria-current={current ? "page" : undefined}
                className={`inline-block border-b-2 px-3 py-2 ${
                  current
                    ? "border-slate-900 font-medium dark:border-slate-100"
                    : "muted border-transparent hover:border-slate-400"
                }`}
              >
                {l.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
