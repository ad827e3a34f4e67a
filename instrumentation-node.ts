import { applyMigrations } from "./lib/db/migrate";
import { databaseTarget } from "./lib/db/target";
import { EnvError, parseEnv } from "./lib/env";

/**
 * Validates the configuration (a wrong value stops the app with a message naming the variable) and
 * brings the database schema up to date before the first request.
 */
export async function startServer() {
  try {
    parseEnv();
  } catch (e) {
    if (e instanceof EnvError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const result = await applyMigrations(databaseTarget(process.env.DATABASE_URL));
  if (result.applied.length > 0) console.log(`database: applied ${result.applied.join(", ")}`);
}
