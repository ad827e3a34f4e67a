"use client";

import { ActionButton } from "../../components/action-button";
import { changeVoterAction } from "./actions";

// The Admin page's UserButton (../admin-forms.tsx) is the same wrapper around another action: that one finds the
// account by email and changes roles, this one finds it by user id, also excludes votes, and announces its result.
function VoterButton(props: {
  userId: string;
  email: string;
  change: string;
  label: string;
  danger?: boolean;
}) {
  return (
    <ActionButton
      action={changeVoterAction}
      fields={{ userId: props.userId, change: props.change }}
      label={props.label}
      ariaLabel={`${props.label} (${props.email})`}
      variant={props.danger ? "danger" : "secondary"}
      announceSuccess
    />
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
