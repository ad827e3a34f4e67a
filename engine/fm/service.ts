/**
 * Index queries off the caller's thread: a pool of worker threads that all read ONE copy of the index
 * (its shard files loaded once into SharedArrayBuffers). Each query is one message to the least busy
 * worker; `batch` sends many queries in one message (tracing sends hundreds of counts).
 *
 *   const service = await createIndexService({ dir: "data/index/flexmix-mini", workers: 2 });
 *   await service.count("whale");        // same results as FmIndex.count
 *   await service.batch([{ op: "countAll", query: "a b" }, { op: "countAll", query: "b c" }]);
 *   await service.close();
 *
 * Worker entry: see worker-path.ts (tsx source under tsx, else dist/engine/fm-service-worker.js from
 * `npx tsx scripts/build-engine.ts`). With `workers: 0`, or when no worker entry exists, queries run on the
 * calling thread (still behind the same async methods).
 */

import type { Worker } from "node:worker_threads";
import type { Manifest } from "./build";
import { deserializeError, FmError, type SerializedFmError } from "./errors";
import {
  type ContaminationEntry,
  type ContaminationResult,
  type CountResult,
  DEFAULT_MAX_QUERY_BYTES,
  type DocumentResult,
  type DocWindow,
  type FindResult,
  FmIndex,
  type Located,
  loadIndexFiles,
  type QueryOptions,
  type RankRange,
  type ShardInfo,
  type ShardRef,
} from "./index";
import { runQuery, type ServiceQuery } from "./service-queries";
import { resolveWorker, startWorker } from "./worker-path";

export type { ServiceQuery } from "./service-queries";

export interface IndexServiceOptions {
  dir: string;
  /** Worker threads (default 2). 0 answers on the calling thread. */
  workers?: number;
  maxQueryBytes?: number;
}

export type BatchResult = { ok: true; result: unknown } | { ok: false; error: Error };

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export class IndexService {
  readonly manifest: Manifest;
  readonly shards: readonly ShardInfo[];
  readonly domains: readonly string[];
  private readonly workers: Worker[] = [];
  private readonly busy: number[] = [];
  private readonly pending = new Map<number, Pending & { worker: number }>();
  private nextId = 1;
  private closed = false;
  /** Used when there are no workers. */
  private readonly local: FmIndex | null;

  /** Use createIndexService. */
  constructor(
    index: FmIndex,
    files: { file: string; bytes: Uint8Array }[],
    workerUrl: URL | null,
    nWorkers: number,
    maxQueryBytes: number,
  ) {
    this.manifest = index.manifest;
    this.shards = index.shards;
    this.domains = index.domains;
    this.local = workerUrl && nWorkers > 0 ? null : index;
    if (this.local) return;
    for (let i = 0; i < nWorkers; i++) {
      const w = startWorker(workerUrl!, { workerData: { manifest: this.manifest, files, maxQueryBytes } });
      w.on("message", (msg: { id: number; ok: boolean; result?: unknown; error?: SerializedFmError }) => {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        this.busy[p.worker]--;
        if (msg.ok) p.resolve(msg.result);
        else p.reject(deserializeError(msg.error!));
      });
      w.on("error", (e) => this.failWorker(i, e));
      w.unref();
      this.workers.push(w);
      this.busy.push(0);
    }
  }

  private failWorker(i: number, e: Error): void {
    for (const [id, p] of this.pending) {
      if (p.worker === i) {
        this.pending.delete(id);
        p.reject(e);
      }
    }
  }

  private send(queries: ServiceQuery[], batch: boolean): Promise<unknown> {
    if (this.closed) return Promise.reject(new FmError("SERVICE_CLOSED", "the index service is closed", 503));
    if (this.local) {
      const local = this.local;
      return new Promise((resolve, reject) => {
        setImmediate(() => {
          try {
            resolve(
              batch
                ? queries.map((q) => {
                    try {
                      return { ok: true, result: runQuery(local, q) };
                    } catch (e) {
                      return { ok: false, error: e };
                    }
                  })
                : runQuery(local, queries[0]),
            );
          } catch (e) {
            reject(e);
          }
        });
      });
    }
    let w = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.busy[i] < this.busy[w]) w = i;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: w });
      this.busy[w]++;
      if (this.pending.size === 1) for (const x of this.workers) x.ref();
      this.workers[w].postMessage({ id, queries, batch });
    }).finally(() => {
      if (this.pending.size === 0) for (const x of this.workers) x.unref();
    });
  }

  private one<T>(q: ServiceQuery): Promise<T> {
    return this.send([q], false) as Promise<T>;
  }

  /** Runs many queries in one message; each answer is {ok, result} or {ok: false, error}. */
  async batch(queries: ServiceQuery[]): Promise<BatchResult[]> {
    if (queries.length === 0) return [];
    const raw = (await this.send(queries, true)) as { ok: boolean; result?: unknown; error?: unknown }[];
    return raw.map((r) =>
      r.ok
        ? { ok: true as const, result: r.result }
        : {
            ok: false as const,
            error: r.error instanceof Error ? r.error : deserializeError(r.error as SerializedFmError),
          },
    );
  }

  count(query: string | Uint8Array, opts?: QueryOptions): Promise<CountResult> {
    return this.one({ op: "count", query, opts });
  }
  countAll(query: string | Uint8Array, opts?: QueryOptions): Promise<number> {
    return this.one({ op: "countAll", query, opts });
  }
  find(query: string | Uint8Array, opts?: QueryOptions): Promise<FindResult> {
    return this.one({ op: "find", query, opts });
  }
  locate(shard: ShardRef, rank: number): Promise<Located> {
    return this.one({ op: "locate", shard, rank });
  }
  extract(shard: ShardRef, pos: number, len: number): Promise<Uint8Array> {
    return this.one({ op: "extract", shard, pos, len });
  }
  getDocByRank(
    shard: ShardRef,
    rank: number,
    opts?: { needleLength?: number; maxContextBytes?: number },
  ): Promise<DocWindow> {
    return this.one({ op: "getDocByRank", shard, rank, opts });
  }
  getDocByPosition(
    shard: ShardRef,
    position: number,
    opts?: { length?: number; maxContextBytes?: number },
  ): Promise<DocWindow> {
    return this.one({ op: "getDocByPosition", shard, position, opts });
  }
  getDocument(shard: ShardRef, docIndex: number, opts?: { maxBytes?: number }): Promise<DocumentResult> {
    return this.one({ op: "getDocument", shard, docIndex, opts });
  }
  searchDocs(
    query: string | Uint8Array,
    opts?: QueryOptions & { maxDocs?: number; maxContextBytes?: number },
  ): Promise<{ count: number; docs: DocWindow[] }> {
    return this.one({ op: "searchDocs", query, opts });
  }
  extendAllLeft(ranges: RankRange[], byte: number): Promise<RankRange[]> {
    return this.one({ op: "extendAllLeft", ranges, byte });
  }
  contamination(entries: ContaminationEntry[], opts?: QueryOptions): Promise<ContaminationResult[]> {
    return this.one({ op: "contamination", entries, opts });
  }

  /** Stops the workers; pending queries are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new FmError("SERVICE_CLOSED", "the index service is closed", 503);
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(err);
    }
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Loads the index once (checking sizes and checksums; throws FmIndexFileError naming a bad file) and
 * starts `workers` threads sharing it. Time O(index size) to load; memory one copy of the index.
 */
export async function createIndexService(opts: IndexServiceOptions): Promise<IndexService> {
  const nWorkers = opts.workers ?? 2;
  const { manifest, files } = loadIndexFiles(opts.dir, nWorkers > 0);
  const index = new FmIndex(manifest, files, true);
  const maxQueryBytes = opts.maxQueryBytes ?? DEFAULT_MAX_QUERY_BYTES;
  index.maxQueryBytes = maxQueryBytes;
  const url =
    nWorkers > 0 ? resolveWorker("fm-service-worker", import.meta.url, "./service-worker.ts") : null;
  return new IndexService(index, files, url, nWorkers, maxQueryBytes);
}
