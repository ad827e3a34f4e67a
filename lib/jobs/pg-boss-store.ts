/**
 * Leased jobs on PostgreSQL with pg-boss (v10: the last major that runs on Node.js 20). pg-boss provides the
 * queue tables and their migrations, atomic fetches (FOR UPDATE SKIP LOCKED), per-key deduplication (the
 * "short" queue policy), time-slot singletons (sendThrottled), expiry of active jobs with retries (its
 * maintenance, run by one instance at a time), and archiving/deleting old jobs.
 *
 * pg-boss 10 has no heartbeat: an active job expires `expire_in` after it started. The heartbeat here renews
 * the job's `expire_in` on its row (documented columns of the job table), fenced by the `started_on` the
 * fetch gave it, which is that fetch's lease token: after an expiry and a retry the row has a new
 * `started_on`, so the old runner's renewals and completion match nothing. Completion and release are
 * fenced the same way (pg-boss's own `complete` is keyed by id only, so a late runner could complete a job
 * another instance runs).
 */
import { createHash, randomUUID } from "node:crypto";
import PgBoss from "pg-boss";
import { log } from "../log";
import { LeasedJobStore } from "./runner";
import type { JobState, Lease, SendOptions } from "./types";

export const PG_BOSS_SCHEMA = "pgboss";
/** How often one instance runs pg-boss's maintenance (expiring dead runners' jobs, archiving). */
const MAINTENANCE_SECONDS = 5;

/** pg-boss ids are UUIDs: an app id (e.g. a judge run's cuid) maps to a fixed one. */
export function jobUuid(id: string): string {
  const h = createHash("sha256").update(id).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class PgBossJobStore extends LeasedJobStore {
  readonly kind = "postgresql" as const;
  private readonly boss: PgBoss;
  private started: Promise<unknown> | null = null;
  private readonly queues = new Map<string, Promise<void>>();

  constructor(connectionString: string) {
    super();
    this.boss = new PgBoss({
      connectionString,
      schema: PG_BOSS_SCHEMA,
      max: 4,
      application_name: "lmresearch-jobs",
      supervise: true,
      schedule: false,
      maintenanceIntervalSeconds: MAINTENANCE_SECONDS,
      archiveCompletedAfterSeconds: 3600,
      deleteAfterDays: 7,
    });
    // Pool errors (a database restart) are reported here; pg-boss's pool reconnects on the next query.
    this.boss.on("error", (e) => log("jobs").warn({ err: e.message }, "pg-boss error"));
  }

  private start(): Promise<unknown> {
    this.started ??= this.boss.start().catch((e) => {
      this.started = null;
      throw e;
    });
    return this.started;
  }

  private async sql<T>(text: string, values: unknown[]): Promise<T[]> {
    await this.start();
    return (await this.boss.getDb().executeSql(text, values)).rows as T[];
  }

  ensureQueue(name: string, opts: { leaseSeconds: number; retryLimit: number }): Promise<void> {
    let q = this.queues.get(name);
    if (!q) {
      q = (async () => {
        await this.start();
        await this.boss.createQueue(name, {
          name,
          policy: "short",
          retryLimit: opts.retryLimit,
          retryDelay: 0,
          expireInSeconds: opts.leaseSeconds,
        });
      })();
      q.catch(() => this.queues.delete(name));
      this.queues.set(name, q);
    }
    return q;
  }

  async send<T extends object>(name: string, data: T, opts: SendOptions = {}): Promise<string | null> {
    await this.ensureQueue(name, { leaseSeconds: 30, retryLimit: 20 });
    return this.boss.send(name, data, {
      ...(opts.id ? { id: jobUuid(opts.id) } : {}),
      // Every queue has the "short" policy (one queued job per singleton key); a job sent without a key
      // gets a key of its own, so it is never deduplicated.
      singletonKey: opts.key !== undefined ? `k:${opts.key}` : randomUUID(),
      ...(opts.startAfterMs ? { startAfter: new Date(Date.now() + opts.startAfterMs) } : {}),
    });
  }

  async sendOncePer(name: string, seconds: number, data: object = {}): Promise<string | null> {
    await this.ensureQueue(name, { leaseSeconds: 30, retryLimit: 20 });
    return this.boss.sendThrottled(name, data, {}, seconds);
  }

  async state(name: string, id: string): Promise<JobState> {
    await this.start();
    const job = await this.boss.getJobById(name, jobUuid(id));
    if (!job) return "missing";
    if (job.state === "created" || job.state === "retry") return "queued";
    if (job.state === "active" || job.state === "completed") return job.state;
    return "failed";
  }

  async fetch<T>(name: string, leaseSeconds: number): Promise<Lease<T> | null> {
    await this.start();
    const [job] = await this.boss.fetch<T>(name, { batchSize: 1, includeMetadata: true });
    if (!job) return null;
    // The exact started_on (microseconds, as text) is the lease token; the expiry is this lease's length.
    const [row] = await this.sql<{ token: string }>(
      `UPDATE ${PG_BOSS_SCHEMA}.job SET expire_in = (now() - started_on) + make_interval(secs => $3)
       WHERE name = $1 AND id = $2 AND state = 'active' RETURNING started_on::text AS token`,
      [name, job.id, leaseSeconds],
    );
    if (!row) return null;
    return { id: job.id, data: job.data, attempt: job.retryCount + 1, token: row.token };
  }

  async renew(name: string, lease: Lease<unknown>, leaseSeconds: number): Promise<boolean> {
    const rows = await this.sql(
      `UPDATE ${PG_BOSS_SCHEMA}.job SET expire_in = (now() - started_on) + make_interval(secs => $4)
       WHERE name = $1 AND id = $2 AND state = 'active' AND started_on = $3::timestamptz RETURNING id`,
      [name, lease.id, lease.token, leaseSeconds],
    );
    return rows.length > 0;
  }

  async finish(name: string, lease: Lease<unknown>, error?: string): Promise<void> {
    await this.sql(
      `UPDATE ${PG_BOSS_SCHEMA}.job SET state = $4, completed_on = now(), output = $5::jsonb
       WHERE name = $1 AND id = $2 AND state = 'active' AND started_on = $3::timestamptz RETURNING id`,
      [
        name,
        lease.id,
        lease.token,
        error === undefined ? "completed" : "failed",
        error === undefined ? null : JSON.stringify({ message: error.slice(0, 1000) }),
      ],
    );
  }

  async release(name: string, lease: Lease<unknown>): Promise<void> {
    // pg-boss's "retry" state: fetched again at once (the fetch counts the retry).
    await this.sql(
      `UPDATE ${PG_BOSS_SCHEMA}.job SET state = 'retry', start_after = now()
       WHERE name = $1 AND id = $2 AND state = 'active' AND started_on = $3::timestamptz RETURNING id`,
      [name, lease.id, lease.token],
    );
  }

  protected async close(): Promise<void> {
    if (this.started) await this.boss.stop({ graceful: false, wait: true, timeout: 5000 }).catch(() => {});
  }
}
