/**
 * Worker-thread entry of the leaderboard refresh: receives one RatingsRequest, reads the votes on its own
 * database connection and computes, then posts back `{ ok: true, result }` or `{ ok: false, error }`.
 * Bundled to dist/engine/ratings-worker.js by scripts/build-engine.ts (a Next.js server bundle cannot
 * start .ts workers).
 */
import { parentPort } from "node:worker_threads";
import { lowerThreadPriority } from "../../engine/thread-priority";
import { type RatingsRequest, readAndComputeRatings } from "./ratings-thread";

// Below the request thread: a busy pool must not slow votes and pages (engine/thread-priority.ts).
lowerThreadPriority();

parentPort?.once("message", (job: RatingsRequest) => {
  readAndComputeRatings(job).then(
    (result) => parentPort?.postMessage({ ok: true, result }),
    (e) => parentPort?.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
});
