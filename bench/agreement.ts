/**
 * Agreement page bench: a SQLite database with ITEMS published dataset pairs, each rated by 2-4
 * researchers (as the arena's "Help calibrate" panel collects them), then the admin agreement page's read:
 * the full computation (agreementReport: reads, Fleiss' and Cohen's kappa with bootstrap intervals) against
 * the cached path the page takes (readAgreement: the stored report when the data's version is unchanged).
 * Prints figures; never fails on time.
 *
 *   npm run bench:agreement [-- --items N]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { readAgreement, refreshAgreement } from "../lib/agreement/cached-report";
import { agreementReport } from "../lib/agreement/calibration";
import { createDb } from "../lib/db/create";
import { applyMigrations } from "../lib/db/migrate";
import { databaseTarget } from "../lib/db/target";
import type { JobStore } from "../lib/jobs";

const { values } = parseArgs({ options: { items: { type: "string", default: "60000" } } });
const nItems = Number(values.items);

const dir = mkdtempSync(path.join(tmpdir(), "agreement-bench-"));
const file = path.join(dir, "app.db");
const target = databaseTarget(`file:${file}`);
await applyMigrations(target);

// Fill with plain SQL in one transaction (the bench measures reading, not writing).
const started = performance.now();
const raw = new Database(file);
const choices = ["A", "B", "tie", "bothbad"];
const vote = ["a", "b", "tie", "bothbad"];
let seed = 7;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
raw.transaction(() => {
  // DateTime columns as Prisma writes them on SQLite.
  const now = new Date().toISOString().replace("Z", "+00:00");
  const user = raw.prepare(`INSERT INTO "User" ("id","email","createdAt","updatedAt") VALUES (?,?,?,?)`);
  for (let u = 0; u < 200; u++) user.run(`u${u}`, `u${u}@bench.test`, now, now);
  raw
    .prepare(`INSERT INTO "EvalDataset" ("id","name","source","itemCount","createdAt") VALUES (?,?,?,?,?)`)
    .run("ds", "bench", "import", nItems, now);
  const item = raw.prepare(
    `INSERT INTO "EvalItem" ("id","datasetId","position","externalId","question","responseA","responseB","modelA","modelB","vote") VALUES (?,?,?,?,?,?,?,?,?,?)`,
  );
  const cal = raw.prepare(
    `INSERT INTO "CalibrationItem" ("id","evalItemId","datasetId","active","createdById","createdAt") VALUES (?,?,?,?,?,?)`,
  );
  const cv = raw.prepare(
    `INSERT INTO "CalibrationVote" ("id","itemId","userId","choice","swapped","createdAt") VALUES (?,?,?,?,?,?)`,
  );
  for (let i = 0; i < nItems; i++) {
    const label = Math.floor(rand() * 4);
    item.run(
      `e${i}`,
      "ds",
      i,
      `x${i}`,
      `Question ${i}?`,
      "Answer A.",
      "Answer B.",
      "m1",
      "m2",
      choices[label],
    );
    cal.run(`c${i}`, `e${i}`, "ds", 1, "u0", now);
    const raters = 1 + Math.floor(rand() * 3);
    for (let r = 0; r < raters; r++) {
      const agree = rand() < 0.6;
      cv.run(
        `v${i}-${r}`,
        `c${i}`,
        `u${(i + r * 37) % 200}`,
        agree ? vote[label] : vote[Math.floor(rand() * 4)],
        0,
        now,
      );
    }
  }
})();
raw.close();
console.log(
  `filled ${nItems} rated pairs in ${((performance.now() - started) / 1000).toFixed(1)} s (${file})`,
);

const db = createDb(target);
const mem = () => `${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB rss`;
/** CPU seconds of the whole process (worker threads included) since `from`. */
const cpu = (from: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from);
  return ((u.user + u.system) / 1e6).toFixed(2);
};
let t = performance.now();
let c = process.cpuUsage();
const report = await agreementReport(db);
const full = performance.now() - t;
console.log(
  `before: the page computed agreementReport on every load: ${(full / 1000).toFixed(2)} s wall, ${cpu(c)} CPU-s; ${report.ratedItems} rated items, kappa ${report.fleissKappa.value?.toFixed(3)}; ${mem()}`,
);

// The page's read (after the change): the data's version and the stored report. The job refreshes it
// once per change, its bootstrap in a worker thread (or in-process when dist/engine has no worker).
const queued: string[] = [];
const store = {
  send: async (name: string) => {
    queued.push(name);
    return "job";
  },
} as unknown as JobStore;
t = performance.now();
const cold = await readAgreement(db, store);
const coldMs = performance.now() - t;
if (cold.report !== null || !cold.stale) throw new Error("nothing should be stored yet");
t = performance.now();
c = process.cpuUsage();
await refreshAgreement(db);
const refreshMs = performance.now() - t;
const refreshCpu = cpu(c);
const reads: number[] = [];
c = process.cpuUsage();
for (let i = 0; i < 20; i++) {
  t = performance.now();
  const view = await readAgreement(db, store);
  reads.push(performance.now() - t);
  if (view.stale || !view.report) throw new Error("the stored report should be fresh");
}
const readCpuMs = (Number(cpu(c)) * 1000) / 20;
reads.sort((a, b) => a - b);
console.log(
  `after: page read, nothing stored yet: ${coldMs.toFixed(0)} ms (queues ${queued.length} refresh); the refresh job, once per change: ${(refreshMs / 1000).toFixed(2)} s wall, ${refreshCpu} CPU-s; page read, report stored: median ${reads[10].toFixed(1)} ms, max ${reads[19].toFixed(1)} ms over 20 reads, ${readCpuMs.toFixed(1)} ms of CPU each; ${mem()}`,
);
console.log(
  `load average ${(await import("node:os"))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")} on ${(await import("node:os")).cpus().length} cores`,
);
await db.$disconnect();
rmSync(dir, { recursive: true, force: true });
