/**
 * The e2e database, for test-only seeding scripts: refuses any data folder but an e2e server's one
 * (.e2e-data, .e2e-data-2, ...: scripts/e2e-server.sh) and any DATABASE_URL, applies the migrations, and
 * returns a client; and the seeded models the scripts' battles are between.
 */
import path from "node:path";
import { createDb, type Db } from "../lib/db/create";
import { applyMigrations } from "../lib/db/migrate";
import { databaseTarget } from "../lib/db/target";

export async function e2eDb(script: string): Promise<Db> {
  const dataDir = process.env.DATA_DIR ?? "";
  if (!/^\.e2e-data(-\d+)?$/.test(path.basename(path.resolve(dataDir))) || process.env.DATABASE_URL) {
    console.error(`${script}: refusing to run outside DATA_DIR=.e2e-data (or .e2e-data-N)`);
    process.exit(2);
  }
  const target = databaseTarget(undefined);
  await applyMigrations(target);
  return createDb(target);
}

/**
 * Models of these names (created if missing), disabled: the arena never samples them; they only name the sides
 * of the seeded battles.
 */
export function seedModels(db: Db, names: string[]) {
  return Promise.all(
    names.map((name) =>
      db.modelProvider.upsert({
        where: { name },
        create: { name, kind: "openai", baseUrl: "http://127.0.0.1:9/v1", modelName: name, enabled: false },
        update: {},
      }),
    ),
  );
}
