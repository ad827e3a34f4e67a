"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Field } from "../../components/field";
import { createSliceDatasetAction } from "./actions";

export function DatasetFromSliceForm({ query, count }: { query: string; count: number }) {
  const [state, action, pending] = useActionState(createSliceDatasetAction, undefined);
  return (
    <section aria-labelledby="slice-heading" className="space-y-3">
      <h2 id="slice-heading" className="text-lg font-semibold">
        Use as a judge dataset
      </h2>
      <form
        action={action}
        className="card flex flex-wrap items-end gap-3"
        aria-label="Create a dataset from this slice"
      >
        <input type="hidden" name="query" value={query} />
        <div className="min-w-[16rem] flex-1">
          <Field
            id="name"
            label="Dataset name"
            required
            maxLength={120}
            error={state?.errors?.name}
            hint={`Copies the ${count.toLocaleString("en")} matching votes; judge runs use those with a vote of A or B.`}
          />
        </div>
        <button type="submit" className="btn-secondary" disabled={pending || count === 0}>
          {pending ? "Creating…" : "Create dataset"}
        </button>
        {state?.message &&
          (state.ok ? (
            <p role="status" className="w-full text-sm text-emerald-700 dark:text-emerald-400">
              {state.message}{" "}
              <Link href="/admin/judges" className="underline">
                Run a judge on it
              </Link>
            </p>
          ) : (
            <p role="alert" className="field-error w-full">
              {state.message}
            </p>
          ))}
      </form>
    </section>
  );
}
