import "server-only";
import type { z } from "zod";
import type { PublicUser } from "./auth/accounts";
import { AuthError, requireUser } from "./auth/session";

/** The state a form's server action returns to `useActionState`. */
export type FormState<T = undefined> = {
  ok: boolean;
  message?: string;
  errors?: Record<string, string>;
  data?: T;
};

/**
 * Builds a server action that cannot forget auth: it resolves the user (and role) first, validates
 * the form with the schema, and turns failures into a FormState instead of a crash. Server actions
 * are public endpoints, so this check is the real one; pages hiding a button is only convenience.
 */
export function authedAction<S extends z.ZodType, T = undefined>(
  opts: { role?: "admin"; schema: S },
  fn: (input: z.infer<S>, user: PublicUser) => Promise<FormState<T>>,
) {
  return async (_prev: FormState<T> | undefined, formData: FormData): Promise<FormState<T>> => {
    let user: PublicUser;
    try {
      user = await requireUser(opts.role);
    } catch (e) {
      if (e instanceof AuthError) return { ok: false, message: e.message };
      throw e;
    }
    const parsed = opts.schema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const i of parsed.error.issues) errors[String(i.path[0] ?? "form")] ??= i.message;
      return { ok: false, message: "Please correct the highlighted fields.", errors };
    }
    return fn(parsed.data, user);
  };
}
