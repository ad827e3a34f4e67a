"use client";

import { useActionState } from "react";
import { ActionButton } from "../components/action-button";
import { Field } from "../components/field";
import { changeUserAction, createApiKeyAction, revokeApiKeyAction } from "./actions";

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
    </div>
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
