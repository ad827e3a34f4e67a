/**
 * The suffix sorting of a build, off the reading thread: a pool of worker threads (./build-worker.ts), each
 * building one shard at a time (suffix array, BWT, wavelet tree) and writing its file, with the worker's
 * entry bundled once when the build runs from TypeScript sources.
 */

import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { startWorker } from "../worker-path";
import type { BuildProgress } from "./build";
import type { ShardInput, WrittenShard } from "./build-shard";

/**
 * When the build runs from TypeScript sources (under tsx), its worker would load tsx's loader in each
 * thread: about 19 MB of memory per worker and a slower start. Instead the worker entry is bundled here
 * with esbuild (which tsx itself runs on) into one plain script, in ~0.1 s. Returns null when the worker is
 * already plain JS (a bundled engine) or esbuild is not available; the worker is then started from its URL.
 */
export async function bundledWorkerSource(url: URL): Promise<string | null> {
  if (!url.pathname.endsWith(".ts")) return null;
  try {
    // Bundlers of the engine (Next.js's Turbopack, esbuild) must not try to bundle esbuild itself: a
    // computed specifier is constant-folded by Turbopack, so it is told to ignore the import as well.
    const specifier = "esbuild";
    const esbuild = (await import(
      /* turbopackIgnore: true */ /* webpackIgnore: true */ specifier
    )) as typeof import("esbuild");
    const out = await esbuild.build({
      entryPoints: [fileURLToPath(url)],
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      write: false,
      logLevel: "silent",
    });
    return out.outputFiles[0].text;
  } catch {
    return null;
  }
}

interface WorkerReply {
  id: number;
  type: string;
  stage?: string;
  doneBytes?: number;
  written?: WrittenShard;
  message?: string;
}

/**
 * Up to `size` worker threads, started on demand, each building one shard at a time; jobs wait in
 * submission order. A job's text is in a file, which the worker reads (and deletes); the worker writes the
 * shard's file itself and answers with its size and hash. Not ../worker-pool.ts's WorkerPool (the query pool):
 * a build's workers start lazily from a bundled source, stream progress and must never be timed out.
 */
export class BuildWorkerPool {
  private idle: Worker[] = [];
  private all: Worker[] = [];
  private queue: { id: number; input: ShardInput; file: string; out: string }[] = [];
  private waiting = new Map<
    number,
    { resolve: (r: WrittenShard) => void; reject: (e: Error) => void; name: string }
  >();
  /** Set once the pool is closed: by the first failure, or when the build ends. */
  private stopped: Error | null = null;

  constructor(
    private readonly url: URL,
    /** The worker as one plain-JS script (see bundledWorkerSource), or null to start it from `url`. */
    private readonly source: string | null,
    private readonly size: number,
    private readonly progressOf: (job: number, stage: BuildProgress["stage"], bytes: number) => void,
  ) {}

  run(id: number, input: ShardInput, file: string, out: string): Promise<WrittenShard> {
    return new Promise((resolvePromise, reject) => {
      if (this.stopped) {
        reject(this.stopped);
        return;
      }
      this.waiting.set(id, { resolve: resolvePromise, reject, name: input.name });
      this.queue.push({ id, input, file, out });
      this.dispatch();
    });
  }

  /** Starts all workers ahead of the first job. */
  warm(): void {
    while (this.all.length < this.size) this.idle.push(this.start());
  }

  close(err = new Error("build stopped")): void {
    this.stopped ??= err;
    for (const w of this.all) void w.terminate();
    for (const [, job] of this.waiting) job.reject(this.stopped);
    this.waiting.clear();
    this.queue = [];
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.stopped) {
      let w = this.idle.pop();
      if (!w) {
        if (this.all.length >= this.size) return;
        w = this.start();
      }
      w.postMessage(this.queue.shift()!);
    }
  }

  private start(): Worker {
    const w = this.source !== null ? new Worker(this.source, { eval: true }) : startWorker(this.url);
    this.all.push(w);
    w.on("message", (msg: WorkerReply) => {
      const job = this.waiting.get(msg.id);
      if (msg.type === "progress")
        this.progressOf(msg.id, msg.stage as BuildProgress["stage"], msg.doneBytes ?? 0);
      else if (msg.type === "error") this.close(new Error(`building shard ${job?.name}: ${msg.message}`));
      else if (msg.type === "done") {
        this.waiting.delete(msg.id);
        this.idle.push(w);
        this.dispatch();
        job?.resolve(msg.written!);
      }
    });
    w.on("error", (e) => this.close(e));
    return w;
  }
}
