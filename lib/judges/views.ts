/** What the judges page and API show of runs. Takes the database explicitly. */
import type { Db } from "../db/create";
import type { JudgeSummary } from "./metrics";

export async function listJudgeRuns(db: Db) {
  const runs = await db.judgeRun.findMany({
    orderBy: { createdAt: "desc" },
    take: 100,
    select: {
      id: true,
      judgeName: true,
      prompt: true,
      status: true,
      error: true,
      total: true,
      done: true,
      summary: true,
      createdAt: true,
      startedAt: true,
      finishedAt: true,
      dataset: { select: { id: true, name: true } },
    },
  });
  return runs.map(({ summary, ...r }) => ({
    ...r,
    summary: summary ? (JSON.parse(summary) as JudgeSummary) : null,
  }));
}
export type JudgeRunView = Awaited<ReturnType<typeof listJudgeRuns>>[number];
