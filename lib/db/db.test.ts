/**
 * Database tests, run against SQLite always and against PostgreSQL when TEST_POSTGRES_URL names a
 * server (the test command starts one when it runs as root).
 *
 * Each provider: the committed migrations apply to an empty database, twice without harm, produce
 * exactly the schema that Prisma derives from the models (no drift), the generated client
 * reads and writes through its driver adapter, enforcing unique emails, and the plain-SQL client
 * (lib/db/sql.ts) agrees with Prisma on values and stores votes exactly once under concurrency.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { encode } from "next-auth/jwt";
import pg from "pg";
import { readAndComputeRatings } from "../arena/ratings-thread";
import { castVote } from "../arena/votes";
import { revokeSession } from "../auth/accounts";
import { sessionUser } from "../auth/session-token";
import { createDb } from "./create";
import { applyMigrations } from "./migrate";
import { createSql, isUniqueViolation } from "./sql";
import { type DatabaseTarget, databaseTarget } from "./target";

const root = process.cwd();
const scratch = mkdtempSync(path.join(tmpdir(), "lmr-diff-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));

/**
 * The schema a fresh database should have: what Prisma derives from the models, plus the objects Prisma
 * does not model (the paper search index), kept in prisma/raw/<provider>.sql.
 */
function fromEmptySql(provider: "sqlite" | "postgresql", pgUrl?: string): string {
  const schema = provider === "postgresql" ? "prisma/postgres/schema.prisma" : "prisma/schema.prisma";
  const raw = readFileSync(path.join(root, "prisma", "raw", `${provider}.sql`), "utf8");
  return `${prismaFromEmptySql(schema, pgUrl)}\n${raw}`;
}

function prismaFromEmptySql(schema: string, pgUrl?: string): string {
  return execFileSync(
    path.join(root, "node_modules", ".bin", "prisma"),
    ["migrate", "diff", "--from-empty", "--to-schema-datamodel", schema, "--script"],
    {
      cwd: root,
      // Prisma's JS engine opens the configured database even to diff two schemas: give it a scratch one.
      env: { ...process.env, DATABASE_URL: pgUrl ?? `file:${path.join(scratch, "diff.db")}` },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
}

async function sqliteShape(file: string): Promise<string[]> {
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(file, { readonly: true });
  const rows = db.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY name").all() as {
    type: string;
    name: string;
    sql: string | null;
  }[];
  db.close();
  return (
    rows
      .filter((r) => !r.name.includes("_app_migrations"))
      // Whitespace is not schema: SQLite keeps the text ALTER TABLE ... ADD COLUMN wrote (" , ", " )").
      .map((r) => `${r.type} ${r.name} ${(r.sql ?? "").replace(/\s+/g, " ").replace(/ ?([,()]) ?/g, "$1")}`)
  );
}

async function exerciseClient(target: DatabaseTarget) {
  const db = createDb(target);
  try {
    const user = await db.user.create({ data: { email: "ada@example.org", passwordHash: "x" } });
    assert.equal(user.role, "researcher", "new accounts are researchers by default");
    assert.equal(user.banned, false);
    await assert.rejects(
      db.user.create({ data: { email: "ada@example.org" } }),
      (e: { code?: string }) => e.code === "P2002",
      "a second account with the same email is refused by the unique index",
    );
    const key = await db.apiKey.create({
      data: { name: "ci", prefix: "lmr_abc", hash: "h1", userId: user.id },
    });
    const found = await db.user.findUnique({
      where: { email: "ada@example.org" },
      include: { apiKeys: true },
    });
    assert.deepEqual(
      found?.apiKeys.map((k) => k.id),
      [key.id],
    );
    await db.user.delete({ where: { id: user.id } });
    assert.equal(await db.apiKey.count(), 0, "deleting a user deletes their API keys");
  } finally {
    await db.$disconnect();
  }
}

async function exerciseSql(target: DatabaseTarget) {
  const db = createDb(target);
  const sql = createSql(target);
  try {
    const when = new Date("2030-05-06T07:08:09.123Z");
    const user = await db.user.create({ data: { email: "sql@example.org", trusted: true, createdAt: when } });
    const [row] = await sql.all<{ id: string; trusted: unknown; banned: unknown }>(
      `SELECT "id", "trusted", "banned" FROM "User" WHERE "email" = ?`,
      ["sql@example.org"],
    );
    assert.equal(row.id, user.id);
    assert.equal(Boolean(row.trusted), true);
    assert.equal(Boolean(row.banned), false);
    // The per-request session lookup (one query with the revoked-session check) on this database.
    const sessionSecret = "db-test-session-secret-0123456789abcdef";
    const value = await encode({ token: { uid: user.id, sid: "db-test-sid" }, secret: sessionSecret });
    const cookies = {
      get: (name: string) => (name === "next-auth.session-token" ? { value } : undefined),
      getAll: () => [{ name: "next-auth.session-token", value }],
    };
    assert.equal((await sessionUser(cookies, sessionSecret, sql))?.user.id, user.id);
    await revokeSession(db, "db-test-sid", new Date(Date.now() + 3600_000));
    assert.equal(await sessionUser(cookies, sessionSecret, sql), null, "a revoked session is refused");
    // Values written here read back through Prisma as the same booleans and instants.
    assert.equal(
      await sql.run(`UPDATE "User" SET "banned" = ?, "lastSignInAt" = ? WHERE "id" = ?`, [
        true,
        when,
        user.id,
      ]),
      1,
    );
    const back = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    assert.equal(back.banned, true);
    assert.equal(back.lastSignInAt?.toISOString(), when.toISOString());
    const later = await sql.all<{ n: number | string }>(
      `SELECT COUNT(*) AS "n" FROM "User" WHERE "createdAt" >= ?`,
      [new Date(when.getTime() + 1)],
    );
    assert.equal(Number(later[0].n), 0, "dates compare as instants");
    // A failing transaction leaves nothing behind; a unique violation is recognised on both databases.
    await assert.rejects(
      sql.transaction(async (tx) => {
        await tx.run(`UPDATE "User" SET "name" = ? WHERE "id" = ?`, ["changed", user.id]);
        await tx.run(
          `INSERT INTO "User" ("id", "email", "role", "banned", "trusted", "votesExcluded", "createdAt", "updatedAt") VALUES (?, ?, 'researcher', ?, ?, ?, ?, ?)`,
          ["dup", "sql@example.org", false, false, false, when, when],
        );
      }),
      (e) => isUniqueViolation(e),
    );
    assert.equal((await db.user.findUniqueOrThrow({ where: { id: user.id } })).name, null);

    // Votes: concurrent submissions store one row; the others are answered as repeats.
    const [a, b] = await Promise.all(
      ["m-a", "m-b"].map((name) => db.modelProvider.create({ data: { name, kind: "openai" } })),
    );
    const battle = await db.battle.create({
      data: {
        userId: user.id,
        question: "q",
        passages: "[]",
        modelAId: a.id,
        modelBId: b.id,
        status: "answered",
      },
    });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => castVote(sql, { battleId: battle.id, userId: user.id, choice: "b" })),
    );
    assert.equal(results.filter((r) => !r.repeated).length, 1);
    assert.ok(results.every((r) => r.choice === "b" && r.modelA === "m-a" && r.modelB === "m-b"));
    const vote = await db.vote.findUniqueOrThrow({ where: { battleId: battle.id } });
    assert.equal(vote.choice, "b");
    assert.ok(
      Math.abs(vote.createdAt.getTime() - Date.now()) < 60_000,
      "the vote's time reads back through Prisma",
    );
    assert.equal((await db.battle.findUniqueOrThrow({ where: { id: battle.id } })).status, "voted");
    await assert.rejects(
      castVote(sql, { battleId: battle.id, userId: user.id, choice: "a" }),
      (e: { status?: number }) => e.status === 409,
    );
    // The daily cap holds when one researcher's votes arrive at once (each on its own connection on
    // PostgreSQL): exactly `cap` are stored, the rest are refused with 429.
    const capped = await db.user.create({ data: { email: "capped@example.org" } });
    const battles = await Promise.all(
      Array.from({ length: 6 }, () =>
        db.battle.create({
          data: {
            userId: capped.id,
            question: "q",
            passages: "[]",
            modelAId: a.id,
            modelBId: b.id,
            status: "answered",
          },
        }),
      ),
    );
    const outcomes = await Promise.allSettled(
      battles.map((bt) => castVote(sql, { battleId: bt.id, userId: capped.id, choice: "a", dailyCap: 2 })),
    );
    assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, 2, "votes stored under a cap of 2");
    assert.ok(
      outcomes.every((o) => o.status === "fulfilled" || (o.reason as { status?: number }).status === 429),
      "the others are refused by the cap",
    );
    assert.equal(await db.vote.count({ where: { userId: capped.id } }), 2);
    // The leaderboard read (plain SQL, timestamps as text) sees the vote inside today's range only.
    const today = new Date().toISOString().slice(0, 10);
    const rate = (filter: { from?: string; to?: string }) =>
      readAndComputeRatings({ target, filter, leaderboard: { bootstrapRounds: 2, seed: 0 } });
    const current = await rate({ from: today, to: today });
    assert.equal(current.board.totalBattles, 3);
    assert.deepEqual([...current.board.models].sort(), ["m-a", "m-b"]);
    assert.equal((await rate({ to: "2020-01-01" })).votes, 0);
  } finally {
    await sql.close();
    await db.$disconnect();
  }
}

describe("SQLite", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "lmr-db-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("migrations apply once, are idempotent and match the schema exactly", async () => {
    const target = databaseTarget(`file:${path.join(dir, "migrated.db")}`);
    const first = await applyMigrations(target);
    assert.ok(first.applied.length >= 1);
    const second = await applyMigrations(target);
    assert.deepEqual(second.applied, [], "a second run applies nothing");

    const reference = databaseTarget(`file:${path.join(dir, "reference.db")}`);
    if (reference.provider !== "sqlite" || target.provider !== "sqlite") throw new Error("unreachable");
    const { default: Database } = await import("better-sqlite3");
    const ref = new Database(reference.file);
    ref.exec(fromEmptySql("sqlite"));
    ref.close();
    assert.deepEqual(await sqliteShape(target.file), await sqliteShape(reference.file));
  });

  test("the client reads and writes through the adapter", async () => {
    const target = databaseTarget(`file:${path.join(dir, "client.db")}`);
    await applyMigrations(target);
    await exerciseClient(target);
  });

  test("the plain-SQL client matches Prisma's values and stores votes once", async () => {
    const target = databaseTarget(`file:${path.join(dir, "sql.db")}`);
    await applyMigrations(target);
    await exerciseSql(target);
  });
  test("every connection runs WAL with synchronous = FULL (Prisma's and the plain-SQL client's)", async () => {
    const target = databaseTarget(`file:${path.join(dir, "pragmas.db")}`);
    await applyMigrations(target);
    const db = createDb(target);
    const sql = createSql(target);
    try {
      const [mode] = await db.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
      const [sync] = await db.$queryRawUnsafe<{ synchronous: bigint | number }[]>("PRAGMA synchronous");
      assert.equal(mode.journal_mode, "wal");
      assert.equal(
        Number(sync.synchronous),
        2,
        "2 = FULL (better-sqlite3's build default in WAL mode is 1, NORMAL)",
      );
      assert.deepEqual(await sql.all("PRAGMA journal_mode"), [{ journal_mode: "wal" }]);
      assert.deepEqual(await sql.all("PRAGMA synchronous"), [{ synchronous: 2 }]);
    } finally {
      await db.$disconnect();
      await sql.close();
    }
  });

  test("a Prisma write waiting for another process's write lock does not block the event loop", async () => {
    const target = databaseTarget(`file:${path.join(dir, "busy-prisma.db")}`);
    await applyMigrations(target);
    if (target.provider !== "sqlite") throw new Error("unreachable");
    const { default: Database } = await import("better-sqlite3");
    const db = createDb(target);
    await db.setting.findMany(); // connected
    const other = new Database(target.file); // e.g. `npm run admin` while the server runs
    let timer: NodeJS.Timeout | undefined;
    try {
      other.exec("BEGIN IMMEDIATE");
      other
        .prepare(
          `INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES ('cli', '1', '2026-01-01T00:00:00.000+00:00')`,
        )
        .run();
      let last = performance.now();
      let maxGap = 0;
      timer = setInterval(() => {
        const now = performance.now();
        maxGap = Math.max(maxGap, now - last);
        last = now;
      }, 5);
      const started = performance.now();
      const write = db.setting.create({ data: { key: "server", value: "2" } });
      await new Promise((r) => setTimeout(r, 600));
      other.exec("COMMIT");
      await write;
      const waited = performance.now() - started;
      clearInterval(timer);
      assert.ok(waited >= 550, `the write waited for the lock (${waited.toFixed(0)} ms)`);
      assert.ok(
        maxGap < 150,
        `the event loop kept turning while it waited (longest pause ${maxGap.toFixed(0)} ms)`,
      );
      assert.deepEqual(
        (await db.setting.findMany({ orderBy: { key: "asc" } })).map((r) => r.key),
        ["cli", "server"],
      );
    } finally {
      clearInterval(timer);
      other.close();
      await db.$disconnect();
    }
  });

  test("a write waits without blocking the thread while another connection holds the write lock", async () => {
    const target = databaseTarget(`file:${path.join(dir, "busy.db")}`);
    await applyMigrations(target);
    if (target.provider !== "sqlite") throw new Error("unreachable");
    const { default: Database } = await import("better-sqlite3");
    const other = new Database(target.file);
    const sql = createSql(target);
    const impatient = createSql(target, { busyWaitMs: 100 });
    let timer: NodeJS.Timeout | undefined;
    try {
      other.exec("BEGIN IMMEDIATE");
      let ticks = 0;
      timer = setInterval(() => ticks++, 10);
      const write = sql.transaction((tx) =>
        tx.run(`INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES (?, ?, ?)`, [
          "k",
          "v",
          new Date(),
        ]),
      );
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(ticks >= 10, `the thread kept running while the write waited (${ticks} ticks)`);
      await assert.rejects(
        impatient.run(`UPDATE "Setting" SET "value" = ? WHERE "key" = ?`, ["w", "k"]),
        (e: { status?: number; message: string }) => e.status === 503 && /busy/.test(e.message),
      );
      other.exec("COMMIT");
      assert.equal(await write, 1, "the waiting write went through once the lock was released");
      clearInterval(timer);
      assert.deepEqual(await sql.all(`SELECT "value" FROM "Setting" WHERE "key" = ?`, ["k"]), [
        { value: "v" },
      ]);
    } finally {
      clearInterval(timer);
      other.close();
      await sql.close();
      await impatient.close();
    }
  });
});

const pgUrl = process.env.TEST_POSTGRES_URL;
describe("PostgreSQL", {
  skip: pgUrl ? false : "TEST_POSTGRES_URL is not set (the test command sets it when run as root)",
}, () => {
  const dbName = `lmr_t_${process.pid}_${Date.now()}`;
  const urlFor = (name: string) => {
    const u = new URL(pgUrl!);
    u.pathname = `/${name}`;
    return u.toString();
  };
  async function admin(sql: string) {
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  }
  async function shape(url: string): Promise<string[]> {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const cols = await c.query(
        `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> '_app_migrations' ORDER BY table_name, column_name`,
      );
      const idx = await c.query(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_app_migrations' ORDER BY indexname",
      );
      const fks = await c.query(
        `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
         WHERE connamespace = 'public'::regnamespace ORDER BY conname`,
      );
      return [...cols.rows, ...idx.rows, ...fks.rows]
        .map((r) => JSON.stringify(r))
        .filter((r) => !r.includes("_app_migrations"));
    } finally {
      await c.end();
    }
  }
  after(async () => {
    await admin(`DROP DATABASE IF EXISTS ${dbName}`);
    await admin(`DROP DATABASE IF EXISTS ${dbName}_ref`);
  });

  test("migrations apply once, are idempotent and match the schema exactly", async () => {
    await admin(`CREATE DATABASE ${dbName}`);
    await admin(`CREATE DATABASE ${dbName}_ref`);
    const target = databaseTarget(urlFor(dbName));
    const first = await applyMigrations(target);
    assert.ok(first.applied.length >= 1);
    assert.deepEqual((await applyMigrations(target)).applied, []);
    const ref = new pg.Client({ connectionString: urlFor(`${dbName}_ref`) });
    await ref.connect();
    await ref.query(fromEmptySql("postgresql", urlFor(`${dbName}_ref`)));
    await ref.end();
    assert.deepEqual(await shape(urlFor(dbName)), await shape(urlFor(`${dbName}_ref`)));
  });

  test("the client reads and writes through the adapter", async () => {
    await exerciseClient(databaseTarget(urlFor(dbName)));
  });

  test("the plain-SQL client matches Prisma's values and stores votes once", async () => {
    await exerciseSql(databaseTarget(urlFor(dbName)));
  });

  test("every connection commits durably (synchronous_commit on, PostgreSQL's default)", async () => {
    const target = databaseTarget(urlFor(dbName));
    const db = createDb(target);
    const sql = createSql(target);
    try {
      const [viaPrisma] =
        await db.$queryRawUnsafe<{ synchronous_commit: string }[]>("SHOW synchronous_commit");
      assert.equal(viaPrisma.synchronous_commit, "on");
      assert.deepEqual(await sql.all("SHOW synchronous_commit"), [{ synchronous_commit: "on" }]);
    } finally {
      await db.$disconnect();
      await sql.close();
    }
  });
});
