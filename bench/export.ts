/**
 * Export bench: N voted battles (default 1M) generated into a temporary SQLite database, then exported in
 * each format through lib/export's stream (cursor pages from the database, as the endpoint does). Prints
 * records per second, bytes, and peak RSS sampled every 20 ms during each export next to the RSS before it:
 * memory should stay flat with the number of records. Never fails on time.
 *
 *   npm run bench:export [-- --records N --formats jsonl,csv,parquet,arena --keep]
 */
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { createDb } from "../lib/db/create";
import { applyMigrations } from "../lib/db/migrate";
import { databaseTarget } from "../lib/db/target";
import { EXPORT_FORMATS, type ExportFormat } from "../lib/export/formats";
import { DEFAULT_FILTERS, exportStream } from "../lib/export/query";

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "1000000" },
    formats: { type: "string", default: EXPORT_FORMATS.join(",") },
    keep: { type: "boolean", default: false },
  },
});
const N = Number(values.records);
const formats = (values.formats as string).split(",") as ExportFormat[];
const MB = 1024 * 1024;

function words(rng: () => number, n: number): string {
  const vocab = [
    "retrieval",
    "model",
    "passage",
    "ranking",
    "evidence",
    "dense",
    "sparse",
    "protein",
    "folding",
    "attention",
    "dataset",
    "benchmark",
    "the",
    "of",
    "and",
    "with",
    "improves",
    "results",
  ];
  let s = "";
  for (let i = 0; i < n; i++) s += `${vocab[Math.floor(rng() * vocab.length)]} `;
  return s.trim();
}

function lcg(seed: number) {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/** Realistic sizes: 4 passages of ~50 words, answers of ~80 words citing them. About 2.5 kB per record. */
function generate(file: string) {
  const sql = new Database(file);
  sql.pragma("journal_mode = WAL");
  sql.pragma("synchronous = OFF");
  const now = new Date().toISOString();
  const insUser = sql.prepare(
    "INSERT INTO User (id, email, name, passwordHash, role, banned, trusted, votesExcluded, createdAt, updatedAt) VALUES (?, ?, ?, 'x', 'researcher', 0, ?, 0, ?, ?)",
  );
  const insModel = sql.prepare(
    "INSERT INTO ModelProvider (id, name, kind, timeoutMs, enabled, weight, builtin, createdAt, updatedAt) VALUES (?, ?, 'openai', 60000, 1, 1, 0, ?, ?)",
  );
  const insBattle = sql.prepare(
    "INSERT INTO Battle (id, userId, question, passages, modelAId, modelBId, answerA, answerB, status, flagged, subject, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'voted', 0, ?, ?)",
  );
  const insVote = sql.prepare(
    "INSERT INTO Vote (id, battleId, userId, choice, createdAt) VALUES (?, ?, ?, ?, ?)",
  );
  const rng = lcg(7);
  const users = 500;
  const models = 20;
  const subjects = ["Computer Science", "Medicine", "Physics", "Biology", "Engineering"];
  const choices = ["a", "b", "tie", "bothbad"];
  sql.transaction(() => {
    for (let u = 0; u < users; u++)
      insUser.run(`u${u}`, `u${u}@bench.test`, `User ${u}`, u % 5 === 0 ? 1 : 0, now, now);
    for (let m = 0; m < models; m++) insModel.run(`m${m}`, `model-${m}`, now, now);
  })();
  const t0 = Date.now();
  const BATCH = 20_000;
  const t = Date.UTC(2026, 0, 1);
  for (let start = 0; start < N; start += BATCH) {
    sql.transaction(() => {
      for (let i = start; i < Math.min(N, start + BATCH); i++) {
        const passages = Array.from({ length: 4 }, (_, k) => ({
          n: k + 1,
          passageId: `p${i % 997}-${k}#0`,
          text: words(rng, 50),
          paper: {
            id: `p${i % 997}-${k}`,
            title: words(rng, 6),
            authors: ["A. Author", "B. Writer"],
            year: 2000 + (i % 25),
          },
        }));
        const a = Math.floor(rng() * models);
        const b = (a + 1 + Math.floor(rng() * (models - 1))) % models;
        const id = String(i).padStart(8, "0");
        const when = new Date(t + i * 1000).getTime();
        insBattle.run(
          `b${id}`,
          `u${i % users}`,
          `How does ${words(rng, 8)}?`,
          JSON.stringify(passages),
          `m${a}`,
          `m${b}`,
          `${words(rng, 40)} [1]. ${words(rng, 40)} [2][3].`,
          `${words(rng, 40)} [4]. ${words(rng, 40)} [1].`,
          subjects[i % subjects.length],
          when,
        );
        insVote.run(`v${id}`, `b${id}`, `u${i % users}`, choices[Math.floor(rng() * 4)], when);
      }
    })();
  }
  sql.close();
  return (Date.now() - t0) / 1000;
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-export-"));
  const file = path.join(dir, "bench.db");
  const target = databaseTarget(`file:${file}`);
  await applyMigrations(target);
  const genSeconds = generate(file);
  console.log(
    `generated ${N.toLocaleString("en")} voted battles in ${genSeconds.toFixed(1)} s (${(statSync(file).size / MB).toFixed(0)} MB SQLite file)`,
  );
  const db = createDb(target);
  const voter = (id: string) => createHmac("sha256", "bench").update(id).digest("hex").slice(0, 24);
  console.log(`node ${process.version}; RSS sampled every 20 ms\n`);
  console.log("| format | records | seconds | records/s | output MB | RSS before MB | peak RSS MB |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const format of formats) {
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    let records = 0;
    let bytes = 0;
    const t0 = performance.now();
    const reader = exportStream(db, format, DEFAULT_FILTERS, voter, {
      onProgress: (n) => {
        records = n;
      },
    }).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(timer);
    console.log(
      `| ${format} | ${records.toLocaleString("en")} | ${seconds.toFixed(1)} | ${Math.round(records / seconds).toLocaleString("en")} | ${(bytes / MB).toFixed(0)} | ${(before / MB).toFixed(0)} | ${(peak / MB).toFixed(0)} |`,
    );
  }
  await db.$disconnect();
  if (values.keep) console.log(`\nkept ${file}`);
  else rmSync(dir, { recursive: true, force: true });
}

await main();
