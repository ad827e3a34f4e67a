/**
 * `npm run bench:scale -- --input big.jsonl[.gz]`: the FM-index at the scale of a user's own corpus (a
 * gigabyte or more; bench/make-big-corpus.ts writes one from installed packages), side by side with
 * sdsl-lite's csa_wt<wt_huff<rrr_vector<127>>,32,64> on the same bytes, plus the trace bench on that
 * index and, for the ratio, on the default one. Prints figures and ratios; never asserts on time.
 *
 * The input is read as a stream (no string or buffer of the whole corpus), once, into bench/out/scale/:
 * corpus.bin (the documents' bytes separated by 0xFF, for sdsl-lite), the queries (1,000 of 10 bytes and
 * 1,000 of 100 bytes from inside documents, reservoir-sampled with a fixed seed) and trace passages. Those
 * are kept for the next run while the input's size and modification time are unchanged. Our index is
 * built with the default settings (`index build` in a child process under /usr/bin/time: wall time and
 * peak resident memory of the whole build, worker threads included). sdsl-lite's index is stored in
 * bench/out/scale/ after its build (with the build's time and peak memory) and loaded by later runs, which
 * only time its queries.
 *
 * Query figures are the best of --rounds N (default 3) rounds, ours and sdsl-lite's alternately.
 *
 * Options: --out DIR (default bench/out/scale), --memory-gb N and --workers N (passed to `index build`),
 * --max-shard-mb N (likewise, to compare shard sizes), --no-build (reuse the index in DIR), --no-sdsl,
 * --no-trace, --default-index DIR (the default corpus's index for the trace ratio; default
 * data/index/flexmix-mini, which must be built with the default settings), --only-sdsl (prepare and build or time sdsl-lite's index alone).
 */

import { execFileSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { openFmIndex } from "../engine/fm/index";
import { createIndexService } from "../engine/fm/index-service";
import { readJsonl } from "../engine/fm/jsonl";
import { parseRecord } from "../engine/fm/text-collection";
import { mulberry32 as rng } from "../engine/random";
import { compileSdslHarness, readQueries, rowPicker, sdslInstalled, timed, writeQueries } from "./sdsl";
import { DEFAULT_PASSAGES, pickPassages, runTraceBench } from "./trace";

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const flag = (name: string) => args.includes(name);
const input = opt("--input");
if (!input) {
  console.error(
    "usage: npm run bench:scale -- --input big.jsonl[.gz] [--out DIR] [--memory-gb N] [--workers N]",
  );
  process.exit(2);
}
const OUT = resolve(opt("--out") ?? "bench/out/scale");
const INDEX = join(OUT, "index");
const WORDS = 450;
const load = () => loadavg()[0].toFixed(2);

interface Prepared {
  key: string;
  textBytes: number;
  docs: number;
  passages: string[];
}

/**
 * One streaming pass over the input: corpus.bin, queries.bin and trace passages. Reservoir sampling keeps
 * memory flat: a query is a random slice of a random document, each document offering one candidate per
 * length; passages are kept per domain from documents long enough for a 450-word window.
 */
async function prepare(): Promise<Prepared> {
  const st = statSync(input!);
  const key = `${resolve(input!)}:${st.size}:${st.mtimeMs}`;
  const metaPath = join(OUT, "prepared.json");
  if (existsSync(metaPath)) {
    const m = JSON.parse(readFileSync(metaPath, "utf8")) as Prepared;
    if (m.key === key && existsSync(join(OUT, "corpus.bin"))) return m;
  }
  mkdirSync(OUT, { recursive: true });
  const rand = rng(2024);
  const fd = openSync(join(OUT, "corpus.bin"), "w");
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = () => {
    if (pending.length > 0) writeSync(fd, Buffer.concat(pending));
    pending.length = 0;
    pendingBytes = 0;
  };
  const reservoirs = new Map<number, Buffer[]>([
    [10, []],
    [100, []],
  ]);
  const seen = new Map<number, number>([
    [10, 0],
    [100, 0],
  ]);
  const long = new Map<string, { seen: number; texts: string[] }>();
  let textBytes = 0;
  let docs = 0;
  const sep = Buffer.from([0xff]);
  for await (const { line, value } of readJsonl(input!)) {
    const doc = parseRecord(value, String(line));
    const bytes = Buffer.from(doc.text as string);
    textBytes += bytes.length;
    docs++;
    for (const [len, res] of reservoirs) {
      if (bytes.length < len) continue;
      const s = Math.floor(rand() * (bytes.length - len + 1));
      const q = bytes.subarray(s, s + len);
      if (q.includes(0)) continue;
      const k = seen.get(len)!;
      seen.set(len, k + 1);
      if (res.length < 1000) res.push(Buffer.from(q));
      else {
        const j = Math.floor(rand() * (k + 1));
        if (j < 1000) res[j] = Buffer.from(q);
      }
    }
    if (bytes.includes(0)) for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0) bytes[i] = 1; // sdsl reserves 0
    pending.push(bytes, sep);
    pendingBytes += bytes.length + 1;
    if (pendingBytes > 16 << 20) flush();
    if (doc.text.length >= 6 * (WORDS + 100) && (doc.text as string).split(/\s+/).length >= WORDS + 100) {
      const r = long.get(doc.domain) ?? { seen: 0, texts: [] };
      long.set(doc.domain, r);
      r.seen++;
      if (r.texts.length < 8) r.texts.push(doc.text as string);
      else {
        const j = Math.floor(rand() * r.seen);
        if (j < 8) r.texts[j] = doc.text as string;
      }
    }
  }
  flush();
  closeSync(fd);
  const queries = [...reservoirs.values()].flat();
  writeQueries(join(OUT, "queries.bin"), queries);
  // 20 passages, spread over the domains in name order (round robin).
  const domains = [...long.keys()].sort();
  const perDomain: Record<string, number> = {};
  for (let k = 0; k < 20 && domains.length > 0; k++) {
    const d = domains[k % domains.length];
    perDomain[d] = Math.min(long.get(d)!.texts.length, (perDomain[d] ?? 0) + 1);
  }
  const longDocs = domains.flatMap((d) => long.get(d)!.texts.map((text) => ({ domain: d, text })));
  const passages = pickPassages(longDocs, perDomain);
  const m: Prepared = { key, textBytes, docs, passages };
  writeFileSync(metaPath, JSON.stringify(m));
  return m;
}

interface Figures {
  shards: number;
  buildSeconds: number;
  /** CPU time of the build, all threads (user + system). */
  buildCpuSeconds: number;
  peakBytes: number;
  indexBytes: number;
  count10us: number;
  count100us: number;
  locateUs: number;
  extract1000Us: number;
  /** The same, in CPU time of the process (what a query costs without waiting for a core). */
  count10CpuUs: number;
  count100CpuUs: number;
  locateCpuUs: number;
  extract1000CpuUs: number;
  totalCount: number;
}

const QUERY_KEYS = [
  "count10us",
  "count100us",
  "locateUs",
  "extract1000Us",
  "count10CpuUs",
  "count100CpuUs",
  "locateCpuUs",
  "extract1000CpuUs",
] as const;

/** sdsl-lite: built once per corpus (stored with its build figures), queried every run. */
function runSdsl(key: string, loads: string[]): Figures | null {
  if (!sdslInstalled()) return null;
  const bin = join(OUT, "sdsl-harness");
  compileSdslHarness(bin);
  const cache = join(OUT, "sdsl.idx");
  const cacheMeta = join(OUT, "sdsl-build.json");
  const fresh =
    !existsSync(cache) || !existsSync(cacheMeta) || JSON.parse(readFileSync(cacheMeta, "utf8")).key !== key;
  if (fresh) rmSync(cache, { force: true });
  loads.push(`before sdsl-lite ${load()}${fresh ? " (building)" : ""}`);
  const r = timed(bin, [join(OUT, "corpus.bin"), join(OUT, "queries.bin"), cache], OUT);
  loads.push(`after sdsl-lite ${load()}`);
  const j = JSON.parse(r.stdout) as Record<string, number>;
  if (j.buildSeconds >= 0) {
    writeFileSync(
      cacheMeta,
      JSON.stringify({
        buildSeconds: j.buildSeconds,
        buildCpuSeconds: j.buildCpuSeconds,
        peakBytes: r.peakBytes,
        key,
      }),
    );
  }
  const built = JSON.parse(readFileSync(cacheMeta, "utf8")) as {
    buildSeconds: number;
    buildCpuSeconds: number;
    peakBytes: number;
  };
  return {
    shards: 1,
    buildSeconds: built.buildSeconds,
    buildCpuSeconds: built.buildCpuSeconds,
    peakBytes: built.peakBytes,
    indexBytes: j.indexBytes,
    count10us: j.count10us,
    count100us: j.count100us,
    locateUs: j.locateUs,
    extract1000Us: j.extract1000Us,
    count10CpuUs: j.count10CpuUs,
    count100CpuUs: j.count100CpuUs,
    locateCpuUs: j.locateCpuUs,
    extract1000CpuUs: j.extract1000CpuUs,
    totalCount: j.totalCount,
  };
}

async function main(): Promise<void> {
  const loads: string[] = [`start ${load()}`];
  const p = await prepare();
  console.log(
    `corpus: ${input} (${(p.textBytes / 1e6).toFixed(1)} MB of text, ${p.docs} documents); load ${load()}`,
  );

  if (flag("--only-sdsl")) {
    const s = runSdsl(p.key, loads);
    console.log(JSON.stringify(s), loads.join(", "));
    return;
  }
  // Ours: default settings, in a child process (peak memory of the whole build, workers included).
  let buildSeconds = Number.NaN;
  let buildCpuSeconds = Number.NaN;
  let peakBytes = Number.NaN;
  if (!flag("--no-build")) {
    const pass = ["--memory-gb", "--workers", "--max-shard-mb"].flatMap((o) => (opt(o) ? [o, opt(o)!] : []));
    loads.push(`before our build ${load()}`);
    const b = timed(
      process.execPath,
      [
        "--import",
        "tsx",
        resolve("engine/cli.ts"),
        "index",
        "build",
        "--input",
        resolve(input!),
        "--out",
        INDEX,
        ...pass,
      ],
      OUT,
    );
    loads.push(`after our build ${load()}`);
    buildSeconds = b.seconds;
    buildCpuSeconds = b.cpuSeconds;
    peakBytes = b.peakBytes;
    console.log(b.stdout.trim());
    writeFileSync(join(OUT, "build.json"), JSON.stringify({ buildSeconds, buildCpuSeconds, peakBytes }));
  } else if (existsSync(join(OUT, "build.json"))) {
    ({ buildSeconds, buildCpuSeconds, peakBytes } = JSON.parse(
      readFileSync(join(OUT, "build.json"), "utf8"),
    ));
  }

  // Index open as the app does it: files into shared memory, worker threads, first answer.
  // The app runs its workers from the bundles in dist/engine (scripts/build-engine.ts), not through tsx.
  execFileSync(process.execPath, ["--import", "tsx", "scripts/build-engine.ts"], { stdio: "ignore" });
  process.env.FM_WORKER_DIR = resolve("dist/engine");
  const appStart = performance.now();
  const service = await createIndexService({ dir: INDEX, workers: 2 });
  const firstCount = await service.countAll("the ");
  const appFirstMs = performance.now() - appStart;
  await service.close();

  const t0 = performance.now();
  const index = openFmIndex(INDEX);
  const openMs = performance.now() - t0;
  const tablesStart = performance.now();
  const tableBytes = index.prepareTables();
  const tablesMs = performance.now() - tablesStart;
  const queries = readQueries(join(OUT, "queries.bin"));
  const q10 = queries.filter((q) => q.length === 10);
  const q100 = queries.filter((q) => q.length === 100);
  /** Microseconds per call, wall and CPU time, after a warm-up pass (as in a serving process). */
  const time = (n: number, fn: (i: number) => void): [number, number] => {
    for (let i = 0; i < n; i++) fn(i);
    const s = performance.now();
    const c = process.cpuUsage();
    for (let i = 0; i < n; i++) fn(i);
    const cpu = process.cpuUsage(c);
    return [((performance.now() - s) * 1000) / n, (cpu.user + cpu.system) / n];
  };
  const rand = rng(4048);
  const pick = rowPicker(index.shards, rand);
  const locPicks = Array.from({ length: 20000 }, pick);
  const extPicks = Array.from({ length: 500 }, () => {
    const [k] = pick();
    return [k, Math.floor(rand() * (index.shards[k].bytes + index.shards[k].docs - 1000))] as const;
  });
  const totalCount = queries.reduce((s, q) => s + index.countAll(q), 0);
  const manifest = JSON.parse(readFileSync(join(INDEX, "manifest.json"), "utf8")) as { indexBytes: number };
  const oursRound = (): Figures => {
    let sink = 0;
    const [count10us, count10CpuUs] = time(q10.length, (i) => {
      sink += index.countAll(q10[i]);
    });
    const [count100us, count100CpuUs] = time(q100.length, (i) => {
      sink += index.countAll(q100[i]);
    });
    const [locateUs, locateCpuUs] = time(locPicks.length, (i) => {
      sink += index.locate(locPicks[i][0], locPicks[i][1]).position;
    });
    const [extract1000Us, extract1000CpuUs] = time(extPicks.length, (i) => {
      sink += index.extract(extPicks[i][0], extPicks[i][1], 1000)[0];
    });
    return {
      shards: index.shards.length,
      buildSeconds,
      buildCpuSeconds,
      peakBytes,
      indexBytes: manifest.indexBytes,
      count10us,
      count100us,
      locateUs,
      extract1000Us,
      count10CpuUs,
      count100CpuUs,
      locateCpuUs,
      extract1000CpuUs,
      totalCount: sink === -1 ? -1 : totalCount, // sink keeps the timed calls from being optimised away
    };
  };
  // Rounds: ours, then sdsl-lite (its stored index loaded, queries only), alternately; each figure is the
  // best of the rounds, the run least disturbed by other jobs on a shared machine.
  const rounds = Number(opt("--rounds") ?? 3);
  const oursRuns: Figures[] = [];
  const sdslRuns: Figures[] = [];
  for (let r = 0; r < rounds; r++) {
    loads.push(`round ${r + 1}: ours ${load()}`);
    oursRuns.push(oursRound());
    if (!flag("--no-sdsl")) {
      const s = runSdsl(p.key, loads);
      if (s) sdslRuns.push(s);
    }
  }
  const best = (runs: Figures[]): Figures => {
    const out = { ...runs[0] };
    for (const k of QUERY_KEYS) out[k] = Math.min(...runs.map((x) => x[k]));
    return out;
  };
  const ours = best(oursRuns);
  const sdsl = sdslRuns.length > 0 ? best(sdslRuns) : null;
  for (const [name, runs] of [
    ["ours", oursRuns],
    ["sdsl-lite", sdslRuns],
  ] as const) {
    for (const k of QUERY_KEYS) {
      if (runs.length > 0)
        console.log(`${name} ${k} per round: ${runs.map((x) => x[k].toFixed(1)).join(", ")}`);
    }
  }

  // Trace bench: the big index, then the default index for the ratio (the same bench, same run).
  let traceBig: { median: number; p90: number; cpuMedian: number } | null = null;
  let traceDefault: { median: number; p90: number; cpuMedian: number } | null = null;
  if (!flag("--no-trace")) {
    console.log(`\ntrace bench on ${INDEX} (${p.passages.length} passages from ${input}):`);
    traceBig = runTraceBench(index, p.passages);
    const defDir = opt("--default-index") ?? "data/index/flexmix-mini";
    const defCorpus = "data/corpus/flexmix-mini.jsonl";
    if (existsSync(join(defDir, "manifest.json")) && existsSync(defCorpus)) {
      console.log(`\ntrace bench on ${defDir}:`);
      const small = openFmIndex(defDir);
      const docs = readFileSync(defCorpus, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { domain: string; text: string });
      traceDefault = runTraceBench(small, pickPassages(docs, DEFAULT_PASSAGES));
    }
  }

  const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;
  const xCorpus = (b: number) => `${(b / p.textBytes).toFixed(2)}x`;
  const us = (v: number) => `${v < 100 ? v.toFixed(1) : v.toFixed(0)} us`;
  const rowsOut: [string, string, string, string, string][] = [];
  const ratio = (a: number, b: number) =>
    Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : "-";
  const add = (label: string, o: string, s: string, r: string, target: string) =>
    rowsOut.push([label, o, s, r, target]);
  add("shards", String(ours.shards), sdsl ? "1" : "-", "", "");
  add(
    "build wall time",
    `${ours.buildSeconds.toFixed(1)} s`,
    sdsl ? `${sdsl.buildSeconds.toFixed(1)} s` : "-",
    sdsl ? `${ratio(ours.buildSeconds, sdsl.buildSeconds)}` : "",
    "<= 0.50",
  );
  add(
    "build CPU time (all threads)",
    `${ours.buildCpuSeconds.toFixed(1)} s`,
    sdsl ? `${(sdsl.buildCpuSeconds ?? Number.NaN).toFixed(1)} s` : "-",
    sdsl ? `${ratio(ours.buildCpuSeconds, sdsl.buildCpuSeconds)}` : "",
    "",
  );
  add(
    "peak build memory",
    `${mb(ours.peakBytes)} (${xCorpus(ours.peakBytes)})`,
    sdsl ? `${mb(sdsl.peakBytes)} (${xCorpus(sdsl.peakBytes)})` : "-",
    sdsl ? ratio(ours.peakBytes, sdsl.peakBytes) : "",
    "< 1.00",
  );
  add(
    "index size",
    `${mb(ours.indexBytes)} (${xCorpus(ours.indexBytes)})`,
    sdsl ? `${mb(sdsl.indexBytes)} (${xCorpus(sdsl.indexBytes)})` : "-",
    sdsl ? ratio(ours.indexBytes, sdsl.indexBytes) : "",
    "<= 1.05",
  );
  for (const [label, key, cpuKey, target] of [
    ["count, 10 bytes", "count10us", "count10CpuUs", "<= 1.50"],
    ["count, 100 bytes", "count100us", "count100CpuUs", "<= 1.00"],
    ["locate (one row)", "locateUs", "locateCpuUs", "<= 1.00"],
    ["extract 1,000 bytes", "extract1000Us", "extract1000CpuUs", "<= 1.00"],
  ] as const) {
    add(
      `${label}, CPU / wall`,
      `${us(ours[cpuKey])} / ${us(ours[key])}`,
      sdsl ? `${us(sdsl[cpuKey])} / ${us(sdsl[key])}` : "-",
      sdsl ? `${ratio(ours[cpuKey], sdsl[cpuKey])} / ${ratio(ours[key], sdsl[key])}` : "",
      target,
    );
  }
  if (traceBig) {
    add(
      "trace, 450 words, median CPU / wall",
      `${traceBig.cpuMedian.toFixed(0)} / ${traceBig.median.toFixed(0)} ms`,
      "n/a",
      traceDefault
        ? `${ratio(traceBig.cpuMedian, traceDefault.cpuMedian)} / ${ratio(traceBig.median, traceDefault.median)} of ${traceDefault.cpuMedian.toFixed(0)} / ${traceDefault.median.toFixed(0)} ms (default corpus)`
        : "",
      "<= 200 ms, <= 2.50",
    );
  }
  add(
    "query tables per thread",
    `${mb(tableBytes)} (${(tableBytes / p.textBytes).toFixed(3)}x), ${tablesMs.toFixed(0)} ms`,
    "n/a",
    "",
    "< 0.05x",
  );
  add("app: load to first answer", `${(appFirstMs / 1000).toFixed(2)} s`, "n/a", "", "<= 2 s");
  add("open + verify (one thread)", `${(openMs / 1000).toFixed(2)} s`, "n/a", "", "");

  console.log(
    `\n${input}: ${(p.textBytes / 1e6).toFixed(1)} MB of text, ${p.docs} documents; our index ${INDEX}`,
  );
  console.log(
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
  );
  console.log(`load average (1 min): ${loads.join(", ")}`);
  const w = [26, 24, 24, 30, 18];
  const fmt = (r: string[]) => `| ${r.map((c, i) => c.padEnd(w[i])).join(" | ")} |`;
  console.log(fmt(["figure", "ours, default build", "sdsl-lite", "ours / sdsl", "target"]));
  console.log(fmt(w.map((n) => "-".repeat(n))));
  for (const r of rowsOut) console.log(fmt(r));
  if (sdsl) {
    console.log(
      `count check: ours ${ours.totalCount}, sdsl-lite ${sdsl.totalCount} (${ours.totalCount === sdsl.totalCount ? "equal" : "DIFFERENT"})`,
    );
  }
  console.log(`app's first answer: countAll("the ") = ${firstCount}`);
}

await main();
