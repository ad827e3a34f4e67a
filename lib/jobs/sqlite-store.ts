/**
 * Leased jobs in the app's SQLite file: the embedded default's twin of pg-boss (./pg-boss-store.ts), with
 * the same guarantees (./types.ts) between every process that opens the file (the server, `npm run admin`,
 * a second server by mistake). One table, "_job", created here on first use like pg-boss creates its
 * schema. A fetch is one UPDATE ... RETURNING under SQLite's write lock, so two processes cannot take the
 * same job; the lease is a random token plus an expiry time, renewed by the heartbeat and checked by every
 * renewal and completion. Writes that find the file locked by another process wait asynchronously
 * (lib/db/sql.ts), never blocking the event loop.
 */
import { randomUUID } from "node:crypto";
import { createSql, type SqlClient } from "../db/sql";
import { LeasedJobStore } from "./runner";
import type { JobState, Lease, SendOptions } from "./types";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS "_job" (
    "id" TEXT PRIMARY KEY,
    "name" TEXT NOT NULL,
    "key" TEXT,
    "slot" INTEGER,
    "data" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "startAfter" INTEGER NOT NULL,
    "leaseToken" TEXT,
    "leaseUntil" INTEGER,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "retryLimit" INTEGER NOT NULL,
    "createdAt" INTEGER NOT NULL,
    "finishedAt" INTEGER,
    "error" TEXT
  )`,
  // At most one queued job per key and queue (pg-boss's "short" policy).
  `CREATE UNIQUE INDEX IF NOT EXISTS "_job_queued_key" ON "_job" ("name", "key") WHERE "state" = 'created' AND "key" IS NOT NULL`,
  // One job per time slot (pg-boss's singletonSeconds).
  `CREATE UNIQUE INDEX IF NOT EXISTS "_job_slot" ON "_job" ("name", "slot") WHERE "slot" IS NOT NULL`,
  `CREATE INDEX IF NOT EXISTS "_job_next" ON "_job" ("name", "state", "startAfter")`,
];

/** Finished jobs are kept this long (inspection), then deleted by `purgeFinished`. */
export const SQLITE_JOB_RETENTION_MS = 7 * 24 * 3600 * 1000;

export class SqliteJobStore extends LeasedJobStore {
  readonly kind = "sqlite" as const;
  private ready: Promise<void> | null = null;
  private readonly retryLimits = new Map<string, number>();

  constructor(private readonly sql: SqlClient) {
    super();
  }

  static open(file: string): SqliteJobStore {
    return new SqliteJobStore(createSql({ provider: "sqlite", url: `file:${file}`, file }));
  }

  private schema(): Promise<void> {
    this.ready ??= (async () => {
      for (const s of SCHEMA) await this.sql.run(s);
    })();
    return this.ready;
  }

  async ensureQueue(name: string, opts: { leaseSeconds: number; retryLimit: number }) {
    this.retryLimits.set(name, opts.retryLimit);
    await this.schema();
  }

  private async insert(
    name: string,
    data: object,
    id: string,
    key: string | null,
    slot: number | null,
    startAfter: number,
  ) {
    await this.schema();
    const changed = await this.sql.run(
      `INSERT INTO "_job" ("id", "name", "key", "slot", "data", "state", "startAfter", "retryLimit", "createdAt")
       VALUES (?, ?, ?, ?, ?, 'created', ?, ?, ?) ON CONFLICT DO NOTHING`,
      [id, name, key, slot, JSON.stringify(data), startAfter, this.retryLimits.get(name) ?? 20, Date.now()],
    );
    return changed > 0 ? id : null;
  }

  send<T extends object>(name: string, data: T, opts: SendOptions = {}) {
    return this.insert(
      name,
      data,
      opts.id ?? randomUUID(),
      opts.key ?? null,
      null,
      Date.now() + (opts.startAfterMs ?? 0),
    );
  }

  sendOncePer(name: string, seconds: number, data: object = {}) {
    return this.insert(name, data, randomUUID(), null, Math.floor(Date.now() / (seconds * 1000)), Date.now());
  }

  async state(name: string, id: string): Promise<JobState> {
    await this.schema();
    const [row] = await this.sql.all<{ state: string }>(
      `SELECT "state" FROM "_job" WHERE "id" = ? AND "name" = ?`,
      [id, name],
    );
    if (!row) return "missing";
    return row.state === "created" ? "queued" : (row.state as JobState);
  }

  async fetch<T>(name: string, leaseSeconds: number, retryLimit: number): Promise<Lease<T> | null> {
    await this.schema();
    for (;;) {
      const now = Date.now();
      // A read first (no write lock) so idle polling never takes SQLite's write lock from the app's writes.
      const due = await this.sql.all(
        `SELECT 1 AS "due" FROM "_job" WHERE "name" = ?
           AND (("state" = 'created' AND "startAfter" <= ?) OR ("state" = 'active' AND "leaseUntil" < ?)) LIMIT 1`,
        [name, now, now],
      );
      if (due.length === 0) return null;
      const token = randomUUID();
      // Queued jobs whose time has come, and active ones whose lease expired (their runner died).
      const [row] = await this.sql.all<{ id: string; data: string; attempts: number }>(
        `UPDATE "_job" SET "state" = 'active', "leaseToken" = ?, "leaseUntil" = ?, "attempts" = "attempts" + 1
         WHERE "id" = (
           SELECT "id" FROM "_job" WHERE "name" = ?
             AND (("state" = 'created' AND "startAfter" <= ?) OR ("state" = 'active' AND "leaseUntil" < ?))
           ORDER BY "startAfter", "createdAt" LIMIT 1)
         RETURNING "id", "data", "attempts"`,
        [token, now + leaseSeconds * 1000, name, now, now],
      );
      if (!row) return null;
      if (row.attempts > retryLimit + 1) {
        await this.sql.run(
          `UPDATE "_job" SET "state" = 'failed', "finishedAt" = ?, "error" = ? WHERE "id" = ? AND "leaseToken" = ?`,
          [now, `gave up after ${row.attempts - 1} runs that did not finish`, row.id, token],
        );
        continue;
      }
      return { id: row.id, data: JSON.parse(row.data) as T, attempt: row.attempts, token };
    }
  }

  async renew(_name: string, lease: Lease<unknown>, leaseSeconds: number): Promise<boolean> {
    const changed = await this.sql.run(
      `UPDATE "_job" SET "leaseUntil" = ? WHERE "id" = ? AND "state" = 'active' AND "leaseToken" = ?`,
      [Date.now() + leaseSeconds * 1000, lease.id, lease.token],
    );
    return changed > 0;
  }

  async finish(_name: string, lease: Lease<unknown>, error?: string): Promise<void> {
    await this.sql.run(
      `UPDATE "_job" SET "state" = ?, "finishedAt" = ?, "error" = ?, "leaseToken" = NULL
       WHERE "id" = ? AND "state" = 'active' AND "leaseToken" = ?`,
      [
        error === undefined ? "completed" : "failed",
        Date.now(),
        error?.slice(0, 1000) ?? null,
        lease.id,
        lease.token,
      ],
    );
  }

  async release(_name: string, lease: Lease<unknown>): Promise<void> {
    // Back to queued; should another queued job hold the key already, this one is the same work: drop it.
    try {
      await this.sql.run(
        `UPDATE "_job" SET "state" = 'created', "leaseToken" = NULL, "leaseUntil" = NULL, "startAfter" = ?
         WHERE "id" = ? AND "state" = 'active' AND "leaseToken" = ?`,
        [Date.now(), lease.id, lease.token],
      );
    } catch (e) {
      if (!String((e as { code?: string }).code).startsWith("SQLITE_CONSTRAINT")) throw e;
      await this.finish(_name, lease);
    }
  }

  /** Deletes jobs finished more than SQLITE_JOB_RETENTION_MS ago (the sweep calls it). */
  async purgeFinished(now = Date.now()): Promise<number> {
    await this.schema();
    return this.sql.run(`DELETE FROM "_job" WHERE "state" IN ('completed', 'failed') AND "finishedAt" < ?`, [
      now - SQLITE_JOB_RETENTION_MS,
    ]);
  }

  protected close(): Promise<void> {
    return this.sql.close();
  }
}
