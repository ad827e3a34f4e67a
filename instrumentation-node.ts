import { channel } from "node:diagnostics_channel";
import { prepareArena } from "./lib/arena/startup";
import { applyMigrations } from "./lib/db/migrate";
import { databaseTarget } from "./lib/db/target";
import { parseEnvOrExit } from "./lib/env";
import { log } from "./lib/log";
import { SERVER_READY } from "./lib/server-ready";

const startLog = log("startup");

/**
 * Validates the configuration (a wrong value stops the app with a message naming the variable) and
 * brings the database schema up to date before the first request, then seeds the arena's built-in models and
 * sample papers.
 */
export async function startServer() {
  const config = parseEnvOrExit();
  const target = databaseTarget(process.env.DATABASE_URL);
  const result = await applyMigrations(target);
  if (result.applied.length > 0) startLog.info({ applied: result.applied }, "database migrations applied");
  // Built-in arena models and, on an empty collection, the sample papers (idempotent).
  const arena = await prepareArena(target, { modelDir: config.modelDir });
  if (arena.providersCreated > 0)
    startLog.info({ providersCreated: arena.providersCreated }, "arena: built-in models added");
  if (arena.papersImported > 0)
    startLog.info({ papersImported: arena.papersImported }, "arena: sample papers imported");
  // New votes (from the Next.js route or the production server's fast route) refresh the leaderboard.
  const { refreshRatingsAfterVotes } = await import("./lib/arena/ratings-refresh");
  refreshRatingsAfterVotes();
  // The production server's fast routes wait for this (the schema is current, the arena seeded).
  channel(SERVER_READY).publish({});
  // Load the model and the index now rather than on the first request, so a missing or corrupted file is
  // reported at start-up (the app still serves the features that don't need it; /api/health names the file).
  void preload();
}

async function preload() {
  const [{ modelHealth }, { indexHealth }, { startBackgroundJobs }] = await Promise.all([
    import("./lib/models/flexolmo"),
    import("./lib/engine/fm"),
    import("./lib/background"),
  ]);
  // Durable jobs: judge runs (also those another instance left), ratings refreshes, sweeps.
  await startBackgroundJobs().catch((e) =>
    startLog.error({ err: (e as Error).message }, "background jobs did not start"),
  );
  const [model, index] = await Promise.all([modelHealth(), indexHealth()]);
  for (const [name, h] of [
    ["model", model],
    ["index", index],
  ] as const) {
    if (h.status === "ok") startLog.info(`${name}: loaded`);
    else startLog.error({ status: h.status, detail: h.detail, path: h.path }, `${name}: ${h.status}`);
  }
}
