import { db } from "@/lib/db/client";
import { HttpError, handler, json } from "@/lib/http";
import { cancelJudgeRun } from "@/lib/judges/runs";

/** POST /api/v1/admin/judges/runs/:id/cancel: stops a queued or running run (its verdicts so far are kept). */
export const POST = handler<{ id: string }>(
  { apiKey: "admin", orSession: "admin" },
  async (_req, { params }) => {
    if (!(await cancelJudgeRun(db(), params.id)))
      throw new HttpError(409, "This run is not queued or running.");
    return json({ ok: true });
  },
);
