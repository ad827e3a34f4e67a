/**
 * The engine's command line: `npm run -s engine -- <command> [options] [--] [args]`.
 * `--json` prints one JSON object on stdout (errors too: {"error": ...}); `--` ends the options.
 * Exit status: 0 ok, 1 failure, 2 bad usage.
 */

import { countJsonl, traceJsonl } from "./cli-batch";
import { buildCorpus } from "./corpus/build";
import { mergeIndexParts, parsePart } from "./fm/build-parts";
import { FmError, FmInputError } from "./fm/errors";
import { buildFmIndex, type ContaminationEntry, openFmIndex, shardPlan } from "./fm/index";
import { createIndexService } from "./fm/index-service";
import { readJsonl } from "./fm/jsonl";
import { progressPrinter } from "./fm/progress";
import { nativeSorterMissing } from "./fm/sais-native";
import { connectShardServers } from "./serve/client";
import { startShardServer } from "./serve/server";
import { createTraceService } from "./trace/trace-service";

const USAGE = `usage: npm run -s engine -- <command> [options]

  corpus build --out <file.jsonl>                 build the FlexMix-mini corpus
  index build --input <file.jsonl[.gz]>... --out <dir> [--skip-bad] [--max-shard-mb N] [--workers N]
              [--memory-gb N]                      memory budget (default a quarter of this machine's); the shard size
                                                   is chosen from it and --workers (a --part build: give every machine
                                                   the same --max-shard-mb, or the same --memory-gb and --workers)
              [--part i/N]                         build every N-th shard only (one machine's part)
  index merge --out <dir> <part-dir>...            join the parts into the index a one-machine build writes
  count --index <dir> [--domain D]... <query>      occurrences per domain
  count (--index <dir> | --engine-urls URLS) --queries <file.jsonl> [--json] [--skip-bad]
                                                   one line per query (a JSON string or {"id","query"})
  trace (--index <dir> | --engine-urls URLS) --input <responses.jsonl> [--json] [--domain D]...
        [--workers N] [--skip-bad]                 one line {"id","spans","documents","coverage","ms"}
                                                   per line {"id","response","prompt"?}
  find --index <dir> [--domain D]... <query>       rank ranges per shard
  doc --index <dir> --shard S --rank R [--length N] [--context N]
                                                   the document holding a rank
  contamination --index <dir> --input <entries.jsonl> [--domain D]...
                                                   label benchmark entries clean/suspicious/dirty
  info --index <dir>                               shards and sizes
  serve --index <dir> [--shards LIST] --port N [--host H] [--workers N] [--no-token]
                                                   serve some or all shards over HTTP (LIST: all, or
                                                   names, numbers and ranges such as 0-2,5,code);
                                                   requests must carry ENGINE_TOKEN when it is set,
                                                   and a host beyond loopback needs it (or --no-token)

  --json  print one JSON object    --  end of options (a query may start with a dash)`;

class UsageError extends Error {}

/** The shard servers' shared token: from the environment, never an argument (arguments show in `ps`). */
const engineToken = (): string | undefined => process.env.ENGINE_TOKEN || undefined;

interface Args {
  positional: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
}

const VALUED = new Set([
  "--out",
  "--input",
  "--index",
  "--domain",
  "--shard",
  "--rank",
  "--length",
  "--context",
  "--max-shard-mb",
  "--memory-gb",
  "--workers",
  "--part",
  "--shards",
  "--port",
  "--host",
  "--queries",
  "--engine-urls",
]);
const FLAGS = new Set(["--json", "--skip-bad", "--help", "--no-token"]);

function parseArgs(argv: string[]): Args {
  const args: Args = { positional: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      args.positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq >= 0 ? a.slice(0, eq) : a;
      if (FLAGS.has(name)) {
        args.flags.add(name);
        continue;
      }
      if (!VALUED.has(name)) throw new UsageError(`unknown option ${name}`);
      const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`option ${name} needs a value`);
      args.options.set(name, [...(args.options.get(name) ?? []), value]);
    } else args.positional.push(a);
  }
  return args;
}

function one(args: Args, name: string): string {
  const v = args.options.get(name);
  if (!v || v.length === 0) throw new UsageError(`missing ${name}`);
  return v[v.length - 1];
}

function int(args: Args, name: string, fallback?: number): number {
  const v = args.options.get(name);
  if (!v) {
    if (fallback === undefined) throw new UsageError(`missing ${name}`);
    return fallback;
  }
  const n = Number(v[v.length - 1]);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a non-negative integer`);
  return n;
}

function query(rest: string[]): string {
  if (rest.length !== 1)
    throw new UsageError("give exactly one query (quote it; use -- before a query starting with -)");
  return rest[0];
}

/** --engine-urls as a list (comma-separated), or null. */
function engineUrls(args: Args): string[] | null {
  const v = args.options.get("--engine-urls");
  if (!v) return null;
  const urls = v
    .flatMap((s) => s.split(","))
    .map((s) => s.trim())
    .filter(Boolean);
  for (const u of urls) if (!/^https?:\/\/[^\s/]+/.test(u)) throw new UsageError(`not an http(s) URL: ${u}`);
  if (args.options.has("--index")) throw new UsageError("give --index or --engine-urls, not both");
  return urls;
}

/** Writes a line to stdout, waiting while its buffer is full (so memory stays flat on a long run). */
/** Which suffix sorters built the shards, and how to get the fast one when it was not used. */
function sorterText(sorters: Partial<Record<"native" | "wasm" | "js", number>>): string {
  const names = { native: "libdivsufsort", wasm: "SA-IS in WebAssembly", js: "SA-IS in JavaScript" } as const;
  const used = (Object.keys(names) as (keyof typeof names)[]).filter((k) => sorters[k]);
  const text = `suffix arrays by ${used.map((k) => `${names[k]} (${sorters[k]} shard(s))`).join(", ") || "none"}`;
  if (!sorters.wasm && !sorters.js) return text;
  const why = nativeSorterMissing();
  return why ? `${text}; ${why}: installing it makes large builds about a third faster` : text;
}

function writeLine(line: string): Promise<void> | undefined {
  if (process.stdout.write(`${line}\n`)) return undefined;
  return new Promise((resolve) => process.stdout.once("drain", () => resolve()));
}

async function run(argv: string[]): Promise<unknown> {
  const args = parseArgs(argv);
  const [cmd, ...rest] = args.positional;
  if (args.flags.has("--help") || cmd === undefined) throw new UsageError("");
  const domains = args.options.get("--domain");
  const json = args.flags.has("--json");
  const log = (s: string) => {
    if (!json) process.stdout.write(`${s}\n`);
  };
  /** A JSONL batch's options: its result lines as they are with --json, else each as `text(result)`. */
  const jsonlOutput = (text: (result: ReturnType<typeof JSON.parse>) => string) => ({
    domains,
    skipBad: args.flags.has("--skip-bad"),
    onSkip: (m: string) => process.stderr.write(`skipped ${m}\n`),
    write: (line: string) => writeLine(json ? line : text(JSON.parse(line))),
  });

  if (cmd === "corpus" && rest[0] === "build") {
    const out = one(args, "--out");
    const r = buildCorpus({
      out,
      onProgress: (domain, docs, bytes) =>
        process.stderr.write(`corpus: ${domain} ${docs} docs ${(bytes / 1e6).toFixed(1)} MB\n`),
    });
    for (const [d, s] of Object.entries(r.domains))
      log(`${d.padEnd(10)} ${String(s.docs).padStart(6)} docs ${(s.bytes / 1e6).toFixed(1).padStart(7)} MB`);
    log(`wrote ${r.out}: ${r.docs} docs, ${(r.bytes / 1e6).toFixed(1)} MB`);
    return r;
  }
  if (cmd === "index" && rest[0] === "build") {
    const inputs = args.options.get("--input");
    if (!inputs) throw new UsageError("missing --input");
    const out = one(args, "--out");
    let memoryBytes: number | undefined;
    if (args.options.has("--memory-gb")) {
      const gb = Number(one(args, "--memory-gb"));
      if (!(gb > 0) || !Number.isFinite(gb)) throw new UsageError("--memory-gb must be a positive number");
      memoryBytes = Math.floor(gb * 2 ** 30);
    }
    const workers = int(args, "--workers", 2);
    const maxShardBytes = args.options.has("--max-shard-mb")
      ? int(args, "--max-shard-mb") * 1024 * 1024
      : undefined;
    const plan = shardPlan({ maxShardBytes, memoryBytes, workers });
    const planText =
      `shards of at most ${(plan.shardBytes / 2 ** 20).toFixed(0)} MiB` +
      (maxShardBytes !== undefined
        ? " (--max-shard-mb)"
        : ` (chosen for a memory budget of ${(plan.memoryBytes! / 2 ** 30).toFixed(1)} GiB${memoryBytes === undefined ? ", a quarter of this machine's memory" : ""}, ${workers} worker(s))`);
    process.stderr.write(`index: ${planText}\n`);
    const r = await buildFmIndex({
      inputs,
      out,
      skipBad: args.flags.has("--skip-bad"),
      maxShardBytes,
      memoryBytes,
      workers,
      part: args.options.has("--part") ? parsePart(one(args, "--part")) : undefined,
      onProgress: progressPrinter("index"),
    });
    const m = r.manifest;
    log(
      `built ${out}${args.options.has("--part") ? ` (part ${one(args, "--part")})` : ""}: ${m.shards.length} shards, ${m.totalDocs} docs, ${(m.totalBytes / 1e6).toFixed(1)} MB text, ` +
        `index ${(m.indexBytes / 1e6).toFixed(1)} MB (${(m.indexBytes / m.totalBytes).toFixed(3)}x) in ${(r.elapsedMs / 1000).toFixed(1)} s`,
    );
    log(planText);
    log(sorterText(r.sorters));
    if (r.skipped > 0) log(`skipped ${r.skipped} malformed lines`);
    return {
      out,
      shardBytes: r.shardBytes,
      memoryBytes: r.memoryBytes,
      sorters: r.sorters,
      shards: m.shards.length,
      docs: m.totalDocs,
      bytes: m.totalBytes,
      indexBytes: m.indexBytes,
      skipped: r.skipped,
    };
  }
  if (cmd === "index" && rest[0] === "merge") {
    const out = one(args, "--out");
    const m = mergeIndexParts({ parts: rest.slice(1), out });
    log(`merged ${rest.length - 1} parts into ${out}: ${m.shards.length} shards, ${m.totalDocs} docs`);
    return { out, shards: m.shards.length, docs: m.totalDocs, bytes: m.totalBytes, indexBytes: m.indexBytes };
  }
  if (cmd === "trace") {
    if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}`);
    const file = one(args, "--input");
    const workers = int(args, "--workers", 2);
    const urls = engineUrls(args);
    const remote = urls ? await connectShardServers({ urls, token: engineToken() }) : null;
    const tracer = remote ? remote.trace : await createTraceService({ dir: one(args, "--index"), workers });
    try {
      const r = await traceJsonl(tracer, file, {
        width: remote ? 4 : Math.max(1, workers),
        ...jsonlOutput(
          (o) =>
            `${o.id}\t${o.spans.length} spans\t${o.documents.length} documents\tcoverage ${(o.coverage.all * 100).toFixed(1)}%\t${o.ms} ms`,
        ),
      });
      process.stderr.write(`traced ${r.traced} responses\n`);
    } finally {
      await tracer.close();
    }
    return undefined;
  }
  if (cmd === "count" && args.options.has("--queries")) {
    if (rest.length > 0) throw new UsageError("give either --queries or one query, not both");
    const urls = engineUrls(args);
    const index = urls
      ? (await connectShardServers({ urls, token: engineToken() })).index
      : await createIndexService({ dir: one(args, "--index"), workers: 0 });
    try {
      const r = await countJsonl(index, one(args, "--queries"), {
        ...jsonlOutput((o) => `${o.count}\t${o.query}`),
      });
      process.stderr.write(`counted ${r.counted} queries\n`);
    } finally {
      await index.close();
    }
    return undefined;
  }
  if (cmd === "count") {
    const index = openFmIndex(one(args, "--index"));
    const r = index.count(query(rest), { domains });
    for (const [d, c] of Object.entries(r.byDomain)) log(`${d.padEnd(12)} ${c}`);
    log(`${"total".padEnd(12)} ${r.count}`);
    return r;
  }
  if (cmd === "find") {
    const index = openFmIndex(one(args, "--index"));
    const r = index.find(query(rest), { domains });
    for (const s of r.segments) log(`${s.name.padEnd(12)} [${s.lo}, ${s.hi})  ${s.hi - s.lo}`);
    log(`total ${r.count}`);
    return r;
  }
  if (cmd === "doc") {
    if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}`);
    const index = openFmIndex(one(args, "--index"));
    const shardArg = one(args, "--shard");
    const shard = /^\d+$/.test(shardArg) ? Number(shardArg) : shardArg;
    const r = index.getDocByRank(shard, int(args, "--rank"), {
      needleLength: int(args, "--length", 0),
      maxContextBytes: int(args, "--context", 500),
    });
    log(`${r.shard} doc ${r.docIndex} (${r.id}) ${r.docBytes} bytes: ${String(r.meta.title ?? "")}`);
    log(`bytes [${r.windowStart}, ${r.windowEnd}), match [${r.matchByteStart}, ${r.matchByteEnd})`);
    log(r.text);
    return r;
  }
  if (cmd === "contamination") {
    const index = openFmIndex(one(args, "--index"));
    const file = one(args, "--input");
    const entries: ContaminationEntry[] = [];
    for await (const { line, value } of readJsonl(file)) {
      const v = value as Record<string, unknown>;
      const text = typeof value === "string" ? value : typeof v?.text === "string" ? v.text : null;
      if (text === null) throw new FmInputError(file, line, 'entry needs a "text" string');
      entries.push({ id: v && typeof v.id !== "undefined" ? String(v.id) : `line ${line}`, text });
    }
    const results = index.contamination(entries, { domains });
    for (const r of results)
      log(
        `${r.label.padEnd(10)} ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.found}/${r.probes}  ${r.id}`,
      );
    const summary = { clean: 0, suspicious: 0, dirty: 0 };
    for (const r of results) summary[r.label]++;
    log(`clean ${summary.clean}, suspicious ${summary.suspicious}, dirty ${summary.dirty}`);
    return { results, summary };
  }
  if (cmd === "info") {
    const index = openFmIndex(one(args, "--index"));
    for (const s of index.shards)
      log(
        `${s.name.padEnd(12)} ${s.domain.padEnd(10)} ${String(s.docs).padStart(6)} docs ${(s.bytes / 1e6).toFixed(1).padStart(7)} MB`,
      );
    return { shards: index.shards, manifest: index.manifest, sizes: index.sizeBreakdown() };
  }
  if (cmd === "serve") {
    const server = await startShardServer({
      dir: one(args, "--index"),
      shards: args.options.get("--shards")?.at(-1),
      port: int(args, "--port"),
      host: args.options.get("--host")?.at(-1),
      workers: int(args, "--workers", 2),
      token: engineToken(),
      allowNoToken: args.flags.has("--no-token"),
    });
    const names = server.info.shards.map((k) => server.info.manifest.shards[k].name);
    process.stderr.write(
      `serving ${names.length} of ${server.info.manifest.shards.length} shards (${names.join(", ")}) on ${server.url}, ` +
        `index checksum ${server.info.checksum.slice(0, 12)}\n`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.stderr.write("stopping\n");
        void server.close().then(resolve);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    return { url: server.url, shards: names };
  }
  throw new UsageError(`unknown command ${[cmd, ...rest.slice(0, 1)].join(" ")}`);
}

async function main(): Promise<void> {
  // Output piped into `head` and the like: stop quietly when the reader goes away.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
  const argv = process.argv.slice(2);
  const json = argv.slice(0, argv.includes("--") ? argv.indexOf("--") : argv.length).includes("--json");
  try {
    const result = await run(argv);
    if (json && result !== undefined) process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (e) {
    const usage = e instanceof UsageError;
    const message = usage ? e.message : e instanceof Error ? e.message : String(e);
    if (json)
      process.stdout.write(
        `${JSON.stringify({ error: message || "usage", code: e instanceof FmError ? e.code : usage ? "USAGE" : "ERROR" })}\n`,
      );
    if (usage) process.stderr.write(`${message ? `error: ${message}\n` : ""}${USAGE}\n`);
    else process.stderr.write(`error: ${message}\n`);
    process.exitCode = usage ? 2 : 1;
  }
}

void main();
