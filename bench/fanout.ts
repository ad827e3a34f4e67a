/**
 * `npm run bench:fanout`: the cost of serving an index from shard servers. The same queries, one at a time,
 * against the local index (IndexService / TraceService with 2 worker threads, as the app runs them) and
 * through three `engine serve` processes on 127.0.0.1 (each a third of the shards, 1 worker thread each,
 * started and stopped here on ports 4210-4212), with results compared for equality on the way.
 * Prints median and p90 latency per kind, the ratio remote / local and the added milliseconds, the CPU
 * time per query (this process and its worker threads; with servers, plus the servers' processes, read
 * from /proc), which a busy machine disturbs far less than wall time, and the load average.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { readManifest } from "../engine/fm/index";
import { createIndexService } from "../engine/fm/index-service";
import { mulberry32 } from "../engine/random";
import { connectShardServers } from "../engine/serve/client";
import { createTraceService } from "../engine/trace/trace-service";

const dir = process.env.INDEX_DIR ?? "data/index/flexmix-mini";
const corpus = process.env.CORPUS ?? "data/corpus/flexmix-mini.jsonl";
const BASE_PORT = Number(process.env.FANOUT_PORT ?? 4210);
const SERVERS = 3;

function startServer(shards: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "engine/cli.ts",
      "serve",
      "--index",
      dir,
      "--shards",
      shards,
      "--port",
      String(port),
      "--workers",
      "1",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let err = "";
    child.stderr?.on("data", (d: Buffer) => {
      err += d.toString();
      if (err.includes("serving ")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`server on port ${port} exited (${code}): ${err}`)));
  });
}

/** CPU milliseconds (user + system) a process has used, from /proc (Linux; 100 ticks per second). */
function procCpuMs(pid: number): number {
  const path = `/proc/${pid}/stat`;
  if (!existsSync(path)) return 0;
  const fields = readFileSync(path, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
const selfCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};

async function time<T>(
  n: number,
  f: (i: number) => Promise<T>,
  cpu: () => number,
): Promise<{ ms: number[]; out: T[]; cpuMs: number }> {
  const ms: number[] = [];
  const out: T[] = [];
  const c0 = cpu();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    out.push(await f(i));
    ms.push(performance.now() - t0);
  }
  return { ms, out, cpuMs: (cpu() - c0) / n };
}

async function main() {
  const manifest = readManifest(dir);
  const n = manifest.shards.length;
  const docs = readFileSync(corpus, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l).text as string)
    .filter((t) => t.length > 4000);
  const r = mulberry32(42);
  const pick = () => docs[Math.floor(r() * docs.length)];
  const enc = new TextEncoder();
  const query = (len: number) => {
    for (;;) {
      const b = enc.encode(pick());
      const a = Math.floor(r() * (b.length - len));
      const q = b.subarray(a, a + len);
      if (new TextDecoder("utf-8", { fatal: false }).decode(q).length > 0) return q;
    }
  };
  const q10 = Array.from({ length: 300 }, () => query(10));
  const batches = Array.from({ length: 20 }, () => Array.from({ length: 256 }, () => query(10)));
  const searches = Array.from({ length: 100 }, () => query(8));
  const responses = Array.from({ length: 20 }, (_, k) => {
    const words = pick().split(/\s+/).slice(100, 550);
    // Half copied passages, half with every fourth word changed (shorter spans, more stages of work).
    return (k % 2 ? words.map((w, i) => (i % 4 === 3 ? "quietly" : w)) : words).join(" ");
  });

  const load0 = loadavg()[0];
  const children: ChildProcess[] = [];
  try {
    for (let p = 0; p < SERVERS; p++) {
      const shards = Array.from({ length: n }, (_, k) => k).filter((k) => k % SERVERS === p);
      children.push(await startServer(shards.join(","), BASE_PORT + p));
    }
    const remote = await connectShardServers({
      urls: children.map((_, p) => `http://127.0.0.1:${BASE_PORT + p}`),
      timeoutMs: 30_000,
    });
    const index = await createIndexService({ dir, workers: 2 });
    const tracer = await createTraceService({ dir, workers: 2 });
    const rows: string[][] = [];
    const compare = async <T>(
      label: string,
      count: number,
      local: (i: number) => Promise<T>,
      far: (i: number) => Promise<T>,
      strip: (t: T) => unknown = (t) => t,
    ) => {
      // Warm-up (JIT, connections, and enough searches that every shard builds its query tables, which
      // the serving threads do between requests), untimed; then a pause for those builds to finish.
      for (let i = 0; i < Math.min(count, 100); i++) await Promise.all([local(i), far(i)]);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const a = await time(count, local, selfCpuMs);
      const b = await time(
        count,
        far,
        () => selfCpuMs() + children.reduce((t, c) => t + procCpuMs(c.pid ?? 0), 0),
      );
      const same = a.out.every((x, i) => JSON.stringify(strip(x)) === JSON.stringify(strip(b.out[i])));
      if (!same) throw new Error(`${label}: remote answers differ from local ones`);
      const [l50, r50] = [pct(a.ms, 0.5), pct(b.ms, 0.5)];
      rows.push([
        label,
        String(count),
        `${l50.toFixed(2)} / ${pct(a.ms, 0.9).toFixed(2)}`,
        `${r50.toFixed(2)} / ${pct(b.ms, 0.9).toFixed(2)}`,
        (r50 / l50).toFixed(2),
        `${r50 >= l50 ? "+" : ""}${(r50 - l50).toFixed(2)}`,
        `${a.cpuMs.toFixed(2)} / ${b.cpuMs.toFixed(2)}`,
      ]);
    };
    await compare(
      "count, 10 bytes",
      q10.length,
      (i) => index.count(q10[i]),
      (i) => remote.index.count(q10[i]),
    );
    await compare(
      "256 counts in one batch",
      batches.length,
      (i) => index.batch(batches[i].map((q) => ({ op: "countAll" as const, query: q }))),
      (i) => remote.index.batch(batches[i].map((q) => ({ op: "countAll" as const, query: q }))),
    );
    await compare(
      "search_docs, 10 documents",
      searches.length,
      (i) => index.searchDocs(searches[i], { maxDocs: 10 }),
      (i) => remote.index.searchDocs(searches[i], { maxDocs: 10 }),
    );
    await compare(
      "trace, 450 words",
      responses.length * 2,
      (i) => tracer.trace({ response: responses[i % responses.length] }),
      (i) => remote.trace.trace({ response: responses[i % responses.length] }),
      ({ timings, stats, ...rest }) => rest,
    );
    await index.close();
    await tracer.close();
    const head = [
      "query",
      "n",
      "local p50 / p90 ms",
      "3 servers p50 / p90 ms",
      "ratio p50",
      "added p50 ms",
      "CPU ms per query, local / 3 servers",
    ];
    const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
    const line = (cells: string[]) => `| ${cells.map((c, k) => c.padEnd(widths[k])).join(" | ")} |`;
    console.log(
      `index ${dir}: ${n} shards over ${SERVERS} servers on 127.0.0.1 (shard k on server k mod ${SERVERS})`,
    );
    console.log(line(head));
    console.log(line(widths.map((w) => "-".repeat(w))));
    for (const r of rows) console.log(line(r));
    console.log(
      `answers identical for every query; load average ${load0.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`,
    );
  } finally {
    for (const c of children) c.kill("SIGTERM");
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
