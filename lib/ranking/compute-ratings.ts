/**
 * One ratings refresh's computation, as run in the ratings worker (or in-process when the worker file is
 * absent): the leaderboard of a battle table and, optionally, the voter anomaly check against its BT fit.
 * Pure; inputs and outputs are structured-clone friendly (typed arrays are transferred).
 */
import { type AnomalyOptions, detectAnomalousVoters, type VoterAnomaly } from "./anomaly";
import { computeLeaderboard, countedOnly, type Leaderboard, type LeaderboardOptions } from "./leaderboard";
import type { BattleTable } from "./types";

export interface RatingsComputation {
  table: BattleTable;
  /**
   * The leaderboard's options. An anchor model without counted battles in this table (a filter can leave
   * it out) is dropped: the mean of the ranked models then sits at the anchor's place, as `board.scale` says.
   */
  /** Voter index per battle (same length as the table), for the anomaly check. */
  voter?: Int32Array;
  leaderboard: LeaderboardOptions;
  anomaly?: AnomalyOptions;
  /**
   * Votes checked for anomalies but not rated (e.g. of voters whose votes an admin excluded), with models
   * as indices into `table.models`.
   */
  anomalyExtra?: { voter: Int32Array; modelA: Int32Array; modelB: Int32Array; outcome: Uint8Array };
}

export interface ComputedRatings {
  board: Leaderboard;
  anomalies: VoterAnomaly[] | null;
}

export function computeRatings(job: RatingsComputation): ComputedRatings {
  let options = job.leaderboard;
  const anchor = options.anchor;
  if (anchor && !countedOnly(job.table, options.ties ?? "half").models.includes(anchor.model))
    options = { ...options, anchor: undefined };
  const board = computeLeaderboard(job.table, options);
  if (!job.voter || !job.anomaly) return { board, anomalies: null };
  const bt = new Map(board.rows.map((r) => [r.model, r.bt]));
  const base = board.rows.length ? board.rows.reduce((s, r) => s + r.bt, 0) / board.rows.length : 0;
  const theta = job.table.models.map((m) => ((bt.get(m) ?? base) - base) / 400);
  const x = job.anomalyExtra;
  const cat = <T extends Int32Array | Uint8Array>(a: T, b: T | undefined): T => {
    if (!b || b.length === 0) return a;
    const out = new (a.constructor as new (n: number) => T)(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  };
  const anomalies = detectAnomalousVoters(
    {
      voter: cat(job.voter, x?.voter),
      modelA: cat(job.table.modelA, x?.modelA),
      modelB: cat(job.table.modelB, x?.modelB),
      outcome: cat(job.table.outcome, x?.outcome),
      theta,
    },
    job.anomaly,
  );
  return { board, anomalies };
}
