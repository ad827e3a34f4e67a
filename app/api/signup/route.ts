import { z } from "zod";
import { AccountError, createAccount } from "@/lib/auth/accounts";
import { isSameOriginRequest } from "@/lib/auth/origin";
import { fieldErrors, signUpSchema } from "@/lib/auth/schemas";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { HttpError, handler, json, readJson, requestAddress } from "@/lib/http";
import { consume } from "@/lib/throttle";

export const dynamic = "force-dynamic";

/** A sign-up form is a few hundred bytes. */
const SIGNUP_BODY_LIMIT = 16 * 1024;

const body = z.object({
  name: z.unknown().optional(),
  email: z.unknown().optional(),
  password: z.unknown().optional(),
  confirm: z.unknown().optional(),
});

/**
 * POST /api/signup with `{name?, email, password, confirm?}` (the sign-up page's form; a route handler rather
 * than a server action so a throttled attempt gets a real 429 with `Retry-After`, which a server action's
 * always-200 answer cannot carry). 201 `{ok, message}`; 400 `{error, fields}` naming each field's problem;
 * 403 cross-site or already signed in; 409 email taken; 429 past THROTTLE_SIGNUP per address (every attempt
 * counts, before any work); 413 past 16 KB.
 */
export const POST = handler("public", async (req, { user }) => {
  if (!isSameOriginRequest(req.headers))
    throw new HttpError(403, "Cross-site request refused: sign up on this app's own sign-up page.");
  if (user) throw new HttpError(403, "You are already signed in.");
  await consume("signup", `addr:${requestAddress(req.headers)}`);
  const input = await readJson(req, body, SIGNUP_BODY_LIMIT);
  const fields = {
    name: input.name ?? undefined,
    email: input.email ?? "",
    password: input.password ?? "",
  };
  if (typeof input.confirm === "string" && input.confirm !== fields.password) {
    // Report every field's problem at once, not the password mismatch alone.
    const parsed = signUpSchema.safeParse(fields);
    const others = parsed.success ? {} : fieldErrors(parsed.error);
    return json(
      {
        error: "Please correct the highlighted fields.",
        fields: { ...others, confirm: "The passwords differ" },
      },
      400,
    );
  }
  try {
    await createAccount(db(), fields, { adminEmails: env().ADMIN_EMAILS });
  } catch (e) {
    if (!(e instanceof AccountError)) throw e;
    return json({ error: e.message, fields: e.fields }, e.code === "email_taken" ? 409 : 400);
  }
  return json({ ok: true, message: "Account created." }, 201);
});
