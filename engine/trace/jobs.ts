/** The jobs the trace service runs, as plain messages (shared by the service and its workers). */

import type { FmIndex } from "../fm/index";
import { runQuery, type ServiceQuery } from "../fm/index-service-queries";
import { type SerializedTraceError, serializeTraceError } from "./errors";
import { runStage, type TraceStage } from "./stages";
import { type ContextRequest, documentContext, type TraceInput, traceText } from "./trace";

/** One query of a batch job: an index query, or a trace stage on this process's shards. */
export type BatchQuery = ServiceQuery | { op: "stage"; stage: TraceStage };

export type BatchAnswer = { ok: true; result: unknown } | { ok: false; error: SerializedTraceError };

export type TraceJob =
  | { op: "trace"; input: TraceInput }
  | { op: "context"; req: ContextRequest }
  /** Many queries in one message (a shard server's request); a failed query does not sink the others. */
  | { op: "batch"; queries: BatchQuery[] };

export function runTraceJob(index: FmIndex, job: TraceJob): unknown {
  switch (job.op) {
    case "trace":
      return traceText(index, job.input);
    case "context":
      return documentContext(index, job.req);
    case "batch":
      return job.queries.map((q): BatchAnswer => {
        try {
          return { ok: true, result: q.op === "stage" ? runStage(index, q.stage) : runQuery(index, q) };
        } catch (e) {
          return { ok: false, error: serializeTraceError(e) };
        }
      });
  }
}
