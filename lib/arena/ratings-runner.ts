/**
 * Runs a RatingsJob off the main thread: in a worker thread on the bundled dist/engine/ratings-worker.js
 * (or the .ts source under tsx), so a refresh over many votes never blocks requests. Falls back to running
 * in-process when no worker file exists (e.g. before `npx tsx scripts/build-engine.ts`) or the worker
 * cannot start. The entry is found by engine/fm/worker-path.ts's `resolveWorker`, like every other worker.
 */
import { resolveWorker, startWorker } from "../../engine/fm/worker-path";
import { type RatingsJob, type RatingsJobResult, runRatingsJob } from "../ranking/ratings-job";

/** The worker entry, or null when there is none (callers then compute in-process). */
export function resolveRatingsWorker(): URL | null {
  if (process.env.RATINGS_WORKER === "off") return null;
  return resolveWorker("ratings-worker", import.meta.url, "../ranking/ratings-worker.ts");
}

export type RunMode = "worker" | "in-process";

export async function runRatingsJobOffThread(
  job: RatingsJob,
): Promise<{ result: RatingsJobResult; mode: RunMode }> {
  const url = resolveRatingsWorker();
  if (!url) return { result: runRatingsJob(job), mode: "in-process" };
  let worker: ReturnType<typeof startWorker>;
  try {
    worker = startWorker(url);
  } catch (e) {
    console.warn("ratings worker did not start; computing in-process:", e);
    return { result: runRatingsJob(job), mode: "in-process" };
  }
  try {
    const result = await new Promise<RatingsJobResult>((resolve, reject) => {
      worker.once("message", (m: { ok: true; result: RatingsJobResult } | { ok: false; error: string }) =>
        m.ok ? resolve(m.result) : reject(new Error(m.error)),
      );
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`ratings worker exited with code ${code}`)));
      const t = job.table;
      const transfer = [t.modelA.buffer, t.modelB.buffer, t.outcome.buffer, t.tstamp.buffer];
      if (t.styleA) transfer.push(t.styleA.buffer);
      if (t.styleB) transfer.push(t.styleB.buffer);
      if (job.voter) transfer.push(job.voter.buffer);
      if (job.anomalyExtra) for (const a of Object.values(job.anomalyExtra)) transfer.push(a.buffer);
      worker.postMessage(job, transfer as ArrayBuffer[]);
    });
    return { result, mode: "worker" };
  } finally {
    void worker.terminate();
  }
}
