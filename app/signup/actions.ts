"use server";

import { headers } from "next/headers";
import type { FormState } from "@/lib/actions";
import { AccountError, createAccount } from "@/lib/auth/accounts";
import { fieldErrors, signUpSchema } from "@/lib/auth/schemas";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { requestAddress } from "@/lib/http";
import { isTooManyRequests } from "@/lib/http-error";
import { consume } from "@/lib/throttle";

export type SignUpState = FormState<{ name: string; email: string }>;

/** Public by design (anyone may sign up); everything else it needs is validated in createAccount. */
export async function signUpAction(_prev: SignUpState | undefined, formData: FormData): Promise<SignUpState> {
  if (await currentUser()) return { ok: false, message: "You are already signed in." };
  // Every attempt counts against the address (THROTTLE_SIGNUP), before any work.
  try {
    await consume("signup", `addr:${requestAddress(await headers())}`);
  } catch (e) {
    if (isTooManyRequests(e)) return { ok: false, message: e.message };
    throw e;
  }
  const input = {
    name: formData.get("name") ?? undefined,
    email: formData.get("email") ?? "",
    password: formData.get("password") ?? "",
  };
  // Typed values come back so the form can show them again (React resets a form after its action runs);
  // passwords never do.
  const data = { name: String(input.name ?? "").slice(0, 200), email: String(input.email).slice(0, 400) };
  const confirm = formData.get("confirm");
  if (typeof confirm === "string" && confirm !== input.password) {
    // Report every field's problem at once, not the password mismatch alone.
    const parsed = signUpSchema.safeParse(input);
    const errors = parsed.success ? {} : fieldErrors(parsed.error);
    return {
      ok: false,
      message: "Please correct the highlighted fields.",
      errors: { ...errors, confirm: "The passwords differ" },
      data,
    };
  }
  try {
    await createAccount(db(), input, { adminEmails: env().ADMIN_EMAILS });
    return { ok: true, message: "Account created." };
  } catch (e) {
    if (e instanceof AccountError) return { ok: false, message: e.message, errors: e.fields, data };
    throw e;
  }
}
