"use client";

import Link from "next/link";
import { useActionState } from "react";
import { MAX_PASSWORD, MIN_PASSWORD } from "@/lib/auth/schemas";
import { Field } from "../../components/field";
import { resetPasswordAction } from "./actions";

export function ResetForm({ token, email }: { token: string; email: string }) {
  const [state, action, pending] = useActionState(resetPasswordAction, undefined);
  if (state?.ok) {
    return (
      <div className="card space-y-3">
        <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
          {state.message}
        </p>
        <Link href="/signin" className="btn-primary">
          Sign in
        </Link>
      </div>
    );
  }
  const errors = state?.errors ?? {};
  return (
    <form action={action} className="card space-y-4" noValidate>
      <input type="hidden" name="token" value={token} />
      <p className="text-sm">
        New password for <span className="font-medium">{email}</span>
      </p>
      <Field
        id="password"
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        maxLength={MAX_PASSWORD + 20}
        hint={`At least ${MIN_PASSWORD} characters.`}
        error={errors.password}
      />
      <Field
        id="confirm"
        label="Repeat the new password"
        type="password"
        autoComplete="new-password"
        required
        error={errors.confirm}
      />
      <div role="alert" className="field-error min-h-5">
        {state?.message}
      </div>
      <button type="submit" className="btn-primary w-full" disabled={pending}>
        {pending ? "Setting…" : "Set password"}
      </button>
    </form>
  );
}
