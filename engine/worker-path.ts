/**
 * Where the worker-thread entry files are: one rule for every worker of the project (FM-index build and
 * queries, tracing, ratings, the agreement report, paper import).
 *
 * Rule: `FM_WORKER_DIR` (if set) holds the bundled `<name>.js`. Otherwise, when the calling module runs from
 * its TypeScript source (under tsx, whose loader worker threads inherit through execArgv), its `source`
 * (a path relative to the caller) is used. Otherwise (a plain-JS bundle: `dist/engine/*.js`, or a Next.js
 * server bundle) the bundled `<name>.js` is taken from beside the caller if present, else from
 * `<cwd>/dist/engine/`, which `npx tsx scripts/build-engine.ts` writes. Returns null when no worker file
 * exists (callers then work in-process).
 */

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * @param name    the bundle's base name in dist/engine (`fm-index-service-worker`, `trace-worker`, ...)
 * @param caller  the calling module's `import.meta.url`
 * @param source  the worker's TypeScript source, relative to the caller (`./index-service-worker.ts`)
 */
export function resolveWorker(name: string, caller: string, source: string): URL | null {
  const dir = process.env.FM_WORKER_DIR;
  if (dir) {
    const p = join(dir, `${name}.js`);
    return existsSync(p) ? new URL(`file://${p}`) : null;
  }
  const here = caller;
  // A Next.js (Turbopack) server bundle reports the source file's URL here too, but cannot run TypeScript
  // workers; only a real ESM loader (tsx) has import.meta.resolve.
  if (here.endsWith(".ts") && typeof import.meta.resolve === "function") return new URL(source, here);
  if (here.startsWith("file:")) {
    // A path, not `new URL(\`./${name}.js\`, import.meta.url)`: bundlers (Turbopack) try to resolve that
    // pattern at build time and fail the build when the file is not there.
    const sibling = join(dirname(fileURLToPath(here)), `${name}.js`);
    if (existsSync(sibling)) return pathToFileURL(sibling);
  }
  const fromCwd = join(process.cwd(), "dist", "engine", `${name}.js`);
  return existsSync(fromCwd) ? new URL(`file://${fromCwd}`) : null;
}

/**
 * Starts a worker on an entry from `resolveWorker`. A TypeScript entry is started through a small
 * bootstrap that registers tsx's loader inside the worker first (on Node 20, loader hooks registered in
 * the main thread do not reach worker threads).
 */
export function startWorker(url: URL, options: WorkerOptions = {}): Worker {
  if (!url.pathname.endsWith(".ts")) return new Worker(url, options);
  const api = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}
