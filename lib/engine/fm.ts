import "server-only";
import { existsSync } from "node:fs";
import path from "node:path";
import { type LoadedIndex, loadIndexFiles } from "@/engine/fm/index";
import { createIndexService, type IndexBackend } from "@/engine/fm/index-service";
import {
  connectShardServers,
  type RemoteIndex,
  type RemoteTrace,
  type ShardCluster,
} from "@/engine/serve/client";
import { env } from "../env";
import type { ComponentStatus } from "../health-types";
import { HttpError } from "../http-error";
import { log } from "../log";
import { processSingleton, processSingletonAsync, singletonKey } from "../process-singleton";

/**
 * The process-wide FM-index over the default corpus (or INDEX_DIR), or over the shard servers of
 * ENGINE_URLS (`npm run -s engine -- serve`). Route handlers and server actions call `indexService()` and
 * get an IndexBackend either way (engine/fm/index-service.ts): locally, worker threads that share one copy of
 * the index; remotely, a client that sends each stage of work to the servers in one request each. A
 * missing index is a 503 with the command that builds it; unreachable servers are a 503 naming them.
 */
const INDEX_SERVICE = singletonKey<Promise<IndexBackend>>("index-service");
/** The index folder last loaded, and its files. */
const INDEX_FILES = singletonKey<{ dir?: string; loaded?: LoadedIndex }>("index-files");
const SHARD_SERVERS =
  singletonKey<Promise<{ cluster: ShardCluster; index: RemoteIndex; trace: RemoteTrace }>>("shard-servers");

/**
 * The index folder's files, read once per process into shared memory: the search service and the trace
 * service (lib/engine/trace.ts) both start their worker threads on this one copy. Throws
 * FmIndexFileError for a missing, truncated or corrupted file.
 */
export function loadedIndex(dir: string): LoadedIndex {
  const held = processSingleton(INDEX_FILES, () => ({}));
  if (held.dir !== dir || !held.loaded) {
    held.loaded = loadIndexFiles(dir, true);
    held.dir = dir;
  }
  return held.loaded;
}

/**
 * The configured index folder, or an HttpError 503 naming the command that builds it when it has no
 * manifest yet. Shared by the search and trace services. The message is shown to anyone (pages, API
 * answers): it names the folder, not its path on the server (admins see that in /api/health).
 */
export function builtIndexDir(): string {
  const dir = env().indexDir;
  if (!existsSync(path.join(dir, "manifest.json"))) {
    throw new HttpError(
      503,
      `The corpus index is not built yet (${path.basename(dir)}). Run \`npm run setup:data\` or \`npm start\`.`,
    );
  }
  return dir;
}

/**
 * The 503 for an index whose files could not be loaded (missing, truncated or corrupted shard), shown to
 * anyone: the file's name and what is wrong with it, not where it lies on the server. The whole error is
 * logged (once per distinct failure), and admins see it in /api/health.
 */
let lastLoadError = "";
export function indexLoadError(e: unknown): HttpError {
  const err = e as Error & { file?: unknown };
  // Every request retries the load while the index is broken: log each distinct failure once, not per request.
  if (err.message !== lastLoadError) {
    lastLoadError = err.message;
    log("engine").error({ err: err.message }, "the corpus index could not be loaded");
  }
  const message =
    typeof err.file === "string" ? err.message.replace(err.file, path.basename(err.file)) : err.message;
  return new HttpError(503, `The corpus index could not be loaded: ${message}`);
}

/** The shard servers of ENGINE_URLS (null when unset), connected once per process; retried after a failure. */
export function shardServers(): Promise<{
  cluster: ShardCluster;
  index: RemoteIndex;
  trace: RemoteTrace;
}> | null {
  const urls = env().ENGINE_URLS;
  if (!urls) return null;
  return processSingletonAsync(SHARD_SERVERS, () =>
    connectShardServers({ urls, timeoutMs: env().ENGINE_TIMEOUT_MS, token: env().ENGINE_TOKEN }),
  );
}

/**
 * The index's name (the infini-gram API's `index`, and what a stored trace records): the folder name of
 * INDEX_DIR, or the name the shard servers report (their index folder's).
 */
export async function indexName(): Promise<string> {
  const remote = shardServers();
  return remote ? (await remote).cluster.name : path.basename(env().indexDir);
}

export function indexService(): Promise<IndexBackend> {
  const remote = shardServers();
  if (remote) return remote.then((r) => r.index);
  return processSingletonAsync(INDEX_SERVICE, async () => {
    const dir = builtIndexDir(); // its 503 names the command that builds the index
    try {
      return await createIndexService({ dir, workers: env().ENGINE_WORKERS ?? 2, loaded: loadedIndex(dir) });
    } catch (e) {
      throw indexLoadError(e);
    }
  });
}

/** The index part of /api/health: the local folder, or every shard server with its shards. */
export async function indexHealth(): Promise<ComponentStatus> {
  const remote = shardServers();
  if (remote) {
    let cluster: ShardCluster;
    try {
      cluster = (await remote).cluster;
    } catch (e) {
      return { status: "error", servers: env().ENGINE_URLS, detail: (e as Error).message };
    }
    const servers = await cluster.health();
    const m = cluster.manifest;
    const served = new Set(servers.filter((s) => s.status === "ok").flatMap((s) => s.shards));
    const missing = m.shards.map((s) => s.name).filter((n) => !served.has(n));
    return {
      status: missing.length === 0 ? "ok" : "error",
      ...(missing.length ? { detail: `no server up for shards ${missing.join(", ")}` } : {}),
      shards: m.shards.length,
      domains: [...new Set(m.shards.map((s) => s.domain))],
      documents: m.totalDocs,
      bytes: m.totalBytes,
      servers,
    };
  }
  const dir = env().indexDir;
  if (!existsSync(path.join(dir, "manifest.json"))) return { status: "absent", path: dir };
  try {
    const service = await indexService();
    return {
      status: "ok",
      path: dir,
      shards: service.shards.length,
      domains: service.domains,
      documents: service.shards.reduce((n, s) => n + s.docs, 0),
      bytes: service.shards.reduce((n, s) => n + s.bytes, 0),
    };
  } catch (e) {
    return { status: "error", path: dir, detail: (e as Error).message };
  }
}
