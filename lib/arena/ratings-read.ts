/**
 * Reads the votes a leaderboard counts, straight into lib/ranking's input, with plain SQL
 * (lib/db/sql.ts). Runs inside the ratings worker (./ratings-worker.ts) on its own connection, so a
 * refresh over a million votes never occupies the thread that answers requests.
 *
 * Counted: voted, battle not flagged, voter's votes not excluded by an admin, inside the filter (subject,
 * vote dates). Memory: one page of rows (PAGE) plus the per-vote arrays.
 */
import type { SqlRunner, SqlValue } from "../db/sql";
import { parseDbTime } from "../db/sql";
import { type Battle, type BattleTable, extractStyleFeatures, toBattleTable, type Winner } from "../ranking";
import { filterRange, type LeaderboardFilter } from "./leaderboard-filter";

const WINNER: Record<string, Winner> = { a: "model_a", b: "model_b", tie: "tie", bothbad: "tie (bothbad)" };
const OUTCOME: Record<string, number> = { a: 0, b: 1, tie: 2, bothbad: 3 };

/** Rows read per query (keyset pages by vote id). */
const PAGE = 5000;

export interface RatingsInput {
  /** Counted battles in time order (online Elo needs it). */
  table: BattleTable;
  /** Voter index per battle of `table`, and the voters' ids (for the anomaly check). */
  voter: Int32Array;
  voterIds: string[];
  /** Votes of voters whose votes are excluded (unflagged battles, rated models), when asked for. */
  anomalyExtra?: { voter: Int32Array; modelA: Int32Array; modelB: Int32Array; outcome: Uint8Array };
  /** Votes inside the filter, counted or not. */
  votes: number;
  /** Votes inside the filter left out (flagged battle, or excluded voter). */
  excluded: number;
}

interface VoteRow {
  id: string;
  userId: string;
  choice: string;
  createdAt: unknown;
  answerA?: string | null;
  answerB?: string | null;
  modelA: string;
  modelB: string;
}

/** `WHERE` conditions and parameters of a filter, on `v` (Vote) and `b` (Battle). */
function filterSql(filter: LeaderboardFilter): { where: string; params: SqlValue[] } {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  if (filter.subject) {
    parts.push(`b."subject" = ?`);
    params.push(filter.subject);
  }
  const range = filterRange(filter);
  if (range.gte) {
    parts.push(`v."createdAt" >= ?`);
    params.push(range.gte);
  }
  if (range.lt) {
    parts.push(`v."createdAt" < ?`);
    params.push(range.lt);
  }
  return { where: parts.map((p) => ` AND ${p}`).join(""), params };
}

/** Pages through the votes matching `where`, in vote-id order. */
async function* votePages(
  sql: SqlRunner,
  columns: string,
  where: string,
  params: SqlValue[],
): AsyncGenerator<VoteRow[]> {
  let after = "";
  for (;;) {
    const page = await sql.all<VoteRow>(
      `SELECT v."id", v."userId", v."choice", ${columns}, ma."name" AS "modelA", mb."name" AS "modelB"
       FROM "Vote" v
       JOIN "Battle" b ON b."id" = v."battleId"
       JOIN "User" u ON u."id" = v."userId"
       JOIN "ModelProvider" ma ON ma."id" = b."modelAId"
       JOIN "ModelProvider" mb ON mb."id" = b."modelBId"
       WHERE v."id" > ?${where}
       ORDER BY v."id" LIMIT ${PAGE}`,
      [after, ...params],
    );
    if (page.length > 0) yield page;
    if (page.length < PAGE) return;
    after = page[page.length - 1].id;
  }
}

export async function readRatingsInput(
  sql: SqlRunner,
  opts: { filter: LeaderboardFilter; withExcludedVoters: boolean },
): Promise<RatingsInput> {
  const f = filterSql(opts.filter);
  const battles: Battle[] = [];
  const voters: string[] = [];
  for await (const page of votePages(
    sql,
    `v."createdAt", b."answerA", b."answerB"`,
    ` AND b."flagged" = ? AND u."votesExcluded" = ?${f.where}`,
    [false, false, ...f.params],
  )) {
    for (const v of page) {
      battles.push({
        modelA: v.modelA,
        modelB: v.modelB,
        winner: WINNER[v.choice] ?? "tie",
        tstamp: parseDbTime(v.createdAt) / 1000,
        styleA: extractStyleFeatures(v.answerA ?? ""),
        styleB: extractStyleFeatures(v.answerB ?? ""),
      });
      voters.push(v.userId);
    }
  }
  const [{ n }] = await sql.all<{ n: number | string }>(
    `SELECT COUNT(*) AS "n" FROM "Vote" v JOIN "Battle" b ON b."id" = v."battleId" WHERE 1 = 1${f.where}`,
    f.params,
  );
  const votes = Number(n);

  // Time order for online Elo; voters numbered in that order.
  const order = battles.map((_, i) => i).sort((x, y) => (battles[x].tstamp ?? 0) - (battles[y].tstamp ?? 0));
  const voterIds: string[] = [];
  const voterIndex = new Map<string, number>();
  const voter = new Int32Array(order.length);
  const indexOf = (id: string) => {
    let k = voterIndex.get(id);
    if (k === undefined) {
      k = voterIds.length;
      voterIndex.set(id, k);
      voterIds.push(id);
    }
    return k;
  };
  order.forEach((i, j) => {
    voter[j] = indexOf(voters[i]);
  });
  const table = toBattleTable(order.map((i) => battles[i]));
  battles.length = 0;

  let anomalyExtra: RatingsInput["anomalyExtra"];
  if (opts.withExcludedVoters) {
    // Excluded voters are still checked (against ratings fitted without them), so admins see whether to
    // include them again.
    const modelIndex = new Map(table.models.map((m, i) => [m, i]));
    const ev: number[] = [];
    const ea: number[] = [];
    const eb: number[] = [];
    const eo: number[] = [];
    for await (const page of votePages(
      sql,
      `v."createdAt"`,
      ` AND b."flagged" = ? AND u."votesExcluded" = ?`,
      [false, true],
    )) {
      for (const v of page) {
        const a = modelIndex.get(v.modelA);
        const b = modelIndex.get(v.modelB);
        if (a === undefined || b === undefined) continue;
        ev.push(indexOf(v.userId));
        ea.push(a);
        eb.push(b);
        eo.push(OUTCOME[v.choice] ?? 2);
      }
    }
    anomalyExtra = {
      voter: Int32Array.from(ev),
      modelA: Int32Array.from(ea),
      modelB: Int32Array.from(eb),
      outcome: Uint8Array.from(eo),
    };
  }
  return { table, voter, voterIds, anomalyExtra, votes, excluded: votes - table.outcome.length };
}
