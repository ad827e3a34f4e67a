"use client";

import { useActionState } from "react";
import { MAX_PASSWORD, MIN_PASSWORD } from "@/lib/auth/schemas";
import { Field } from "../components/field";
import { changePasswordAction } from "./actions";

export function PasswordForm() {
  const [state, action, pending] = useActionState(changePasswordAction, undefined);
  const errors = state?.errors ?? {};
  return (
    <form action={action} className="card space-y-4" noValidate key={state?.ok ? "done" : "editing"}>
      <Field
        id="current"
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
        maxLength={MAX_PASSWORD + 20}
        error={errors.current}
      />
      <Field
        id="next"
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        maxLength={MAX_PASSWORD + 20}
        hint={`At least ${MIN_PASSWORD} characters.`}
        error={errors.next}
      />
      <Field
        id="confirm"
        label="Repeat the new password"
        type="password"
        autoComplete="new-password"
        required
        error={errors.confirm}
      />
      <div
        role={state?.ok ? "status" : "alert"}
        className={state?.ok ? "text-sm text-emerald-700 dark:text-emerald-400" : "field-error min-h-5"}
      >
        {state?.message}
      </div>
      <button type="submit" className="btn-primary" disabled={pending}>
        {pending ? "Changing…" : "Change password"}
      </button>
    </form>
  );
}
