"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/lib/actions";
import {
  AccountError,
  changeUser,
  issuePasswordReset,
  PASSWORD_RESET_TTL_MS,
  USER_CHANGES,
} from "@/lib/auth/accounts";
import { API_KEY_SCOPES, createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { db } from "@/lib/db/client";

const userChange = z.object({
  email: z.string().email(),
  change: z.enum(USER_CHANGES),
});

export const changeUserAction = authedAction(
  { role: "admin", schema: userChange },
  async ({ email, change }, admin) => {
    try {
      await changeUser(db(), admin, email, change);
    } catch (e) {
      if (e instanceof AccountError) return { ok: false, message: e.message };
      throw e;
    }
    revalidatePath("/admin");
    return { ok: true, message: `Done: ${change.replace("-", " ")} for ${email}.` };
  },
);

export const passwordResetLinkAction = authedAction<z.ZodObject<{ email: z.ZodString }>, { path: string }>(
  { role: "admin", schema: z.object({ email: z.string().email() }) },
  async ({ email }) => {
    try {
      const token = await issuePasswordReset(db(), email);
      return {
        ok: true,
        message: `One-time link for ${email}, valid for ${PASSWORD_RESET_TTL_MS / 60_000} minutes. Send it to them; it is not shown again.`,
        data: { path: `/reset-password/${token}` },
      };
    } catch (e) {
      if (e instanceof AccountError) return { ok: false, message: e.message };
      throw e;
    }
  },
);

const newKey = z.object({
  name: z.string().trim().min(1, "Give the key a name").max(60, "At most 60 characters"),
  scope: z.enum(API_KEY_SCOPES),
});

export const createApiKeyAction = authedAction<typeof newKey, { key: string }>(
  { role: "admin", schema: newKey },
  async ({ name, scope }, admin) => {
    const created = await createApiKey(db(), {
      userId: admin.id,
      name,
      scopes: scope === "admin" ? ["models", "admin"] : ["models"],
    });
    revalidatePath("/admin");
    return {
      ok: true,
      message: "Key created. Copy it now: it is not shown again.",
      data: { key: created.key },
    };
  },
);

export const revokeApiKeyAction = authedAction(
  { role: "admin", schema: z.object({ id: z.string().min(1).max(40) }) },
  async ({ id }) => {
    await revokeApiKey(db(), id);
    revalidatePath("/admin");
    return { ok: true, message: "Key revoked." };
  },
);
