/**
 * Calibration: admins mark voted battles; other researchers are shown them again and vote (kept apart from
 * arena votes, in CalibrationVote), and the battle's own voter is sometimes shown it again with the answers
 * swapped. Admins can also publish an imported SciArena-Eval dataset: each of its pairs becomes a calibration
 * item (shown as in the file, to everyone), and its human label plays the part of the original vote. The report gives inter-annotator agreement (share agreeing, Fleiss' kappa over all ratings of an
 * item, Cohen's kappa of each calibration vote against the original vote) and each researcher's
 * self-consistency (original vote vs their swapped re-vote, mapped back). Takes the database explicitly.
 */
import type { Db } from "../db/create";
import { HttpError } from "../http-error";
import { bootstrapEstimate, type Estimate, shareEstimate } from "./estimate";
import { cohenUnits, fleissUnits, shareUnits } from "./kappa";

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

/** Largest dataset that can be published as calibration material. */
export const MAX_PUBLISHED_ITEMS = 5000;

/**
 * Publishes (or withdraws) a dataset's pairs as calibration items. Publishing again re-activates the items
 * and adds any that are missing; votes already cast are kept either way.
 */
export async function publishDataset(db: Db, datasetId: string, adminId: string, active = true) {
  const dataset = await db.evalDataset.findUnique({
    where: { id: datasetId },
    select: { itemCount: true },
  });
  if (!dataset) throw new HttpError(404, "There is no such dataset.");
  if (!active) {
    await db.calibrationItem.updateMany({ where: { datasetId }, data: { active: false } });
    return { items: 0 };
  }
  if (dataset.itemCount > MAX_PUBLISHED_ITEMS)
    throw new HttpError(
      413,
      `Only datasets of up to ${MAX_PUBLISHED_ITEMS} pairs can be published for calibration.`,
    );
  const [items, existing] = await Promise.all([
    db.evalItem.findMany({ where: { datasetId }, select: { id: true }, orderBy: { position: "asc" } }),
    db.calibrationItem.findMany({ where: { datasetId }, select: { evalItemId: true } }),
  ]);
  const have = new Set(existing.map((e) => e.evalItemId));
  const missing = items.filter((i) => !have.has(i.id));
  for (let i = 0; i < missing.length; i += 500)
    await db.calibrationItem.createMany({
      data: missing.slice(i, i + 500).map((m) => ({ evalItemId: m.id, datasetId, createdById: adminId })),
    });
  await db.calibrationItem.updateMany({ where: { datasetId }, data: { active: true } });
  return { items: items.length };
}

export interface CalibrationCitation {
  concise_authors: string;
  content: string;
}

export interface CalibrationTask {
  itemId: string;
  /** "battle": an admin-marked arena battle; "dataset": a pair of a published SciArena-Eval dataset. */
  source: "battle" | "dataset";
  question: string;
  /** The retrieved passages of a battle (cited as [n]); empty for dataset pairs. */
  passages: unknown;
  answerA: string;
  answerB: string;
  /** The citations of each answer as shown (dataset pairs; empty for battles, whose answers cite passages). */
  citationsA: CalibrationCitation[];
  citationsB: CalibrationCitation[];
}

const parseList = (s: string): CalibrationCitation[] => {
  try {
    const v = JSON.parse(s);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
};

/** A dataset file's label ("A", "B", "tie", "bothbad", in any case) as a calibration choice. */
export const labelChoice = (vote: string): string => {
  const v = vote.toLowerCase().replace(/[^a-z]/g, "");
  return v === "bothbad" ? "bothbad" : v;
};

/**
 * The next calibration item for a researcher, or null: an active item they have not rated, on someone else's
 * battle or from a published dataset (oldest first); with probability SELF_CHECK_RATE (or when nothing else
 * is left) one of their own battles instead, answers swapped. A researcher is never shown their own battle
 * unswapped.
 */
export async function nextCalibrationTask(
  db: Db,
  userId: string,
  random: () => number = Math.random,
): Promise<CalibrationTask | null> {
  const battleFields = {
    id: true,
    userId: true,
    question: true,
    passages: true,
    answerA: true,
    answerB: true,
  };
  const pickOther = await db.calibrationItem.findMany({
    where: { active: true, votes: { none: { userId, swapped: false } } },
    select: { id: true, battleId: true, evalItemId: true },
    orderBy: { createdAt: "asc" },
    take: 200,
  });
  const battles = await db.battle.findMany({
    where: { id: { in: pickOther.flatMap((p) => (p.battleId ? [p.battleId] : [])) } },
    select: battleFields,
  });
  const byId = new Map(battles.map((b) => [b.id, b]));
  const foreign = pickOther.filter((p) =>
    p.battleId ? byId.has(p.battleId) && byId.get(p.battleId)?.userId !== userId : p.evalItemId,
  );
  const own = await db.calibrationItem.findMany({
    where: { active: true, battleId: { not: null }, votes: { none: { userId, swapped: true } } },
    select: { id: true, battleId: true },
    take: 200,
  });
  const ownBattles = await db.battle.findMany({
    where: { id: { in: own.flatMap((o) => (o.battleId ? [o.battleId] : [])) }, userId },
    select: battleFields,
  });
  const ownItem = ownBattles.length ? own.find((o) => o.battleId === ownBattles[0].id) : undefined;
  const useOwn = ownItem && (foreign.length === 0 || random() < SELF_CHECK_RATE);
  if (useOwn && ownItem) return battleTask(ownItem.id, ownBattles[0], true);
  for (const pick of foreign) {
    if (pick.evalItemId) {
      const e = await db.evalItem.findUnique({ where: { id: pick.evalItemId } });
      if (!e) continue;
      return {
        itemId: pick.id,
        source: "dataset",
        question: e.question,
        passages: [],
        answerA: e.responseA,
        answerB: e.responseB,
        citationsA: parseList(e.citationA),
        citationsB: parseList(e.citationB),
      };
    }
    const b = pick.battleId ? byId.get(pick.battleId) : undefined;
    if (b) return battleTask(pick.id, b, false);
  }
  return null;
}

/** The calibration task of a battle's item, its answers swapped or not (battles carry no citation lists). */
function battleTask(
  itemId: string,
  b: { question: string; passages: string; answerA: string | null; answerB: string | null },
  swapped: boolean,
): CalibrationTask {
  const [answerA, answerB] = swapped ? [b.answerB, b.answerA] : [b.answerA, b.answerB];
  return {
    itemId,
    source: "battle",
    question: b.question,
    passages: JSON.parse(b.passages),
    answerA: answerA ?? "",
    answerB: answerB ?? "",
    citationsA: [],
    citationsB: [],
  };
}

/**
 * Stores a calibration vote. Whether the answers were shown swapped is decided here, not by the client:
 * a researcher's own battle is always shown swapped, anyone else's (and a dataset pair) never. The choice is
 * stored on the battle's original sides. Once per item and person (a repeat with the same choice is accepted).
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
  // Dataset pairs have no voter among the researchers: always shown as in the file.
  const battle = item.battleId
    ? await db.battle.findUniqueOrThrow({ where: { id: item.battleId }, select: { userId: true } })
    : null;
  const swapped = battle?.userId === input.userId;
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

export interface DatasetAgreement {
  datasetId: string;
  name: string;
  /** Published pairs (active or not) and how many of them researchers rated. */
  items: number;
  ratedItems: number;
  /** Researcher votes compared with the file's human label. */
  votes: number;
  agreeing: number;
  /** Share of votes agreeing with the label (n = votes). */
  agreement: Estimate;
  /** Cohen's kappa of the votes against the label (n = votes). */
  cohensKappa: Estimate;
}

export interface AgreementReport {
  items: number;
  ratedItems: number;
  ratings: number;
  /** Share of agreeing rating pairs (n = items with 2+ ratings; the interval resamples items). */
  shareAgreeing: Estimate;
  /** Fleiss' kappa over all ratings of each item (n = items with 2+ ratings). */
  fleissKappa: Estimate;
  /** Calibration votes of other researchers against the original vote or the dataset's label (n = pairs). */
  cohensKappa: Estimate;
  pairsWithOriginal: number;
  selfConsistency: {
    userId: string;
    email: string;
    checks: number;
    consistent: number;
    /** consistent / checks (n = checks). */
    rate: Estimate;
  }[];
  /** Battle items only (dataset pairs are summarised per dataset). */
  perItem: {
    itemId: string;
    battleId: string;
    active: boolean;
    question: string;
    original: string;
    others: string[];
  }[];
  datasets: DatasetAgreement[];
}

/**
 * The calibration state of some battles (the admin page's list): whether each is marked, and the other
 * researchers' calibration votes on it (their swapped re-votes left out). One query; read live, so marking
 * shows at once while the report (./cached-report.ts) catches up.
 */
export async function battlesCalibration(
  db: Db,
  battles: readonly { id: string; userId: string }[],
): Promise<Map<string, { active: boolean; others: string[] }>> {
  const owner = new Map(battles.map((b) => [b.id, b.userId]));
  const items = await db.calibrationItem.findMany({
    where: { battleId: { in: [...owner.keys()] } },
    select: {
      battleId: true,
      active: true,
      votes: { select: { userId: true, choice: true, swapped: true } },
    },
  });
  return new Map(
    items.map((i) => [
      i.battleId ?? "",
      {
        active: i.active,
        others: i.votes
          .filter((v) => !v.swapped && v.userId !== owner.get(i.battleId ?? ""))
          .map((v) => v.choice),
      },
    ]),
  );
}

/**
 * Inter-annotator agreement over the calibration items: each item's ratings are its original vote (or a
 * dataset pair's human label) plus the other researchers' calibration votes; the voter's own swapped re-votes
 * count only for self-consistency.
 */
export async function agreementReport(db: Db): Promise<AgreementReport> {
  return computeAgreement(await readAgreementInput(db));
}

/**
 * What the report is computed from, as plain data (sent to a worker thread by ./cached-report.ts): each
 * multiply rated item's ratings, the (original, other) pairs, and everything else already tallied.
 */
export interface AgreementInput {
  items: number;
  ratings: number;
  multiRated: string[][];
  withOriginal: [string, string][];
  selfConsistency: { userId: string; email: string; checks: number; consistent: number }[];
  perItem: AgreementReport["perItem"];
  datasets: {
    datasetId: string;
    name: string;
    items: number;
    ratedItems: number;
    pairs: [string, string][];
  }[];
}

/**
 * The bootstrap intervals of the report (pure; the expensive part: O(rounds x items x labels), about
 * 14 CPU-seconds at 60,000 rated items, see bench/README.md).
 */
export function computeAgreement(input: AgreementInput): AgreementReport {
  return {
    items: input.items,
    ratedItems: input.multiRated.length,
    ratings: input.ratings,
    shareAgreeing: bootstrapEstimate(shareUnits(input.multiRated)),
    fleissKappa: bootstrapEstimate(fleissUnits(input.multiRated)),
    cohensKappa: bootstrapEstimate(cohenUnits(input.withOriginal)),
    pairsWithOriginal: input.withOriginal.length,
    selfConsistency: input.selfConsistency.map((s) => ({
      ...s,
      rate: shareEstimate(s.consistent, s.checks),
    })),
    perItem: input.perItem,
    datasets: input.datasets.map((d) => {
      const agreeing = d.pairs.filter(([x, y]) => x === y).length;
      return {
        datasetId: d.datasetId,
        name: d.name,
        items: d.items,
        ratedItems: d.ratedItems,
        votes: d.pairs.length,
        agreeing,
        agreement: shareEstimate(agreeing, d.pairs.length),
        cohensKappa: bootstrapEstimate(cohenUnits(d.pairs)),
      };
    }),
  };
}

/** Reads and tallies the calibration data (the report's database half). */
export async function readAgreementInput(db: Db): Promise<AgreementInput> {
  const voteFields = { select: { userId: true, choice: true, swapped: true } };
  const [items, datasetItems] = await Promise.all([
    db.calibrationItem.findMany({
      where: { battleId: { not: null } },
      orderBy: { createdAt: "desc" },
      take: 1000,
      select: { id: true, battleId: true, active: true, votes: voteFields },
    }),
    db.calibrationItem.findMany({
      where: { evalItemId: { not: null } },
      select: { id: true, evalItemId: true, datasetId: true, votes: voteFields },
    }),
  ]);
  const battles = new Map(
    (
      await db.battle.findMany({
        where: { id: { in: items.flatMap((i) => (i.battleId ? [i.battleId] : [])) } },
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
    const b = item.battleId ? battles.get(item.battleId) : undefined;
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

  const rated = datasetItems.filter((d) => d.votes.length > 0);
  const labels = new Map(
    (
      await db.evalItem.findMany({
        where: { id: { in: rated.flatMap((d) => (d.evalItemId ? [d.evalItemId] : [])) } },
        select: { id: true, vote: true },
      })
    ).map((e) => [e.id, labelChoice(e.vote)]),
  );
  const perDataset = new Map<string, { items: number; rated: number; pairs: [string, string][] }>();
  for (const d of datasetItems) {
    const key = d.datasetId ?? "";
    const agg = perDataset.get(key) ?? { items: 0, rated: 0, pairs: [] };
    agg.items++;
    const label = d.evalItemId ? labels.get(d.evalItemId) : undefined;
    if (label && d.votes.length > 0) {
      agg.rated++;
      const others = d.votes.map((v) => v.choice);
      ratingsPerItem.push([label, ...others]);
      ratings += 1 + others.length;
      for (const o of others) {
        agg.pairs.push([label, o]);
        withOriginal.push([label, o]);
      }
    }
    perDataset.set(key, agg);
  }
  const names = new Map(
    (
      await db.evalDataset.findMany({
        where: { id: { in: [...perDataset.keys()] } },
        select: { id: true, name: true },
      })
    ).map((d) => [d.id, d.name]),
  );

  const users = new Map(
    (
      await db.user.findMany({ where: { id: { in: [...self.keys()] } }, select: { id: true, email: true } })
    ).map((u) => [u.id, u.email]),
  );
  return {
    items: perItem.length + datasetItems.length,
    ratings,
    multiRated: ratingsPerItem.filter((r) => r.length >= 2),
    withOriginal,
    selfConsistency: [...self].map(([userId, s]) => ({ userId, email: users.get(userId) ?? userId, ...s })),
    perItem,
    datasets: [...perDataset].map(([datasetId, a]) => ({
      datasetId,
      name: names.get(datasetId) ?? "(removed dataset)",
      items: a.items,
      ratedItems: a.rated,
      pairs: a.pairs,
    })),
  };
}
