/**
 * FM-index benchmark on the default corpus (all of FlexMix-mini, >= 50 MB), side by side with sdsl-lite's
 * csa_wt<wt_huff<rrr_vector<127>>,32,64> when libsdsl-dev is installed (bench/sdsl/harness.cpp is compiled
 * and run on the same bytes in the same run). Prints figures and ratios; never asserts on time.
 *
 *   npm run bench:fm            (builds the corpus first if it is missing)
 */

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { buildCorpus } from "../engine/corpus/build";
import { openFmIndex } from "../engine/fm/index";
import { mulberry32 as rng } from "../engine/random";
import { compileSdslHarness, rowPicker, sdslInstalled, timed, writeQueries } from "./sdsl";

const CORPUS = "data/corpus/flexmix-mini.jsonl";
const OUT = "bench/out";
const INDEX = join(OUT, "fm-index");

/**
 * Writes the corpus bytes and the queries for both harnesses. In a function of its own so that the
 * documents (hundreds of MB as JS strings and Buffers) are garbage before anything is timed.
 */
function prepareInputs(): {
  textBytes: number;
  docCount: number;
  corpusBin: string;
  queriesBin: string;
  queries: Buffer[];
} {
  mkdirSync(OUT, { recursive: true });
  if (!existsSync(CORPUS)) buildCorpus({ out: CORPUS });
  // The same bytes for both: every document, separated by 0xFF (never inside UTF-8 text).
  const docs = readFileSync(CORPUS, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => Buffer.from((JSON.parse(l) as { text: string }).text));
  const textBytes = docs.reduce((s, d) => s + d.length, 0);
  const joined = Buffer.alloc(textBytes + docs.length);
  let off = 0;
  for (const d of docs) {
    d.copy(joined, off);
    off += d.length;
    joined[off++] = 0xff;
  }
  for (let i = 0; i < joined.length; i++) if (joined[i] === 0) joined[i] = 1; // sdsl reserves byte 0
  const corpusBin = join(OUT, "corpus.bin");
  writeFileSync(corpusBin, joined);

  // Queries: 1000 of 10 bytes and 1000 of 100 bytes, drawn from inside documents.
  const rand = rng(2024);
  const queries: Buffer[] = [];
  for (const len of [10, 100]) {
    while (queries.filter((q) => q.length === len).length < 1000) {
      const d = docs[Math.floor(rand() * docs.length)];
      if (d.length < len) continue;
      const s = Math.floor(rand() * (d.length - len + 1));
      const q = d.subarray(s, s + len);
      if (q.includes(0)) continue;
      queries.push(Buffer.from(q));
    }
  }
  const queriesBin = join(OUT, "queries.bin");
  writeQueries(queriesBin, queries);

  return { textBytes, docCount: docs.length, corpusBin, queriesBin, queries };
}

function main(): void {
  const { textBytes, docCount, corpusBin, queriesBin, queries } = prepareInputs();
  const rand = rng(4048);

  // Ours: build in a child process (peak memory of the whole build, workers included). The 1-minute load
  // average is printed around each build: on a shared machine it says how far the timings can be trusted.
  const load = (label: string) => `${label} ${loadavg()[0].toFixed(2)}`;
  const loads = [load("before ours")];
  const build = timed(process.execPath, [
    "--import",
    "tsx",
    "engine/cli.ts",
    "index",
    "build",
    "--input",
    CORPUS,
    "--out",
    INDEX,
    "--json",
  ]);
  const built = JSON.parse(build.stdout.trim().split("\n").pop()!) as { indexBytes: number; bytes: number };
  loads.push(load("after ours"));
  const index = openFmIndex(INDEX);
  // A serving process builds each shard's pair and triple tables after its first searches; build them
  // up front so the timed queries see that steady state, and report what they cost.
  const tablesStart = performance.now();
  const tableBytes = index.prepareTables();
  const tablesMs = performance.now() - tablesStart;
  const time = (n: number, fn: (i: number) => void) => {
    for (let i = 0; i < n; i++) fn(i); // warm up: one untimed pass (JIT compiled, as in a serving process)
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn(i);
    return ((performance.now() - t0) * 1000) / n;
  };
  let total = 0;
  const q10 = queries.filter((q) => q.length === 10);
  const q100 = queries.filter((q) => q.length === 100);
  const count10 = time(q10.length, (i) => {
    total += index.countAll(q10[i]);
  });
  const count100 = time(q100.length, (i) => {
    total += index.countAll(q100[i]);
  });
  const totalCount = queries.reduce((s, q) => s + index.countAll(q), 0);
  const shards = index.shards;
  const pick = rowPicker(shards, rand);
  const locPicks = Array.from({ length: 20000 }, pick);
  const locate = time(locPicks.length, (i) => {
    index.locate(locPicks[i][0], locPicks[i][1]);
  });
  const extPicks = Array.from({ length: 500 }, () => {
    const [k] = pick();
    return [k, Math.floor(rand() * (shards[k].bytes + shards[k].docs - 1000))] as const;
  });
  const extract = time(extPicks.length, (i) => {
    index.extract(extPicks[i][0], extPicks[i][1], 1000);
  });

  const ours = {
    buildMBs: textBytes / 1e6 / build.seconds,
    sizeRatio: built.indexBytes / textBytes,
    peakRatio: build.peakBytes / textBytes,
    count10us: count10,
    count100us: count100,
    locateUs: locate,
    extract1000Us: extract,
  };

  // sdsl-lite, when available.
  let sdsl: typeof ours | null = null;
  let sdslTotal = -1;
  if (sdslInstalled()) {
    const bin = join(OUT, "sdsl-harness");
    compileSdslHarness(bin);
    loads.push(load("before sdsl"));
    const r = timed(bin, [corpusBin, queriesBin]);
    loads.push(load("after sdsl"));
    const j = JSON.parse(r.stdout) as Record<string, number>;
    sdslTotal = j.totalCount;
    sdsl = {
      buildMBs: textBytes / 1e6 / j.buildSeconds,
      sizeRatio: j.indexBytes / textBytes,
      peakRatio: r.peakBytes / textBytes,
      count10us: j.count10us,
      count100us: j.count100us,
      locateUs: j.locateUs,
      extract1000Us: j.extract1000Us,
    };
  }

  const lines: [string, keyof typeof ours, string, "higher" | "lower"][] = [
    ["build throughput", "buildMBs", "MB/s", "higher"],
    ["index size / corpus", "sizeRatio", "x", "lower"],
    ["peak build memory / corpus", "peakRatio", "x", "lower"],
    ["count, 10 bytes", "count10us", "us", "lower"],
    ["count, 100 bytes", "count100us", "us", "lower"],
    ["locate (one row)", "locateUs", "us", "lower"],
    ["extract 1000 bytes", "extract1000Us", "us", "lower"],
  ];
  console.log(`corpus: ${(textBytes / 1e6).toFixed(1)} MB, ${docCount} documents, ${shards.length} shards`);
  console.log(
    `machine: ${process.platform} ${process.arch}, ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
  );
  console.log(`load average (1 min): ${loads.join(", ")}`);
  console.log(
    `${"figure".padEnd(28)} ${"ours".padStart(10)} ${sdsl ? `${"sdsl-lite".padStart(10)} ${"ours/sdsl".padStart(10)}` : ""}`,
  );
  for (const [label, key, unit, better] of lines) {
    const o = ours[key];
    const fmt = (v: number) => `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ${unit}`.padStart(10);
    const ratio = sdsl ? (o / sdsl[key]).toFixed(2).padStart(10) : "";
    console.log(
      `${label.padEnd(28)} ${fmt(o)} ${sdsl ? `${fmt(sdsl[key])} ${ratio}` : ""}  (${better} is better)`,
    );
  }
  if (sdsl) {
    console.log(
      `count check: ours ${totalCount}, sdsl ${sdslTotal} (${totalCount === sdslTotal ? "equal" : "DIFFERENT"})`,
    );
  } else console.log("libsdsl-dev not installed: figures above are ours alone");
  console.log(`index size breakdown (bytes): ${JSON.stringify(index.sizeBreakdown())}`);
  console.log(
    `query tables (in memory only, per process or worker thread): ${(tableBytes / 1e6).toFixed(1)} MB (${(tableBytes / textBytes).toFixed(3)}x the corpus), built in ${tablesMs.toFixed(0)} ms`,
  );
  void total;
}

main();
