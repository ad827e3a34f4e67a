/**
 * Traces off the caller's thread: a pool of worker threads sharing ONE copy of the index (its shard files
 * loaded once into SharedArrayBuffers). A whole trace is one message to the least busy worker, so a web
 * server stays responsive while the span search, document lookups and BM25 run.
 *
 *   const service = await createTraceService({ dir: "data/index/flexmix-mini", workers: 2 });
 *   const result = await service.trace({ response, prompt, domains: ["creative"] });
 *   await service.close();
 *
 * Worker entry: FM_WORKER_DIR/trace-worker.js if set; the sibling trace-worker.ts when running from
 * TypeScript sources (tsx); else trace-worker.js beside this module or in <cwd>/dist/engine (written by
 * `npm run build:engine`). With `workers: 0`, or no worker entry, traces run on the calling thread.
 */

import type { Worker } from "node:worker_threads";
import type { Manifest } from "../fm/build";
import { FmIndex, loadIndexFiles, type ShardInfo } from "../fm/index";
import { resolveWorker, startWorker } from "../fm/worker-path";
import { deserializeTraceError, TraceError } from "./errors";
import { runTraceJob, type TraceJob } from "./jobs";
import type { DocumentContext, TraceInput, TraceResult } from "./trace";

export interface TraceServiceOptions {
  dir: string;
  /** Worker threads (default 2). 0 runs traces on the calling thread (still asynchronously). */
  workers?: number;
}

/** Where the trace worker's entry file is (see engine/fm/worker-path.ts); null when there is none. */
export function resolveTraceWorker(): URL | null {
  return resolveWorker("trace-worker", import.meta.url, "./trace-worker.ts");
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  worker: number;
}

export class TraceService {
  readonly manifest: Manifest;
  readonly shards: readonly ShardInfo[];
  readonly domains: readonly string[];
  /** Worker threads running traces (0: in-process). */
  readonly workerCount: number;
  private readonly workers: Worker[] = [];
  private readonly busy: number[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  private readonly local: FmIndex | null;

  /** Use createTraceService. */
  constructor(
    index: FmIndex,
    files: { file: string; bytes: Uint8Array }[],
    workerUrl: URL | null,
    n: number,
  ) {
    this.manifest = index.manifest;
    this.shards = index.shards;
    this.domains = index.domains;
    this.local = workerUrl && n > 0 ? null : index;
    this.workerCount = this.local ? 0 : n;
    if (this.local) return;
    for (let i = 0; i < n; i++) {
      const w = startWorker(workerUrl!, { workerData: { manifest: this.manifest, files } });
      w.on(
        "message",
        (msg: { id: number; ok: boolean; result?: unknown; error?: { name: string; message: string } }) => {
          const p = this.pending.get(msg.id);
          if (!p) return;
          this.pending.delete(msg.id);
          this.busy[p.worker]--;
          if (msg.ok) p.resolve(msg.result);
          else p.reject(deserializeTraceError(msg.error!));
        },
      );
      w.on("error", (e) => {
        for (const [id, p] of this.pending) {
          if (p.worker === i) {
            this.pending.delete(id);
            this.busy[i]--;
            p.reject(e);
          }
        }
      });
      w.unref();
      this.workers.push(w);
      this.busy.push(0);
    }
  }

  private run(job: TraceJob): Promise<unknown> {
    if (this.closed)
      return Promise.reject(new TraceError("SERVICE_CLOSED", "the trace service is closed", 503));
    const local = this.local;
    if (local) {
      return new Promise((resolve, reject) =>
        setImmediate(() => {
          try {
            resolve(runTraceJob(local, job));
          } catch (e) {
            reject(e);
          }
        }),
      );
    }
    let w = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.busy[i] < this.busy[w]) w = i;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: w });
      this.busy[w]++;
      if (this.pending.size === 1) for (const x of this.workers) x.ref();
      this.workers[w].postMessage({ id, job });
    }).finally(() => {
      if (this.pending.size === 0) for (const x of this.workers) x.unref();
    });
  }

  /** One whole trace (see traceText). Rejects with TraceError for bad input. */
  trace(input: TraceInput): Promise<TraceResult> {
    return this.run({ op: "trace", input }) as Promise<TraceResult>;
  }

  /** "View document": about 250 words either side of a match (see documentContext). */
  context(req: {
    shard: string;
    position: number;
    length: number;
    words?: number;
  }): Promise<DocumentContext> {
    return this.run({ op: "context", req }) as Promise<DocumentContext>;
  }

  /** Stops the workers; pending traces are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new TraceError("SERVICE_CLOSED", "the trace service is closed", 503);
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(err);
    }
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Loads the index once (checking sizes and checksums) and starts `workers` threads sharing it.
 * Time O(index size) to load; memory one copy of the index.
 */
export async function createTraceService(opts: TraceServiceOptions): Promise<TraceService> {
  const n = opts.workers ?? 2;
  const { manifest, files } = loadIndexFiles(opts.dir, n > 0);
  const index = new FmIndex(manifest, files, true);
  const url = n > 0 ? resolveTraceWorker() : null;
  return new TraceService(index, files, url, n);
}
