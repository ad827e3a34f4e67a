/**
 * A small pool of worker threads answering request messages: each request goes to the least busy worker
 * as `{ id, ...message }` and is settled by the worker's `{ id, ok, result | error }` reply. Used by the
 * index service (./service.ts) and the trace service (../trace/service.ts).
 *
 * The threads are unref'd while nothing is pending, so an idle pool never keeps a process alive; a
 * worker that dies rejects its pending requests; `close` rejects everything still pending.
 */
import type { Worker } from "node:worker_threads";
import { startWorker } from "./worker-path";

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  worker: number;
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly busy: number[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  /**
   * `decodeError` turns a worker's serialized error back into the service's error type; `closedError`
   * is what requests get once the pool is closed.
   */
  constructor(
    url: URL,
    size: number,
    workerData: unknown,
    private readonly decodeError: (e: unknown) => Error,
    private readonly closedError: () => Error,
  ) {
    for (let i = 0; i < size; i++) {
      const w = startWorker(url, { workerData });
      w.on("message", (msg: { id: number; ok: boolean; result?: unknown; error?: unknown }) => {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.settle(msg.id, p);
        if (msg.ok) p.resolve(msg.result);
        else p.reject(this.decodeError(msg.error));
      });
      w.on("error", (e) => {
        for (const [id, p] of this.pending) {
          if (p.worker !== i) continue;
          this.settle(id, p);
          p.reject(e);
        }
      });
      w.unref();
      this.workers.push(w);
      this.busy.push(0);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  private settle(id: number, p: Pending): void {
    this.pending.delete(id);
    this.busy[p.worker]--;
    if (this.pending.size === 0) for (const x of this.workers) x.unref();
  }

  /** Sends `message` (plus an id) to the least busy worker; resolves with its result. */
  run(message: Record<string, unknown>): Promise<unknown> {
    if (this.closed) return Promise.reject(this.closedError());
    let w = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.busy[i] < this.busy[w]) w = i;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: w });
      this.busy[w]++;
      if (this.pending.size === 1) for (const x of this.workers) x.ref();
      this.workers[w].postMessage({ ...message, id });
    });
  }

  /** Stops the workers; pending requests are rejected with `closedError()`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [id, p] of this.pending) {
      this.settle(id, p);
      p.reject(this.closedError());
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
