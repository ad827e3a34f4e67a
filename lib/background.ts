import "server-only";
/**
 * The app's background work, started on every instance after migrations (instrumentation-node.ts): each
 * queue is a durable leased job queue (lib/jobs), so whichever instance takes a job runs it alone.
 *   judge-run        one job per judge run (lib/judges/runs.ts); handed back at shutdown, taken over
 *                    by another instance after a crash
 *   ratings-refresh  leaderboard snapshots after votes (lib/arena/ratings-refresh.ts)
 *   sweep            clean-up once a minute across the cluster (lib/sweeps.ts)
 *   agreement-refresh  the admin agreement report after calibration data changed (lib/agreement/cached-report.ts)
 */
import { AGREEMENT_QUEUE, refreshAgreement } from "./agreement/cached-report";
import { RATINGS_QUEUE, runRatingsRefreshJob } from "./arena/ratings-refresh";
import { db } from "./db/client";
import { env } from "./env";
import { jobs } from "./jobs";
import { judgeForProvider } from "./judges/bindings";
import { JUDGE_RUN_QUEUE, judgeRunHandler } from "./judges/runs";
import { log } from "./log";
import { processSingletonAsync, singletonKey } from "./process-singleton";
import { sweep } from "./sweeps";

export const SWEEP_QUEUE = "sweep";
export const SWEEP_EVERY_SECONDS = 60;

const BACKGROUND = singletonKey<Promise<void>>("background");

/** Starts the queues' workers and the sweep's timer, once per process (a failed start is retried on the next call). */
export function startBackgroundJobs(): Promise<void> {
  return processSingletonAsync(BACKGROUND, async () => {
    const store = jobs();
    await store.work(JUDGE_RUN_QUEUE, judgeRunHandler(db(), judgeForProvider), { releaseOnStop: true });
    await store.work(RATINGS_QUEUE, runRatingsRefreshJob);
    await store.work(AGREEMENT_QUEUE, async () => {
      await refreshAgreement(db());
    });
    await store.work(SWEEP_QUEUE, async () => {
      const result = await sweep(db(), store, { traceRetentionDays: env().TRACE_RETENTION_DAYS });
      log("sweep").info(result, "sweep done");
    });
    // Every instance offers the sweep each slot; the store creates one job per slot across the cluster.
    const offer = () =>
      store
        .sendOncePer(SWEEP_QUEUE, SWEEP_EVERY_SECONDS)
        .catch((e) => log("sweep").warn({ err: (e as Error).message }, "queueing the sweep failed"));
    void offer();
    setInterval(offer, (SWEEP_EVERY_SECONDS * 1000) / 4).unref();
  });
}
