/**
 * One job in a fresh worker thread, for computations that would hold the event loop for seconds (the
 * leaderboard refresh, the agreement report): the caller resolves the entry (a bundle of
 * scripts/build-engine.ts in dist/engine/, or its .ts source under tsx) with engine/worker-path.ts's
 * `resolveWorker`, and the entry answers one message through `serveWorkerJob`. Without an entry (before
 * `npx tsx scripts/build-engine.ts`), or when the worker cannot start, the job runs in-process.
 */
import { parentPort } from "node:worker_threads";
import { lowerThreadPriority } from "../engine/thread-priority";
import { startWorker } from "../engine/worker-path";
import { log } from "./log";

export type RunMode = "worker" | "in-process";

type Reply<R> = { ok: true; result: R } | { ok: false; error: string };

export async function runWorkerJob<J, R>(
  label: string,
  url: URL | null,
  job: J,
  inProcess: (job: J) => Promise<R>,
): Promise<{ result: R; mode: RunMode }> {
  if (!url) return { result: await inProcess(job), mode: "in-process" };
  let worker: ReturnType<typeof startWorker>;
  try {
    worker = startWorker(url);
  } catch (e) {
    log(label).warn({ err: (e as Error).message }, `${label} worker did not start; computing in-process`);
    return { result: await inProcess(job), mode: "in-process" };
  }
  try {
    const result = await new Promise<R>((resolve, reject) => {
      worker.once("message", (m: Reply<R>) => (m.ok ? resolve(m.result) : reject(new Error(m.error))));
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`${label} worker exited with code ${code}`)));
      worker.postMessage(job);
    });
    return { result, mode: "worker" };
  } finally {
    void worker.terminate();
  }
}

/**
 * The worker side: runs the one job the parent posts and posts back its result or error, on a thread
 * below the request thread's priority (a busy worker must not slow votes and pages; engine/thread-priority.ts).
 */
export function serveWorkerJob<J, R>(run: (job: J) => Promise<R>): void {
  lowerThreadPriority();
  parentPort?.once("message", (job: J) => {
    run(job).then(
      (result) => parentPort?.postMessage({ ok: true, result } satisfies Reply<R>),
      (e) =>
        parentPort?.postMessage({
          ok: false,
          error: e instanceof Error ? e.message : String(e),
        } satisfies Reply<R>),
    );
  });
}
