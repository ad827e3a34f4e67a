/**
 * Durable, leased background jobs: the one interface the app's background work (judge runs, ratings
 * refreshes, sweeps) is written against. Two stores implement it with the same guarantees: pg-boss on
 * PostgreSQL (./pg-boss-store.ts) and a small table in the app's SQLite file (./sqlite-store.ts).
 *
 * Guarantees (both stores; tested on both in ./jobs.test.ts):
 * - a job is run by one runner at a time across every process on the database: a fetch takes a lease
 *   (a fencing token plus an expiry) in one atomic statement;
 * - the runner renews its lease every `leaseSeconds / 3` (heartbeat); a renewal that finds the lease gone
 *   (expired and taken by another process) aborts the handler's `signal`, and the runner's completion is
 *   fenced by its token, so a late runner can neither complete nor fail a job it no longer holds;
 * - a runner that dies (SIGKILL, power cut) stops renewing; its job is taken over by another process once
 *   the lease expires (`leaseSeconds`, 30 s by default, plus one poll; under a minute in all);
 * - `stop()` (SIGTERM) stops fetching, lets handlers finish up to a grace period, then aborts them and
 *   releases their leases so another process takes the jobs at once;
 * - `send` with a `key` keeps at most one queued (not yet started) job per key and queue, so a burst of
 *   requests for the same work queues it once; `send` with an `id` creates that job at most once ever;
 * - `sendOncePer(name, seconds)` creates one job per time slot across all processes (periodic sweeps).
 */

export interface JobContext<T> {
  id: string;
  data: T;
  /** 1 on the first run, 2 after one takeover or release, ... */
  attempt: number;
  /** Aborted when the lease is lost or the process stops (after the grace period). */
  signal: AbortSignal;
}

export type JobHandler<T> = (job: JobContext<T>) => Promise<void>;

export interface WorkOptions {
  /** Seconds a lease lasts without renewal (takeover delay after a crash). Default 30. */
  leaseSeconds?: number;
  /** Handlers of this queue running at once in this process. Default 1. */
  concurrency?: number;
  /** Takeovers and releases after which a job fails instead of running again. Default 20. */
  retryLimit?: number;
  /**
   * At shutdown, hand the job back to the queue at once (long jobs such as judge runs, which another
   * process carries on) instead of letting it finish within the grace period (short ones).
   */
  releaseOnStop?: boolean;
}

export interface SendOptions {
  /** The job's id (at most one job with it is ever created). A string; stores may map it to their format. */
  id?: string;
  /** At most one queued job per key and queue: a send while one waits returns null. */
  key?: string;
  /** Earliest start, in milliseconds from now. */
  startAfterMs?: number;
}

export type JobState = "queued" | "active" | "completed" | "failed" | "missing";

export interface JobStore {
  readonly kind: "sqlite" | "postgresql";
  /** Queues a job; resolves to its id, or null when the id or key deduplicated it. */
  send<T extends object>(name: string, data: T, opts?: SendOptions): Promise<string | null>;
  /** One job per `seconds`-long time slot across every process; null when this slot has one already. */
  sendOncePer(name: string, seconds: number, data?: object): Promise<string | null>;
  /** Where a job sent with `opts.id` stands. */
  state(name: string, id: string): Promise<JobState>;
  /** Starts this process's runners of a queue (polling once a second). */
  work<T>(name: string, handler: JobHandler<T>, opts?: WorkOptions): Promise<void>;
  /**
   * Stops fetching; waits for running handlers up to `graceMs`, then aborts them and releases their leases
   * (the jobs run again at once elsewhere); closes the store's connections.
   */
  stop(graceMs?: number): Promise<void>;
}

/** A fetched job with its lease: the store-specific half of a runner (./runner.ts holds the rest). */
export interface Lease<T> {
  id: string;
  data: T;
  attempt: number;
  /** Opaque fencing token: renewals and completions succeed only while the lease is this one. */
  token: string;
}

export interface LeaseOps {
  fetch<T>(name: string, leaseSeconds: number, retryLimit: number): Promise<Lease<T> | null>;
  /** Extends the lease; false when it is no longer held (expired and taken over, or finished). */
  renew(name: string, lease: Lease<unknown>, leaseSeconds: number): Promise<boolean>;
  /** Marks the job completed (or failed with a message); a no-op when the lease is no longer held. */
  finish(name: string, lease: Lease<unknown>, error?: string): Promise<void>;
  /** Puts the job back in the queue for another process at once (shutdown). */
  release(name: string, lease: Lease<unknown>): Promise<void>;
  /** Queue set-up before the first fetch or send (idempotent). */
  ensureQueue(name: string, opts: { leaseSeconds: number; retryLimit: number }): Promise<void>;
}
