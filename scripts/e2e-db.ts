/**
 * The e2e database, for test-only seeding scripts: refuses any data folder but the e2e one (.e2e-data)
 * and any DATABASE_URL, applies the migrations, and returns a client.
 */
import path from "node:path";
import { createDb, type Db } from "../lib/db/create";
import { applyMigrations } from "../lib/db/migrate";
import { databaseTarget } from "../lib/db/target";

export async function e2eDb(script: string): Promise<Db> {
  const dataDir = process.env.DATA_DIR ?? "";
  if (path.basename(path.resolve(dataDir)) !== ".e2e-data" || process.env.DATABASE_URL) {
    console.error(`${script}: refusing to run outside DATA_DIR=.e2e-data`);
    process.exit(2);
  }
  const target = databaseTarget(undefined);
  await applyMigrations(target);
  return createDb(target);
}
