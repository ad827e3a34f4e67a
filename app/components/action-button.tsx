"use client";

import { useActionState } from "react";
import type { FormState } from "@/lib/actions";

const VARIANT = {
  primary: "btn-primary px-2 py-1 text-xs",
  secondary: "btn-secondary px-2 py-1 text-xs",
  danger: "btn-danger px-2 py-1 text-xs",
} as const;

/**
 * A one-click server action (ban, enable, mark, ...): a small form posting `fields` as hidden inputs. A
 * failure is shown next to the button and announced; a success is announced to screen readers only when
 * `announceSuccess` is set (the page usually shows the change itself).
 */
export function ActionButton<T>({
  action,
  fields,
  label,
  ariaLabel,
  variant = "secondary",
  announceSuccess = false,
}: {
  action: (prev: FormState<T> | undefined, formData: FormData) => Promise<FormState<T>>;
  fields: Record<string, string>;
  label: string;
  ariaLabel?: string;
  variant?: keyof typeof VARIANT;
  announceSuccess?: boolean;
}) {
  const [state, formAction, pending] = useActionState(action, undefined);
  return (
    <form action={formAction} className="inline">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" className={VARIANT[variant]} disabled={pending} aria-label={ariaLabel}>
        {label}
      </button>
      {state && (!state.ok || announceSuccess) && (
        <span
          role={state.ok ? "status" : "alert"}
          className={state.ok ? "sr-only" : "field-error ml-2 text-xs"}
        >
          {state.message}
        </span>
      )}
    </form>
  );
}
