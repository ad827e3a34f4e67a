/**
 * Votes: one per battle, by the researcher who asked, after both answers finished, within a daily cap.
 *
 * The cap is exact under concurrency on both databases (see the row lock in castVote).
 *
 * Idempotency: the Vote row's unique battleId is the arbiter. A repeated submission (same or concurrent)
 * finds the existing vote and returns it; a concurrent insert that loses the race gets a unique violation
 * and is answered the same way, so every vote is stored exactly once. A repeat with a different
 * choice is refused: a vote is final.
 */
import { randomBytes } from "node:crypto";
import { isUniqueViolation, type SqlClient } from "../db/sql";
import { HttpError } from "../http-error";
import { isDemoModel } from "../providers/demo-models";
import { dailyVoteCapIn } from "./settings";

export const VOTE_CHOICES = ["a", "b", "tie", "bothbad"] as const;
export type VoteChoice = (typeof VOTE_CHOICES)[number];

export interface VoteResult {
  choice: VoteChoice;
  /** True when this submission found the vote already stored. */
  repeated: boolean;
  /** Revealed after the vote. */
  modelA: string;
  modelB: string;
  /** The tiny demo model (FlexOlmo-mini) answered on that side. */
  demoA: boolean;
  demoB: boolean;
  /** What a reasoning model wrote before its answer, kept from the asker until the vote. */
  reasoningA: string | null;
  reasoningB: string | null;
  flagged: boolean;
}

/** Start of the UTC day of `now`: the daily cap resets at midnight UTC. */
export function utcDayStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

interface BattleRow {
  userId: string;
  status: string;
  flagged: number | boolean;
  modelA: string;
  modelB: string;
  kindA: string;
  kindB: string;
  reasoningA: string | null;
  reasoningB: string | null;
  voted: string | null;
}

const BATTLE_FOR_VOTE = `SELECT b."userId", b."status", b."flagged", a."name" AS "modelA", m."name" AS "modelB",
    a."kind" AS "kindA", m."kind" AS "kindB", b."reasoningA", b."reasoningB", v."choice" AS "voted"
  FROM "Battle" b
  JOIN "ModelProvider" a ON a."id" = b."modelAId"
  JOIN "ModelProvider" m ON m."id" = b."modelBId"
  LEFT JOIN "Vote" v ON v."battleId" = b."id"
  WHERE b."id" = ?`;

/**
 * Stores a vote (plain SQL through lib/db/sql: this is the arena's hottest write). One transaction reads
 * the battle, checks who may vote and when, counts today's votes against the cap (the admin setting
 * unless `dailyCap` is given), inserts the vote and marks the battle voted.
 */
export async function castVote(
  sql: SqlClient,
  input: { battleId: string; userId: string; choice: VoteChoice; dailyCap?: number; now?: Date },
): Promise<VoteResult> {
  const now = input.now ?? new Date();
  const reveal = (battle: BattleRow, choice: string, repeated: boolean): VoteResult => ({
    choice: choice as VoteChoice,
    repeated,
    modelA: battle.modelA,
    modelB: battle.modelB,
    demoA: isDemoModel(battle.kindA),
    demoB: isDemoModel(battle.kindB),
    reasoningA: battle.reasoningA,
    reasoningB: battle.reasoningB,
    flagged: Boolean(battle.flagged),
  });
  try {
    return await sql.transaction(async (tx) => {
      const [battle] = await tx.all<BattleRow>(BATTLE_FOR_VOTE, [input.battleId]);
      if (!battle) throw new HttpError(404, "There is no such battle.");
      if (battle.userId !== input.userId)
        throw new HttpError(403, "Only the researcher who asked can vote on this battle.");
      if (battle.voted !== null) return repeatOf(battle.voted, input.choice, (c, r) => reveal(battle, c, r));
      if (battle.status === "voided")
        throw new HttpError(409, "This battle was voided; ask again for a new one.");
      if (battle.status !== "answered" && battle.status !== "voted")
        throw new HttpError(409, "Wait until both answers have finished before voting.");
      const cap = input.dailyCap ?? (await dailyVoteCapIn(tx));
      // PostgreSQL runs concurrent transactions side by side (READ COMMITTED): without this lock two
      // votes by one researcher could both count the same total and both pass the cap. Locking the
      // researcher's row makes their votes take turns; the count below, a new statement, then sees the
      // votes committed before it. SQLite's BEGIN IMMEDIATE already serialises every write transaction.
      if (sql.provider === "postgresql")
        await tx.all(`SELECT "id" FROM "User" WHERE "id" = ? FOR UPDATE`, [input.userId]);
      const [{ n: today }] = await tx.all<{ n: number | string }>(
        `SELECT COUNT(*) AS "n" FROM "Vote" WHERE "userId" = ? AND "createdAt" >= ?`,
        [input.userId, utcDayStart(now)],
      );
      if (Number(today) >= cap)
        throw new HttpError(429, `You have reached today's limit of ${cap} votes. Come back tomorrow.`);
      await tx.run(
        `INSERT INTO "Vote" ("id", "battleId", "userId", "choice", "createdAt") VALUES (?, ?, ?, ?, ?)`,
        [newId(), input.battleId, input.userId, input.choice, now],
      );
      await tx.run(`UPDATE "Battle" SET "status" = 'voted', "votedAt" = ? WHERE "id" = ?`, [
        now,
        input.battleId,
      ]);
      return reveal(battle, input.choice, false);
    });
  } catch (e) {
    // A concurrent submission (PostgreSQL: another transaction) stored the vote first.
    if (!isUniqueViolation(e)) throw e;
    const [battle] = await sql.all<BattleRow>(BATTLE_FOR_VOTE, [input.battleId]);
    if (!battle?.voted) throw e;
    return repeatOf(battle.voted, input.choice, (c, r) => reveal(battle, c, r));
  }
}

/** A collision-resistant row id (time-ordered prefix, 80 random bits), like the cuids Prisma makes. */
function newId(): string {
  return `v${Date.now().toString(36)}${randomBytes(10).toString("hex")}`;
}

function repeatOf(
  stored: string,
  wanted: VoteChoice,
  reveal: (choice: string, repeated: boolean) => VoteResult,
): VoteResult {
  if (stored !== wanted)
    throw new HttpError(409, "You already voted on this battle; a vote cannot be changed.");
  return reveal(stored, true);
}
