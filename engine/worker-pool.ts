/**
 * A small pool of worker threads answering request messages: each request goes to the least busy worker
 * as `{ id, ...message }` and is settled by the worker's `{ id, ok, result | error }` reply. Used by the
 * index service (./fm/index-service.ts) and the trace service (./trace/trace-service.ts). Our own rather than piscina's:
 * the workers are long-lived message loops over one shared copy of the index that also build their lookup
 * tables between requests, which piscina's one-function-per-task model would have us rewrite.
 *
 * Guarantees (tested in worker-pool.test.ts):
 * - a worker that dies (crash, `process.exit`, an uncaught error) rejects its pending requests with
 *   WORKER_DIED and is replaced by a fresh one, so later requests never wait on a dead thread;
 * - every request has a timeout (`timeoutMs`): past it the request is rejected with SERVICE_TIMEOUT and its
 *   worker, stuck or overloaded, is terminated and replaced (its other requests get WORKER_DIED). A worker
 *   that has not yet replied to anything is still starting (loading code and the index), which can take
 *   seconds on a busy machine: its requests get `startupMs` more, so a slow start is not taken for a stuck
 *   worker and restarted over and over;
 * - the queue is bounded (`maxPending` requests in flight in all): one more is refused at once with
 *   SERVICE_BUSY, which the web layer answers with 503;
 * - the threads are unref'd while nothing is pending, so an idle pool never keeps a process alive;
 *   `close` rejects everything still pending with SERVICE_CLOSED.
 */
import type { Worker } from "node:worker_threads";
import { startWorker } from "./worker-path";

/** Why the pool itself (not the worker's code) failed a request. */
export type PoolFailure = "SERVICE_CLOSED" | "SERVICE_BUSY" | "SERVICE_TIMEOUT" | "WORKER_DIED";

export interface WorkerPoolOptions {
  /** Longest wait for one reply, in ms (default 60 s). */
  timeoutMs?: number;
  /** Most requests in flight across the pool (default 256); past it requests are refused. */
  maxPending?: number;
  /** Extra wait for requests to a worker that has not replied to anything yet (default 30 s). */
  startupMs?: number;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  worker: number;
  timer: NodeJS.Timeout;
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly busy: number[] = [];
  /** Whether each worker has replied at least once (it has started). */
  private readonly started: boolean[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  private readonly timeoutMs: number;
  private readonly maxPending: number;
  private readonly startupMs: number;
  /** Workers started in place of dead or stuck ones (for health and tests). */
  replaced = 0;

  /**
   * `decodeError` turns a worker's serialized error back into the service's error type; `failure` makes
   * the service's error for the pool's own failures.
   */
  constructor(
    private readonly url: URL,
    size: number,
    private readonly workerData: unknown,
    private readonly decodeError: (e: unknown) => Error,
    private readonly failure: (code: PoolFailure, message: string) => Error,
    opts: WorkerPoolOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.maxPending = opts.maxPending ?? 256;
    this.startupMs = opts.startupMs ?? 30_000;
    for (let i = 0; i < size; i++) {
      this.workers.push(this.start(i));
      this.busy.push(0);
      this.started.push(false);
    }
  }

  private start(slot: number): Worker {
    const w = startWorker(this.url, { workerData: this.workerData });
    w.on("message", (msg: { id: number; ok: boolean; result?: unknown; error?: unknown }) => {
      if (this.workers[slot] === w) this.started[slot] = true;
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.settle(msg.id, p);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(this.decodeError(msg.error));
    });
    const died = (why: string) => {
      if (this.closed || this.workers[slot] !== w) return;
      this.replace(slot, `a worker thread ${why}; the request was not answered`);
    };
    w.on("error", (e) => died(`failed (${e.message})`));
    w.on("exit", (code) => died(`exited (code ${code})`));
    if (this.pending.size === 0) w.unref();
    return w;
  }

  /** Fails the requests of worker `slot` with WORKER_DIED and puts a fresh worker in its place. */
  private replace(slot: number, message: string): void {
    const old = this.workers[slot];
    for (const [id, p] of this.pending) {
      if (p.worker !== slot) continue;
      this.settle(id, p);
      p.reject(this.failure("WORKER_DIED", message));
    }
    this.replaced++;
    this.workers[slot] = this.start(slot);
    this.busy[slot] = 0;
    this.started[slot] = false;
    void old.terminate().catch(() => {});
  }

  get size(): number {
    return this.workers.length;
  }

  private settle(id: number, p: Pending): void {
    clearTimeout(p.timer);
    this.pending.delete(id);
    this.busy[p.worker]--;
    if (this.pending.size === 0) for (const x of this.workers) x.unref();
  }

  /** Sends `message` (plus an id) to the least busy worker; resolves with its result. */
  run(message: Record<string, unknown>): Promise<unknown> {
    if (this.closed) return Promise.reject(this.failure("SERVICE_CLOSED", "the service is closed"));
    if (this.pending.size >= this.maxPending) {
      return Promise.reject(
        this.failure(
          "SERVICE_BUSY",
          `the engine is busy (${this.maxPending} requests waiting); try again shortly`,
        ),
      );
    }
    let w = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.busy[i] < this.busy[w]) w = i;
    const id = this.nextId++;
    const wait = this.started[w] ? this.timeoutMs : this.timeoutMs + this.startupMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const p = this.pending.get(id);
        if (!p) return;
        this.settle(id, p);
        p.reject(this.failure("SERVICE_TIMEOUT", `the engine did not answer within ${this.timeoutMs} ms`));
        // A worker past the deadline may be stuck: replace it (its other requests fail with WORKER_DIED).
        this.replace(w, `a worker thread was restarted after a request took over ${this.timeoutMs} ms`);
      }, wait);
      this.pending.set(id, { resolve, reject, worker: w, timer });
      this.busy[w]++;
      if (this.pending.size === 1) for (const x of this.workers) x.ref();
      this.workers[w].postMessage({ ...message, id });
    });
  }

  /** Stops the workers; pending requests are rejected with SERVICE_CLOSED. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [id, p] of this.pending) {
      this.settle(id, p);
      p.reject(this.failure("SERVICE_CLOSED", "the service is closed"));
    }
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Runs `fn` on this thread after the current turn, as a promise: the pools' in-process fallback. */
export function runSoon<T>(fn: () => T): Promise<T> {
  return new Promise((resolve, reject) =>
    setImmediate(() => {
      try {
        resolve(fn());
      } catch (e) {
        reject(e);
      }
    }),
  );
}
