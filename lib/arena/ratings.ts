/**
 * Battles in the database -> lib/ranking's input, and the snapshots the leaderboard reads. Counted: voted,
 * not flagged, voter's votes not excluded by an admin, and inside the snapshot's filter (subject, vote dates).
 * The computation (leaderboard + voter anomaly check) runs in a worker thread (ratings-runner.ts); only the
 * paged database read happens on the main thread.
 */
import type { Db, Prisma } from "../db/create";
import { type Battle, extractStyleFeatures, toBattleTable, type Winner } from "../ranking";
import type { AnomalyOptions } from "../ranking/anomaly";
import { filterKey, filterRange, type LeaderboardFilter } from "./leaderboard-filter";
import { type RunMode, runRatingsJobOffThread } from "./ratings-runner";

const WINNER: Record<string, Winner> = { a: "model_a", b: "model_b", tie: "tie", bothbad: "tie (bothbad)" };

export interface SnapshotRow {
  model: string;
  elo: number;
  bt: number;
  ciLower: number;
  ciUpper: number;
  rank: number;
  battles: number;
  winRate: number;
  styleBt?: number;
}

/** A voter the anomaly check flagged (stats of lib/ranking/anomaly's VoterAnomaly). */
export interface FlaggedVoter {
  userId: string;
  votes: number;
  comparable: number;
  meanLogLik: number;
  nullMeanLogLik: number;
  z: number;
  pValue: number;
  agreement: number;
}

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
  /** The filter ("" = all votes). */
  filter?: string;
  /** Anomaly check over the counted votes (unfiltered snapshots only). */
  voterCheck?: VoterCheck;
  /** Where the computation ran. */
  computedIn?: RunMode;
  computeMs?: number;
}

/** Rows read per query, so memory stays flat with many votes. */
const PAGE = 5000;

/** Votes inside a filter (any status of the voter and battle). */
export function voteWhere(filter: LeaderboardFilter = {}): Prisma.VoteWhereInput {
  const range = filterRange(filter);
  return {
    ...(filter.subject ? { battle: { subject: filter.subject } } : {}),
    ...(range.gte || range.lt ? { createdAt: range } : {}),
  };
}

export async function countedBattles(
  db: Db,
  filter: LeaderboardFilter = {},
): Promise<{ battles: Battle[]; voters: string[]; excluded: number }> {
  const battles: Battle[] = [];
  const voters: string[] = [];
  const inFilter = voteWhere(filter);
  let cursor: string | undefined;
  for (;;) {
    const page = await db.vote.findMany({
      where: {
        ...inFilter,
        battle: { flagged: false, ...(filter.subject ? { subject: filter.subject } : {}) },
        user: { votesExcluded: false },
      },
      orderBy: { id: "asc" },
      take: PAGE,
      ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
      select: {
        id: true,
        userId: true,
        choice: true,
        createdAt: true,
        battle: {
          select: {
            answerA: true,
            answerB: true,
            modelA: { select: { name: true } },
            modelB: { select: { name: true } },
          },
        },
      },
    });
    for (const v of page) {
      battles.push({
        modelA: v.battle.modelA.name,
        modelB: v.battle.modelB.name,
        winner: WINNER[v.choice] ?? "tie",
        tstamp: v.createdAt.getTime() / 1000,
        styleA: extractStyleFeatures(v.battle.answerA ?? ""),
        styleB: extractStyleFeatures(v.battle.answerB ?? ""),
      });
      voters.push(v.userId);
    }
    if (page.length < PAGE) break;
    cursor = page[page.length - 1].id;
    // Let requests in between pages.
    await new Promise((r) => setImmediate(r));
  }
  const total = await db.vote.count({ where: inFilter });
  return { battles, voters, excluded: total - battles.length };
}

const OUTCOME: Record<string, number> = { a: 0, b: 1, tie: 2, bothbad: 3 };

/** Votes (unflagged battles) of voters whose votes are excluded, on rated models, for the anomaly check. */
async function excludedVotersVotes(
  db: Db,
  models: string[],
  voterIndex: Map<string, number>,
  voterIds: string[],
) {
  const modelIndex = new Map(models.map((m, i) => [m, i]));
  const voter: number[] = [];
  const modelA: number[] = [];
  const modelB: number[] = [];
  const outcome: number[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await db.vote.findMany({
      where: { battle: { flagged: false }, user: { votesExcluded: true } },
      orderBy: { id: "asc" },
      take: PAGE,
      ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
      select: {
        id: true,
        userId: true,
        choice: true,
        battle: { select: { modelA: { select: { name: true } }, modelB: { select: { name: true } } } },
      },
    });
    for (const v of page) {
      const a = modelIndex.get(v.battle.modelA.name);
      const b = modelIndex.get(v.battle.modelB.name);
      if (a === undefined || b === undefined) continue;
      let u = voterIndex.get(v.userId);
      if (u === undefined) {
        u = voterIds.length;
        voterIndex.set(v.userId, u);
        voterIds.push(v.userId);
      }
      voter.push(u);
      modelA.push(a);
      modelB.push(b);
      outcome.push(OUTCOME[v.choice] ?? 2);
    }
    if (page.length < PAGE) break;
    cursor = page[page.length - 1].id;
  }
  return {
    voter: Int32Array.from(voter),
    modelA: Int32Array.from(modelA),
    modelB: Int32Array.from(modelB),
    outcome: Uint8Array.from(outcome),
  };
}

export interface RefreshOptions {
  filter?: LeaderboardFilter;
  bootstrapRounds?: number;
  /** Anomaly check options; run on unfiltered snapshots only (default on). */
  anomaly?: AnomalyOptions | false;
}

/** Snapshots kept for the unfiltered leaderboard, and filtered leaderboards kept (latest one each). */
export const KEEP_UNFILTERED = 10;
export const KEEP_FILTERS = 30;

/** Computes and stores a new snapshot for a filter (in a worker thread); prunes old ones. */
export async function refreshRatings(db: Db, opts: RefreshOptions | number = {}): Promise<SnapshotData> {
  const o: RefreshOptions = typeof opts === "number" ? { bootstrapRounds: opts } : opts;
  const filter = o.filter ?? {};
  const key = filterKey(filter);
  const bootstrapRounds = o.bootstrapRounds ?? 100;
  // The snapshot is stamped with the start of the read: votes cast during the run count as pending.
  const startedAt = new Date();
  const started = startedAt.getTime();
  const { battles, voters, excluded } = await countedBattles(db, filter);
  // Online Elo runs in time order.
  const order = battles.map((_, i) => i).sort((x, y) => (battles[x].tstamp ?? 0) - (battles[y].tstamp ?? 0));
  const sorted = order.map((i) => battles[i]);
  const voterIds: string[] = [];
  const voterIndex = new Map<string, number>();
  const voter = new Int32Array(order.length);
  order.forEach((i, j) => {
    let v = voterIndex.get(voters[i]);
    if (v === undefined) {
      v = voterIds.length;
      voterIndex.set(voters[i], v);
      voterIds.push(voters[i]);
    }
    voter[j] = v;
  });
  const anomaly =
    key === "" && o.anomaly !== false ? { minVotes: 20, alpha: 0.001, ...(o.anomaly || {}) } : null;
  const table = toBattleTable(sorted);
  // Excluded voters are still checked (against ratings fitted without them), so admins see whether to
  // include them again.
  const anomalyExtra = anomaly
    ? await excludedVotersVotes(db, table.models, voterIndex, voterIds)
    : undefined;
  const { result, mode } = await runRatingsJobOffThread({
    table,
    anomalyExtra,
    voter: anomaly ? voter : undefined,
    leaderboard: { ties: "half", bootstrapRounds, seed: 0 },
    anomaly: anomaly ?? undefined,
  });
  const board = result.board;
  const data: SnapshotData = {
    rows: board.rows,
    models: board.models,
    winRate: board.winRate,
    battleCount: board.battleCount,
    totalBattles: board.totalBattles,
    excluded,
    bootstrapRounds,
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
        .map((a) => ({
          userId: voterIds[a.voter],
          votes: a.votes,
          comparable: a.comparable,
          meanLogLik: a.meanLogLik,
          nullMeanLogLik: a.nullMeanLogLik,
          z: a.z,
          pValue: a.pValue,
          agreement: a.agreement,
        })),
    };
  }
  await db.ratingsSnapshot.create({
    data: {
      data: JSON.stringify(data),
      battles: board.totalBattles,
      votes: battles.length + excluded,
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
