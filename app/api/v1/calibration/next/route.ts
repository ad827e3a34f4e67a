import { nextCalibrationTask } from "@/lib/agreement/calibration";
import { db } from "@/lib/db/client";
import { handler, json } from "@/lib/http";

export const dynamic = "force-dynamic";

/** GET /api/v1/calibration/next: a calibration item for the signed-in researcher, or {task: null}. */
export const GET = handler("user", async (_req, { user }) => {
  return json({ task: await nextCalibrationTask(db(), user!.id) });
});
