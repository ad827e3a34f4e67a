"use server";

import type { FormState } from "@/lib/actions";
import { AccountError, resetPassword } from "@/lib/auth/accounts";
import { MAX_PASSWORD } from "@/lib/auth/schemas";
import { db } from "@/lib/db/client";

/** Public by design: the one-time token in the link is the credential (checked in resetPassword). */
export async function resetPasswordAction(
  _prev: FormState<{ email: string }> | undefined,
  formData: FormData,
): Promise<FormState<{ email: string }>> {
  const token = String(formData.get("token") ?? "").slice(0, 200);
  const password = String(formData.get("password") ?? "").slice(0, MAX_PASSWORD + 1);
  const confirm = String(formData.get("confirm") ?? "");
  if (password !== confirm)
    return {
      ok: false,
      message: "Please correct the highlighted fields.",
      errors: { confirm: "The passwords differ" },
    };
  try {
    const email = await resetPassword(db(), token, password);
    return { ok: true, message: "Your password is set. Sign in with it now.", data: { email } };
  } catch (e) {
    if (e instanceof AccountError) return { ok: false, message: e.message, errors: e.fields };
    throw e;
  }
}
