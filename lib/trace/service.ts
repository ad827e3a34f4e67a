import "server-only";
import { createTraceService, type TraceBackend } from "@/engine/trace/service";
import type { TraceInput, TraceResult } from "@/engine/trace/trace";
import { db } from "../db/client";
import { builtIndexDir, indexName, loadedIndex, shardServers } from "../engine/fm";
import { env } from "../env";
import { HttpError } from "../http-error";
import { processSingletonAsync, singletonKey } from "../process-singleton";

/**
 * The process-wide trace service over the default corpus index (or INDEX_DIR): whole traces run in
 * worker threads on the same in-memory copy of the index as the search service (lib/engine/fm.ts's
 * loadedIndex), so a trace never blocks the server. With ENGINE_URLS, traces run here with each stage's
 * index work sent to the shard servers (engine/serve/client.ts). A missing index is a 503 naming the
 * command that builds it.
 */
const TRACE_SERVICE = singletonKey<Promise<TraceBackend>>("trace-service");

export function traceService(): Promise<TraceBackend> {
  const remote = shardServers();
  if (remote) return remote.then((r) => r.trace);
  return processSingletonAsync(TRACE_SERVICE, async () => {
    const dir = builtIndexDir(); // its 503 names the command that builds the index
    let service: TraceBackend;
    try {
      service = await createTraceService({
        dir,
        workers: env().ENGINE_WORKERS ?? 2,
        loaded: loadedIndex(dir),
      });
    } catch (e) {
      throw new HttpError(503, `The corpus index could not be loaded: ${(e as Error).message}`);
    }
    // Warm the workers up (JIT) so the first user's trace is as fast as the next ones.
    await Promise.all(
      Array.from({ length: Math.max(1, service.workerCount) }, () =>
        service.trace({ response: "Call me Ishmael. It was the best of times." }).catch(() => null),
      ),
    );
    return service;
  });
}

export interface StoredTrace {
  id: string;
  createdAt: string;
  userId: string | null;
  prompt: string | null;
  response: string;
  domains: string[];
  result: TraceResult;
}

/** A stored trace as the API and the permanent page show it: the result with its id, link, time and texts. */
export type TraceAnswer = TraceResult & {
  id: string;
  url: string;
  createdAt: string;
  prompt: string | null;
  response: string;
};

export function traceAnswer(stored: StoredTrace): TraceAnswer {
  return {
    id: stored.id,
    url: `/trace/${stored.id}`,
    createdAt: stored.createdAt,
    prompt: stored.prompt,
    response: stored.response,
    ...stored.result,
  };
}

/** Runs a trace and stores it (Trace table) so it has a permanent link. */
export async function runAndStoreTrace(input: TraceInput, userId: string | null): Promise<StoredTrace> {
  const service = await traceService();
  const result = await service.trace(input);
  const domains = result.settings.domains;
  const settings = {
    spanDensity: result.settings.spanDensity,
    minSpanWords: result.settings.minSpanWords,
    maxDocsPerSpan: result.settings.maxDocsPerSpan,
    index: { path: await indexName(), sha256: service.manifest.source?.sha256 ?? null },
  };
  const row = await db().trace.create({
    data: {
      userId,
      prompt: input.prompt ? input.prompt : null,
      response: input.response,
      domains: domains.join(","),
      settings: JSON.stringify(settings),
      result: JSON.stringify(result),
    },
  });
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    userId,
    prompt: row.prompt,
    response: row.response,
    domains,
    result,
  };
}

/** A stored trace, or null. */
export async function loadTrace(id: string): Promise<StoredTrace | null> {
  if (!/^[a-z0-9_-]{1,64}$/i.test(id)) return null;
  const row = await db().trace.findUnique({ where: { id } });
  if (!row) return null;
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    userId: row.userId,
    prompt: row.prompt,
    response: row.response,
    domains: row.domains ? row.domains.split(",") : [],
    result: JSON.parse(row.result) as TraceResult,
  };
}
