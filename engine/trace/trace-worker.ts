/**
 * Worker-thread entry of the trace service: wraps the shard files it is handed (SharedArrayBuffers, one
 * copy for all workers) in an FmIndex and runs whole traces, one message each, so the thread that serves
 * requests never runs the span search itself.
 */

import { parentPort, workerData } from "node:worker_threads";
import { FmIndex } from "../fm/index";
import type { Manifest } from "../fm/manifest";
import { lowerThreadPriority } from "../thread-priority";
import { serializeTraceError } from "./errors";
import { runTraceJob, type TraceJob } from "./jobs";

// Below the request thread: a busy pool must not slow votes and pages (engine/thread-priority.ts).
lowerThreadPriority();

const data = workerData as { manifest: Manifest; files: { file: string; bytes: Uint8Array }[] };
const index = new FmIndex(data.manifest, data.files, false);

parentPort?.on("message", (msg: { id: number; job: TraceJob }) => {
  try {
    parentPort?.postMessage({ id: msg.id, ok: true, result: runTraceJob(index, msg.job) });
  } catch (e) {
    parentPort?.postMessage({ id: msg.id, ok: false, error: serializeTraceError(e) });
  }
});
