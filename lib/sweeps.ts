/**
 * Periodic clean-up, run as one leased job a minute across all instances (lib/background.ts):
 * - battles left "streaming" by a process that died mid-answer are voided (the asker sees why);
 * - traces run signed out (no owner) are deleted after the retention period (TRACE_RETENTION_DAYS);
 * - judge runs without a live job are queued again, or failed when their job gave up (lib/judges/runs.ts);
 * - on SQLite, finished jobs past their retention (pg-boss prunes its own).
 * Each step is one bounded query or a loop over at most a few hundred rows, so a sweep stays short.
 */
import type { Db } from "./db/create";
import type { JobStore } from "./jobs/types";
import { reconcileJudgeRuns } from "./judges/runs";

/** A battle still "streaming" this long after it started has lost its process (answers time out sooner). */
export const STALE_BATTLE_MS = 10 * 60 * 1000;

export const INTERRUPTED_BATTLE_ERROR =
  "The answers were interrupted (the server stopped while they were written). Ask the question again.";

export async function voidStaleBattles(db: Db, now = Date.now()): Promise<number> {
  const r = await db.battle.updateMany({
    where: { status: "streaming", createdAt: { lt: new Date(now - STALE_BATTLE_MS) } },
    data: { status: "voided", error: INTERRUPTED_BATTLE_ERROR },
  });
  return r.count;
}

/** Deletes traces without an owner older than `retentionDays`. */
export async function deleteExpiredTraces(db: Db, retentionDays: number, now = Date.now()): Promise<number> {
  const r = await db.trace.deleteMany({
    where: { userId: null, createdAt: { lt: new Date(now - retentionDays * 24 * 3600 * 1000) } },
  });
  return r.count;
}

export interface SweepResult {
  battlesVoided: number;
  tracesDeleted: number;
  judgeRunsFixed: number;
}

export async function sweep(
  db: Db,
  store: JobStore & { purgeFinished?: () => Promise<number> },
  opts: { traceRetentionDays: number; now?: number },
): Promise<SweepResult> {
  const now = opts.now ?? Date.now();
  const battlesVoided = await voidStaleBattles(db, now);
  const tracesDeleted = await deleteExpiredTraces(db, opts.traceRetentionDays, now);
  const judgeRunsFixed = await reconcileJudgeRuns(db, store);
  await store.purgeFinished?.();
  return { battlesVoided, tracesDeleted, judgeRunsFixed };
}
