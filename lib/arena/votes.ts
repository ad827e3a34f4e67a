/**
 * Votes: one per battle, by the researcher who asked, after both answers finished, within a daily cap.
 *
 * Idempotency: the Vote row's unique battleId is the arbiter. A repeated submission (same or concurrent)
 * finds the existing vote and returns it; a concurrent insert that loses the race gets P2002 from the unique
 * index and is answered the same way, so every vote is stored exactly once. A repeat with a different
 * choice is refused: a vote is final.
 */
import type { Db } from "../db/create";
import { HttpError } from "../http-error";

export const VOTE_CHOICES = ["a", "b", "tie", "bothbad"] as const;
export type VoteChoice = (typeof VOTE_CHOICES)[number];

export interface VoteResult {
  choice: VoteChoice;
  /** True when this submission found the vote already stored. */
  repeated: boolean;
  /** Revealed after the vote. */
  modelA: string;
  modelB: string;
  flagged: boolean;
}

/** Start of the UTC day of `now`: the daily cap resets at midnight UTC. */
export function utcDayStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export async function castVote(
  db: Db,
  input: { battleId: string; userId: string; choice: VoteChoice; dailyCap: number; now?: Date },
): Promise<VoteResult> {
  const now = input.now ?? new Date();
  const battle = await db.battle.findUnique({
    where: { id: input.battleId },
    select: {
      userId: true,
      status: true,
      flagged: true,
      vote: { select: { choice: true } },
      modelA: { select: { name: true } },
      modelB: { select: { name: true } },
    },
  });
  if (!battle) throw new HttpError(404, "There is no such battle.");
  if (battle.userId !== input.userId)
    throw new HttpError(403, "Only the researcher who asked can vote on this battle.");
  const reveal = (choice: string, repeated: boolean): VoteResult => ({
    choice: choice as VoteChoice,
    repeated,
    modelA: battle.modelA.name,
    modelB: battle.modelB.name,
    flagged: battle.flagged,
  });
  if (battle.vote) return repeatOf(battle.vote.choice, input.choice, reveal);
  if (battle.status === "voided")
    throw new HttpError(409, "This battle was voided; ask again for a new one.");
  if (battle.status !== "answered" && battle.status !== "voted")
    throw new HttpError(409, "Wait until both answers have finished before voting.");
  const today = await db.vote.count({
    where: { userId: input.userId, createdAt: { gte: utcDayStart(now) } },
  });
  if (today >= input.dailyCap)
    throw new HttpError(
      429,
      `You have reached today's limit of ${input.dailyCap} votes. Come back tomorrow.`,
    );
  try {
    await db.$transaction([
      db.vote.create({
        data: { battleId: input.battleId, userId: input.userId, choice: input.choice, createdAt: now },
      }),
      db.battle.update({ where: { id: input.battleId }, data: { status: "voted", votedAt: now } }),
    ]);
  } catch (e) {
    if ((e as { code?: string }).code !== "P2002") throw e;
    const existing = await db.vote.findUnique({
      where: { battleId: input.battleId },
      select: { choice: true },
    });
    if (!existing) throw e;
    return repeatOf(existing.choice, input.choice, reveal);
  }
  return reveal(input.choice, false);
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
