/**
 * The store-independent half of the job stores: polling, the heartbeat, fenced completion and the shutdown
 * sequence, over a store's LeaseOps (see ./types.ts for the guarantees).
 */
import { log } from "../log";
import type { JobHandler, JobState, JobStore, Lease, LeaseOps, SendOptions, WorkOptions } from "./types";

/** How often an idle runner looks for work. */
export const POLL_MS = 1000;
export const DEFAULT_LEASE_SECONDS = 30;
const DEFAULT_RETRY_LIMIT = 20;

export class JobLeaseLost extends Error {
  constructor(job: string) {
    super(`the lease of job ${job} was lost (taken over by another process)`);
    this.name = "JobLeaseLost";
  }
}

export class JobsStopping extends Error {
  constructor() {
    super("the process is shutting down; the job was handed back to the queue");
    this.name = "JobsStopping";
  }
}

interface Running {
  name: string;
  lease: Lease<unknown>;
  ctrl: AbortController;
  done: Promise<void>;
  /** Handed back to the queue at shutdown: no completion is written. */
  released: boolean;
  releaseOnStop: boolean;
}

const jobsLog = () => log("jobs");

export abstract class LeasedJobStore implements JobStore, LeaseOps {
  abstract readonly kind: "sqlite" | "postgresql";
  abstract send<T extends object>(name: string, data: T, opts?: SendOptions): Promise<string | null>;
  abstract sendOncePer(name: string, seconds: number, data?: object): Promise<string | null>;
  abstract state(name: string, id: string): Promise<JobState>;
  abstract fetch<T>(name: string, leaseSeconds: number, retryLimit: number): Promise<Lease<T> | null>;
  abstract renew(name: string, lease: Lease<unknown>, leaseSeconds: number): Promise<boolean>;
  abstract finish(name: string, lease: Lease<unknown>, error?: string): Promise<void>;
  abstract release(name: string, lease: Lease<unknown>): Promise<void>;
  abstract ensureQueue(name: string, opts: { leaseSeconds: number; retryLimit: number }): Promise<void>;
  /** Closes the store's connections. */
  protected abstract close(): Promise<void>;

  private stopping = false;
  private readonly running = new Set<Running>();
  private readonly loops: Promise<void>[] = [];
  private readonly wake = new AbortController();

  /** Jobs running in this process now (health and tests). */
  get active(): { name: string; id: string }[] {
    return [...this.running].map((r) => ({ name: r.name, id: r.lease.id }));
  }

  async work<T>(name: string, handler: JobHandler<T>, opts: WorkOptions = {}): Promise<void> {
    const leaseSeconds = opts.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
    const retryLimit = opts.retryLimit ?? DEFAULT_RETRY_LIMIT;
    await this.ensureQueue(name, { leaseSeconds, retryLimit });
    for (let i = 0; i < (opts.concurrency ?? 1); i++)
      this.loops.push(
        this.loop(name, handler as JobHandler<unknown>, leaseSeconds, retryLimit, !!opts.releaseOnStop),
      );
  }

  private sleep(ms: number): Promise<void> {
    const signal = this.wake.signal;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done, { once: true });
    });
  }

  private async loop(
    name: string,
    handler: JobHandler<unknown>,
    leaseSeconds: number,
    retryLimit: number,
    releaseOnStop: boolean,
  ) {
    let pause = POLL_MS;
    while (!this.stopping) {
      let lease: Lease<unknown> | null;
      try {
        lease = await this.fetch(name, leaseSeconds, retryLimit);
        pause = POLL_MS;
      } catch (e) {
        // The database is unreachable (restarting): back off up to 10 s and try again.
        jobsLog().warn({ queue: name, err: (e as Error).message }, "fetching a job failed");
        pause = Math.min(pause * 2, 10_000);
        await this.sleep(pause);
        continue;
      }
      if (!lease) {
        await this.sleep(POLL_MS);
        continue;
      }
      if (this.stopping) {
        await this.release(name, lease).catch(() => {});
        break;
      }
      await this.runOne(name, lease, handler, leaseSeconds, releaseOnStop);
    }
  }

  private async runOne(
    name: string,
    lease: Lease<unknown>,
    handler: JobHandler<unknown>,
    leaseSeconds: number,
    releaseOnStop: boolean,
  ) {
    const ctrl = new AbortController();
    let lost = false;
    const beat = setInterval(
      () => {
        this.renew(name, lease, leaseSeconds).then(
          (held) => {
            if (!held && !lost) {
              lost = true;
              jobsLog().warn({ queue: name, job: lease.id }, "job lease lost; stopping its handler");
              ctrl.abort(new JobLeaseLost(lease.id));
            }
          },
          // The database is unreachable: keep the handler going; if the lease expires meanwhile, the
          // next renewal finds it gone and aborts.
          (e) =>
            jobsLog().warn({ queue: name, job: lease.id, err: (e as Error).message }, "job heartbeat failed"),
        );
      },
      Math.max(200, (leaseSeconds * 1000) / 3),
    );
    let resolveDone!: () => void;
    const entry: Running = {
      name,
      lease,
      ctrl,
      done: new Promise((r) => {
        resolveDone = r;
      }),
      released: false,
      releaseOnStop,
    };
    this.running.add(entry);
    const started = Date.now();
    jobsLog().info({ queue: name, job: lease.id, attempt: lease.attempt }, "job started");
    let error: string | undefined;
    try {
      await handler({ id: lease.id, data: lease.data, attempt: lease.attempt, signal: ctrl.signal });
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    } finally {
      clearInterval(beat);
    }
    try {
      if (!lost && !entry.released) {
        await this.finishWithRetry(name, lease, error, leaseSeconds);
        jobsLog()[error ? "error" : "info"](
          { queue: name, job: lease.id, durationMs: Date.now() - started, ...(error ? { err: error } : {}) },
          error ? "job failed" : "job completed",
        );
      }
    } finally {
      this.running.delete(entry);
      resolveDone();
    }
  }

  /** Completion survives a database restart of up to a lease: retried until the lease would have expired. */
  private async finishWithRetry(
    name: string,
    lease: Lease<unknown>,
    error: string | undefined,
    leaseSeconds: number,
  ) {
    const deadline = Date.now() + leaseSeconds * 1000;
    for (let pause = 250; ; pause = Math.min(pause * 2, 4000)) {
      try {
        return await this.finish(name, lease, error);
      } catch (e) {
        if (Date.now() + pause > deadline) {
          // The lease expires; another process runs the job again (handlers are idempotent).
          jobsLog().error(
            { queue: name, job: lease.id, err: (e as Error).message },
            "could not record a finished job",
          );
          return;
        }
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  }

  async stop(graceMs = 10_000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.wake.abort();
    const handOver = async (r: Running) => {
      if (r.released) return;
      r.released = true;
      r.ctrl.abort(new JobsStopping());
      await this.release(r.name, r.lease).catch((e) =>
        jobsLog().warn(
          { queue: r.name, job: r.lease.id, err: (e as Error).message },
          "releasing a job failed",
        ),
      );
    };
    // Long jobs (judge runs) go back to the queue at once; short ones get the grace period to finish.
    await Promise.all([...this.running].filter((r) => r.releaseOnStop).map(handOver));
    const all = () => Promise.all([...this.running].map((r) => r.done));
    await Promise.race([all(), new Promise((r) => setTimeout(r, graceMs).unref())]);
    await Promise.all([...this.running].map(handOver));
    await Promise.race([
      Promise.all([all(), ...this.loops]),
      new Promise((r) => setTimeout(r, 2000).unref()),
    ]);
    await this.close();
  }
}
