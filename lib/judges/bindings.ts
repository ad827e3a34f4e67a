import "server-only";
import { db } from "../db/client";
import { jobs } from "../jobs";
import { modelService } from "../models/flexolmo";
import { providerKey } from "../secrets";
import { judgeFromProvider } from "./judge";
import { enqueueJudgeRun, type JudgeFn } from "./runs";

/** The judge of a run, from its provider row (read when the run's job starts, on whichever instance). */
export async function judgeForProvider(judgeId: string): Promise<JudgeFn> {
  const row = await db().modelProvider.findUniqueOrThrow({ where: { id: judgeId } });
  return judgeFromProvider(row, { key: providerKey(), loadModel: modelService, db: db() });
}

/** Queues a created run as a durable job (lib/background.ts runs the queue on every instance). */
export function startJudgeRun(runId: string): Promise<void> {
  return enqueueJudgeRun(jobs(), runId);
}
