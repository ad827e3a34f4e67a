/**
 * Battles in the database -> lib/ranking's input, and the snapshot the leaderboard reads. Counted: voted,
 * not flagged, voter's votes not excluded by an admin.
 */
import type { Db } from "../db/create";
import { type Battle, computeLeaderboard, extractStyleFeatures, type Winner } from "../ranking";

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

export interface SnapshotData {
  rows: SnapshotRow[];
  models: string[];
  winRate: (number | null)[][];
  battleCount: number[][];
  totalBattles: number;
  /** Voted battles left out: flagged, or by a voter whose votes are excluded. */
  excluded: number;
  bootstrapRounds: number;
}

/** Rows read per query, so memory stays flat with many votes. */
const PAGE = 5000;

export async function countedBattles(db: Db): Promise<{ battles: Battle[]; excluded: number }> {
  const battles: Battle[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await db.vote.findMany({
      where: { battle: { flagged: false }, user: { votesExcluded: false } },
      orderBy: { id: "asc" },
      take: PAGE,
      ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
      select: {
        id: true,
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
    }
    if (page.length < PAGE) break;
    cursor = page[page.length - 1].id;
  }
  const total = await db.vote.count();
  return { battles, excluded: total - battles.length };
}

/** Computes and stores a new snapshot; keeps the last 10. */
export async function refreshRatings(db: Db, bootstrapRounds = 100): Promise<SnapshotData> {
  const { battles, excluded } = await countedBattles(db);
  // Online Elo runs in time order.
  battles.sort((x, y) => (x.tstamp ?? 0) - (y.tstamp ?? 0));
  const board = computeLeaderboard(battles, { ties: "half", bootstrapRounds, seed: 0 });
  const data: SnapshotData = {
    rows: board.rows,
    models: board.models,
    winRate: board.winRate,
    battleCount: board.battleCount,
    totalBattles: board.totalBattles,
    excluded,
    bootstrapRounds,
  };
  await db.ratingsSnapshot.create({
    data: { data: JSON.stringify(data), battles: board.totalBattles, votes: battles.length + excluded },
  });
  const old = await db.ratingsSnapshot.findMany({
    orderBy: { createdAt: "desc" },
    skip: 10,
    select: { id: true },
  });
  if (old.length > 0) await db.ratingsSnapshot.deleteMany({ where: { id: { in: old.map((o) => o.id) } } });
  return data;
}
