import "server-only";
import { existsSync } from "node:fs";
import path from "node:path";
import { type LoadedIndex, loadIndexFiles } from "@/engine/fm/index";
import { createIndexService, type IndexService } from "@/engine/fm/service";
import { env } from "../env";
import type { ComponentStatus } from "../health-types";
import { HttpError } from "../http-error";

/**
 * The process-wide FM-index service over the default corpus (or INDEX_DIR): loaded once, queried from
 * worker threads that share one copy of the index. Route handlers and server actions call
 * `indexService()`; a missing index is a 503 with the command that builds it.
 */
const g = globalThis as unknown as {
  __lmrIndex?: Promise<IndexService>;
  __lmrIndexError?: string;
  __lmrIndexFiles?: { dir: string; loaded: LoadedIndex };
};

/**
 * The index folder's files, read once per process into shared memory: the search service and the trace
 * service (lib/trace/service.ts) both start their worker threads on this one copy. Throws
 * FmIndexFileError for a missing, truncated or corrupted file.
 */
export function loadedIndex(dir: string): LoadedIndex {
  if (g.__lmrIndexFiles?.dir !== dir) g.__lmrIndexFiles = { dir, loaded: loadIndexFiles(dir, true) };
  return g.__lmrIndexFiles.loaded;
}

/**
 * The configured index folder, or an HttpError 503 naming the command that builds it when it has no
 * manifest yet. Shared by the search and trace services.
 */
export function builtIndexDir(): string {
  const dir = env().indexDir;
  if (!existsSync(path.join(dir, "manifest.json"))) {
    throw new HttpError(
      503,
      `The corpus index is not built yet (${dir}). Run \`npm run setup:data\` or \`npm start\`.`,
    );
  }
  return dir;
}

export function indexService(): Promise<IndexService> {
  if (!g.__lmrIndex) {
    let dir: string;
    try {
      dir = builtIndexDir();
    } catch (e) {
      return Promise.reject(e);
    }
    g.__lmrIndex = (async () =>
      createIndexService({ dir, workers: env().ENGINE_WORKERS ?? 2, loaded: loadedIndex(dir) }))().catch(
      (e) => {
        g.__lmrIndex = undefined;
        g.__lmrIndexError = (e as Error).message;
        throw new HttpError(503, `The corpus index could not be loaded: ${(e as Error).message}`);
      },
    );
  }
  return g.__lmrIndex;
}

export async function indexHealth(): Promise<ComponentStatus> {
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
