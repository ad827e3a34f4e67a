import "server-only";
import { createDb, type Db } from "./create";
import { databaseTarget } from "./target";

export type { Db } from "./create";
export { type SqlClient, sql } from "./sql";

const globalForDb = globalThis as unknown as { __lmrDb?: Db };

/** The process-wide database client (one per process; reused across hot reloads in dev). */
export function db(): Db {
  if (!globalForDb.__lmrDb) globalForDb.__lmrDb = createDb(databaseTarget(process.env.DATABASE_URL));
  return globalForDb.__lmrDb;
}
