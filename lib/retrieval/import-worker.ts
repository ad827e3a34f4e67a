/**
 * Worker thread of a paper import: reads and prepares batches (./import-reader.ts) while the main thread
 * writes the previous one. At most two batches run ahead of the writer (it sends "next" after each
 * write), so memory stays flat however large the file.
 */
import { parentPort, workerData } from "node:worker_threads";
import { lowerThreadPriority } from "../../engine/thread-priority";
import { type ReadOptions, readBatches } from "./import-reader";
import { PaperImportError } from "./papers";

// Below the request thread: a busy pool must not slow votes and pages (engine/thread-priority.ts).
lowerThreadPriority();

const AHEAD = 2;

if (parentPort) {
  const port = parentPort;
  let credits = AHEAD;
  let wake: (() => void) | null = null;
  port.on("message", (m) => {
    if (m === "next") {
      credits++;
      wake?.();
      wake = null;
    }
  });
  (async () => {
    try {
      for await (const batch of readBatches(workerData as ReadOptions)) {
        while (credits === 0) await new Promise<void>((r) => (wake = r));
        credits--;
        port.postMessage({ batch });
      }
      port.postMessage({ done: true });
    } catch (e) {
      port.postMessage({
        error: {
          message:
            e instanceof PaperImportError
              ? e.message.replace(/^line \d+: /, "")
              : String((e as Error)?.message ?? e),
          line: e instanceof PaperImportError ? e.line : undefined,
          code: (e as { code?: string })?.code,
        },
      });
    }
    port.close();
  })();
}
