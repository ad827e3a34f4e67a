"use client";

import { useActionState, useState } from "react";
import { ActionButton } from "../../components/action-button";
import { expertArenaAction, removeExpertAction } from "./actions";

export function ArenaToggle({ name, enabled }: { name: string; enabled: boolean }) {
  return (
    <ActionButton
      action={expertArenaAction}
      fields={{ name, enabled: enabled ? "false" : "true" }}
      label={enabled ? "Withdraw from the arena" : "Offer in the arena"}
      ariaLabel={`${enabled ? "Withdraw" : "Offer"} ${name} ${enabled ? "from" : "in"} the arena`}
      variant={enabled ? "secondary" : "primary"}
      announceSuccess
    />
  );
}

/** Removal in two steps: "Remove…" opens a confirmation that asks for the expert's name. */
export function RemoveExpert({ name }: { name: string }) {
  const [open, setOpen] = useState(false);
  const [state, action, pending] = useActionState(removeExpertAction, undefined);
  if (!open)
    return (
      <button
        type="button"
        className="btn-danger px-2 py-1 text-xs"
        onClick={() => setOpen(true)}
        aria-label={`Remove ${name}…`}
      >
        Remove…
      </button>
    );
  const error = state?.errors?.confirm ?? (state && !state.ok ? state.message : undefined);
  return (
    <form
      action={action}
      className="space-y-2 rounded-md border border-red-300 p-3 dark:border-red-800"
      aria-label={`Confirm removal of ${name}`}
    >
      <p className="text-sm">
        Remove <strong>{name}</strong> from the model? Its data leaves every configuration, the playground and
        the API at once; arena contenders that use it are disabled. The data owner&apos;s package can be
        installed again later.
      </p>
      <input type="hidden" name="name" value={name} />
      <label htmlFor={`confirm-${name}`} className="block text-sm font-medium">
        Type <code>{name}</code> to confirm
      </label>
      <input
        id={`confirm-${name}`}
        name="confirm"
        className="input"
        autoComplete="off"
        required
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `confirm-${name}-error` : undefined}
      />
      {error && (
        <p id={`confirm-${name}-error`} role="alert" className="field-error">
          {error}
        </p>
      )}
      <div className="flex gap-2">
        <button type="submit" className="btn-danger px-2 py-1 text-xs" disabled={pending}>
          Remove {name}
        </button>
        <button type="button" className="btn-secondary px-2 py-1 text-xs" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
