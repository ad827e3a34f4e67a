/**
 * What every SQLite connection of the app sets (Prisma's through its adapter, the plain-SQL client, the
 * migration step, the job store and the ratings worker through the plain-SQL client):
 * - WAL journal, so readers never wait for the writer;
 * - `synchronous = FULL`: each commit is synced to disk, so a stored vote survives a power cut. better-sqlite3
 *   builds SQLite with SQLITE_DEFAULT_WAL_SYNCHRONOUS=1 (NORMAL in WAL mode), under which the last commits can be
 *   lost; FULL syncs the WAL on every commit (PostgreSQL does the same by default, synchronous_commit = on);
 * - `busy_timeout = 0`: while another connection or process (the admin CLI, a job runner) holds the write lock,
 *   better-sqlite3 would wait synchronously, freezing the event loop (every request of the server) for up to the
 *   timeout. Instead the lock is waited for asynchronously: `retryWhileBusy` here, and lib/db/sql.ts's own loop.
 */
export const SQLITE_PRAGMAS = ["journal_mode = WAL", "synchronous = FULL", "busy_timeout = 0"];

/** How long a statement waits for another connection's write lock before failing. */
export const SQLITE_BUSY_WAIT_MS = 10_000;

/** SQLITE_BUSY from better-sqlite3, or as Prisma's driver adapter reports it. */
export function isSqliteBusy(e: unknown): boolean {
  const err = e as { code?: unknown; cause?: { originalCode?: unknown } } | null;
  const code = String(err?.code ?? err?.cause?.originalCode ?? "");
  return code.startsWith("SQLITE_BUSY");
}

/** Runs `op`, retrying with a growing pause (1 ms to 50 ms) while the database is busy, up to `waitMs`. */
export async function retryWhileBusy<T>(op: () => Promise<T> | T, waitMs = SQLITE_BUSY_WAIT_MS): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
    try {
      return await op();
    } catch (e) {
      if (!isSqliteBusy(e) || Date.now() >= deadline) throw e;
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}

type Queryable = {
  queryRaw(...args: unknown[]): Promise<unknown>;
  executeRaw(...args: unknown[]): Promise<unknown>;
};

/** A Prisma driver-adapter object whose statements wait for a busy database asynchronously. */
function retrying<T extends object>(target: T): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== "function") return value;
      if (prop === "queryRaw" || prop === "executeRaw" || prop === "executeScript")
        return (...args: unknown[]) =>
          retryWhileBusy(() => (value as (...a: unknown[]) => Promise<unknown>).apply(obj, args));
      if (prop === "startTransaction")
        return async (...args: unknown[]) =>
          retrying((await (value as (...a: unknown[]) => Promise<object>).apply(obj, args)) as Queryable);
      return value.bind(obj);
    },
  });
}

interface AdapterFactory {
  readonly provider: string;
  readonly adapterName: string;
  connect(): Promise<{ executeScript(script: string): Promise<void> } & object>;
  connectToShadowDb(): Promise<object>;
}

/**
 * Prisma's better-sqlite3 adapter factory with the pragmas above set on its connection and busy waits made
 * asynchronous. Pass a factory built with `timeout: 0`.
 */
export function withSqlitePragmas<F extends AdapterFactory>(factory: F): F {
  return new Proxy(factory, {
    get(obj, prop, receiver) {
      if (prop === "connect")
        return async () => {
          const adapter = await obj.connect();
          await retryWhileBusy(() =>
            adapter.executeScript(SQLITE_PRAGMAS.map((p) => `PRAGMA ${p};`).join("\n")),
          );
          return retrying(adapter);
        };
      return Reflect.get(obj, prop, receiver);
    },
  });
}
