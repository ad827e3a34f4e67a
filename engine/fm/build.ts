/**
 * buildFmIndex: JSONL files or in-memory documents -> an index folder (one shard per domain, large domains
 * split by size, plus manifest.json), written to a temporary folder beside the target and renamed into
 * place, so an interrupted build leaves the previous index intact.
 */

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Worker } from "node:worker_threads";
import {
  buildShard,
  DEFAULT_ISA_RATE,
  DEFAULT_SA_RATE,
  MAX_SHARD_BYTES,
  type ShardInput,
  type ShardMeta,
} from "./build-shard";
import { FmInputError } from "./errors";
import { FORMAT_VERSION } from "./format";
import { readJsonl } from "./jsonl";
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
  /** Split a domain into shards of at most this many text bytes (default 16 MiB). */
  maxShardBytes?: number;
  /** Worker threads building shards in parallel (default 2; 0 builds in this thread). */
  workers?: number;
  /** Skip malformed JSONL lines instead of failing; the number skipped is returned. */
  skipBad?: boolean;
  saRate?: number;
  isaRate?: number;
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
  skipped: number;
  elapsedMs: number;
}

export const DEFAULT_MAX_SHARD_BYTES = 16 * 1024 * 1024;

/** Accumulates one shard's documents into growable buffers. */
class ShardAccumulator {
  text = new Uint8Array(1 << 16);
  textLen = 0;
  lengths: number[] = [];
  meta: Uint8Array[] = [];
  metaLen = 0;
  constructor(readonly domain: string) {}
  add(bytes: Uint8Array, metaJson: Uint8Array): void {
    if (this.textLen + bytes.length > this.text.length) {
      let cap = this.text.length;
      while (cap < this.textLen + bytes.length) cap *= 2;
      const grown = new Uint8Array(cap);
      grown.set(this.text.subarray(0, this.textLen));
      this.text = grown;
    }
    this.text.set(bytes, this.textLen);
    this.textLen += bytes.length;
    this.lengths.push(bytes.length);
    this.meta.push(metaJson);
    this.metaLen += metaJson.length;
  }
  toInput(name: string, saRate: number, isaRate: number): ShardInput {
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
      // A view, not a copy: the buffer is handed over (transferred to a worker) and not used here again.
      text: this.text.subarray(0, this.textLen),
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

/**
 * Builds an index folder. Time O(N) for N corpus bytes (SA-IS, linear BWT and wavelet construction),
 * shards built in parallel by `workers` threads. Peak memory about 13 bytes per byte of each shard
 * being built, times the number of workers, plus the corpus held once in memory.
 */
export async function buildFmIndex(opts: BuildOptions): Promise<BuildResult> {
  const t0 = performance.now();
  const maxShard = Math.min(opts.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES, MAX_SHARD_BYTES);
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

  // 1. Read and group documents by domain, splitting at maxShard.
  const groups = new Map<string, ShardAccumulator[]>();
  let skipped = 0;
  const addDoc = (doc: CorpusDoc) => {
    const bytes = typeof doc.text === "string" ? encoder.encode(doc.text) : doc.text;
    const metaJson = encoder.encode(JSON.stringify({ id: doc.id, meta: doc.meta ?? {} }));
    let list = groups.get(doc.domain);
    if (!list) {
      list = [new ShardAccumulator(doc.domain)];
      groups.set(doc.domain, list);
    }
    let acc = list[list.length - 1];
    if (acc.textLen > 0 && acc.textLen + bytes.length > maxShard) {
      acc = new ShardAccumulator(doc.domain);
      list.push(acc);
    }
    acc.add(bytes, metaJson);
  };
  for (const path of opts.inputs ?? []) {
    const name = basename(path);
    for await (const { line, value } of readJsonl(path, {
      skipBad: opts.skipBad,
      onSkip: () => skipped++,
      hash,
      onBytes: (b) => report({ stage: "read", doneBytes: readBytesBefore + b, totalBytes: totalInputBytes }),
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

  // 2. Name shards: the domain itself, or domain-k when the domain is split.
  const inputs: ShardInput[] = [];
  for (const [domain, list] of [...groups.entries()].sort((a, b) =>
    a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0,
  )) {
    list.forEach((acc, k) => {
      inputs.push(acc.toInput(list.length === 1 ? domain : `${domain}-${k}`, saRate, isaRate));
    });
  }
  groups.clear();
  const totalBytes = inputs.reduce((s, i) => s + i.text.length, 0);

  // 3. Build shards (in parallel when a worker entry is available) into a temporary folder.
  const out = resolve(opts.out);
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}-${Date.now().toString(36)}`;
  mkdirSync(tmp, { recursive: true });
  try {
    const done = new Float64Array(inputs.length);
    const sizes = inputs.map((i) => i.text.length);
    const progressOf = (k: number, stage: BuildProgress["stage"], bytes: number) => {
      done[k] = bytes;
      report({ stage, doneBytes: done.reduce((a, b) => a + b, 0), totalBytes });
    };
    const shards: ManifestShard[] = new Array(inputs.length);
    const metas: ShardMeta[] = new Array(inputs.length);
    const save = (k: number, bytes: Uint8Array, meta: ShardMeta) => {
      const file = `${String(k).padStart(3, "0")}.fmi`;
      writeFileSync(join(tmp, file), bytes);
      metas[k] = meta;
      shards[k] = {
        name: meta.name,
        file,
        domain: meta.domain,
        docs: meta.docs,
        bytes: meta.textBytes,
        fileBytes: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
      };
      progressOf(k, "write", sizes[k]);
    };
    const nWorkers = Math.min(opts.workers ?? 2, inputs.length);
    const workerUrl =
      nWorkers > 0 ? resolveWorker("fm-build-worker", import.meta.url, "./build-worker.ts") : null;
    // Largest shards first so the parallel build finishes together.
    const order = inputs
      .map((_, k) => k)
      .sort((a, b) => inputs[b].text.length - inputs[a].text.length || a - b);
    if (workerUrl && nWorkers > 0) {
      await runInWorkers(workerUrl, nWorkers, order, inputs, save, progressOf);
    } else {
      for (const k of order) {
        const { bytes, meta } = buildShard(inputs[k], (stage, b) => progressOf(k, stage, b));
        save(k, bytes, meta);
      }
    }
    const manifest: Manifest = {
      format: "flexmix-fm-index",
      version: FORMAT_VERSION,
      source: { sha256: hash.digest("hex"), bytes: sourceBytes },
      totalDocs: shards.reduce((s, x) => s + x.docs, 0),
      totalBytes,
      indexBytes: shards.reduce((s, x) => s + x.fileBytes, 0),
      saRate,
      isaRate,
      shards,
    };
    writeFileSync(join(tmp, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    // 4. Swap into place: the old folder is moved aside first, so a failure leaves one of the two intact.
    if (existsSync(out)) {
      const old = `${out}.old-${process.pid}-${Date.now().toString(36)}`;
      renameSync(out, old);
      renameSync(tmp, out);
      rmSync(old, { recursive: true, force: true });
    } else renameSync(tmp, out);
    report({ stage: "done", doneBytes: totalBytes, totalBytes }, true);
    return { manifest, skipped, elapsedMs: performance.now() - t0 };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

function runInWorkers(
  url: URL,
  nWorkers: number,
  order: number[],
  inputs: ShardInput[],
  save: (k: number, bytes: Uint8Array, meta: ShardMeta) => void,
  progressOf: (k: number, stage: BuildProgress["stage"], bytes: number) => void,
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const queue = [...order];
    let running = 0;
    let failed = false;
    const workers: Worker[] = [];
    const finish = (err?: Error) => {
      if (failed) return;
      if (err) failed = true;
      if (err || (queue.length === 0 && running === 0)) {
        for (const w of workers) void w.terminate();
        if (err) reject(err);
        else resolvePromise();
      }
    };
    const feed = (w: Worker) => {
      const k = queue.shift();
      if (k === undefined) return;
      running++;
      const input = inputs[k];
      w.postMessage({ id: k, input }, [input.text.buffer as ArrayBuffer]);
    };
    for (let i = 0; i < nWorkers; i++) {
      const w = startWorker(url);
      workers.push(w);
      w.on(
        "message",
        (msg: {
          id: number;
          type: string;
          stage?: string;
          doneBytes?: number;
          bytes?: Uint8Array;
          meta?: ShardMeta;
          message?: string;
        }) => {
          if (msg.type === "progress")
            progressOf(msg.id, msg.stage as BuildProgress["stage"], msg.doneBytes ?? 0);
          else if (msg.type === "error")
            finish(new Error(`building shard ${inputs[msg.id].name}: ${msg.message}`));
          else if (msg.type === "done") {
            running--;
            try {
              save(msg.id, msg.bytes!, msg.meta!);
            } catch (e) {
              finish(e as Error);
              return;
            }
            feed(w);
            finish();
          }
        },
      );
      w.on("error", (e) => finish(e));
      feed(w);
    }
  });
}
