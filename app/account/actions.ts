"use server";

import { z } from "zod";
import { authedAction } from "@/lib/actions";
import { AccountError, changePassword } from "@/lib/auth/accounts";
import { MAX_PASSWORD } from "@/lib/auth/schemas";
import { reissueSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";

const passwordChange = z
  .object({
    current: z.string().min(1, "Enter your current password").max(MAX_PASSWORD),
    next: z.string().max(MAX_PASSWORD + 1, `Use at most ${MAX_PASSWORD} characters`),
    confirm: z.string(),
  })
  .refine((v) => v.next === v.confirm, { path: ["confirm"], message: "The passwords differ" });

/** Changes the signed-in researcher's password; every other session of theirs ends, this one goes on. */
export const changePasswordAction = authedAction(
  { schema: passwordChange },
  async ({ current, next }, user) => {
    try {
      await changePassword(db(), user.id, { current, next });
    } catch (e) {
      if (e instanceof AccountError) return { ok: false, message: e.message, errors: e.fields };
      throw e;
    }
    await reissueSession();
    return { ok: true, message: "Password changed. Your other sessions are signed out." };
  },
);
