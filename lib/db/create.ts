/**
 * Builds a Prisma client for either database from one data model. Both generated clients come from
 * the same models (prisma/schema.prisma and its derived PostgreSQL twin), so their model APIs are
 * identical; the app is typed against the SQLite client's types.
 */
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { log } from "../log";
import { PrismaClient as PostgresClient } from "./generated/postgres/client";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { withSqlitePragmas } from "./sqlite-pragmas";
import type { DatabaseTarget } from "./target";

export type Db = SqliteClient;
export type { Prisma } from "./generated/sqlite/client";

export function createDb(target: DatabaseTarget): Db {
  if (target.provider === "postgresql") {
    // The adapter listens for idle connections' errors (a database restart) and drops them; this logs them.
    const adapter = new PrismaPg(
      { connectionString: target.url },
      { onPoolError: (e) => log("db").warn({ err: e.message }, "PostgreSQL connection lost (Prisma pool)") },
    );
    const client = new PostgresClient({ adapter });
    return client as unknown as Db;
  }
  // No busy timeout in the driver (it would block the event loop): statements wait for another connection's
  // write lock asynchronously, and the connection runs WAL with synchronous = FULL (./sqlite-pragmas.ts).
  return new SqliteClient({
    adapter: withSqlitePragmas(new PrismaBetterSQLite3({ url: target.url, timeout: 0 })),
  });
}
