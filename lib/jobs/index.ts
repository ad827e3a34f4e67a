/**
 * The process's job store on DATABASE_URL's database: pg-boss on PostgreSQL, the "_job" table in the SQLite
 * file otherwise (see ./types.ts). A process singleton, so the Next.js bundles and the production server
 * (bundled apart) share it, and the server's shutdown stops the one the app started.
 */
import { type DatabaseTarget, databaseTarget } from "../db/target";
import { peekSingleton, processSingleton, singletonKey } from "../process-singleton";
import { PgBossJobStore } from "./pg-boss-store";
import type { LeasedJobStore } from "./runner";
import { SqliteJobStore } from "./sqlite-store";

export { JobLeaseLost, JobsStopping } from "./runner";
export type { JobContext, JobHandler, JobState, JobStore, SendOptions, WorkOptions } from "./types";

const JOB_STORE = singletonKey<LeasedJobStore>("jobs");

export function createJobStore(target: DatabaseTarget): LeasedJobStore {
  return target.provider === "postgresql" ? new PgBossJobStore(target.url) : SqliteJobStore.open(target.file);
}

export function jobs(): LeasedJobStore {
  return processSingleton(JOB_STORE, () => createJobStore(databaseTarget(process.env.DATABASE_URL)));
}

/** Stops this process's job runners (shutdown): see LeasedJobStore.stop. A no-op when none started. */
export async function stopJobs(graceMs?: number): Promise<void> {
  await peekSingleton(JOB_STORE)?.stop(graceMs);
}
