"use client";

import { ActionButton } from "../../components/action-button";
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
  return (
    <ActionButton
      action={markCalibrationAction}
      fields={{ battleId, active: String(active) }}
      label={label}
    />
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
  return (
    <ActionButton
      action={publishDatasetAction}
      fields={{ datasetId, active: String(active) }}
      label={label}
    />
  );
}
