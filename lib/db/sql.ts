/**
 * A small SQL client for the request paths where Prisma's per-query cost matters (signed-in user lookup,
 * vote submission): the same database as `db()`, plain SQL, prepared statements cached by text.
 *
 * Why: with the driver adapters Prisma 6 compiles every query in WebAssembly and the SQLite adapter
 * prepares a fresh statement each time; profiled under load that was ~0.7 ms of CPU per query, 4 ms per
 * vote. A cached better-sqlite3 statement runs in tens of microseconds.
 *
 * The SQL must be portable between SQLite and PostgreSQL: write `?` placeholders (numbered for
 * PostgreSQL here) and double-quoted identifiers. Values follow Prisma's storage: booleans are 0/1 in
 * SQLite, DateTime is ISO 8601 text in SQLite ("...+00:00") and UTC digits in PostgreSQL's
 * `timestamp(3)`. Read booleans with `Boolean()` and timestamps with `parseDbTime` (both databases'
 * timestamps come back as text here, never as a Date shifted by the local time zone).
 *
 * Transactions: SQLite has one connection here and better-sqlite3 is synchronous, so a transaction holds
 * a lock (other statements of this client wait for it) and starts with BEGIN IMMEDIATE (the write lock
 * at once: no deadlock-prone upgrade). While another connection (Prisma's, or another process) holds the
 * database's write lock, statements wait asynchronously and retry, up to SQLITE_BUSY_WAIT_MS, then fail
 * with a 503. PostgreSQL runs each transaction on its own pooled connection.
 */
import Database from "better-sqlite3";
import pg from "pg";
import { HttpError } from "../http-error";
import { log } from "../log";
import { processSingleton } from "../process-singleton";
import { SQL_CLIENT } from "./singletons";
import { isSqliteBusy, SQLITE_BUSY_WAIT_MS, SQLITE_PRAGMAS } from "./sqlite-pragmas";
import { type DatabaseTarget, databaseTarget } from "./target";

/** Arrays are for PostgreSQL's `= ANY(?::text[])` and `unnest(?::int[])` (bulk writes); SQLite takes scalars. */
export type SqlValue = string | number | boolean | Date | null | readonly (string | number | null)[];

export interface SqlRunner {
  /** Rows of a query. */
  all<T>(text: string, params?: SqlValue[]): Promise<T[]>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(text: string, params?: SqlValue[]): Promise<number>;
}

export interface SqlClient extends SqlRunner {
  readonly provider: DatabaseTarget["provider"];
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** True for a unique-constraint violation from either database. */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "23505";
}

/**
 * A timestamp column's value as milliseconds since the epoch: SQLite's ISO text ("...T...+00:00") or
 * PostgreSQL's `timestamp(3)` text ("2026-01-02 03:04:05.678", UTC digits by Prisma's convention).
 */
export function parseDbTime(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number") return value;
  const s = String(value).replace(" ", "T");
  return Date.parse(/(Z|[+-]\d\d:?\d\d)$/.test(s) ? s : `${s}Z`);
}

/** Prisma's SQLite DateTime text: ISO 8601 with milliseconds and "+00:00". */
export function sqliteDateTime(d: Date): string {
  return `${d.toISOString().slice(0, 23)}+00:00`;
}

/**
 * The process-wide client on DATABASE_URL's database: the Next.js bundles and the production server's fast
 * routes (separately bundled) share one connection.
 */
export function sql(): SqlClient {
  return processSingleton(SQL_CLIENT, () => createSql(databaseTarget(process.env.DATABASE_URL)));
}

export { SQLITE_BUSY_WAIT_MS };

export function createSql(target: DatabaseTarget, opts: { busyWaitMs?: number } = {}): SqlClient {
  return target.provider === "sqlite"
    ? new SqliteSql(target.file, opts.busyWaitMs ?? SQLITE_BUSY_WAIT_MS)
    : new PostgresSql(target.url);
}

class SqliteSql implements SqlClient {
  readonly provider = "sqlite" as const;
  private readonly conn: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  /** Resolves when the running transaction ends; null when none runs. */
  private busy: Promise<void> | null = null;

  constructor(
    file: string,
    private readonly busyWaitMs: number,
  ) {
    // No busy timeout in the driver: it would wait synchronously, freezing this thread, and with it the
    // other connection (Prisma's, same thread) whose write lock it waits for. whenFree waits asynchronously.
    this.conn = new Database(file, { timeout: 0 });
    for (const p of SQLITE_PRAGMAS) this.conn.pragma(p);
  }

  /** Runs `op`, retrying with a growing pause while another connection holds the write lock. */
  private async whenFree<T>(op: () => T): Promise<T> {
    const deadline = Date.now() + this.busyWaitMs;
    for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
      try {
        return op();
      } catch (e) {
        if (!isSqliteBusy(e)) throw e;
        if (Date.now() >= deadline)
          throw new HttpError(503, "The database is busy with another change; try again in a moment.");
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  }

  private statement(text: string): Database.Statement {
    let s = this.statements.get(text);
    if (!s) {
      s = this.conn.prepare(text);
      this.statements.set(text, s);
    }
    return s;
  }

  private static bind(params: SqlValue[]): unknown[] {
    return params.map((v) =>
      typeof v === "boolean" ? (v ? 1 : 0) : v instanceof Date ? sqliteDateTime(v) : v,
    );
  }

  private allNow<T>(text: string, params: SqlValue[]): T[] {
    return this.statement(text).all(...SqliteSql.bind(params)) as T[];
  }

  private runNow(text: string, params: SqlValue[]): number {
    return this.statement(text).run(...SqliteSql.bind(params)).changes;
  }

  async all<T>(text: string, params: SqlValue[] = []): Promise<T[]> {
    while (this.busy) await this.busy;
    return this.whenFree(() => this.allNow<T>(text, params));
  }

  async run(text: string, params: SqlValue[] = []): Promise<number> {
    while (this.busy) await this.busy;
    return this.whenFree(() => this.runNow(text, params));
  }

  async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    while (this.busy) await this.busy;
    let release!: () => void;
    this.busy = new Promise((r) => {
      release = r;
    });
    const tx: SqlRunner = {
      all: async (text, params = []) => this.allNow(text, params),
      run: async (text, params = []) => this.runNow(text, params),
    };
    try {
      await this.whenFree(() => this.statement("BEGIN IMMEDIATE").run());
      let result: T;
      try {
        result = await fn(tx);
      } catch (e) {
        if (this.conn.inTransaction) this.statement("ROLLBACK").run();
        throw e;
      }
      this.statement("COMMIT").run();
      return result;
    } finally {
      this.busy = null;
      release();
    }
  }

  async close(): Promise<void> {
    while (this.busy) await this.busy;
    this.conn.close();
  }
}

/** `timestamp` (oid 1114) values as their text, for parseDbTime; everything else parsed as pg does. */
const TEXT_TIMESTAMPS = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 1114
      ? (v: string) => v
      : pg.types.getTypeParser(oid, format as "text")) as pg.CustomTypesConfig["getTypeParser"],
};

/** `?` placeholders -> `$1, $2, ...` (the SQL here never has `?` inside string literals). */
function numbered(text: string): string {
  let i = 0;
  return text.replace(/\?/g, () => `$${++i}`);
}

class PostgresSql implements SqlClient {
  readonly provider = "postgresql" as const;
  private readonly pool: pg.Pool;
  private readonly texts = new Map<string, { name: string; text: string }>();

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle connection's error (the server restarted or cut it) is reported here instead of crashing the
    // process; the pool drops that connection and opens a new one for the next query.
    this.pool.on("error", (e) =>
      log("db").warn({ err: e.message }, "PostgreSQL connection lost (plain-SQL pool)"),
    );
  }

  /** A named query, so each pooled connection prepares it once. */
  private query(text: string): { name: string; text: string } {
    let q = this.texts.get(text);
    if (!q) {
      q = { name: `lmr_${this.texts.size}`, text: numbered(text) };
      this.texts.set(text, q);
    }
    return q;
  }

  private static bind(params: SqlValue[]): unknown[] {
    // timestamp(3) columns hold UTC digits (Prisma's convention); an ISO string with "Z" stores them as is.
    return params.map((v) => (v instanceof Date ? v.toISOString() : v));
  }

  private runner(on: pg.Pool | pg.PoolClient): SqlRunner {
    return {
      all: async <T>(text: string, params: SqlValue[] = []) =>
        (await on.query({ ...this.query(text), values: PostgresSql.bind(params), types: TEXT_TIMESTAMPS }))
          .rows as T[],
      run: async (text: string, params: SqlValue[] = []) =>
        (await on.query({ ...this.query(text), values: PostgresSql.bind(params) })).rowCount ?? 0,
    };
  }

  all<T>(text: string, params: SqlValue[] = []): Promise<T[]> {
    return this.runner(this.pool).all<T>(text, params);
  }

  run(text: string, params: SqlValue[] = []): Promise<number> {
    return this.runner(this.pool).run(text, params);
  }

  async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const result = await fn(this.runner(client));
      await client.query("COMMIT");
      return result;
    } catch (e) {
      await client.query("ROLLBACK").catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
