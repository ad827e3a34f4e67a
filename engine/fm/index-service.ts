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
 * Worker entry: see ../worker-path.ts (tsx source under tsx, else dist/engine/fm-index-service-worker.js from
 * `npx tsx scripts/build-engine.ts`). With `workers: 0`, or when no worker entry exists, queries run on the
 * calling thread (still behind the same async methods).
 */

import { resolveWorker } from "../worker-path";
import { runSoon, WorkerPool } from "../worker-pool";
import type { ContaminationEntry, ContaminationResult } from "./contamination";
import type { DocumentResult, DocWindow } from "./documents";
import { deserializeError, FmError, type SerializedFmError } from "./errors";
import {
  type CountResult,
  DEFAULT_MAX_QUERY_BYTES,
  type FindResult,
  FmIndex,
  type Located,
  type QueryOptions,
  type ShardInfo,
  type ShardRef,
} from "./fm-index";
import { runQuery, type ServiceQuery } from "./index-service-queries";
import { type LoadedIndex, loadIndexFiles } from "./load";
import type { Manifest } from "./manifest";
import type { RankRange } from "./shard";

export type { ServiceQuery } from "./index-service-queries";

export interface IndexServiceOptions {
  dir: string;
  /** Worker threads (default 2). 0 answers on the calling thread. */
  workers?: number;
  maxQueryBytes?: number;
  /**
   * Index files already loaded (loadIndexFiles(dir, true)), e.g. shared with a trace service so the
   * process holds one copy of the index.
   */
  loaded?: LoadedIndex;
}

export type BatchResult = { ok: true; result: unknown } | { ok: false; error: Error };

/**
 * What the app asks of an index, wherever its shards are: IndexService (this process, worker threads) and
 * engine/serve's RemoteIndex (shard servers) both implement it, with the same results and errors.
 */
export interface IndexBackend {
  readonly manifest: Manifest;
  readonly shards: readonly ShardInfo[];
  readonly domains: readonly string[];
  batch(queries: ServiceQuery[]): Promise<BatchResult[]>;
  count(query: string | Uint8Array, opts?: QueryOptions): Promise<CountResult>;
  countAll(query: string | Uint8Array, opts?: QueryOptions): Promise<number>;
  find(query: string | Uint8Array, opts?: QueryOptions): Promise<FindResult>;
  locate(shard: ShardRef, rank: number): Promise<Located>;
  extract(shard: ShardRef, pos: number, len: number): Promise<Uint8Array>;
  getDocByRank(
    shard: ShardRef,
    rank: number,
    opts?: { needleLength?: number; maxContextBytes?: number },
  ): Promise<DocWindow>;
  getDocByPosition(
    shard: ShardRef,
    position: number,
    opts?: { length?: number; maxContextBytes?: number },
  ): Promise<DocWindow>;
  getDocument(shard: ShardRef, docIndex: number, opts?: { maxBytes?: number }): Promise<DocumentResult>;
  searchDocs(
    query: string | Uint8Array,
    opts?: QueryOptions & { maxDocs?: number; maxContextBytes?: number },
  ): Promise<{ count: number; docs: DocWindow[] }>;
  contamination(entries: ContaminationEntry[], opts?: QueryOptions): Promise<ContaminationResult[]>;
  close(): Promise<void>;
}

export class IndexService implements IndexBackend {
  readonly manifest: Manifest;
  readonly shards: readonly ShardInfo[];
  readonly domains: readonly string[];
  private readonly pool: WorkerPool | null;
  private closed = false;
  /** Used when there are no workers. */
  private readonly local: FmIndex | null;

  /** Use createIndexService. */
  constructor(
    index: FmIndex,
    files: LoadedIndex["files"],
    workerUrl: URL | null,
    nWorkers: number,
    maxQueryBytes: number,
  ) {
    this.manifest = index.manifest;
    this.shards = index.shards;
    this.domains = index.domains;
    this.local = workerUrl && nWorkers > 0 ? null : index;
    this.pool = this.local
      ? null
      : new WorkerPool(
          workerUrl!,
          nWorkers,
          { manifest: this.manifest, files, maxQueryBytes },
          (e) => deserializeError(e as SerializedFmError),
          (code, message) => new FmError(code, message),
        );
  }

  private send(queries: ServiceQuery[], batch: boolean): Promise<unknown> {
    if (this.closed) return Promise.reject(closedError());
    const local = this.local;
    if (!local) return this.pool!.run({ queries, batch });
    return runSoon(() =>
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
    this.closed = true;
    await this.pool?.close();
  }
}

function closedError(): FmError {
  return new FmError("SERVICE_CLOSED", "the index service is closed");
}

/**
 * Loads the index once (checking sizes and checksums; throws FmIndexFileError naming a bad file) and
 * starts `workers` threads sharing it. Time O(index size) to load; memory one copy of the index.
 */
export async function createIndexService(opts: IndexServiceOptions): Promise<IndexService> {
  const nWorkers = opts.workers ?? 2;
  const { manifest, files } = opts.loaded ?? loadIndexFiles(opts.dir, nWorkers > 0);
  const index = new FmIndex(manifest, files, true);
  const maxQueryBytes = opts.maxQueryBytes ?? DEFAULT_MAX_QUERY_BYTES;
  index.maxQueryBytes = maxQueryBytes;
  const url =
    nWorkers > 0
      ? resolveWorker("fm-index-service-worker", import.meta.url, "./index-service-worker.ts")
      : null;
  return new IndexService(index, files, url, nWorkers, maxQueryBytes);
}
