/**
 * The literature at scale: import rate, question latency and memory on a collection of N abstracts.
 *
 *   npx tsx bench/literature-corpus.ts --out /tmp/papers.jsonl --count 1000000     # once (~5 min)
 *   npx tsx bench/literature.ts --file /tmp/papers.jsonl [--db file:/tmp/lit.db | --db postgresql://...]
 *        [--skip-import | --import-only] [--questions 300] [--budget POSTINGS] [--batch PAPERS]
 *
 * Import: the file goes through `importPapersFile` (the CLI's and the admin page's importer) into a fresh
 * database; printed: abstracts per second of wall time and of this process's CPU time, and the process's
 * resident memory at each tenth of the file (flat memory means these stay level as the collection grows).
 * Questions: `searchPapers` (the arena's retrieval) for realistic questions built from the sources' prose
 * (held-out word windows), a set of hand-written research questions, and off-topic questions; printed:
 * p50 / p95 / max latency, passages found, how many on-topic questions kept passages and how many off-topic
 * ones retrieved anything (those a relevance floor should reject; bench/literature-questions.ts). The machine's
 * load average is printed too: the figures are wall-clock times on a shared machine.
 */
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { applyMigrations } from "../lib/db/migrate";
import { createSql } from "../lib/db/sql";
import { databaseTarget } from "../lib/db/target";
import { importPapersFile } from "../lib/retrieval/import";
import { searchPapers } from "../lib/retrieval/search";
import {
  generatedQuestions,
  OFF_TOPIC,
  OFF_TOPIC_EVERYDAY,
  RESEARCH_QUESTIONS,
} from "./literature-questions";

/**
 * CPU seconds of each thread of this process so far (Linux: /proc/self/task/TID/stat, user + system), by
 * thread id; empty elsewhere. A thread that has ended is missing, so the import samples it while it runs.
 */
function threadCpu(): Map<number, number> {
  const out = new Map<number, number>();
  if (process.platform !== "linux") return out;
  try {
    for (const tid of readdirSync("/proc/self/task")) {
      try {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        out.set(Number(tid), (Number(f[11]) + Number(f[12])) / 100); // clock ticks (USER_HZ = 100)
      } catch {
        // the thread ended between the listing and the read
      }
    }
  } catch {
    // no /proc
  }
  return out;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  const { values } = parseArgs({
    options: {
      file: { type: "string" },
      db: { type: "string", default: "file:/tmp/lmr-literature-bench.db" },
      "skip-import": { type: "boolean", default: false },
      "import-only": { type: "boolean", default: false },
      questions: { type: "string", default: "300" },
      seed: { type: "string", default: "7" },
      budget: { type: "string" },
      batch: { type: "string" },
    },
  });
  const target = databaseTarget(values.db);
  console.log(
    `database: ${target.provider}; load average at start: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}`,
  );
  await applyMigrations(target);
  const sql = createSql(target);
  try {
    if (!values["skip-import"]) {
      if (!values.file) throw new Error("--file is required unless --skip-import");
      const cpu0 = process.cpuUsage();
      const marks: string[] = [];
      let nextMark = 0.1;
      let peak = 0;
      const threads0 = threadCpu();
      const threads = new Map<number, number>();
      const sampleThreads = () => {
        for (const [tid, s] of threadCpu()) threads.set(tid, s - (threads0.get(tid) ?? 0));
      };
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
        sampleThreads();
      }, 200);
      const r = await importPapersFile(sql, values.file, {
        format: "arxiv",
        restart: true,
        ...(values.batch ? { batchSize: Number(values.batch) } : {}),
        onProgress: (p) => {
          // Also here: while batches are waiting, the import never yields to timers, and the sampler stops.
          peak = Math.max(peak, process.memoryUsage().rss);
          sampleThreads();
          if (p.position / p.fileBytes >= nextMark) {
            marks.push(
              `${Math.round((100 * p.position) / p.fileBytes)}%: ${p.lines} abstracts, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, ${Math.round(p.rate)}/s`,
            );
            console.log(`  ${marks.at(-1)}`);
            nextMark += 0.1;
          }
        },
      });
      clearInterval(sampler);
      sampleThreads();
      const cpu = process.cpuUsage(cpu0);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      console.log(
        `import: ${r.added} abstracts in ${r.seconds.toFixed(0)} s = ${Math.round(r.added / r.seconds)}/s wall, ` +
          `${Math.round(r.added / cpuSeconds)}/s of this process's CPU (${cpuSeconds.toFixed(0)} s); peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB; ` +
          `load average ${loadavg()
            .map((x) => x.toFixed(1))
            .join(" ")}`,
      );
      if (threads.size > 0 && r.added > 0) {
        // The main thread writes; the reading worker is the busiest other thread; the rest are V8's
        // garbage-collection helpers and libuv's pool.
        const main = threads.get(process.pid) ?? 0;
        const others = [...threads].filter(([tid]) => tid !== process.pid).map(([, s]) => s);
        const reader = Math.max(0, ...others);
        const rest = others.reduce((a, b) => a + b, 0) - reader;
        const us = (s: number) => `${Math.round((s * 1e6) / r.added)} us`;
        console.log(
          `import CPU per abstract by thread: writing (main) ${us(main)}, reading (worker) ${us(reader)}, ` +
            `other threads ${us(rest)}`,
        );
      }
    }

    if (values["import-only"]) return;
    const generated = generatedQuestions(process.cwd(), Number(values.questions), Number(values.seed));
    const questions = [...RESEARCH_QUESTIONS, ...generated];
    const opts = values.budget ? { postingBudget: Number(values.budget) } : {};
    // Warm the caches (statements, pages) once, as a running app would be.
    for (const q of questions.slice(0, 20)) await searchPapers(sql, q, opts);
    const times: number[] = [];
    let found = 0;
    const none = { research: 0, generated: 0 };
    for (const [i, q] of questions.entries()) {
      const t0 = performance.now();
      const r = await searchPapers(sql, q, opts);
      times.push(performance.now() - t0);
      found += r.hits.length;
      if (r.hits.length === 0) none[i < RESEARCH_QUESTIONS.length ? "research" : "generated"]++;
    }
    const offTopic = async (set: readonly string[]) => {
      let retrieved = 0;
      for (const q of set) {
        const t0 = performance.now();
        const r = await searchPapers(sql, q, opts);
        times.push(performance.now() - t0);
        if (r.hits.length > 0) retrieved++;
      }
      return retrieved;
    };
    const offFirst = await offTopic(OFF_TOPIC);
    const offEveryday = await offTopic(OFF_TOPIC_EVERYDAY);
    times.sort((a, b) => a - b);
    const [{ n }] = await sql.all<{ n: number | string }>(`SELECT count(*) AS "n" FROM "PaperPassage"`);
    const onTopic = questions.length - none.research - none.generated;
    console.log(
      `questions on ${Number(n).toLocaleString("en")} passages: ${times.length} questions (on- and off-topic), ` +
        `p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms; ` +
        `${(found / questions.length).toFixed(1)} passages per question\n` +
        `on-topic questions with passages: ${onTopic} of ${questions.length} (${((100 * onTopic) / questions.length).toFixed(1)}%; ` +
        `research ${RESEARCH_QUESTIONS.length - none.research} of ${RESEARCH_QUESTIONS.length}, generated ${generated.length - none.generated} of ${generated.length})\n` +
        `off-topic questions retrieving anything: ${offFirst} of ${OFF_TOPIC.length} (first set), ` +
        `${offEveryday} of ${OFF_TOPIC_EVERYDAY.length} (everyday set)\n` +
        `RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB; load average ${loadavg()
          .map((x) => x.toFixed(1))
          .join(" ")}`,
    );
  } finally {
    await sql.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
