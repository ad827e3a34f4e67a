import "server-only";
import { providerKey } from "../arena/service";
import { db } from "../db/client";
import { modelService } from "../models/flexolmo";
import { judgeFromProvider } from "./judge";
import { JudgeQueue } from "./runs";

const g = globalThis as unknown as { __lmrJudgeQueue?: JudgeQueue };

/**
 * The process's judge queue. Created on first use, when it also resumes the runs a restart left queued or
 * running (the admin pages and API call this, so opening the judges page after a restart resumes them).
 */
export function judgeQueue(): JudgeQueue {
  if (!g.__lmrJudgeQueue) {
    const queue = new JudgeQueue(db(), async (judgeId) => {
      const row = await db().modelProvider.findUniqueOrThrow({ where: { id: judgeId } });
      return judgeFromProvider(row, { key: providerKey(), loadModel: modelService });
    });
    g.__lmrJudgeQueue = queue;
    queue.resume().catch((e) => console.error("resuming judge runs failed:", e));
  }
  return g.__lmrJudgeQueue;
}
