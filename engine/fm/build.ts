/**
 * buildFmIndex: JSONL files or in-memory documents -> an index folder (one shard per domain, large domains
 * split by size, plus manifest.json), written to a temporary folder beside the target and renamed into
 * place, so an interrupted build leaves the previous index intact.
 */

import { createHash } from "node:crypto";
import {
  closeSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
  writevSync,
} from "node:fs";
import { totalmem } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { indexManifest, partManifest, partShards, shardFileName } from "./build-parts";
import {
  buildShardFile,
  DEFAULT_ISA_RATE,
  DEFAULT_SA_RATE,
  MAX_SHARD_BYTES,
  readShardText,
  type ShardInput,
  type ShardMeta,
  type ShardScratch,
  type WrittenShard,
} from "./build-shard";
import { FmInputError, FmUsageError } from "./errors";
import { readJsonl } from "./jsonl";
import { replaceDirAtomically } from "./replace-dir";
import { resolveWorker, startWorker } from "./worker-path";

/** One corpus document. `text` may be raw bytes (any byte values) when built through the library. */
export interface CorpusDoc {
  id: string;
  domain: string;
  text: string | Uint8Array;
  meta?: Record<string, unknown>;
}

export interface BuildProgress {
  stage: "read" | "suffix-array" | "bwt" | "wavelet-tree" | "write" | "done";
  doneBytes: number;
  totalBytes: number;
  elapsedMs: number;
  /** MB/s so far. */
  rate: number;
  /** Estimated milliseconds left, or null before anything is known. */
  etaMs: number | null;
}

export interface BuildOptions {
  /** JSONL (.jsonl or .jsonl.gz) paths, read in order. */
  inputs?: string[];
  /** In-memory documents (used after `inputs`). */
  docs?: Iterable<CorpusDoc>;
  /** Target folder; replaced atomically. */
  out: string;
  /**
   * Split a domain into shards of at most this many text bytes. Default: chosen from `memoryBytes` and
   * `workers` by chooseShardBytes (400 MiB on a machine with 24 GiB). Fewer, larger shards make queries
   * cheaper (a query costs about the same per shard whatever its size); smaller ones build with less memory.
   */
  maxShardBytes?: number;
  /**
   * Memory budget of the build in bytes (default: a quarter of the machine's memory, defaultMemoryBudget).
   * The shard size is chosen so that the build stays within it; with an explicit `maxShardBytes` that does
   * not fit, the build is refused.
   */
  memoryBytes?: number;
  /** Worker threads building shards in parallel (default 2; 0 builds in this thread). */
  workers?: number;
  /** Skip malformed JSONL lines instead of failing; the number skipped is returned. */
  skipBad?: boolean;
  saRate?: number;
  isaRate?: number;
  /**
   * Build only part `index` (1-based) of `of` (see build-parts.ts): every part reads the whole input and
   * plans the same shards, then builds the shards k (in manifest order) with k mod `of` = index - 1, and
   * writes a part manifest that `mergeIndexParts` joins with the others.
   */
  part?: { index: number; of: number };
  onProgress?: (p: BuildProgress) => void;
}

export interface ManifestShard {
  name: string;
  file: string;
  domain: string;
  docs: number;
  /** Document text bytes. */
  bytes: number;
  fileBytes: number;
  sha256: string;
}

export interface Manifest {
  format: "flexmix-fm-index";
  version: number;
  /** Fingerprint of the input (JSONL bytes, or the in-memory documents), for up-to-date checks. */
  source: { sha256: string; bytes: number };
  totalDocs: number;
  totalBytes: number;
  indexBytes: number;
  saRate: number;
  isaRate: number;
  shards: ManifestShard[];
}

export interface BuildResult {
  manifest: Manifest;
  /** The shard size limit used (chosen from the memory budget unless given). */
  shardBytes: number;
  /** The memory budget the shard size was chosen for (null when `maxShardBytes` was given alone). */
  memoryBytes: number | null;
  skipped: number;
  elapsedMs: number;
}

const MiB = 1024 * 1024;
/** The smallest shard size chooseShardBytes picks; sizes are multiples of it. */
export const MIN_SHARD_BYTES = 16 * MiB;
/**
 * Peak memory of a build worker per byte of the largest shard it builds: the text (n) and SA (4n) during
 * suffix sorting (measured 5.3x for the default corpus, worker's heap included), with room for a shard whose
 * bytes need two bytes per symbol.
 */
export const WORKER_BYTES_PER_SHARD_BYTE = 6;
/** Memory of the reading thread (Node.js, lines being parsed, document metadata), set aside from the budget. */
export const READER_RESERVE_BYTES = 512 * MiB;

/** The default memory budget of a build: a quarter of the machine's memory. */
export function defaultMemoryBudget(): number {
  return Math.floor(totalmem() / 4);
}

/**
 * The shard size for a memory budget: every worker may hold a shard's working memory at once
 * (WORKER_BYTES_PER_SHARD_BYTE per byte) besides the reading thread (READER_RESERVE_BYTES), rounded down to
 * a multiple of 16 MiB, at most MAX_SHARD_BYTES. Throws FmUsageError when not even 16 MiB shards fit.
 */
export function chooseShardBytes(memoryBytes: number, workers: number): number {
  const builders = Math.max(1, workers);
  const per = (memoryBytes - READER_RESERVE_BYTES) / (builders * WORKER_BYTES_PER_SHARD_BYTE);
  const size = Math.min(MAX_SHARD_BYTES, Math.floor(per / MIN_SHARD_BYTES) * MIN_SHARD_BYTES);
  if (!(size >= MIN_SHARD_BYTES)) {
    const need = READER_RESERVE_BYTES + builders * WORKER_BYTES_PER_SHARD_BYTE * MIN_SHARD_BYTES;
    throw new FmUsageError(
      `a memory budget of ${(memoryBytes / 2 ** 30).toFixed(2)} GiB is too small for ${builders} build worker(s): ` +
        `shards of at least 16 MiB need ${(need / 2 ** 30).toFixed(2)} GiB; give more memory or fewer workers`,
    );
  }
  return size;
}

/**
 * The shard size limit and memory budget of a build from its options (see BuildOptions): the budget's
 * choice, or the given limit, checked against the budget when both are given.
 */
export function shardPlan(opts: Pick<BuildOptions, "maxShardBytes" | "memoryBytes" | "workers">): {
  shardBytes: number;
  memoryBytes: number | null;
} {
  const workers = Math.max(0, opts.workers ?? 2);
  if (opts.maxShardBytes !== undefined) {
    if (!(opts.maxShardBytes >= 1)) throw new FmUsageError("the shard size must be at least 1 byte");
    const shardBytes = Math.min(opts.maxShardBytes, MAX_SHARD_BYTES);
    if (opts.memoryBytes !== undefined) {
      const need = READER_RESERVE_BYTES + Math.max(1, workers) * WORKER_BYTES_PER_SHARD_BYTE * shardBytes;
      if (need > opts.memoryBytes) {
        throw new FmUsageError(
          `shards of ${(shardBytes / MiB).toFixed(0)} MiB with ${Math.max(1, workers)} worker(s) need about ` +
            `${(need / 2 ** 30).toFixed(2)} GiB, more than the memory budget of ${(opts.memoryBytes / 2 ** 30).toFixed(2)} GiB`,
        );
      }
    }
    return { shardBytes, memoryBytes: opts.memoryBytes ?? null };
  }
  if (opts.memoryBytes !== undefined) {
    return { shardBytes: chooseShardBytes(opts.memoryBytes, workers), memoryBytes: opts.memoryBytes };
  }
  // The default budget of a small machine may not fit 16 MiB shards: build them anyway.
  const memoryBytes = defaultMemoryBudget();
  let shardBytes = MIN_SHARD_BYTES;
  try {
    shardBytes = chooseShardBytes(memoryBytes, workers);
  } catch {}
  return { shardBytes, memoryBytes };
}

/** The free slot written after each document (its separator) and at the end (the sentinel). */
const SLOT = new Uint8Array(1);

/**
 * Accumulates one shard's documents: the text goes straight to a file in the suffix sorter's layout (each
 * document followed by a free slot for its separator, then a slot for the sentinel; see ShardInput.text),
 * which the builder reads back. So the reading thread holds no shard text: the text costs page cache, not
 * memory of this process, and leaves nothing behind for the garbage collector. Metadata stays in memory.
 */
class ShardAccumulator {
  /** Document bytes added so far (without the separator slots). */
  bytes = 0;
  lengths: number[] = [];
  meta: Uint8Array[] = [];
  metaLen = 0;
  private fd: number | null;
  constructor(
    readonly domain: string,
    readonly file: string,
  ) {
    this.fd = openSync(file, "w");
  }
  add(bytes: Uint8Array, metaJson: Uint8Array): void {
    writevSync(this.fd!, [bytes, SLOT]);
    this.bytes += bytes.length;
    this.lengths.push(bytes.length);
    this.meta.push(metaJson);
    this.metaLen += metaJson.length;
  }
  /** Closes the file (idempotent); used on failure too. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
  /** The shard, with an empty `text`: the builder reads it from `file`. */
  toInput(name: string, saRate: number, isaRate: number): ShardInput {
    writeSync(this.fd!, SLOT);
    this.close();
    const metaJson = new Uint8Array(this.metaLen);
    const metaOffsets = new Uint32Array(this.meta.length + 1);
    let off = 0;
    this.meta.forEach((m, i) => {
      metaOffsets[i] = off;
      metaJson.set(m, off);
      off += m.length;
    });
    metaOffsets[this.meta.length] = off;
    return {
      name,
      domain: this.domain,
      text: new Uint8Array(0),
      docLengths: Uint32Array.from(this.lengths),
      metaJson,
      metaOffsets,
      saRate,
      isaRate,
    };
  }
}

const encoder = new TextEncoder();

/** Validates one JSONL record into a document; throws a message (the caller adds file and line). */
export function parseRecord(value: unknown, fallbackId: string): CorpusDoc {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error("record is not an object");
  const r = value as Record<string, unknown>;
  if (typeof r.text !== "string") throw new Error('field "text" must be a string');
  if (r.domain !== undefined && (typeof r.domain !== "string" || r.domain === "")) {
    throw new Error('field "domain" must be a non-empty string');
  }
  if (r.id !== undefined && typeof r.id !== "string" && typeof r.id !== "number") {
    throw new Error('field "id" must be a string or number');
  }
  if (r.meta !== undefined && (typeof r.meta !== "object" || r.meta === null || Array.isArray(r.meta))) {
    throw new Error('field "meta" must be an object');
  }
  return {
    id: r.id === undefined ? fallbackId : String(r.id),
    domain: (r.domain as string | undefined) ?? "default",
    text: r.text,
    meta: r.meta as Record<string, unknown> | undefined,
  };
}

/** A shard handed to the builders: its result is written to `part-<job>.fmi` and renamed at the end. */
interface ShardJob {
  job: number;
  bytes: number;
  meta?: ShardMeta;
  fileBytes?: number;
  sha256?: string;
}

/**
 * Builds an index folder. Time O(N) for N corpus bytes (SA-IS, linear BWT and wavelet construction),
 * shards built in parallel by `workers` threads. A shard is handed to a worker as soon as it is complete
 * (the next document of its domain would overflow it), while the input is still being read, and the main
 * thread keeps no copy of its text; the shards still open when the input ends go largest first. File
 * names and order do not depend on that timing: shards are numbered at the end, by domain name, then by
 * position within the domain. The text of the shards being read goes to files in the temporary folder
 * (page cache, not this process's memory). The shard size comes from the memory budget (shardPlan).
 * Peak memory about 5 bytes per byte of the largest shard a
 * worker builds (text n, SA 4n, kept for its next shards; 6n when a shard's bytes take more than 254
 * distinct values), times the number of workers, plus ~10 MB per worker and the reading thread's heap:
 * measured 416 MB (6.6x) for the 62.9 MB default corpus with 2 workers (its email domain, 32.5 MB, is one
 * shard; 323 MB with `--max-shard-mb 16`).
 */
export async function buildFmIndex(opts: BuildOptions): Promise<BuildResult> {
  const t0 = performance.now();
  const plan = shardPlan(opts);
  const maxShard = plan.shardBytes;
  const saRate = opts.saRate ?? DEFAULT_SA_RATE;
  const isaRate = opts.isaRate ?? DEFAULT_ISA_RATE;
  const hash = createHash("sha256");
  let sourceBytes = 0;
  const totalInputBytes = (opts.inputs ?? []).reduce((s, p) => s + statSync(p).size, 0);
  let readBytesBefore = 0;
  let lastReport = 0;
  const report = (p: Omit<BuildProgress, "elapsedMs" | "rate" | "etaMs">, force = false) => {
    if (!opts.onProgress) return;
    const now = performance.now();
    if (!force && now - lastReport < 200) return;
    lastReport = now;
    const elapsedMs = now - t0;
    const rate = p.doneBytes / 1e6 / Math.max(elapsedMs / 1000, 1e-3);
    const etaMs = p.doneBytes > 0 ? (elapsedMs * (p.totalBytes - p.doneBytes)) / p.doneBytes : null;
    opts.onProgress({ ...p, elapsedMs, rate, etaMs });
  };

  const out = resolve(opts.out);
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}-${Date.now().toString(36)}`;
  mkdirSync(tmp, { recursive: true });
  const partFile = (job: number) => join(tmp, `part-${job}.fmi`);

  // Builders: worker threads when a worker entry is available, else this thread. Build progress is
  // reported once reading is over (the total is not known before).
  const jobs: ShardJob[] = [];
  const done = new Map<number, number>();
  let reading = true;
  let totalBytes = 0;
  const progressOf = (job: number, stage: BuildProgress["stage"], bytes: number) => {
    done.set(job, bytes);
    if (reading) return;
    let sum = 0;
    for (const v of done.values()) sum += v;
    report({ stage, doneBytes: sum, totalBytes });
  };
  const save = (job: ShardJob, written: WrittenShard) => {
    job.meta = written.meta;
    job.fileBytes = written.fileBytes;
    job.sha256 = written.sha256;
    progressOf(job.job, "write", job.bytes);
  };
  const nWorkers = Math.max(0, opts.workers ?? 2);
  const workerUrl =
    nWorkers > 0 ? resolveWorker("fm-build-worker", import.meta.url, "./build-worker.ts") : null;
  const pool = workerUrl
    ? new BuildWorkerPool(workerUrl, await bundledWorkerSource(workerUrl), nWorkers, progressOf)
    : null;
  // Reading files takes a while: start the workers now, so their startup is not on the critical path.
  if ((opts.inputs ?? []).length > 0) pool?.warm();
  const pending: Promise<void>[] = [];
  const local: { job: ShardJob; input: ShardInput; file: string }[] = [];
  // A part build cannot know a shard's place in the manifest while reading: it builds after reading.
  const deferred: { job: ShardJob; acc: ShardAccumulator; name: string }[] = [];
  const submit = (acc: ShardAccumulator, name: string) => {
    const job: ShardJob = { job: jobs.length, bytes: acc.bytes };
    jobs.push(job);
    if (opts.part) {
      deferred.push({ job, acc, name });
      return job;
    }
    return start(job, acc, name);
  };
  const start = (job: ShardJob, acc: ShardAccumulator, name: string) => {
    const input = acc.toInput(name, saRate, isaRate);
    if (!pool) {
      local.push({ job, input, file: acc.file });
      return job;
    }
    const p = pool.run(job.job, input, acc.file, partFile(job.job)).then((w) => save(job, w));
    // Failures surface from Promise.all below; this keeps an early one from counting as unhandled.
    p.catch(() => {});
    pending.push(p);
    return job;
  };
  let textFiles = 0;
  const open: ShardAccumulator[] = [];
  const newShard = (domain: string) => {
    const acc = new ShardAccumulator(domain, join(tmp, `text-${textFiles++}.bin`));
    open.push(acc);
    return acc;
  };

  try {
    // 1. Read and group documents by domain, splitting at maxShard; a full shard goes to a builder at once.
    const groups = new Map<string, { open: ShardAccumulator; sealed: ShardJob[] }>();
    let skipped = 0;
    const addDoc = (doc: CorpusDoc) => {
      const bytes = typeof doc.text === "string" ? encoder.encode(doc.text) : doc.text;
      const metaJson = encoder.encode(JSON.stringify({ id: doc.id, meta: doc.meta ?? {} }));
      let group = groups.get(doc.domain);
      if (!group) {
        group = { open: newShard(doc.domain), sealed: [] };
        groups.set(doc.domain, group);
      }
      const acc = group.open;
      if (acc.bytes > 0 && acc.bytes + bytes.length > maxShard) {
        // The domain is split, so this shard's name is final: domain-k.
        group.sealed.push(submit(acc, `${doc.domain}-${group.sealed.length}`));
        group.open = newShard(doc.domain);
      }
      group.open.add(bytes, metaJson);
    };
    for (const path of opts.inputs ?? []) {
      const name = basename(path);
      for await (const { line, value } of readJsonl(path, {
        skipBad: opts.skipBad,
        onSkip: () => skipped++,
        hash,
        onBytes: (b) =>
          report({ stage: "read", doneBytes: readBytesBefore + b, totalBytes: totalInputBytes }),
      })) {
        let doc: CorpusDoc;
        try {
          doc = parseRecord(value, `${name}:${line}`);
        } catch (e) {
          if (opts.skipBad) {
            skipped++;
            continue;
          }
          throw new FmInputError(path, line, (e as Error).message);
        }
        addDoc(doc);
      }
      readBytesBefore += statSync(path).size;
      sourceBytes += statSync(path).size;
    }
    for (const doc of opts.docs ?? []) {
      const bytes = typeof doc.text === "string" ? encoder.encode(doc.text) : doc.text;
      hash.update(encoder.encode(JSON.stringify([doc.id, doc.domain, doc.meta ?? {}, bytes.length])));
      hash.update(bytes);
      sourceBytes += bytes.length;
      addDoc(doc);
    }

    // 2. The last shard of each domain: named after the domain alone when the domain was not split.
    // Largest first, so that the parallel builds finish together.
    const last = [...groups.entries()]
      .map(([domain, g]) => ({
        g,
        name: g.sealed.length === 0 ? domain : `${domain}-${g.sealed.length}`,
      }))
      .sort((a, b) => b.g.open.bytes - a.g.open.bytes || (a.name < b.name ? -1 : 1));
    for (const { g, name } of last) g.sealed.push(submit(g.open, name));
    // Order in the manifest: by domain name, then by position within the domain.
    const ordered = [...groups.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .flatMap(([, g]) => g.sealed);
    groups.clear();
    totalBytes = jobs.reduce((sum, j) => sum + j.bytes, 0);
    reading = false;
    const built = partShards(ordered.length, opts.part);
    if (opts.part) {
      const chosen = new Set(built.map((k) => ordered[k]));
      for (const { job, acc, name } of deferred) {
        if (chosen.has(job)) start(job, acc, name);
        else {
          acc.close();
          rmSync(acc.file, { force: true });
        }
      }
      totalBytes = [...chosen].reduce((sum, j) => sum + j.bytes, 0);
    }

    // 3. Wait for the builders (or build here, largest first), then number the files.
    local.sort((a, b) => b.job.bytes - a.job.bytes || a.job.job - b.job.job);
    const scratch: ShardScratch = {};
    for (const { job, input, file } of local.splice(0)) {
      input.text = readShardText(file, scratch);
      const written = buildShardFile(
        input,
        partFile(job.job),
        (stage, b) => progressOf(job.job, stage, b),
        scratch,
      );
      save(job, written);
    }
    await Promise.all(pending);
    const shards: ManifestShard[] = built.map((k) => {
      const job = ordered[k];
      const file = shardFileName(k);
      renameSync(partFile(job.job), join(tmp, file));
      const meta = job.meta!;
      return {
        name: meta.name,
        file,
        domain: meta.domain,
        docs: meta.docs,
        bytes: meta.textBytes,
        fileBytes: job.fileBytes!,
        sha256: job.sha256!,
      };
    });
    const manifest = indexManifest(
      { sha256: hash.digest("hex"), bytes: sourceBytes },
      saRate,
      isaRate,
      shards,
    );
    const written = opts.part ? partManifest(manifest, opts.part, maxShard, ordered.length, built) : manifest;
    writeFileSync(join(tmp, "manifest.json"), `${JSON.stringify(written, null, 2)}\n`);
    // 4. Swap into place atomically: readers see the old index or the new one, never neither.
    replaceDirAtomically(tmp, out);
    report({ stage: "done", doneBytes: totalBytes, totalBytes }, true);
    return {
      manifest,
      skipped,
      elapsedMs: performance.now() - t0,
      shardBytes: maxShard,
      memoryBytes: plan.memoryBytes,
    };
  } catch (e) {
    for (const acc of open) acc.close();
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    pool?.close();
  }
}

/**
 * When the build runs from TypeScript sources (under tsx), its worker would load tsx's loader in each
 * thread: about 19 MB of memory per worker and a slower start. Instead the worker entry is bundled here
 * with esbuild (which tsx itself runs on) into one plain script, in ~0.1 s. Returns null when the worker is
 * already plain JS (a bundled engine) or esbuild is not available; the worker is then started from its URL.
 */
async function bundledWorkerSource(url: URL): Promise<string | null> {
  if (!url.pathname.endsWith(".ts")) return null;
  try {
    // Bundlers of the engine (Next.js's Turbopack, esbuild) must not try to bundle esbuild itself: a
    // computed specifier is constant-folded by Turbopack, so it is told to ignore the import as well.
    const specifier = "esbuild";
    const esbuild = (await import(
      /* turbopackIgnore: true */ /* webpackIgnore: true */ specifier
    )) as typeof import("esbuild");
    const out = await esbuild.build({
      entryPoints: [fileURLToPath(url)],
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      write: false,
      logLevel: "silent",
    });
    return out.outputFiles[0].text;
  } catch {
    return null;
  }
}

interface WorkerReply {
  id: number;
  type: string;
  stage?: string;
  doneBytes?: number;
  written?: WrittenShard;
  message?: string;
}

/**
 * Up to `size` worker threads, started on demand, each building one shard at a time; jobs wait in
 * submission order. A job's text is in a file, which the worker reads (and deletes); the worker writes the
 * shard's file itself and answers with its size and hash. Not ./worker-pool.ts's WorkerPool (the query pool):
 * a build's workers start lazily from a bundled source, stream progress and must never be timed out.
 */
class BuildWorkerPool {
  private idle: Worker[] = [];
  private all: Worker[] = [];
  private queue: { id: number; input: ShardInput; file: string; out: string }[] = [];
  private waiting = new Map<
    number,
    { resolve: (r: WrittenShard) => void; reject: (e: Error) => void; name: string }
  >();
  /** Set once the pool is closed: by the first failure, or when the build ends. */
  private stopped: Error | null = null;

  constructor(
    private readonly url: URL,
    /** The worker as one plain-JS script (see bundledWorkerSource), or null to start it from `url`. */
    private readonly source: string | null,
    private readonly size: number,
    private readonly progressOf: (job: number, stage: BuildProgress["stage"], bytes: number) => void,
  ) {}

  run(id: number, input: ShardInput, file: string, out: string): Promise<WrittenShard> {
    return new Promise((resolvePromise, reject) => {
      if (this.stopped) {
        reject(this.stopped);
        return;
      }
      this.waiting.set(id, { resolve: resolvePromise, reject, name: input.name });
      this.queue.push({ id, input, file, out });
      this.dispatch();
    });
  }

  /** Starts all workers ahead of the first job. */
  warm(): void {
    while (this.all.length < this.size) this.idle.push(this.start());
  }

  close(err = new Error("build stopped")): void {
    this.stopped ??= err;
    for (const w of this.all) void w.terminate();
    for (const [, job] of this.waiting) job.reject(this.stopped);
    this.waiting.clear();
    this.queue = [];
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.stopped) {
      let w = this.idle.pop();
      if (!w) {
        if (this.all.length >= this.size) return;
        w = this.start();
      }
      w.postMessage(this.queue.shift()!);
    }
  }

  private start(): Worker {
    const w = this.source !== null ? new Worker(this.source, { eval: true }) : startWorker(this.url);
    this.all.push(w);
    w.on("message", (msg: WorkerReply) => {
      const job = this.waiting.get(msg.id);
      if (msg.type === "progress")
        this.progressOf(msg.id, msg.stage as BuildProgress["stage"], msg.doneBytes ?? 0);
      else if (msg.type === "error") this.close(new Error(`building shard ${job?.name}: ${msg.message}`));
      else if (msg.type === "done") {
        this.waiting.delete(msg.id);
        this.idle.push(w);
        this.dispatch();
        job?.resolve(msg.written!);
      }
    });
    w.on("error", (e) => this.close(e));
    return w;
  }
}
