import "server-only";
/**
 * The admin view of the voter anomaly check: voters the latest unfiltered snapshot flagged, plus every voter
 * whose votes are excluded (so they can be included again), with their stats and account state.
 */
import { db } from "../db/client";
import { requestRatingsRefresh } from "./ratings-refresh";
import type { FlaggedVoter, SnapshotData, VoterCheck } from "./ratings-snapshots";

export interface VoterReviewRow {
  userId: string;
  email: string;
  banned: boolean;
  trusted: boolean;
  votesExcluded: boolean;
  /** Votes cast (all, counted or not). */
  totalVotes: number;
  /** Stats from the check, when it flagged this voter. */
  check: FlaggedVoter | null;
}

export interface VoterReview {
  check: Omit<VoterCheck, "flagged"> | null;
  checkedAt: Date | null;
  rows: VoterReviewRow[];
}

export async function voterReview(): Promise<VoterReview> {
  const snap = await db().ratingsSnapshot.findFirst({
    where: { filter: "" },
    orderBy: { createdAt: "desc" },
  });
  const check = snap ? ((JSON.parse(snap.data) as SnapshotData).voterCheck ?? null) : null;
  const flagged = new Map((check?.flagged ?? []).map((f) => [f.userId, f]));
  const users = await db().user.findMany({
    where: { OR: [{ id: { in: [...flagged.keys()] } }, { votesExcluded: true }] },
    select: { id: true, email: true, banned: true, trusted: true, votesExcluded: true },
  });
  const counts = await db().vote.groupBy({
    by: ["userId"],
    where: { userId: { in: users.map((u) => u.id) } },
    _count: { _all: true },
  });
  const totals = new Map(counts.map((c) => [c.userId, c._count._all]));
  const rows = users
    .map((u) => ({
      userId: u.id,
      email: u.email,
      banned: u.banned,
      trusted: u.trusted,
      votesExcluded: u.votesExcluded,
      totalVotes: totals.get(u.id) ?? 0,
      check: flagged.get(u.id) ?? null,
    }))
    .sort((x, y) => (x.check?.pValue ?? 2) - (y.check?.pValue ?? 2) || x.email.localeCompare(y.email));
  return {
    check: check ? { checked: check.checked, alpha: check.alpha, minVotes: check.minVotes } : null,
    checkedAt: snap?.createdAt ?? null,
    rows,
  };
}

/**
 * Excludes or includes a voter's votes. Filtered snapshots are dropped (they are recomputed when viewed)
 * and the unfiltered one is refreshed in the background.
 */
export async function setVotesExcluded(userId: string, excluded: boolean): Promise<string | null> {
  const user = await db().user.findUnique({ where: { id: userId }, select: { email: true } });
  if (!user) return null;
  await db().user.update({ where: { id: userId }, data: { votesExcluded: excluded } });
  await db().ratingsSnapshot.deleteMany({ where: { filter: { not: "" } } });
  requestRatingsRefresh({});
  return user.email;
}
