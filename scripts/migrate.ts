/** Applies pending database migrations (DATABASE_URL, or the embedded SQLite file). */
import { applyMigrations } from "../lib/db/migrate";
import { databaseTarget } from "../lib/db/target";

const target = databaseTarget(process.env.DATABASE_URL);
applyMigrations(target).then(
  (r) => {
    const where = target.provider === "sqlite" ? target.file : "PostgreSQL";
    console.log(
      r.applied.length > 0
        ? `database (${where}): applied ${r.applied.join(", ")}`
        : `database (${where}): up to date (${r.alreadyApplied} migrations)`,
    );
  },
  (e) => {
    console.error(`database migration failed: ${(e as Error).message}`);
    process.exit(1);
  },
);
