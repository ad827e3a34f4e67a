"use client";

import { useActionState } from "react";
import { FormMessage } from "../components/form-message";
import { endOtherSessionsAction } from "./actions";

export function SessionsForm() {
  const [state, action, pending] = useActionState(endOtherSessionsAction, undefined);
  return (
    <form action={action} className="card space-y-3">
      <p className="text-sm">
        Signed in on a computer you no longer use? This ends every other session of yours; this browser stays
        signed in.
      </p>
      <FormMessage state={state} />
      <button type="submit" className="btn-secondary" disabled={pending}>
        {pending ? "Signing out…" : "Sign out everywhere else"}
      </button>
    </form>
  );
}
