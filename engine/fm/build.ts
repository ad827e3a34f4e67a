/**
 * buildFmIndex: JSONL files or in-memory documents -> an index folder (one shard per domain, large domains
 * split by size, plus manifest.json), written to a temporary folder beside the target and renamed into
 * place, so an interrupted build leaves the previous index intact.
 *
 * This file orders the steps; each has its own file: text collection (./text-collection.ts), the shard size
 * from the memory budget (./memory-budget.ts), suffix sorting in worker threads (./build-workers.ts), one
 * shard's construction and file (./build-shard.ts), the manifest (./manifest.ts), parts (./build-parts.ts).
 */

import { createHash } from "node:crypto";
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { resolveWorker } from "../worker-path";
import { partManifest, partShards, shardFileName } from "./build-parts";
import {
  buildShardFile,
  DEFAULT_ISA_RATE,
  DEFAULT_SA_RATE,
  readShardText,
  type ShardInput,
  type ShardMeta,
  type ShardScratch,
  type WrittenShard,
} from "./build-shard";
import { BuildWorkerPool, bundledWorkerSource } from "./build-workers";
import { FmInputError } from "./errors";
import { readJsonl } from "./jsonl";
import { indexManifest, type Manifest, type ManifestShard } from "./manifest";
import { shardPlan } from "./memory-budget";
import { replaceDirAtomically } from "./replace-dir";
import { type CorpusDoc, parseRecord, ShardAccumulator } from "./text-collection";

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

export interface BuildResult {
  manifest: Manifest;
  /** The shard size limit used (chosen from the memory budget unless given). */
  shardBytes: number;
  /** The memory budget the shard size was chosen for (null when `maxShardBytes` was given alone). */
  memoryBytes: number | null;
  /** Shards sorted by each suffix sorter (native: libdivsufsort; see sais-native.ts). */
  sorters: Partial<Record<"native" | "wasm" | "js", number>>;
  skipped: number;
  elapsedMs: number;
}

const encoder = new TextEncoder();

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
  const sorters: BuildResult["sorters"] = {};
  const save = (job: ShardJob, written: WrittenShard) => {
    if (written.sorter) sorters[written.sorter] = (sorters[written.sorter] ?? 0) + 1;
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
      sorters,
    };
  } catch (e) {
    for (const acc of open) acc.close();
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    pool?.close();
  }
}
