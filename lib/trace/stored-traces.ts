import "server-only";
/**
 * Traces kept in the database: run a trace and store it (with its owner, or none when signed out: the sweep
 * deletes those after TRACE_RETENTION_DAYS), read one back, and shape it as the API answers it.
 */
import type { TraceInput, TraceResult } from "@/engine/trace/trace";
import { db } from "../db/client";
import { indexName } from "../engine/fm";
import { traceService } from "../engine/trace";

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
