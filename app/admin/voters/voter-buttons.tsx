"use client";

import { useActionState } from "react";
import { changeVoterAction } from "./actions";

function VoterButton(props: {
  userId: string;
  email: string;
  change: string;
  label: string;
  danger?: boolean;
}) {
  const [state, action, pending] = useActionState(changeVoterAction, undefined);
  return (
    <form action={action} className="inline">
      <input type="hidden" name="userId" value={props.userId} />
      <input type="hidden" name="change" value={props.change} />
      <button
        type="submit"
        className={props.danger ? "btn-danger px-2 py-1 text-xs" : "btn-secondary px-2 py-1 text-xs"}
        disabled={pending}
        aria-label={`${props.label} (${props.email})`}
      >
        {props.label}
      </button>
      {state && (
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

export function VoterButtons(props: {
  userId: string;
  email: string;
  votesExcluded: boolean;
  banned: boolean;
  self: boolean;
}) {
  return (
    <div className="flex flex-wrap gap-1">
      {props.votesExcluded ? (
        <VoterButton userId={props.userId} email={props.email} change="include" label="Include votes" />
      ) : (
        <VoterButton
          userId={props.userId}
          email={props.email}
          change="exclude"
          label="Exclude votes"
          danger
        />
      )}
      {!props.self &&
        (props.banned ? (
          <VoterButton userId={props.userId} email={props.email} change="unban" label="Unban" />
        ) : (
          <VoterButton userId={props.userId} email={props.email} change="ban" label="Ban" danger />
        ))}
    </div>
  );
}
