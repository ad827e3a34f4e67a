"use client";

import Link from "next/link";
import { useActionState } from "react";
import { NewPasswordFields } from "../../components/new-password-fields";
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
      <NewPasswordFields
        id="password"
        label="New password"
        confirmLabel="Repeat the new password"
        errors={errors}
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
