/**
 * Runs a leaderboard refresh off the main thread: a worker thread (the bundled
 * dist/engine/ratings-worker.js, or the .ts source under tsx) opens its own database connection, reads the
 * counted votes (./ratings-read.ts) and computes the leaderboard and the voter anomaly check, so a refresh
 * over a million votes never blocks requests. Falls back to running in-process when no worker file exists
 * (e.g. before `npx tsx scripts/build-engine.ts`) or the worker cannot start. The entry is found by
 * engine/worker-path.ts's `resolveWorker`, like every other worker.
 */
import { resolveWorker } from "../../engine/worker-path";
import { createSql } from "../db/sql";
import type { DatabaseTarget } from "../db/target";
import type { AnomalyOptions } from "../ranking/anomaly";
import { type ComputedRatings, computeRatings } from "../ranking/compute-ratings";
import type { LeaderboardOptions } from "../ranking/leaderboard";
import { type RunMode, runWorkerJob } from "../worker-job";
import type { LeaderboardFilter } from "./leaderboard-filter";
import { readRatingsInput } from "./ratings-read";

export interface RatingsRequest {
  target: DatabaseTarget;
  filter: LeaderboardFilter;
  leaderboard: LeaderboardOptions;
  /** Run the voter anomaly check (votes of excluded voters included in the check, not the ratings). */
  anomaly?: AnomalyOptions;
}

export interface RatingsResult extends ComputedRatings {
  voterIds: string[];
  /** Votes inside the filter, and those left out of the ratings. */
  votes: number;
  excluded: number;
}

/** Reads and computes (in whichever thread calls it). */
export async function readAndComputeRatings(job: RatingsRequest): Promise<RatingsResult> {
  const sql = createSql(job.target);
  try {
    const input = await readRatingsInput(sql, { filter: job.filter, withExcludedVoters: !!job.anomaly });
    const result = computeRatings({
      table: input.table,
      voter: job.anomaly ? input.voter : undefined,
      anomalyExtra: input.anomalyExtra,
      leaderboard: job.leaderboard,
      anomaly: job.anomaly,
    });
    return { ...result, voterIds: input.voterIds, votes: input.votes, excluded: input.excluded };
  } finally {
    await sql.close();
  }
}

/** The worker entry, or null when there is none (callers then compute in-process). */
export function resolveRatingsWorker(): URL | null {
  if (process.env.RATINGS_WORKER === "off") return null;
  return resolveWorker("ratings-worker", import.meta.url, "./ratings-worker.ts");
}

/** Where a refresh was computed. */
export type ComputedIn = RunMode;

export function computeRatingsOffThread(
  job: RatingsRequest,
): Promise<{ result: RatingsResult; mode: ComputedIn }> {
  return runWorkerJob("ratings", resolveRatingsWorker(), job, readAndComputeRatings);
}
