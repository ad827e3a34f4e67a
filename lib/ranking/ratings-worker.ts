/**
 * Worker-thread entry of the ratings refresh: receives one RatingsJob, posts back
 * `{ ok: true, result }` or `{ ok: false, error }`. Bundled to dist/engine/ratings-worker.js by
 * scripts/build-engine.ts (a Next.js server bundle cannot start .ts workers).
 */
import { parentPort } from "node:worker_threads";
import { type RatingsJob, runRatingsJob } from "./ratings-job";

parentPort?.once("message", (job: RatingsJob) => {
  try {
    parentPort?.postMessage({ ok: true, result: runRatingsJob(job) });
  } catch (e) {
    parentPort?.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
  }
});
