/**
 * Fresh, migrated databases for lib/retrieval's tests: a SQLite file always, and a PostgreSQL database when
 * TEST_POSTGRES_URL names a server (the test command sets it when run as root). Each is dropped afterwards.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { applyMigrations } from "../db/migrate";
import { createSql, type SqlClient } from "../db/sql";
import { type DatabaseTarget, databaseTarget } from "../db/target";

export interface TestDatabase {
  sql: SqlClient;
  target: DatabaseTarget;
  drop(): Promise<void>;
}

let counter = 0;

/** The migrated database at `target`; `cleanup` removes it once its client is closed. */
async function migrated(target: DatabaseTarget, cleanup: () => Promise<void> | void): Promise<TestDatabase> {
  await applyMigrations(target);
  const sql = createSql(target);
  return {
    sql,
    target,
    drop: async () => {
      await sql.close();
      await cleanup();
    },
  };
}

async function sqlite(): Promise<TestDatabase> {
  const dir = mkdtempSync(path.join(tmpdir(), "lmr-papers-"));
  return migrated(databaseTarget(`file:${path.join(dir, "papers.db")}`), () =>
    rmSync(dir, { recursive: true, force: true }),
  );
}

async function postgres(url: string): Promise<TestDatabase> {
  const name = `lmr_papers_${process.pid}_${Date.now()}_${counter++}`;
  const admin = async (statement: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(statement);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  return migrated(databaseTarget(u.toString()), () => admin(`DROP DATABASE IF EXISTS ${name}`));
}

/** [name, make] for each database the tests can reach. */
export function testDatabases(): [string, () => Promise<TestDatabase>][] {
  const url = process.env.TEST_POSTGRES_URL;
  return [
    ["SQLite", sqlite],
    ...(url ? [["PostgreSQL", () => postgres(url)] as [string, () => Promise<TestDatabase>]] : []),
  ];
}
