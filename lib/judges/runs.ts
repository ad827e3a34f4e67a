/**
 * Judge runs: created with their settings and worked through as a durable leased job (lib/jobs: one
 * runner per run across all app instances; a dead runner's run is taken over by another instance and
 * carries on where its stored verdicts end), one item at a time. Progress lives in one place, the database:
 * the run's status and count, and one verdict per item (unique per run and item, so no item is ever stored
 * twice). Cancelling sets the status; the runner polls it every second and aborts the judge call in flight.
 * Takes the database, the job store and the judge explicitly (testable).
 */
import type { Db } from "../db/create";
import { HttpError } from "../http-error";
import type { JobHandler, JobStore } from "../jobs/types";
import { log } from "../log";
import { type JudgedItem, type JudgeSummary, summarize, unswap } from "./metrics";
import { parseVerdict, type Verdict } from "./parse";
import { type PromptItem, renderJudgePrompt } from "./prompt";

/** Judges one rendered prompt: the reply text. `item`/`swapped` let rule-based judges skip the text. */
export type JudgeFn = (input: {
  prompt: string;
  item: PromptItem;
  swapped: boolean;
  signal: AbortSignal;
}) => Promise<string>;

export const DECISIVE = ["A", "B"];
/** Stored characters of each reply. */
const REPLY_CHARS = 500;
/** Consecutive failing items after which a run stops as failed (the judge is down or misconfigured). */
const MAX_CONSECUTIVE_ERRORS = 5;
const PAGE = 50;

export async function createJudgeRun(
  db: Db,
  input: { datasetId: string; judgeId: string; prompt: string; createdById?: string },
) {
  const [dataset, judge] = await Promise.all([
    db.evalDataset.findUnique({ where: { id: input.datasetId }, select: { id: true } }),
    db.modelProvider.findUnique({ where: { id: input.judgeId }, select: { id: true, name: true } }),
  ]);
  if (!dataset) throw new HttpError(404, "There is no such dataset.");
  if (!judge) throw new HttpError(404, "There is no such judge model.");
  const total = await db.evalItem.count({ where: { datasetId: dataset.id, vote: { in: DECISIVE } } });
  if (total === 0)
    throw new HttpError(
      400,
      "The dataset has no pair with a human vote of A or B (ties and both-bad are skipped).",
    );
  return db.judgeRun.create({
    data: {
      datasetId: dataset.id,
      judgeId: judge.id,
      judgeName: judge.name,
      prompt: input.prompt,
      total,
      createdById: input.createdById ?? null,
    },
    select: { id: true },
  });
}

export async function cancelJudgeRun(db: Db, id: string): Promise<boolean> {
  const r = await db.judgeRun.updateMany({
    where: { id, status: { in: ["queued", "running"] } },
    data: { status: "cancelled", finishedAt: new Date() },
  });
  if (r.count > 0) await storeSummary(db, id);
  return r.count > 0;
}

function parseCitations(json: string): PromptItem["citationA"] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? (v as PromptItem["citationA"]) : [];
  } catch {
    return [];
  }
}

/** The summary of a run's stored verdicts (finished or not). */
export async function runSummary(db: Db, runId: string): Promise<JudgeSummary> {
  const judged: JudgedItem[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await db.judgeVerdict.findMany({
      where: { runId, ...(cursor ? { id: { gt: cursor } } : {}) },
      orderBy: { id: "asc" },
      take: 2000,
      select: { id: true, original: true, swapped: true, itemId: true },
    });
    if (page.length === 0) break;
    const items = new Map(
      (
        await db.evalItem.findMany({
          where: { id: { in: page.map((v) => v.itemId) } },
          select: { id: true, vote: true, subject: true, questionType: true },
        })
      ).map((i) => [i.id, i]),
    );
    for (const v of page) {
      const it = items.get(v.itemId);
      if (!it) continue;
      judged.push({
        vote: it.vote,
        original: v.original as Verdict | null,
        swapped: v.swapped as Verdict | null,
        subject: it.subject,
        questionType: it.questionType,
      });
    }
    cursor = page[page.length - 1].id;
  }
  return summarize(judged);
}

async function storeSummary(db: Db, runId: string) {
  const summary = await runSummary(db, runId);
  await db.judgeRun.update({ where: { id: runId }, data: { summary: JSON.stringify(summary) } });
}

async function status(db: Db, runId: string): Promise<string | undefined> {
  return (await db.judgeRun.findUnique({ where: { id: runId }, select: { status: true } }))?.status;
}

/** `p`, or a rejection as soon as `signal` aborts (a judge that ignores its signal cannot hold a run). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** The job queue of judge runs; a run's job has the run's id, so it is queued once. */
export const JUDGE_RUN_QUEUE = "judge-run";
/** How often a runner checks whether its run was cancelled (and then aborts the call in flight). */
export const CANCEL_POLL_MS = 1000;

/** Queues a run's job (once: a second call for the same run does nothing). */
export async function enqueueJudgeRun(store: JobStore, runId: string): Promise<void> {
  await store.send(JUDGE_RUN_QUEUE, { runId }, { id: runId });
}

export type JudgeRunOutcome = "done" | "cancelled" | "failed" | "missing" | "interrupted";

/**
 * Works through one run until it is done, cancelled or failed, or `signal` aborts it ("interrupted": the
 * lease was lost or the process stops; the run stays "running" for the next runner). Idempotent: items
 * with a stored verdict are skipped, so a run taken over mid-item judges that item again but stores it once.
 */
export async function processJudgeRun(
  db: Db,
  runId: string,
  judge: JudgeFn,
  signal?: AbortSignal,
): Promise<JudgeRunOutcome> {
  const run = await db.judgeRun.findUnique({ where: { id: runId } });
  if (!run || (run.status !== "queued" && run.status !== "running"))
    return (run?.status as JudgeRunOutcome) ?? "missing";
  await db.judgeRun.updateMany({
    where: { id: runId, status: { in: ["queued", "running"] } },
    data: { status: "running", startedAt: run.startedAt ?? new Date() },
  });
  let done = await db.judgeVerdict.count({ where: { runId } });
  let position = -1;
  let consecutiveErrors = 0;
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  if (signal?.aborted) stop.abort(signal.reason);
  // Cancellation from any instance: the status in the database, polled while the judge is called.
  const poll = setInterval(() => {
    status(db, runId).then(
      (s) => {
        if (s !== "running") stop.abort(new Error(`the run is ${s ?? "gone"}`));
      },
      () => {},
    );
  }, CANCEL_POLL_MS);
  const stopped = async (): Promise<JudgeRunOutcome> =>
    signal?.aborted ? "interrupted" : (((await status(db, runId)) ?? "missing") as JudgeRunOutcome);
  try {
    for (;;) {
      const items = await db.evalItem.findMany({
        where: { datasetId: run.datasetId, vote: { in: DECISIVE }, position: { gt: position } },
        orderBy: { position: "asc" },
        take: PAGE,
      });
      if (items.length === 0) break;
      const judged = new Set(
        (
          await db.judgeVerdict.findMany({
            where: { runId, itemId: { in: items.map((i) => i.id) } },
            select: { itemId: true },
          })
        ).map((v) => v.itemId),
      );
      for (const item of items) {
        position = item.position;
        if (judged.has(item.id)) continue;
        if (stop.signal.aborted || (await status(db, runId)) !== "running") return await stopped();
        const promptItem: PromptItem = {
          question: item.question,
          responseA: item.responseA,
          responseB: item.responseB,
          citationA: parseCitations(item.citationA),
          citationB: parseCitations(item.citationB),
        };
        const replies: string[] = [];
        let failed = false;
        for (const swapped of [false, true]) {
          try {
            replies.push(
              await untilAborted(
                judge({
                  prompt: renderJudgePrompt(run.prompt, promptItem, swapped),
                  item: promptItem,
                  swapped,
                  signal: stop.signal,
                }),
                stop.signal,
              ),
            );
          } catch (e) {
            failed = true;
            replies.push(`[error] ${(e as Error).message}`);
          }
          // Cancelled or interrupted during the call: nothing of this item is stored.
          if (stop.signal.aborted) return await stopped();
        }
        consecutiveErrors = failed ? consecutiveErrors + 1 : 0;
        if (consecutiveErrors >= MAX_CONSECUTIVE_ERRORS) {
          await db.judgeRun.updateMany({
            where: { id: runId, status: "running" },
            data: {
              status: "failed",
              error: `The judge failed on ${MAX_CONSECUTIVE_ERRORS} pairs in a row; last: ${replies.find((r) => r.startsWith("[error]"))?.slice(8) ?? "unknown error"}`,
              finishedAt: new Date(),
            },
          });
          await storeSummary(db, runId);
          return "failed";
        }
        const original = replies[0].startsWith("[error]") ? null : parseVerdict(replies[0]);
        const swappedVerdict = replies[1].startsWith("[error]") ? null : unswap(parseVerdict(replies[1]));
        try {
          await db.judgeVerdict.create({
            data: {
              runId,
              itemId: item.id,
              original,
              swapped: swappedVerdict,
              replyOriginal: replies[0].slice(0, REPLY_CHARS),
              replySwapped: replies[1].slice(0, REPLY_CHARS),
            },
          });
        } catch (e) {
          if ((e as { code?: string }).code !== "P2002") throw e;
        }
        done = await db.judgeVerdict.count({ where: { runId } });
        await db.judgeRun.updateMany({ where: { id: runId, status: "running" }, data: { done } });
      }
    }
    const finished = await db.judgeRun.updateMany({
      where: { id: runId, status: "running" },
      data: { status: "done", finishedAt: new Date(), done },
    });
    if (finished.count > 0) await storeSummary(db, runId);
    return finished.count > 0 ? "done" : await stopped();
  } finally {
    clearInterval(poll);
    signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * The job handler of judge runs. `judgeFor` builds the judge of a run (from its provider). An error of a
 * run (e.g. its provider was removed) marks it failed; an interruption leaves it running for the next runner.
 */
export function judgeRunHandler(
  db: Db,
  judgeFor: (judgeId: string) => Promise<JudgeFn>,
): JobHandler<{ runId: string }> {
  return async ({ data: { runId }, signal }) => {
    try {
      const run = await db.judgeRun.findUnique({ where: { id: runId }, select: { judgeId: true } });
      if (!run) return;
      const outcome = await processJudgeRun(db, runId, await judgeFor(run.judgeId), signal);
      log("judges").info({ runId, outcome }, "judge run stopped");
    } catch (e) {
      if (signal.aborted) return;
      log("judges").error({ runId, err: (e as Error).message }, "judge run failed");
      await db.judgeRun.updateMany({
        where: { id: runId, status: { in: ["queued", "running"] } },
        data: { status: "failed", error: (e as Error).message.slice(0, 500), finishedAt: new Date() },
      });
    }
  };
}

/**
 * Sweep: every queued or running run has a live job. A run without one (created before jobs existed, or
 * its process died between creating the run and queueing it) is queued; a run whose job ended without
 * finishing it (retries exhausted) is marked failed. Runs younger than `graceMs` are left alone.
 */
export async function reconcileJudgeRuns(db: Db, store: JobStore, graceMs = 60_000): Promise<number> {
  const runs = await db.judgeRun.findMany({
    where: { status: { in: ["queued", "running"] }, createdAt: { lt: new Date(Date.now() - graceMs) } },
    select: { id: true },
    take: 500,
  });
  let changed = 0;
  for (const r of runs) {
    const state = await store.state(JUDGE_RUN_QUEUE, r.id);
    if (state === "missing") {
      await enqueueJudgeRun(store, r.id);
      changed++;
    } else if (state === "completed" || state === "failed") {
      const n = await db.judgeRun.updateMany({
        where: { id: r.id, status: { in: ["queued", "running"] } },
        data: {
          status: "failed",
          error: "The run stopped without finishing (its runner failed repeatedly); start it again.",
          finishedAt: new Date(),
        },
      });
      changed += n.count;
    }
  }
  return changed;
}
