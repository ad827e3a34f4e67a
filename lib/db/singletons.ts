/**
 * The keys of the process's two database clients, apart from the clients themselves so that
 * `lib/lifecycle.ts` can close them without loading either driver.
 */
import { singletonKey } from "../process-singleton";
import type { Db } from "./create";
import type { SqlClient } from "./sql";

/** Prisma's client on DATABASE_URL (`db()`). */
export const DB_CLIENT = singletonKey<Db>("db");
/** The plain-SQL client on DATABASE_URL (`sql()`). */
export const SQL_CLIENT = singletonKey<SqlClient>("sql");
