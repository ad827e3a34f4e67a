import "server-only";
/**
 * When the leaderboard is recomputed: a refresh job is queued after votes (`requestRatingsRefresh`, one
 * queued per filter across all instances) and run by whichever instance takes it (`runRatingsRefreshJob`,
 * lib/background.ts runs the queue). What a refresh computes and keeps: ./ratings-snapshots.ts.
 */
import { subscribe } from "node:diagnostics_channel";
import { db } from "../db/client";
import { databaseTarget } from "../db/target";
import { env } from "../env";
import { jobs } from "../jobs";
import { log } from "../log";
import { processSingleton, singletonKey } from "../process-singleton";
import { filterKey, type LeaderboardFilter } from "./leaderboard-filter";
import { refreshRatings } from "./ratings-snapshots";
import { VOTE_STORED } from "./vote-request";

/** Per filter key: until when a refresh this process queued waits for its start. */
const RATINGS_SENT = singletonKey<Map<string, number>>("ratings-sent");
/** The subscription to stored votes (made once per process). */
const VOTE_WATCH = singletonKey<() => void>("vote-watch");

/**
 * Queues a ratings refresh after every newly stored vote, whichever server path stored it (see
 * ./vote-request.ts). Called once at start-up; later calls do nothing.
 */
export function refreshRatingsAfterVotes() {
  processSingleton(VOTE_WATCH, () => {
    const onVote = () => requestRatingsRefresh({}, RATINGS_DELAY_MS);
    subscribe(VOTE_STORED, onVote);
    return onVote;
  });
}

/** The job queue of leaderboard refreshes (lib/background.ts runs it on every instance). */
export const RATINGS_QUEUE = "ratings-refresh";

/**
 * How long after the first pending vote its refresh starts: votes in that window share the run. Not a
 * debounce: a later vote never pushes the start back, so under steady voting the leaderboard still
 * refreshes every few seconds (the start, plus one poll of the job queue, plus the computation).
 */
export const RATINGS_DELAY_MS = 2000;

/**
 * Queues a refresh of a filter's leaderboard (with {}, the unfiltered one) to start `delayMs` from now,
 * computed once across all instances: the job store keeps one queued refresh per filter, and a refresh
 * reads the votes when it starts, so every vote stored before a queued refresh starts is in its snapshot.
 * Never computes inside a request.
 */
export function requestRatingsRefresh(filter: LeaderboardFilter, delayMs = 0) {
  const key = filterKey(filter);
  const sent = processSingleton(RATINGS_SENT, () => new Map());
  // This process queued one that has not reached its start time: it is still queued (a job is never taken
  // before its start), so the store would refuse another.
  if ((sent.get(key) ?? 0) > Date.now()) return;
  sent.set(key, Date.now() + delayMs);
  jobs()
    .send(RATINGS_QUEUE, { filter }, { key, startAfterMs: delayMs })
    .then((id) => {
      // Another instance's refresh was queued already: it may start before our window ends, so don't
      // stand in for it locally.
      if (id === null) sent.delete(key);
    })
    .catch((e) => {
      sent.delete(key);
      log("ratings").warn({ filter: key, err: (e as Error).message }, "queueing a ratings refresh failed");
    });
}

/** The job handler of leaderboard refreshes. */
export async function runRatingsRefreshJob({ data }: { data: { filter: LeaderboardFilter } }) {
  const { RANKING_MIN_BATTLES, RANKING_ANCHOR_MODEL } = env();
  await refreshRatings(db(), databaseTarget(process.env.DATABASE_URL), {
    filter: data.filter,
    minBattles: RANKING_MIN_BATTLES,
    anchorModel: RANKING_ANCHOR_MODEL,
  });
}
