"use client";

import { expertColor } from "../components/expert-colors";
import type { PlaygroundExpert } from "./playground-form";

/** One checkbox per expert; the public expert is always on. */
export function ExpertToggles({
  idPrefix,
  experts,
  enabled,
  onChange,
  disabled,
}: {
  idPrefix: string;
  experts: PlaygroundExpert[];
  enabled: Record<string, boolean>;
  onChange: (id: string, on: boolean) => void;
  disabled: boolean;
}) {
  const onlyPublic = experts.every((e) => e.alwaysOn || !enabled[e.id]);
  return (
    <fieldset className="card space-y-3">
      <legend className="px-1 text-base font-semibold">Experts</legend>
      <ul className="space-y-3">
        {experts.map((x, i) => (
          <li key={x.id} className="flex gap-3">
            <input
              id={`${idPrefix}-expert-${x.id}`}
              type="checkbox"
              className="mt-1 size-4 accent-sky-700"
              checked={x.alwaysOn || Boolean(enabled[x.id])}
              disabled={x.alwaysOn || disabled}
              onChange={(e) => onChange(x.id, e.target.checked)}
              aria-describedby={`${idPrefix}-expert-${x.id}-desc`}
            />
            <div className="min-w-0">
              <label
                htmlFor={`${idPrefix}-expert-${x.id}`}
                className="flex items-center gap-2 text-sm font-medium"
              >
                <span
                  aria-hidden="true"
                  className="inline-block size-3 rounded-sm"
                  style={{ backgroundColor: expertColor(i) }}
                />
                {x.domain}
                {x.alwaysOn && <span className="muted text-xs font-normal">(always on)</span>}
              </label>
              <p id={`${idPrefix}-expert-${x.id}-desc`} className="muted text-xs break-words">
                {x.documents.toLocaleString("en")} documents. {x.description}
              </p>
            </div>
          </li>
        ))}
      </ul>
      {onlyPublic && (
        <p className="rounded-md bg-slate-100 p-2 text-xs dark:bg-slate-800" role="note">
          Every closed expert is off: the public expert is always on, so the model still generates with public
          data only.
        </p>
      )}
    </fieldset>
  );
}
