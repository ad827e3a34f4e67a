import "server-only";
/**
 * Asking the arena a question: the question's passages from the paper collection, the two contenders sampled
 * from the enabled models, both answers streamed and stored (lib/arena/battles.ts holds the rules; this binds
 * them to the process's database, providers and model). `POST /api/arena/battles` calls `startBattle`, then
 * `streamBattle`.
 */
import type { PublicUser } from "../auth/accounts";
import { db, sql } from "../db/client";
import { env } from "../env";
import { HttpError } from "../http-error";
import { modelService } from "../models/flexolmo";
import { isDemoModel, isReadableModel } from "../providers/demo-models";
import { readModelSummary } from "../providers/flexolmo";
import { providerFor } from "../providers/registry";
import type { ArenaPassage } from "../providers/types";
import { providerKey } from "../secrets";
import { consume } from "../throttle";
import { type BattleEvent, createBattle, questionSchema, runBattle } from "./battles";
import { NotEnoughModelsError } from "./pairs";
import { PASSAGES_PER_QUESTION, retrievePassages as retrieveFromCollection } from "./papers";
import { isSubject, SUBJECTS } from "./subjects";

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
      providerFor(started.rowA, { key, loadModel: modelService, label: "Model A", db: db() }),
      providerFor(started.rowB, { key, loadModel: modelService, label: "Model B", db: db() }),
    ],
    names,
    signal,
    emit,
  });
}
