/**
 * Battles in the database -> lib/ranking's input, and the snapshots the leaderboard reads. Counted: voted,
 * not flagged, voter's votes not excluded by an admin, and inside the snapshot's filter (subject, vote dates).
 * The read (ratings-read.ts) and the computation (leaderboard + voter anomaly check) run in a worker thread
 * with its own database connection (ratings-thread.ts); this thread only stores the snapshot.
 */
import type { Db, Prisma } from "../db/create";
import type { DatabaseTarget } from "../db/target";
import type { AnomalyOptions, VoterAnomaly } from "../ranking/anomaly";
import type { Leaderboard, LeaderboardRow } from "../ranking/leaderboard";
import { filterKey, filterRange, type LeaderboardFilter } from "./leaderboard-filter";
import { type ComputedIn, computeRatingsOffThread } from "./ratings-thread";

/** One leaderboard row as stored in a snapshot: lib/ranking's row. */
export type SnapshotRow = LeaderboardRow;

/** A voter the anomaly check flagged: lib/ranking/anomaly's statistics, with the voter's user id. */
export type FlaggedVoter = Omit<VoterAnomaly, "voter" | "flagged"> & { userId: string };

export interface VoterCheck {
  /** Voters with counted votes. */
  checked: number;
  alpha: number;
  minVotes: number;
  flagged: FlaggedVoter[];
}

export interface SnapshotData {
  rows: SnapshotRow[];
  models: string[];
  winRate: (number | null)[][];
  battleCount: number[][];
  totalBattles: number;
  /** Voted battles in the filter left out: flagged, or by a voter whose votes are excluded. */
  excluded: number;
  bootstrapRounds: number;
  /** Battles a model needed to be ranked (fewer: preliminary). Absent in snapshots from before it existed. */
  minBattles?: number;
  /** The configured anchor model (null: none), whether or not it had battles in the filter. */
  anchorModel?: string | null;
  /** What sits at 1000: a named model, or the mean of the ranked models. */
  scale?: Leaderboard["scale"];
  /** False when some group of models never lost (or never won) to the rest: their ratings are bounded only by a weak prior. */
  mleExists?: boolean;
  /** The filter ("" = all votes). */
  filter?: string;
  /** Anomaly check over the counted votes (unfiltered snapshots only). */
  voterCheck?: VoterCheck;
  /** Where the computation ran. */
  computedIn?: ComputedIn;
  computeMs?: number;
}

/** Votes inside a filter (any status of the voter and battle). */
export function voteWhere(filter: LeaderboardFilter = {}): Prisma.VoteWhereInput {
  const range = filterRange(filter);
  return {
    ...(filter.subject ? { battle: { subject: filter.subject } } : {}),
    ...(range.gte || range.lt ? { createdAt: range } : {}),
  };
}

export interface RefreshOptions {
  filter?: LeaderboardFilter;
  bootstrapRounds?: number;
  /** Battles a model needs to be ranked (default DEFAULT_MIN_BATTLES); the app passes RANKING_MIN_BATTLES. */
  minBattles?: number;
  /** A model fixed at 1000 when it has battles in the filter (else the mean of the ranked models is). */
  anchorModel?: string;
  /** Anomaly check options; run on unfiltered snapshots only (default on). */
  anomaly?: AnomalyOptions | false;
}

/** Snapshots kept for the unfiltered leaderboard, and filtered leaderboards kept (latest one each). */
export const KEEP_UNFILTERED = 10;
/** Battles a model needs to be ranked when the caller does not say (RANKING_MIN_BATTLES's default). */
export const DEFAULT_MIN_BATTLES = 20;
export const KEEP_FILTERS = 30;

/**
 * Computes and stores a new snapshot for a filter; prunes old ones. The read and the computation run in a
 * worker thread on its own connection to `target` (the database `db` is a client of).
 */
export async function refreshRatings(
  db: Db,
  target: DatabaseTarget,
  opts: RefreshOptions | number = {},
): Promise<SnapshotData> {
  const o: RefreshOptions = typeof opts === "number" ? { bootstrapRounds: opts } : opts;
  const filter = o.filter ?? {};
  const key = filterKey(filter);
  const bootstrapRounds = o.bootstrapRounds ?? 100;
  const minBattles = o.minBattles ?? DEFAULT_MIN_BATTLES;
  // The snapshot is stamped with the start of the read: votes cast during the run count as pending.
  const startedAt = new Date();
  const started = startedAt.getTime();
  const anomaly =
    key === "" && o.anomaly !== false ? { minVotes: 20, alpha: 0.001, ...(o.anomaly || {}) } : null;
  const { result, mode } = await computeRatingsOffThread({
    target,
    filter,
    leaderboard: {
      ties: "half",
      bootstrapRounds,
      seed: 0,
      minBattles,
      anchor: o.anchorModel ? { model: o.anchorModel, rating: 1000 } : undefined,
    },
    anomaly: anomaly ?? undefined,
  });
  const { voterIds, excluded } = result;
  const board = result.board;
  const data: SnapshotData = {
    rows: board.rows,
    models: board.models,
    winRate: board.winRate,
    battleCount: board.battleCount,
    totalBattles: board.totalBattles,
    excluded,
    bootstrapRounds,
    minBattles,
    anchorModel: o.anchorModel ?? null,
    scale: board.scale,
    mleExists: board.mleExists,
    filter: key,
    computedIn: mode,
    computeMs: Date.now() - started,
  };
  if (anomaly && result.anomalies) {
    data.voterCheck = {
      checked: result.anomalies.length,
      alpha: anomaly.alpha,
      minVotes: anomaly.minVotes,
      flagged: result.anomalies
        .filter((a) => a.flagged)
        .sort((x, y) => x.pValue - y.pValue)
        .slice(0, 500)
        .map(
          ({ voter, flagged: _flagged, ...stats }): FlaggedVoter => ({ userId: voterIds[voter], ...stats }),
        ),
    };
  }
  await db.ratingsSnapshot.create({
    data: {
      data: JSON.stringify(data),
      battles: board.totalBattles,
      votes: result.votes,
      filter: key,
      createdAt: startedAt,
    },
  });
  await pruneSnapshots(db, key);
  return data;
}

async function pruneSnapshots(db: Db, key: string) {
  const old = await db.ratingsSnapshot.findMany({
    where: { filter: key },
    orderBy: { createdAt: "desc" },
    skip: key === "" ? KEEP_UNFILTERED : 1,
    select: { id: true },
  });
  if (old.length > 0) await db.ratingsSnapshot.deleteMany({ where: { id: { in: old.map((x) => x.id) } } });
  if (key === "") return;
  // Bound the number of filtered leaderboards kept: drop the least recently computed ones.
  const keys = await db.ratingsSnapshot.groupBy({
    by: ["filter"],
    where: { filter: { not: "" } },
    _max: { createdAt: true },
  });
  if (keys.length <= KEEP_FILTERS) return;
  const stale = keys
    .sort((x, y) => (y._max.createdAt?.getTime() ?? 0) - (x._max.createdAt?.getTime() ?? 0))
    .slice(KEEP_FILTERS)
    .map((k) => k.filter);
  await db.ratingsSnapshot.deleteMany({ where: { filter: { in: stale } } });
}
