/**
 * One ratings refresh's computation, as run in the ratings worker (or in-process when the worker file is
 * absent): the leaderboard of a battle table and, optionally, the voter anomaly check against its BT fit.
 * Pure; inputs and outputs are structured-clone friendly (typed arrays are transferred).
 */
import { type AnomalyOptions, detectAnomalousVoters, type VoterAnomaly } from "./anomaly";
import { computeLeaderboard, type Leaderboard, type LeaderboardOptions } from "./leaderboard";
import type { BattleTable } from "./types";

export interface RatingsJob {
  table: BattleTable;
  /** Voter index per battle (same length as the table), for the anomaly check. */
  voter?: Int32Array;
  leaderboard: LeaderboardOptions;
  anomaly?: AnomalyOptions;
}

export interface RatingsJobResult {
  board: Leaderboard;
  anomalies: VoterAnomaly[] | null;
}

export function runRatingsJob(job: RatingsJob): RatingsJobResult {
  const board = computeLeaderboard(job.table, job.leaderboard);
  if (!job.voter || !job.anomaly) return { board, anomalies: null };
  const bt = new Map(board.rows.map((r) => [r.model, r.bt]));
  const base = board.rows.length ? board.rows.reduce((s, r) => s + r.bt, 0) / board.rows.length : 0;
  const theta = job.table.models.map((m) => ((bt.get(m) ?? base) - base) / 400);
  const anomalies = detectAnomalousVoters(
    {
      voter: job.voter,
      modelA: job.table.modelA,
      modelB: job.table.modelB,
      outcome: job.table.outcome,
      theta,
    },
    job.anomaly,
  );
  return { board, anomalies };
}
