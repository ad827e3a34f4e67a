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

import { FmIndex, type LoadedIndex, loadIndexFiles, type ShardInfo } from "../fm/index";
import type { Manifest } from "../fm/manifest";
import { resolveWorker } from "../worker-path";
import { runSoon, WorkerPool } from "../worker-pool";
import { deserializeTraceError, TraceError } from "./errors";
import { type BatchAnswer, type BatchQuery, runTraceJob, type TraceJob } from "./jobs";
import type { ContextRequest, DocumentContext, TraceInput, TraceResult } from "./trace";

export interface TraceServiceOptions {
  dir: string;
  /** Worker threads (default 2). 0 runs traces on the calling thread (still asynchronously). */
  workers?: number;
  /** Index files already loaded (loadIndexFiles(dir, true)), e.g. shared with the index service. */
  loaded?: LoadedIndex;
}

/** Where the trace worker's entry file is (see engine/worker-path.ts); null when there is none. */
export function resolveTraceWorker(): URL | null {
  return resolveWorker("trace-worker", import.meta.url, "./trace-worker.ts");
}

/**
 * What the app asks of the tracer, wherever the shards are: TraceService (this process, worker threads)
 * and engine/serve's RemoteTrace (shard servers) both implement it, with the same results and errors.
 */
export interface TraceBackend {
  readonly manifest: Manifest;
  readonly shards: readonly ShardInfo[];
  readonly domains: readonly string[];
  /** Worker threads running whole traces here (0: traces run elsewhere or on the calling thread). */
  readonly workerCount: number;
  trace(input: TraceInput): Promise<TraceResult>;
  context(req: ContextRequest): Promise<DocumentContext>;
  close(): Promise<void>;
}

export class TraceService implements TraceBackend {
  readonly manifest: Manifest;
  readonly shards: readonly ShardInfo[];
  readonly domains: readonly string[];
  /** Worker threads running traces (0: in-process). */
  readonly workerCount: number;
  private readonly pool: WorkerPool | null;
  private closed = false;
  private readonly local: FmIndex | null;

  /** Use createTraceService. */
  constructor(index: FmIndex, files: LoadedIndex["files"], workerUrl: URL | null, n: number) {
    this.manifest = index.manifest;
    this.shards = index.shards;
    this.domains = index.domains;
    this.local = workerUrl && n > 0 ? null : index;
    this.workerCount = this.local ? 0 : n;
    this.pool = this.local
      ? null
      : new WorkerPool(
          workerUrl!,
          n,
          { manifest: this.manifest, files },
          (e) => deserializeTraceError(e as { name: string; message: string }),
          (code, message) => new TraceError(code, message),
        );
  }

  private run(job: TraceJob): Promise<unknown> {
    if (this.closed) return Promise.reject(closedError());
    const local = this.local;
    return local ? runSoon(() => runTraceJob(local, job)) : this.pool!.run({ job });
  }

  /** One whole trace (see traceText). Rejects with TraceError for bad input. */
  trace(input: TraceInput): Promise<TraceResult> {
    return this.run({ op: "trace", input }) as Promise<TraceResult>;
  }

  /** "View document": about 250 words either side of a match (see documentContext). */
  context(req: ContextRequest): Promise<DocumentContext> {
    return this.run({ op: "context", req }) as Promise<DocumentContext>;
  }

  /** Index queries and trace stages in one message to one worker (a shard server's request). */
  batch(queries: BatchQuery[]): Promise<BatchAnswer[]> {
    return this.run({ op: "batch", queries }) as Promise<BatchAnswer[]>;
  }

  /** Stops the workers; pending traces are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    await this.pool?.close();
  }
}

function closedError(): TraceError {
  return new TraceError("SERVICE_CLOSED", "the trace service is closed");
}

/**
 * Loads the index once (checking sizes and checksums) and starts `workers` threads sharing it.
 * Time O(index size) to load; memory one copy of the index.
 */
export async function createTraceService(opts: TraceServiceOptions): Promise<TraceService> {
  const n = opts.workers ?? 2;
  const { manifest, files } = opts.loaded ?? loadIndexFiles(opts.dir, n > 0);
  const index = new FmIndex(manifest, files, true);
  const url = n > 0 ? resolveTraceWorker() : null;
  return new TraceService(index, files, url, n);
}
