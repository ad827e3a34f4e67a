/**
 * Worker-thread entry of the index service: wraps the shard files it is handed (SharedArrayBuffers, one
 * copy for all workers) in an FmIndex and answers query messages, one at a time or in batches.
 */

import { parentPort, workerData } from "node:worker_threads";
import { lowerThreadPriority } from "../thread-priority";
import { serializeError } from "./errors";
import { FmIndex } from "./fm-index";
import { runQuery, type ServiceQuery } from "./index-service-queries";
import type { Manifest } from "./manifest";

// Below the request thread: a busy pool must not slow votes and pages (engine/thread-priority.ts).
lowerThreadPriority();

const data = workerData as {
  manifest: Manifest;
  files: { file: string; bytes: Uint8Array }[];
  maxQueryBytes: number;
};
const index = new FmIndex(data.manifest, data.files, false);
index.maxQueryBytes = data.maxQueryBytes;
// A shard's triple table (tens to hundreds of ms) is built between requests, one shard at a time, once
// the shard has answered enough searches: no request waits for it.
index.deferTableBuilds();
let tableBuildQueued = false;
function buildTablesWhenIdle(): void {
  if (tableBuildQueued) return;
  tableBuildQueued = true;
  setImmediate(() => {
    tableBuildQueued = false;
    if (index.buildWantedTable()) buildTablesWhenIdle();
  });
}

parentPort?.on("message", (msg: { id: number; queries: ServiceQuery[]; batch: boolean }) => {
  if (!msg.batch) {
    try {
      parentPort?.postMessage({ id: msg.id, ok: true, result: runQuery(index, msg.queries[0]) });
    } catch (e) {
      parentPort?.postMessage({ id: msg.id, ok: false, error: serializeError(e) });
    }
    buildTablesWhenIdle();
    return;
  }
  // A batch answers every query, failed ones as {error}, so one bad query does not sink the rest.
  const results = msg.queries.map((q) => {
    try {
      return { ok: true, result: runQuery(index, q) };
    } catch (e) {
      return { ok: false, error: serializeError(e) };
    }
  });
  parentPort?.postMessage({ id: msg.id, ok: true, result: results });
  buildTablesWhenIdle();
});
