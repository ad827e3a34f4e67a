import type { FormState } from "@/lib/actions";

/**
 * A form's outcome line: a success is a polite status in green, a failure an alert. Empty until the form is
 * sent, and always at least one line high, so the form does not jump when a message appears.
 */
export function FormMessage({ state }: { state: FormState<unknown> | undefined }) {
  return (
    <div
      role={state?.ok ? "status" : "alert"}
      className={state?.ok ? "min-h-5 text-sm text-emerald-700 dark:text-emerald-400" : "field-error min-h-5"}
    >
      {state?.message}
    </div>
  );
}
