import "server-only";
import { processSingleton } from "../process-singleton";
import { createDb, type Db } from "./create";
import { DB_CLIENT } from "./singletons";
import { databaseTarget } from "./target";

export type { Db } from "./create";
export { type SqlClient, sql } from "./sql";

/** The process-wide database client (one per process; reused across hot reloads in dev). */
export function db(): Db {
  return processSingleton(DB_CLIENT, () => createDb(databaseTarget(process.env.DATABASE_URL)));
}
