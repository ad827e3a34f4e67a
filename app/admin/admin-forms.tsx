"use client";

import { useActionState } from "react";
import { ActionButton } from "../components/action-button";
import { Field } from "../components/field";
import { changeUserAction, createApiKeyAction, passwordResetLinkAction, revokeApiKeyAction } from "./actions";

function UserButton({
  email,
  change,
  label,
  danger,
}: {
  email: string;
  change: string;
  label: string;
  danger?: boolean;
}) {
  return (
    <ActionButton
      action={changeUserAction}
      fields={{ email, change }}
      label={label}
      variant={danger ? "danger" : "secondary"}
    />
  );
}

export function UserActions(props: {
  email: string;
  role: string;
  banned: boolean;
  trusted: boolean;
  self: boolean;
  hasPassword: boolean;
}) {
  return (
    <div className="flex flex-wrap gap-1">
      {props.role === "admin" ? (
        !props.self && <UserButton email={props.email} change="make-researcher" label="Make researcher" />
      ) : (
        <UserButton email={props.email} change="make-admin" label="Make admin" />
      )}
      <UserButton
        email={props.email}
        change={props.trusted ? "untrust" : "trust"}
        label={props.trusted ? "Untrust" : "Trust"}
      />
      {!props.self &&
        (props.banned ? (
          <UserButton email={props.email} change="unban" label="Unban" />
        ) : (
          <UserButton email={props.email} change="ban" label="Ban" danger />
        ))}
      {props.hasPassword && !props.self && <ResetLinkButton email={props.email} />}
    </div>
  );
}

/** Issues a one-time password-reset link for an account and shows it once, for the admin to pass on. */
function ResetLinkButton({ email }: { email: string }) {
  const [state, action, pending] = useActionState(passwordResetLinkAction, undefined);
  const link =
    state?.data?.path && typeof window !== "undefined" ? `${window.location.origin}${state.data.path}` : null;
  return (
    <form action={action} className="inline-flex flex-wrap items-center gap-1">
      <input type="hidden" name="email" value={email} />
      <button
        type="submit"
        className="btn-secondary px-2 py-1 text-xs"
        disabled={pending}
        aria-label={`Password reset link for ${email}`}
      >
        Reset link
      </button>
      {state && !state.ok && (
        <span role="alert" className="field-error text-xs">
          {state.message}
        </span>
      )}
      {link && (
        <span role="status" className="flex w-full flex-col gap-1 text-xs">
          <span className="muted">{state?.message}</span>
          <input
            readOnly
            value={link}
            data-testid="reset-link"
            aria-label={`Reset link for ${email}`}
            className="input w-full font-mono text-xs"
            onFocus={(e) => e.currentTarget.select()}
          />
        </span>
      )}
    </form>
  );
}

export function ApiKeyForm() {
  const [state, action, pending] = useActionState(createApiKeyAction, undefined);
  return (
    <form action={action} className="card flex flex-wrap items-end gap-3">
      <div className="min-w-[14rem] flex-1">
        <Field id="name" label="Key name" required maxLength={80} error={state?.errors?.name} />
      </div>
      <div>
        <label htmlFor="scope" className="mb-1 block text-sm font-medium">
          Scope
        </label>
        <select id="scope" name="scope" className="input">
          <option value="models">models</option>
          <option value="admin">admin (and models)</option>
        </select>
      </div>
      <button type="submit" className="btn-primary" disabled={pending}>
        Create key
      </button>
      {state?.message && (
        <div role="status" className="w-full text-sm">
          <p className={state.ok ? "text-emerald-700 dark:text-emerald-400" : "field-error"}>
            {state.message}
          </p>
          {state.data?.key && (
            <code
              data-testid="new-api-key"
              className="mt-1 block break-all rounded bg-slate-100 p-2 dark:bg-slate-800"
            >
              {state.data.key}
            </code>
          )}
        </div>
      )}
    </form>
  );
}

export function RevokeKeyButton({ id, name }: { id: string; name: string }) {
  return (
    <ActionButton
      action={revokeApiKeyAction}
      fields={{ id }}
      label="Revoke"
      ariaLabel={`Revoke key ${name}`}
    />
  );
}
