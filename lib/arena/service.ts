import "server-only";
import { subscribe } from "node:diagnostics_channel";
import type { PublicUser } from "../auth/accounts";
import { db } from "../db/client";
import { databaseTarget } from "../db/target";
import { env } from "../env";
import { HttpError } from "../http-error";
import { modelService } from "../models/flexolmo";
import { isDemoModel, isReadableModel } from "../providers/demo-models";
import { readModelSummary } from "../providers/flexolmo";
import { providerFor } from "../providers/registry";
import type { ArenaPassage } from "../providers/types";
import { buildRetrievalIndex, type RetrievalIndex, search } from "../retrieval";
import { PROVIDER_KEYS, readKeys, type SecretKey } from "../secrets";
import { consume } from "../throttle";
import { type BattleEvent, createBattle, questionSchema, runBattle } from "./battles";
import { withoutHiddenModels } from "./board-visibility";
import { filterKey, type LeaderboardFilter } from "./leaderboard-filter";
import { NotEnoughModelsError } from "./pairs";
import { loadPapers, papersVersion } from "./papers";
import { refreshRatings, type SnapshotData, voteWhere } from "./ratings";
import { isSubject, SUBJECTS } from "./subjects";
import { VOTE_STORED } from "./vote-request";

/** Passages given to both models per question. */
export const PASSAGES_PER_QUESTION = 8;

const g = globalThis as unknown as {
  __lmrRetrieval?: { version: string; index: Promise<RetrievalIndex> };
  __lmrRatingsTimer?: ReturnType<typeof setTimeout>;
  __lmrRatingsRunning?: Promise<unknown>;
  __lmrRatingsQueue?: Map<string, LeaderboardFilter>;
  __lmrRatingsCurrent?: string;
  __lmrVoteWatch?: () => void;
};

/** The keys provider API keys are sealed with: the current one (it seals) and the previous one (reads). */
export function providerKey(): SecretKey[] {
  return readKeys(PROVIDER_KEYS);
}

/**
 * The BM25 index of the paper collection, built once and rebuilt when the collection changes (checked with
 * one aggregate query, so an import on another app instance is picked up too).
 */
export async function retrievalIndex(): Promise<RetrievalIndex> {
  const version = await papersVersion(db());
  if (g.__lmrRetrieval?.version !== version) {
    const index = loadPapers(db()).then((papers) => buildRetrievalIndex(papers));
    g.__lmrRetrieval = { version, index };
    index.catch(() => {
      if (g.__lmrRetrieval?.index === index) g.__lmrRetrieval = undefined;
    });
  }
  return g.__lmrRetrieval.index;
}

export async function retrievePassages(question: string, k = PASSAGES_PER_QUESTION): Promise<ArenaPassage[]> {
  const hits = search(await retrievalIndex(), question, k);
  return hits.map((h) => ({
    n: h.rank,
    passageId: h.passage.id,
    text: h.passage.text,
    paper: h.paper,
  }));
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
 * Schedules a ratings refresh after every newly stored vote, whichever server path stored it (see
 * ./vote-request.ts). Called once at start-up; later calls do nothing.
 */
export function refreshRatingsAfterVotes() {
  if (g.__lmrVoteWatch) return;
  g.__lmrVoteWatch = () => scheduleRatingsRefresh();
  subscribe(VOTE_STORED, g.__lmrVoteWatch);
}

/** Seconds after the last new vote before the ratings are recomputed (votes in a burst share one run). */
export const RATINGS_DELAY_MS = 3000;

/** Filters waiting for a refresh, by filterKey ("" = the unfiltered leaderboard). */
function queue(): Map<string, LeaderboardFilter> {
  g.__lmrRatingsQueue ??= new Map();
  return g.__lmrRatingsQueue;
}

/** Runs queued refreshes one at a time (each computes in a worker thread), never inside a request. */
function drainRatingsQueue() {
  if (g.__lmrRatingsRunning) return;
  g.__lmrRatingsRunning = (async () => {
    for (;;) {
      const next = queue().entries().next();
      if (next.done) break;
      const [key, filter] = next.value;
      queue().delete(key);
      g.__lmrRatingsCurrent = key;
      const { RANKING_MIN_BATTLES, RANKING_ANCHOR_MODEL } = env();
      await refreshRatings(db(), databaseTarget(process.env.DATABASE_URL), {
        filter,
        minBattles: RANKING_MIN_BATTLES,
        anchorModel: RANKING_ANCHOR_MODEL,
      }).catch((e) => console.error(`ratings refresh (${key || "all"}) failed:`, e));
    }
  })().finally(() => {
    g.__lmrRatingsRunning = undefined;
    g.__lmrRatingsCurrent = undefined;
    if (queue().size > 0) drainRatingsQueue();
  });
}

/** Queues a refresh of a filtered (or, with {}, the unfiltered) leaderboard now. */
export function requestRatingsRefresh(filter: LeaderboardFilter) {
  queue().set(filterKey(filter), filter);
  drainRatingsQueue();
}

/**
 * Recomputes the unfiltered snapshot in the background, RATINGS_DELAY_MS after the last call; never inside
 * a request. One run at a time: a call during a run queues another after it. Filtered snapshots refresh
 * when their page is viewed after new votes in the filter.
 */
export function scheduleRatingsRefresh(delayMs = RATINGS_DELAY_MS) {
  if (g.__lmrRatingsTimer) clearTimeout(g.__lmrRatingsTimer);
  g.__lmrRatingsTimer = setTimeout(() => {
    g.__lmrRatingsTimer = undefined;
    requestRatingsRefresh({});
  }, delayMs);
  g.__lmrRatingsTimer.unref?.();
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
  const busy =
    queue().has(key) || g.__lmrRatingsCurrent === key || (key === "" && g.__lmrRatingsTimer !== undefined);
  if ((!snap || pendingVotes > 0 || stale) && !busy) {
    if (key === "") scheduleRatingsRefresh(0);
    else requestRatingsRefresh(filter);
  }
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
