"use server";

import type { FormState } from "@/lib/actions";
import { AccountError, createAccount } from "@/lib/auth/accounts";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";

/** Public by design (anyone may sign up); everything else it needs is validated in createAccount. */
export async function signUpAction(_prev: FormState | undefined, formData: FormData): Promise<FormState> {
  if (await currentUser()) return { ok: false, message: "You are already signed in." };
  const input = {
    name: formData.get("name") ?? undefined,
    email: formData.get("email") ?? "",
    password: formData.get("password") ?? "",
  };
  const confirm = formData.get("confirm");
  if (typeof confirm === "string" && confirm !== input.password) {
    return {
      ok: false,
      message: "Please correct the highlighted fields.",
      errors: { confirm: "The passwords differ" },
    };
  }
  try {
    await createAccount(db(), input, { adminEmails: env().ADMIN_EMAILS });
    return { ok: true, message: "Account created." };
  } catch (e) {
    if (e instanceof AccountError) return { ok: false, message: e.message, errors: e.fields };
    throw e;
  }
}
