import { MAX_PASSWORD, MIN_PASSWORD } from "@/lib/auth/schemas";
import { Field } from "./field";

/**
 * A new password and its repetition (sign-up, password change, reset link): browsers offer to generate and
 * save a password for `new-password` fields; the form's action checks the two agree (field `confirm`).
 */
export function NewPasswordFields({
  id,
  label,
  confirmLabel,
  errors,
}: {
  /** Form field name of the password (`password`, or `next` beside a current password). */
  id: string;
  label: string;
  confirmLabel: string;
  errors: Record<string, string>;
}) {
  return (
    <>
      <Field
        id={id}
        label={label}
        type="password"
        autoComplete="new-password"
        required
        maxLength={MAX_PASSWORD + 20}
        hint={`At least ${MIN_PASSWORD} characters.`}
        error={errors[id]}
      />
      <Field
        id="confirm"
        label={confirmLabel}
        type="password"
        autoComplete="new-password"
        required
        error={errors.confirm}
      />
    </>
  );
}
