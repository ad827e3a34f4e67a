import "server-only";
import { createTraceService, type TraceBackend } from "@/engine/trace/trace-service";
import { env } from "../env";
import { processSingletonAsync, singletonKey } from "../process-singleton";
import { builtIndexDir, indexLoadError, loadedIndex, shardServers } from "./fm";

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
      throw indexLoadError(e);
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
