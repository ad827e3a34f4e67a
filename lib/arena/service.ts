import "server-only";
import { subscribe } from "node:diagnostics_channel";
import type { PublicUser } from "../auth/accounts";
import { db, sql } from "../db/client";
import { databaseTarget } from "../db/target";
import { env } from "../env";
import { HttpError } from "../http-error";
import { jobs } from "../jobs";
import { log } from "../log";
import { modelService } from "../models/flexolmo";
import { processSingleton, singletonKey } from "../process-singleton";
import { isDemoModel, isReadableModel } from "../providers/demo-models";
import { readModelSummary } from "../providers/flexolmo";
import { providerFor } from "../providers/registry";
import type { ArenaPassage } from "../providers/types";
import { PROVIDER_KEYS, readKeys, type SecretKey } from "../secrets";
import { consume } from "../throttle";
import { type BattleEvent, createBattle, questionSchema, runBattle } from "./battles";
import { withoutHiddenModels } from "./board-visibility";
import { filterKey, type LeaderboardFilter } from "./leaderboard-filter";
import { NotEnoughModelsError } from "./pairs";
import { PASSAGES_PER_QUESTION, retrievePassages as retrieveFromCollection } from "./papers";
import { refreshRatings, type SnapshotData, voteWhere } from "./ratings";
import { isSubject, SUBJECTS } from "./subjects";
import { VOTE_STORED } from "./vote-request";

/** Per filter key: until when a refresh this process queued waits for its start. */
const RATINGS_SENT = singletonKey<Map<string, number>>("ratings-sent");
/** The subscription to stored votes (made once per process). */
const VOTE_WATCH = singletonKey<() => void>("vote-watch");

/** The keys provider API keys are sealed with: the current one (it seals) and the previous one (reads). */
export function providerKey(): SecretKey[] {
  return readKeys(PROVIDER_KEYS);
}

/** The passages of a question from the paper collection (the database's search index; lib/retrieval). */
export async function retrievePassages(question: string, k = PASSAGES_PER_QUESTION): Promise<ArenaPassage[]> {
  const result = await retrieveFromCollection(sql(), question, k, env().liveLiterature);
  if (result.liveError)
    console.warn(`live literature source: ${result.liveError}; answered from the collection`);
  return result.passages;
}

/** Enabled providers that can answer now (local ones only when the model is installed). */
export async function availableProviders() {
  const rows = await db().modelProvider.findMany({ where: { enabled: true }, orderBy: { name: "asc" } });
  const modelInstalled = readModelSummary(env().modelDir) !== null;
  return rows.filter((r) => r.kind !== "local" || modelInstalled);
}

/**
 * What the arena tells researchers about its contenders: whether an admin has added a real model yet (until
 * then the page says so and how), and how many enabled contenders are the tiny demo model.
 */
export async function arenaLineup(): Promise<{
  realModels: number;
  demoModels: number;
  baseline: boolean;
  enabled: number;
}> {
  const rows = await availableProviders();
  return {
    realModels: rows.filter((r) => r.kind === "openai").length,
    demoModels: rows.filter((r) => isDemoModel(r.kind)).length,
    baseline: rows.some((r) => r.kind === "extractive"),
    enabled: rows.length,
  };
}

/** Validates the question, retrieves the passages once and samples the two contenders. */
export async function startBattle(user: PublicUser, rawQuestion: unknown, rawSubject?: unknown) {
  const parsed = questionSchema.safeParse(rawQuestion);
  if (!parsed.success) throw new HttpError(400, parsed.error.issues[0].message);
  const question = parsed.data;
  if (rawSubject !== undefined && rawSubject !== null && !isSubject(rawSubject))
    throw new HttpError(400, `Pick a field from the list: ${SUBJECTS.join(", ")}.`);
  const subject = isSubject(rawSubject) ? rawSubject : "Other";
  await consume("battles", `user:${user.id}`);
  const [passages, providers] = await Promise.all([retrievePassages(question), availableProviders()]);
  let battle: Awaited<ReturnType<typeof createBattle>>;
  try {
    battle = await createBattle(db(), {
      userId: user.id,
      question,
      passages,
      subject,
      candidates: providers.map((p) => ({ id: p.id, weight: p.weight, readable: isReadableModel(p.kind) })),
    });
  } catch (e) {
    if (e instanceof NotEnoughModelsError) throw new HttpError(503, e.message);
    throw e;
  }
  const byId = new Map(providers.map((p) => [p.id, p]));
  const rowA = byId.get(battle.modelAId);
  const rowB = byId.get(battle.modelBId);
  if (!rowA || !rowB) throw new Error("sampled a provider that is not available");
  return { id: battle.id, question, passages, rowA, rowB };
}

/** Streams both answers of a battle started with `startBattle`, then stores them (or voids the battle). */
export async function streamBattle(
  started: Awaited<ReturnType<typeof startBattle>>,
  signal: AbortSignal,
  emit: (event: BattleEvent) => void,
) {
  const key = providerKey();
  const names = (await db().modelProvider.findMany({ select: { name: true, modelName: true } })).flatMap(
    (r) => (r.modelName ? [r.name, r.modelName] : [r.name]),
  );
  return runBattle(db(), {
    battleId: started.id,
    question: started.question,
    passages: started.passages,
    providers: [
      providerFor(started.rowA, { key, loadModel: modelService, label: "Model A" }),
      providerFor(started.rowB, { key, loadModel: modelService, label: "Model B" }),
    ],
    names,
    signal,
    emit,
  });
}

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
