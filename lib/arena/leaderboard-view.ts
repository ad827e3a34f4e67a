import "server-only";
/** What the leaderboard page shows: the latest snapshot of a filter, without the models admins hid. */
import { db } from "../db/client";
import { env } from "../env";
import { isDemoModel } from "../providers/demo-models";
import { withoutHiddenModels } from "./board-visibility";
import { filterKey, type LeaderboardFilter } from "./leaderboard-filter";
import { RATINGS_DELAY_MS, requestRatingsRefresh } from "./ratings-refresh";
import { type SnapshotData, voteWhere } from "./ratings-snapshots";

export interface LeaderboardView {
  /** The snapshot without the models admins took off the public board (lib/arena/board-visibility.ts). */
  data: SnapshotData | null;
  /** Names of the tiny demo model's configurations (labelled as such). */
  demoModels: string[];
  /** Rated models an admin took off the public board. */
  hiddenModels: number;
  updatedAt: Date | null;
  /** Votes in the filter cast since the snapshot (shown as "updating"). */
  pendingVotes: number;
  /** No snapshot for this filter yet: one is being computed in the background. */
  computing: boolean;
}

/**
 * The latest snapshot of a filter; queues a refresh when there is none or votes in the filter arrived
 * after it (e.g. after a restart). Two indexed queries; nothing is computed here.
 */
export async function leaderboardView(filter: LeaderboardFilter = {}): Promise<LeaderboardView> {
  const key = filterKey(filter);
  const snap = await db().ratingsSnapshot.findFirst({
    where: { filter: key },
    orderBy: { createdAt: "desc" },
  });
  const where = voteWhere(filter);
  const pendingVotes = snap
    ? await db().vote.count({
        where: { ...where, createdAt: { ...(where.createdAt as object), gt: snap.createdAt } },
      })
    : 0;
  const data = snap ? (JSON.parse(snap.data) as SnapshotData) : null;
  // A snapshot computed under another minimum or anchor (the configuration changed) is recomputed.
  const { RANKING_MIN_BATTLES, RANKING_ANCHOR_MODEL } = env();
  const stale =
    data !== null &&
    (data.minBattles !== RANKING_MIN_BATTLES || (data.anchorModel ?? undefined) !== RANKING_ANCHOR_MODEL);
  if (!snap || pendingVotes > 0 || stale)
    requestRatingsRefresh(filter, key === "" && snap && !stale ? RATINGS_DELAY_MS : 0);
  const board = await db().modelProvider.findMany({
    select: { name: true, kind: true, onLeaderboard: true },
  });
  const hidden = new Set(board.filter((m) => !m.onLeaderboard).map((m) => m.name));
  return {
    data: data ? withoutHiddenModels(data, hidden) : null,
    demoModels: board.filter((m) => isDemoModel(m.kind)).map((m) => m.name),
    hiddenModels: data ? data.models.filter((m) => hidden.has(m)).length : 0,
    updatedAt: snap?.createdAt ?? null,
    pendingVotes,
    computing: !snap,
  };
}
