/** The jobs the trace service runs, as plain messages (shared by the service and its workers). */

import type { FmIndex } from "../fm/index";
import { documentContext, type TraceInput, traceText } from "./trace";

export type TraceJob =
  | { op: "trace"; input: TraceInput }
  | { op: "context"; req: { shard: string; position: number; length: number; words?: number } };

export function runTraceJob(index: FmIndex, job: TraceJob): unknown {
  switch (job.op) {
    case "trace":
      return traceText(index, job.input);
    case "context":
      return documentContext(index, job.req);
  }
}
