/**
 * One instance at a time for start-up work that checks and then writes (migrations, seeding the arena): several app
 * instances started together against one PostgreSQL would otherwise all see an empty table and insert the same
 * rows, and all but one fail on a unique key. A session-level advisory lock on a connection of its own, held
 * for the work and released after it (also when the work fails or the connection drops, by PostgreSQL).
 * The embedded SQLite database serves one app process, so there the work just runs.
 */
import type { DatabaseTarget } from "./target";

/** Advisory lock keys: one per kind of start-up work. */
export const STARTUP_LOCKS = { migrations: 827364501, arenaSeed: 827364502 } as const;

export async function withStartupLock<T>(
  target: DatabaseTarget,
  key: number,
  work: () => Promise<T>,
): Promise<T> {
  if (target.provider !== "postgresql") return work();
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [key]);
    return await work();
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [key]).catch(() => {});
    await client.end().catch(() => {});
  }
}
