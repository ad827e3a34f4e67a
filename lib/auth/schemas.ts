/** Account field rules, shared by the sign-up form's server action, the admin CLI and the tests. */
import { z } from "zod";

export const MAX_EMAIL = 254;
export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 200;
export const MAX_NAME = 80;

export const emailSchema = z
  .string({ message: "Enter your email address" })
  .trim()
  .min(1, "Enter your email address")
  .max(MAX_EMAIL, `An email address has at most ${MAX_EMAIL} characters`)
  .pipe(z.email({ message: "Enter a valid email address, like name@example.org" }))
  .transform((e) => e.toLowerCase());

export const passwordSchema = z
  .string({ message: "Enter a password" })
  .min(MIN_PASSWORD, `Use at least ${MIN_PASSWORD} characters`)
  .max(MAX_PASSWORD, `Use at most ${MAX_PASSWORD} characters`);

export const signUpSchema = z.object({
  name: z
    .string()
    .trim()
    .max(MAX_NAME, `A name has at most ${MAX_NAME} characters`)
    .optional()
    .transform((n) => (n ? n : undefined)),
  email: emailSchema,
  password: passwordSchema,
});
export type SignUpInput = z.input<typeof signUpSchema>;

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password").max(MAX_PASSWORD),
});

export const ROLES = ["researcher", "admin"] as const;
export type Role = (typeof ROLES)[number];
export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Field errors of a failed parse, the first message per field, for forms to show inline. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    out[key] ??= issue.message;
  }
  return out;
}
