/**
 * Judge accuracy against human votes, as SciArena-Eval measures it. Pure.
 *
 * Only pairs whose human vote is A or B count (ties and both-bad are skipped). Accuracy = agreements /
 * (agreements + disagreements) on the verdict in the original order; a reply with no A/B token is neither
 * and is counted as unparseable. Each pair is also judged with the answers swapped (that verdict mapped back
 * to the original sides): position consistency = pairs with the same verdict both ways / pairs with both
 * verdicts parsed.
 */
import { type Estimate, shareEstimate } from "../agreement/estimate";
import type { Verdict } from "./parse";

export interface JudgedItem {
  vote: string;
  original: Verdict | null;
  /** The swapped-order verdict, already mapped back to the original sides. */
  swapped: Verdict | null;
  subject: string;
  questionType: string;
}

export interface Tally {
  agreements: number;
  disagreements: number;
  unparseable: number;
  accuracy: number | null;
}

export interface JudgeSummary extends Tally {
  pairs: number;
  /** Accuracy of the swapped-order verdicts. */
  swappedAccuracy: number | null;
  consistent: number;
  bothParsed: number;
  positionConsistency: number | null;
  /** Replies (two per pair) with no A/B token. */
  unparseableReplies: number;
  bySubject: Record<string, Tally>;
  byQuestionType: Record<string, Tally>;
}

export const isDecisive = (vote: string): vote is Verdict => vote === "A" || vote === "B";

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

function emptyTally(): Tally {
  return { agreements: 0, disagreements: 0, unparseable: 0, accuracy: null };
}

function add(t: Tally, vote: Verdict, verdict: Verdict | null) {
  if (verdict === null) t.unparseable++;
  else if (verdict === vote) t.agreements++;
  else t.disagreements++;
}

export function summarize(items: Iterable<JudgedItem>): JudgeSummary {
  const total = emptyTally();
  const swapped = emptyTally();
  const bySubject: Record<string, Tally> = {};
  const byQuestionType: Record<string, Tally> = {};
  let pairs = 0;
  let consistent = 0;
  let bothParsed = 0;
  let unparseableReplies = 0;
  for (const it of items) {
    if (!isDecisive(it.vote)) continue;
    pairs++;
    add(total, it.vote, it.original);
    add(swapped, it.vote, it.swapped);
    const subject = it.subject || "(none)";
    const type = it.questionType || "(none)";
    bySubject[subject] ??= emptyTally();
    byQuestionType[type] ??= emptyTally();
    add(bySubject[subject], it.vote, it.original);
    add(byQuestionType[type], it.vote, it.original);
    if (it.original === null) unparseableReplies++;
    if (it.swapped === null) unparseableReplies++;
    if (it.original !== null && it.swapped !== null) {
      bothParsed++;
      if (it.original === it.swapped) consistent++;
    }
  }
  const finish = (t: Tally) => {
    t.accuracy = ratio(t.agreements, t.agreements + t.disagreements);
    return t;
  };
  finish(total);
  for (const t of [...Object.values(bySubject), ...Object.values(byQuestionType)]) finish(t);
  return {
    ...total,
    pairs,
    swappedAccuracy: finish(swapped).accuracy,
    consistent,
    bothParsed,
    positionConsistency: ratio(consistent, bothParsed),
    unparseableReplies,
    bySubject,
    byQuestionType,
  };
}

/** A verdict given on the swapped order, on the original sides. */
export function unswap(v: Verdict | null): Verdict | null {
  return v === null ? null : v === "A" ? "B" : "A";
}

/** Accuracy with its n (pairs with a parsed verdict) and Wilson 95% interval; "too few" below MIN_UNITS. */
export function accuracyEstimate(t: Pick<Tally, "agreements" | "disagreements">): Estimate {
  return shareEstimate(t.agreements, t.agreements + t.disagreements);
}

/** Position consistency with its n (pairs with both verdicts parsed) and Wilson 95% interval. */
export function consistencyEstimate(s: Pick<JudgeSummary, "consistent" | "bothParsed">): Estimate {
  return shareEstimate(s.consistent, s.bothParsed);
}
