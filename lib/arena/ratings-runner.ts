/**
 * Runs a RatingsJob off the main thread: in a worker thread on the bundled dist/engine/ratings-worker.js
 * (or the .ts source under tsx), so a refresh over many votes never blocks requests. Falls back to running
 * in-process when no worker file exists (e.g. before `npx tsx scripts/build-engine.ts`) or the worker
 * cannot start. Path lookup as in engine/fm/worker-path.ts: no `new URL("./x.js", import.meta.url)`, which
 * Turbopack tries to resolve at build time.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startWorker } from "../../engine/fm/worker-path";
import { type RatingsJob, type RatingsJobResult, runRatingsJob } from "../ranking/ratings-job";

const SOURCE = "../ranking/ratings-worker.ts";

/** The worker entry, or null when there is none (callers then compute in-process). */
export function resolveRatingsWorker(): URL | null {
  if (process.env.RATINGS_WORKER === "off") return null;
  const dir = process.env.FM_WORKER_DIR;
  if (dir) {
    const p = join(dir, "ratings-worker.js");
    return existsSync(p) ? pathToFileURL(p) : null;
  }
  const here = import.meta.url;
  if (here.endsWith(".ts") && typeof import.meta.resolve === "function") return new URL(SOURCE, here);
  const fromCwd = join(process.cwd(), "dist", "engine", "ratings-worker.js");
  return existsSync(fromCwd) ? pathToFileURL(fromCwd) : null;
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
