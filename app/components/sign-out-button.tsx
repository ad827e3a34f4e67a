"use client";

import { signOut } from "next-auth/react";

export function SignOutButton() {
  return (
    <button type="button" className="btn-secondary w-full" onClick={() => signOut({ callbackUrl: "/" })}>
      Sign out
    </button>
  );
}
