/**
 * Applies the committed SQL migrations of the selected provider, in name order, each in its own
 * transaction, and records them in `_app_migrations` (name, SHA-256 of the SQL, time).
 *
 * Why not `prisma migrate deploy`: with the JS schema engine and @prisma/adapter-pg (the only engine
 * that runs offline here) it fails on PostgreSQL ("Column type 'name' could not be deserialized",
 * prisma/orm#27403). Applying plain SQL files is all `deploy` does, so the app does it itself, the
 * same way for both databases, and refuses to start if an applied migration was edited afterwards.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { STARTUP_LOCKS, withStartupLock } from "./startup-lock";
import type { DatabaseTarget } from "./target";

export type MigrationResult = { applied: string[]; alreadyApplied: number };

type Migration = { name: string; sql: string; checksum: string };

export function migrationsDir(provider: DatabaseTarget["provider"], root = process.cwd()): string {
  return provider === "postgresql"
    ? path.join(root, "prisma", "postgres", "migrations")
    : path.join(root, "prisma", "migrations");
}

export function readMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) throw new Error(`migrations folder ${dir} is missing`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

function checkApplied(migrations: Migration[], applied: Map<string, string>) {
  for (const [name, checksum] of applied) {
    const m = migrations.find((x) => x.name === name);
    if (!m)
      throw new Error(`the database has migration ${name}, which this version of the app does not know`);
    if (m.checksum !== checksum) {
      throw new Error(`migration ${name} was edited after it was applied (checksum differs); restore it`);
    }
  }
}

export async function applyMigrations(
  target: DatabaseTarget,
  root = process.cwd(),
): Promise<MigrationResult> {
  const migrations = readMigrations(migrationsDir(target.provider, root));
  // One migrator at a time: several app instances may start together against one database.
  return target.provider === "postgresql"
    ? withStartupLock(target, STARTUP_LOCKS.migrations, () => applyPostgres(target.url, migrations))
    : applySqlite(target.file, migrations);
}

async function applySqlite(file: string, migrations: Migration[]): Promise<MigrationResult> {
  const { default: Database } = await import("better-sqlite3");
  mkdirSync(path.dirname(file), { recursive: true });
  // A one-off connection while the app starts (requests wait for migrations): its busy timeout may block.
  const db = new Database(file, { timeout: 15000 });
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.exec(
      "CREATE TABLE IF NOT EXISTS _app_migrations (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)",
    );
    const rows = db.prepare("SELECT name, checksum FROM _app_migrations").all() as {
      name: string;
      checksum: string;
    }[];
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    checkApplied(migrations, applied);
    const done: string[] = [];
    const isApplied = db.prepare("SELECT 1 FROM _app_migrations WHERE name = ?");
    for (const m of migrations) {
      if (applied.has(m.name)) continue;
      // Checked again inside the write lock: another process may have applied it meanwhile.
      const ran = db
        .transaction(() => {
          if (isApplied.get(m.name)) return false;
          db.exec(m.sql);
          db.prepare("INSERT INTO _app_migrations (name, checksum, applied_at) VALUES (?, ?, ?)").run(
            m.name,
            m.checksum,
            new Date().toISOString(),
          );
          return true;
        })
        .immediate();
      if (ran) done.push(m.name);
    }
    return { applied: done, alreadyApplied: applied.size };
  } finally {
    db.close();
  }
}

async function applyPostgres(url: string, migrations: Migration[]): Promise<MigrationResult> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      "CREATE TABLE IF NOT EXISTS _app_migrations (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)",
    );
    const { rows } = await client.query<{ name: string; checksum: string }>(
      "SELECT name, checksum FROM _app_migrations",
    );
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    checkApplied(migrations, applied);
    const done: string[] = [];
    for (const m of migrations) {
      if (applied.has(m.name)) continue;
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query(
          "INSERT INTO _app_migrations (name, checksum, applied_at) VALUES ($1, $2, now())",
          [m.name, m.checksum],
        );
        await client.query("COMMIT");
      } catch (e) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${m.name} failed: ${(e as Error).message}`);
      }
      done.push(m.name);
    }
    return { applied: done, alreadyApplied: applied.size };
  } finally {
    await client.end();
  }
}
