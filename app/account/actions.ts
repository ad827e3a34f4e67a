"use server";

import { z } from "zod";
import { authedAction } from "@/lib/actions";
import { AccountError, changePassword, endSessionsBefore } from "@/lib/auth/accounts";
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

/**
 * Signs the researcher out of every other browser and device (a lost laptop, a shared computer): their
 * older session cookies are refused from the next request on; this one is reissued and goes on.
 */
export const endOtherSessionsAction = authedAction({ schema: z.object({}) }, async (_input, user) => {
  await endSessionsBefore(db(), user.id);
  await reissueSession();
  return { ok: true, message: "Signed out everywhere else. This browser stays signed in." };
});
