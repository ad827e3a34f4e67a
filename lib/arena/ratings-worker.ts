/**
 * Worker-thread entry of the leaderboard refresh: receives one RefreshJob, reads the votes on its own
 * database connection and computes, then posts back `{ ok: true, result }` or `{ ok: false, error }`.
 * Bundled to dist/engine/ratings-worker.js by scripts/build-engine.ts (a Next.js server bundle cannot
 * start .ts workers).
 */
import { parentPort } from "node:worker_threads";
import { type RefreshJob, runRefreshJob } from "./ratings-runner";

parentPort?.once("message", (job: RefreshJob) => {
  runRefreshJob(job).then(
    (result) => parentPort?.postMessage({ ok: true, result }),
    (e) => parentPort?.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
});
