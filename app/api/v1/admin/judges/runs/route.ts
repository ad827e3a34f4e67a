import { z } from "zod";
import { db } from "@/lib/db/client";
import { handler, json, readJson } from "@/lib/http";
import { startJudgeRun } from "@/lib/judges/bindings";
import { judgePromptSchema } from "@/lib/judges/prompt";
import { createJudgeRun } from "@/lib/judges/runs";
import { listJudgeRuns } from "@/lib/judges/views";

export const dynamic = "force-dynamic";

/** GET /api/v1/admin/judges/runs: runs with their settings, progress and results, newest first. */
export const GET = handler({ apiKey: "admin", orSession: "admin" }, async () => {
  return json({ runs: await listJudgeRuns(db()) });
});

const body = z.object({
  datasetId: z.string().min(1).max(40),
  judgeId: z.string().min(1).max(40),
  prompt: judgePromptSchema,
});

/** POST /api/v1/admin/judges/runs {datasetId, judgeId, prompt}: starts a run in the background (202). */
export const POST = handler({ apiKey: "admin", orSession: "admin" }, async (req, { user }) => {
  const input = await readJson(req, body, 100_000);
  const run = await createJudgeRun(db(), { ...input, createdById: user?.id });
  await startJudgeRun(run.id);
  return json({ id: run.id }, 202);
});
