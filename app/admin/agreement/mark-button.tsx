"use client";

import { useActionState } from "react";
import { markCalibrationAction, publishDatasetAction } from "./actions";

export function MarkButton({
  battleId,
  active,
  label,
}: {
  battleId: string;
  active: boolean;
  label: string;
}) {
  const [state, action, pending] = useActionState(markCalibrationAction, undefined);
  return (
    <form action={action} className="inline">
      <input type="hidden" name="battleId" value={battleId} />
      <input type="hidden" name="active" value={String(active)} />
      <button type="submit" className="btn-secondary px-2 py-1 text-xs" disabled={pending}>
        {label}
      </button>
      {state && !state.ok && (
        <span role="alert" className="field-error ml-2 text-xs">
          {state.message}
        </span>
      )}
    </form>
  );
}

export function PublishButton({
  datasetId,
  active,
  label,
}: {
  datasetId: string;
  active: boolean;
  label: string;
}) {
  const [state, action, pending] = useActionState(publishDatasetAction, undefined);
  return (
    <form action={action} className="inline">
      <input type="hidden" name="datasetId" value={datasetId} />
      <input type="hidden" name="active" value={String(active)} />
      <button type="submit" className="btn-secondary px-2 py-1 text-xs" disabled={pending}>
        {label}
      </button>
      {state && !state.ok && (
        <span role="alert" className="field-error ml-2 text-xs">
          {state.message}
        </span>
      )}
    </form>
  );
}
