/**
 * The literature at scale: import rate, question latency and memory on a collection of N abstracts.
 *
 *   npx tsx bench/literature-corpus.ts --out /tmp/papers.jsonl --count 1000000     # once (~5 min)
 *   npx tsx bench/literature.ts --file /tmp/papers.jsonl [--db file:/tmp/lit.db | --db postgresql://...]
 *        [--skip-import] [--questions 300] [--budget POSTINGS] [--batch PAPERS]
 *
 * Import: the file goes through `importPapersFile` (the CLI's and the admin page's importer) into a fresh
 * database; printed: abstracts per second of wall time and of this process's CPU time, and the process's
 * resident memory at each tenth of the file (flat memory means these stay level as the collection grows).
 * Questions: `searchPapers` (the arena's retrieval) for realistic questions built from the sources' prose
 * (held-out word windows), a set of hand-written research questions, and off-topic questions; printed:
 * p50 / p95 / max latency, passages found, and how many off-topic questions retrieved anything. The machine's
 * load average is printed too: the figures are wall-clock times on a shared machine.
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { applyMigrations } from "../lib/db/migrate";
import { createSql } from "../lib/db/sql";
import { databaseTarget } from "../lib/db/target";
import { importPapersFile } from "../lib/retrieval/import";
import { searchPapers } from "../lib/retrieval/search";
import { loadSources, mulberry32 } from "./literature-corpus";

const RESEARCH_QUESTIONS = [
  "How is the gamma distribution related to the exponential distribution?",
  "What is the relative error of the regularized incomplete beta function?",
  "How do you compute the cumulative distribution function of a Student's t distribution?",
  "Which algorithm generates normally distributed pseudorandom numbers?",
  "How does the Box-Muller transform produce standard normal variates?",
  "What is the kurtosis of a Weibull distribution?",
  "How is the median of a log-normal distribution computed?",
  "How can the variance of a sample be computed in a single pass with Welford's algorithm?",
  "What is the moment-generating function of the binomial distribution?",
  "How does a Mersenne Twister pseudorandom number generator work?",
  "How do strided arrays support in-place operations on non-contiguous memory?",
  "What are the numerical issues of computing the natural logarithm of one plus x?",
  "How are complex numbers multiplied in double precision?",
  "How is the dot product of two vectors computed in BLAS?",
  "What is the entropy of a Laplace distribution?",
  "How do language models trace their outputs back to training data?",
  "Can experts trained on closed datasets be combined without joint training?",
  "How large is an FM-index compared to the corpus it indexes?",
  "Do spurious rewards improve mathematical reasoning with reinforcement learning?",
  "How should the batch size be warmed up when training language models?",
  "How does the federal budget deficit affect economic growth?",
  "What policies reduce unemployment and inflation?",
  "How is the arithmetic mean of a stream of values updated incrementally?",
  "What is the quantile function of the Cauchy distribution?",
  "How is the hypotenuse computed without overflow or underflow?",
  "What is the probability mass function of the Poisson distribution?",
  "How are exponentially weighted moving averages computed?",
  "How does Kahan summation reduce floating point error?",
  "What is the mode of a beta distribution?",
  "How do you test whether a sample comes from a normal distribution?",
];

const OFF_TOPIC = [
  "What is the best recipe for sourdough bread?",
  "Who won the football world cup in 1998?",
  "How do I repair a flat bicycle tyre?",
  "Which hiking trails are open in winter near Lake Tahoe?",
  "What are good names for a golden retriever puppy?",
  "How long should I boil an egg for a runny yolk?",
  "What time does the pharmacy close on Sundays?",
  "Recommend a sci-fi movie with time travel and dinosaurs",
  "How do I knit a scarf with cable stitches?",
  "Which lipstick colour suits a yellow dress?",
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  const { values } = parseArgs({
    options: {
      file: { type: "string" },
      db: { type: "string", default: "file:/tmp/lmr-literature-bench.db" },
      "skip-import": { type: "boolean", default: false },
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
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 200);
      const r = await importPapersFile(sql, values.file, {
        format: "arxiv",
        restart: true,
        ...(values.batch ? { batchSize: Number(values.batch) } : {}),
        onProgress: (p) => {
          peak = Math.max(peak, process.memoryUsage().rss);
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
      const cpu = process.cpuUsage(cpu0);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      console.log(
        `import: ${r.added} abstracts in ${r.seconds.toFixed(0)} s = ${Math.round(r.added / r.seconds)}/s wall, ` +
          `${Math.round(r.added / cpuSeconds)}/s of this process's CPU (${cpuSeconds.toFixed(0)} s); peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB; ` +
          `load average ${loadavg()
            .map((x) => x.toFixed(1))
            .join(" ")}`,
      );
    }

    const rand = mulberry32(Number(values.seed));
    const { topics } = loadSources(process.cwd());
    const generated: string[] = [];
    while (generated.length < Number(values.questions)) {
      const t = topics[Math.floor(rand() * topics.length)];
      const words = t.sentences[Math.floor(rand() * t.sentences.length)].replace(/[.,;:()]/g, "").split(" ");
      const len = 6 + Math.floor(rand() * 8);
      const start = Math.floor(rand() * Math.max(1, words.length - len));
      generated.push(
        `${["What", "How", "Why", "Which"][Math.floor(rand() * 4)]} ${words.slice(start, start + len).join(" ")}?`,
      );
    }
    const questions = [...RESEARCH_QUESTIONS, ...generated];
    const opts = values.budget ? { postingBudget: Number(values.budget) } : {};
    // Warm the caches (statements, pages) once, as a running app would be.
    for (const q of questions.slice(0, 20)) await searchPapers(sql, q, opts);
    const times: number[] = [];
    let found = 0;
    let empty = 0;
    for (const q of questions) {
      const t0 = performance.now();
      const r = await searchPapers(sql, q, opts);
      times.push(performance.now() - t0);
      found += r.hits.length;
      if (r.hits.length === 0) empty++;
    }
    times.sort((a, b) => a - b);
    let offTopicHits = 0;
    const offTimes: number[] = [];
    for (const q of OFF_TOPIC) {
      const t0 = performance.now();
      const r = await searchPapers(sql, q, opts);
      offTimes.push(performance.now() - t0);
      if (r.hits.length > 0) offTopicHits++;
    }
    const [{ n }] = await sql.all<{ n: number | string }>(`SELECT count(*) AS "n" FROM "PaperPassage"`);
    console.log(
      `questions on ${Number(n).toLocaleString("en")} passages: ${questions.length} questions, ` +
        `p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms; ` +
        `${(found / questions.length).toFixed(1)} passages per question, ${empty} with none; ` +
        `off-topic: ${offTopicHits} of ${OFF_TOPIC.length} retrieved anything (max ${Math.max(...offTimes).toFixed(1)} ms); ` +
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
