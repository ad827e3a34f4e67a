/**
 * Judge runs: created with their settings, worked through in the background by an in-process queue (one
 * run at a time, one item at a time), with progress and every verdict stored in the database. So a run
 * survives page reloads, and after a restart `resume` picks up queued and running runs where their stored
 * verdicts end. Cancelling sets the status in the database; the worker checks it before each item, so it
 * works from any app instance. Takes the database and the judge explicitly (testable).
 */
import type { Db } from "../db/create";
import { HttpError } from "../http-error";
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

/** Works through one run until it is done, cancelled or failed. */
export async function processJudgeRun(db: Db, runId: string, judge: JudgeFn): Promise<string> {
  const run = await db.judgeRun.findUnique({ where: { id: runId } });
  if (!run || (run.status !== "queued" && run.status !== "running")) return run?.status ?? "missing";
  await db.judgeRun.update({
    where: { id: runId },
    data: { status: "running", startedAt: run.startedAt ?? new Date() },
  });
  let done = await db.judgeVerdict.count({ where: { runId } });
  let position = -1;
  let consecutiveErrors = 0;
  const stop = new AbortController();
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
      if ((await status(db, runId)) !== "running") return "cancelled";
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
            await judge({
              prompt: renderJudgePrompt(run.prompt, promptItem, swapped),
              item: promptItem,
              swapped,
              signal: stop.signal,
            }),
          );
        } catch (e) {
          failed = true;
          replies.push(`[error] ${(e as Error).message}`);
        }
      }
      consecutiveErrors = failed ? consecutiveErrors + 1 : 0;
      if (consecutiveErrors >= MAX_CONSECUTIVE_ERRORS) {
        await db.judgeRun.update({
          where: { id: runId },
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
        done++;
      } catch (e) {
        if ((e as { code?: string }).code !== "P2002") throw e;
      }
      await db.judgeRun.updateMany({ where: { id: runId, status: "running" }, data: { done } });
    }
  }
  const finished = await db.judgeRun.updateMany({
    where: { id: runId, status: "running" },
    data: { status: "done", finishedAt: new Date(), done },
  });
  if (finished.count > 0) await storeSummary(db, runId);
  return finished.count > 0 ? "done" : ((await status(db, runId)) ?? "missing");
}

/**
 * One run at a time, in the order enqueued. `judgeFor` builds the judge of a run (from its provider).
 * Errors of a run mark it failed; the queue goes on with the next.
 */
export class JudgeQueue {
  private queue: string[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly judgeFor: (judgeId: string) => Promise<JudgeFn>,
  ) {}

  enqueue(runId: string) {
    if (!this.queue.includes(runId)) this.queue.push(runId);
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
  }

  /** Re-enqueues runs left queued or running (e.g. by a restart). */
  async resume() {
    const runs = await this.db.judgeRun.findMany({
      where: { status: { in: ["queued", "running"] } },
      orderBy: { createdAt: "asc" },
      select: { id: true },
    });
    for (const r of runs) this.enqueue(r.id);
  }

  /** Resolves when the queue is empty (tests). */
  async idle() {
    while (this.running) await this.running;
  }

  private async drain() {
    for (let id = this.queue.shift(); id !== undefined; id = this.queue.shift()) {
      try {
        const run = await this.db.judgeRun.findUnique({ where: { id }, select: { judgeId: true } });
        if (!run) continue;
        await processJudgeRun(this.db, id, await this.judgeFor(run.judgeId));
      } catch (e) {
        console.error(`judge run ${id} failed:`, e);
        await this.db.judgeRun
          .updateMany({
            where: { id, status: { in: ["queued", "running"] } },
            data: { status: "failed", error: (e as Error).message.slice(0, 500), finishedAt: new Date() },
          })
          .catch(() => {});
      }
    }
  }
}
