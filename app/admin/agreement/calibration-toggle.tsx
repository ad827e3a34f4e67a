"use client";

import { ActionButton } from "../../components/action-button";
import { markCalibrationAction, publishDatasetAction } from "./actions";

/**
 * Puts a voted battle (marked) or an imported dataset (published) into calibration, or takes it out;
 * `on` says whether it is in calibration now.
 */
export function CalibrationToggle({
  target,
  on,
}: {
  target: { battleId: string } | { datasetId: string };
  on: boolean;
}) {
  const battle = "battleId" in target;
  const label = battle
    ? on
      ? "Stop calibration"
      : "Mark for calibration"
    : on
      ? "Withdraw from calibration"
      : "Publish for calibration";
  return (
    <ActionButton
      action={battle ? markCalibrationAction : publishDatasetAction}
      fields={{ ...target, active: String(!on) }}
      label={label}
    />
  );
}
