/**
 * Worker-thread entry of the leaderboard refresh: receives one RatingsRequest, reads the votes on its own
 * database connection and computes (lib/worker-job.ts, which also lowers the thread's priority below the
 * request thread's). Bundled to dist/engine/ratings-worker.js by scripts/build-engine.ts (a Next.js server
 * bundle cannot start .ts workers).
 */
import { serveWorkerJob } from "../worker-job";
import { readAndComputeRatings } from "./ratings-thread";

serveWorkerJob(readAndComputeRatings);
