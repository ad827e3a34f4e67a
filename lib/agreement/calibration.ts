/**
 * Calibration: admins mark voted battles; other researchers are shown them again and vote (kept apart from
 * arena votes, in CalibrationVote), and the battle's own voter is sometimes shown it again with the answers
 * swapped. The report gives inter-annotator agreement (share agreeing, Fleiss' kappa over all ratings of an
 * item, Cohen's kappa of each calibration vote against the original vote) and each researcher's
 * self-consistency (original vote vs their swapped re-vote, mapped back). Takes the database explicitly.
 */
import type { Db } from "../db/create";
import { HttpError } from "../http-error";
import { cohensKappa, fleissKappa, shareAgreeing } from "./kappa";

export const CALIBRATION_CHOICES = ["a", "b", "tie", "bothbad"] as const;
export type CalibrationChoice = (typeof CALIBRATION_CHOICES)[number];
/** Chance of offering a researcher their own battle (swapped) when one is due. */
export const SELF_CHECK_RATE = 0.2;

export const swapChoice = (c: string): string => (c === "a" ? "b" : c === "b" ? "a" : c);

export async function markCalibration(db: Db, battleId: string, adminId: string, active = true) {
  const battle = await db.battle.findUnique({
    where: { id: battleId },
    select: { vote: { select: { id: true } } },
  });
  if (!battle) throw new HttpError(404, "There is no such battle.");
  if (!battle.vote) throw new HttpError(409, "Only voted battles can be calibration items.");
  await db.calibrationItem.upsert({
    where: { battleId },
    create: { battleId, createdById: adminId, active },
    update: { active },
  });
}

export interface CalibrationTask {
  itemId: string;
  question: string;
  passages: unknown;
  answerA: string;
  answerB: string;
}

/**
 * The next calibration item for a researcher, or null: an active item on someone else's battle they have not
 * rated; with probability SELF_CHECK_RATE (or when nothing else is left) one of their own, answers swapped.
 */
export async function nextCalibrationTask(
  db: Db,
  userId: string,
  random: () => number = Math.random,
): Promise<CalibrationTask | null> {
  const pickOther = await db.calibrationItem.findMany({
    where: { active: true, votes: { none: { userId, swapped: false } } },
    select: { id: true, battleId: true },
    orderBy: { createdAt: "asc" },
    take: 200,
  });
  const battles = await db.battle.findMany({
    where: { id: { in: pickOther.map((p) => p.battleId) } },
    select: { id: true, userId: true, question: true, passages: true, answerA: true, answerB: true },
  });
  const byId = new Map(battles.map((b) => [b.id, b]));
  const foreign = pickOther.filter((p) => byId.get(p.battleId)?.userId !== userId);
  const own = await db.calibrationItem.findMany({
    where: { active: true, votes: { none: { userId, swapped: true } } },
    select: { id: true, battleId: true },
    take: 200,
  });
  const ownBattles = await db.battle.findMany({
    where: { id: { in: own.map((o) => o.battleId) }, userId },
    select: { id: true, userId: true, question: true, passages: true, answerA: true, answerB: true },
  });
  const ownItem = ownBattles.length ? own.find((o) => o.battleId === ownBattles[0].id) : undefined;
  const useOwn = ownItem && (foreign.length === 0 || random() < SELF_CHECK_RATE);
  if (useOwn && ownItem) {
    const b = ownBattles[0];
    return {
      itemId: ownItem.id,
      question: b.question,
      passages: JSON.parse(b.passages),
      answerA: b.answerB ?? "",
      answerB: b.answerA ?? "",
    };
  }
  const pick = foreign[0];
  if (!pick) return null;
  const b = byId.get(pick.battleId);
  if (!b) return null;
  return {
    itemId: pick.id,
    question: b.question,
    passages: JSON.parse(b.passages),
    answerA: b.answerA ?? "",
    answerB: b.answerB ?? "",
  };
}

/**
 * Stores a calibration vote. Whether the answers were shown swapped is decided here, not by the client:
 * a researcher's own battle is always shown swapped, anyone else's never. The choice is stored on the
 * battle's original sides. Once per item and person (a repeat with the same choice is accepted).
 */
export async function castCalibrationVote(
  db: Db,
  input: { itemId: string; userId: string; choice: CalibrationChoice },
) {
  const item = await db.calibrationItem.findUnique({
    where: { id: input.itemId },
    select: { id: true, active: true, battleId: true },
  });
  if (!item?.active) throw new HttpError(404, "There is no such calibration item.");
  const battle = await db.battle.findUniqueOrThrow({
    where: { id: item.battleId },
    select: { userId: true },
  });
  const swapped = battle.userId === input.userId;
  const choice = swapped ? swapChoice(input.choice) : input.choice;
  try {
    await db.calibrationVote.create({ data: { itemId: item.id, userId: input.userId, choice, swapped } });
  } catch (e) {
    if ((e as { code?: string }).code !== "P2002") throw e;
    const existing = await db.calibrationVote.findUniqueOrThrow({
      where: { itemId_userId_swapped: { itemId: item.id, userId: input.userId, swapped } },
    });
    if (existing.choice !== choice)
      throw new HttpError(409, "You already rated this item; a vote cannot be changed.");
  }
  return { swapped };
}

export interface AgreementReport {
  items: number;
  ratedItems: number;
  ratings: number;
  shareAgreeing: number | null;
  fleissKappa: number | null;
  /** Calibration votes of other researchers against the original vote. */
  cohensKappa: number | null;
  pairsWithOriginal: number;
  selfConsistency: {
    userId: string;
    email: string;
    checks: number;
    consistent: number;
    rate: number | null;
  }[];
  perItem: {
    itemId: string;
    battleId: string;
    active: boolean;
    question: string;
    original: string;
    others: string[];
  }[];
}

export async function agreementReport(db: Db): Promise<AgreementReport> {
  const items = await db.calibrationItem.findMany({
    orderBy: { createdAt: "desc" },
    take: 1000,
    select: {
      id: true,
      battleId: true,
      active: true,
      votes: { select: { userId: true, choice: true, swapped: true } },
    },
  });
  const battles = new Map(
    (
      await db.battle.findMany({
        where: { id: { in: items.map((i) => i.battleId) } },
        select: { id: true, question: true, userId: true, vote: { select: { choice: true } } },
      })
    ).map((b) => [b.id, b]),
  );
  const ratingsPerItem: string[][] = [];
  const withOriginal: [string, string][] = [];
  const self = new Map<string, { checks: number; consistent: number }>();
  const perItem: AgreementReport["perItem"] = [];
  let ratings = 0;
  for (const item of items) {
    const b = battles.get(item.battleId);
    if (!b?.vote) continue;
    const others = item.votes.filter((v) => !v.swapped && v.userId !== b.userId).map((v) => v.choice);
    const all = [b.vote.choice, ...others];
    ratingsPerItem.push(all);
    ratings += all.length;
    for (const o of others) withOriginal.push([b.vote.choice, o]);
    for (const v of item.votes.filter((x) => x.swapped && x.userId === b.userId)) {
      const s = self.get(v.userId) ?? { checks: 0, consistent: 0 };
      s.checks++;
      if (v.choice === b.vote.choice) s.consistent++;
      self.set(v.userId, s);
    }
    perItem.push({
      itemId: item.id,
      battleId: b.id,
      active: item.active,
      question: b.question,
      original: b.vote.choice,
      others,
    });
  }
  const users = new Map(
    (
      await db.user.findMany({ where: { id: { in: [...self.keys()] } }, select: { id: true, email: true } })
    ).map((u) => [u.id, u.email]),
  );
  return {
    items: perItem.length,
    ratedItems: ratingsPerItem.filter((r) => r.length >= 2).length,
    ratings,
    shareAgreeing: shareAgreeing(ratingsPerItem),
    fleissKappa: fleissKappa(ratingsPerItem),
    cohensKappa: cohensKappa(withOriginal),
    pairsWithOriginal: withOriginal.length,
    selfConsistency: [...self].map(([userId, s]) => ({
      userId,
      email: users.get(userId) ?? userId,
      checks: s.checks,
      consistent: s.consistent,
      rate: s.checks ? s.consistent / s.checks : null,
    })),
    perItem,
  };
}
