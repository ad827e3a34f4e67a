/** What the judges page and API show of runs. Takes the database explicitly. */
import type { Db } from "../db/create";
import type { JudgeSummary } from "./metrics";
import { diagnoseReplies, type UnparseableGroup } from "./parse";

/** Unreadable replies read per run to explain them (the most frequent reasons show within far fewer). */
const DIAGNOSED_VERDICTS = 200;

/**
 * Why a run's replies gave no verdict: its verdicts with a missing side, grouped by reason with an example
 * reply and what the model needs (lib/judges/parse.ts's diagnoseReplies). One indexed query.
 */
export async function unparseableReplies(db: Db, runId: string): Promise<UnparseableGroup[]> {
  const verdicts = await db.judgeVerdict.findMany({
    where: { runId, OR: [{ original: null }, { swapped: null }] },
    take: DIAGNOSED_VERDICTS,
    select: { original: true, swapped: true, replyOriginal: true, replySwapped: true },
  });
  return diagnoseReplies(
    verdicts.flatMap((v) => [
      ...(v.original === null ? [v.replyOriginal] : []),
      ...(v.swapped === null ? [v.replySwapped] : []),
    ]),
  );
}

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
  return Promise.all(
    runs.map(async ({ summary, ...r }) => {
      const parsed = summary ? (JSON.parse(summary) as JudgeSummary) : null;
      const live = r.status === "queued" || r.status === "running";
      const unparseable =
        (parsed && parsed.unparseableReplies > 0) || (live && r.done > 0)
          ? await unparseableReplies(db, r.id)
          : [];
      return { ...r, summary: parsed, unparseable };
    }),
  );
}
export type JudgeRunView = Awaited<ReturnType<typeof listJudgeRuns>>[number];
