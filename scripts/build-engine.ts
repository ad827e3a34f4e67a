/**
 * Bundles the engine's plain-JS entry points with esbuild into dist/engine/:
 *   cli.js                the engine CLI (node dist/engine/cli.js <command>)
 *   fm-build-worker.js    worker of buildFmIndex (parallel shard builds)
 *   fm-index-service-worker.js  worker of createIndexService
 *   trace-worker.js       worker of createTraceService (engine/trace: whole traces off the main thread)
 *   ratings-worker.js     worker of the arena's leaderboard refresh (lib/arena/ratings-worker.ts; see lib/arena/ratings-thread.ts)
 *   agreement-worker.js   worker of the admin agreement report's bootstrap (lib/agreement/agreement-worker.ts; see cached-report.ts)
 *   paper-import-worker.js  reads and prepares a paper import's batches (lib/retrieval/import-worker.ts; see import.ts)
 *   sais.wasm             the index build's suffix sorter (engine/fm/wasm/sais.as.ts, compiled by AssemblyScript;
 *                         the bundles load it from beside themselves, see engine/fm/sais-wasm.ts)
 * and the production HTTP server (server/index.ts) into dist/server/index.cjs: CommonJS like Next.js itself,
 * packages left to node_modules, `server-only` as its empty server build (no React Server Components here).
 * When the engine runs from a bundle (not from .ts sources under tsx), it looks for the workers beside
 * itself, then in <cwd>/dist/engine (see engine/worker-path.ts).
 */

import { copyFileSync, mkdirSync, renameSync } from "node:fs";
import { build } from "esbuild";
import { compiledSaisWasm, saisSourcePath } from "../engine/fm/sais-wasm";

const entryPoints = {
  cli: "engine/cli.ts",
  "fm-build-worker": "engine/fm/build-worker.ts",
  "fm-index-service-worker": "engine/fm/index-service-worker.ts",
  "trace-worker": "engine/trace/trace-worker.ts",
  "ratings-worker": "lib/arena/ratings-worker.ts",
  "agreement-worker": "lib/agreement/agreement-worker.ts",
  "paper-import-worker": "lib/retrieval/import-worker.ts",
};

await build({
  entryPoints,
  outdir: "dist/engine",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  logLevel: "info",
  // Native and driver packages load from node_modules (the ratings worker opens the database itself).
  external: ["better-sqlite3", "pg", "pg-native", "koffi"],
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});

// The compiled sorter (from the compile cache when the source has not changed), copied in atomically.
const saisSource = saisSourcePath();
const saisWasm = saisSource ? compiledSaisWasm(saisSource) : null;
if (!saisWasm) throw new Error("cannot compile engine/fm/wasm/sais.as.ts (is assemblyscript installed?)");
mkdirSync("dist/engine", { recursive: true });
copyFileSync(saisWasm, `dist/engine/sais.wasm.${process.pid}.tmp`);
renameSync(`dist/engine/sais.wasm.${process.pid}.tmp`, "dist/engine/sais.wasm");
console.log(`  dist/engine/sais.wasm (from ${saisWasm})`);

await build({
  entryPoints: { index: "server/index.ts" },
  outdir: "dist/server",
  outExtension: { ".js": ".cjs" },
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  packages: "external",
  alias: { "server-only": "./node_modules/server-only/empty.js" },
  sourcemap: true,
  logLevel: "info",
});
