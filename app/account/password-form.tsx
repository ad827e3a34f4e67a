"use client";

import { useActionState } from "react";
import { MAX_PASSWORD } from "@/lib/auth/schemas";
import { Field } from "../components/field";
import { FormMessage } from "../components/form-message";
import { NewPasswordFields } from "../components/new-password-fields";
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
      <NewPasswordFields
        id="next"
        label="New password"
        confirmLabel="Repeat the new password"
        errors={errors}
      />
      <FormMessage state={state} />
      <button type="submit" className="btn-primary" disabled={pending}>
        {pending ? "Changing…" : "Change password"}
      </button>
    </form>
  );
}
