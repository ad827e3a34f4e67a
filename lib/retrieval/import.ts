/**
 * Streaming paper import from a file (arXiv snapshot, OpenAlex works, or this app's JSONL; plain or gzip),
 * resumable and with progress. Memory is flat in the file size: lines are read in 1 MiB chunks, papers are
 * written in batches, and only the current batch is held.
 *
 * Resuming: the file's fingerprint (absolute path, size, SHA-256 of its first 64 KiB) names the import; each
 * batch commits the byte offset and line count after its last line together with its papers
 * (lib/retrieval/store.ts `writeBatch`), so an import stopped anywhere (Ctrl-C, a crash, a reboot) continues
 * after the last committed line when started again on the same file, and nothing is stored twice. A gzip
 * file is decompressed again from the start and the committed bytes are skipped.
 */
import { createHash } from "node:crypto";
import { open, stat } from "node:fs/promises";
import path from "node:path";
import { resolveWorker, startWorker } from "../../engine/worker-path";
import type { SqlClient } from "../db/sql";
import { type ReadBatch, type ReadOptions, readBatches } from "./import-reader";
import { type PaperFormat, PaperImportError } from "./papers";
import { type BatchCounts, writeBatch } from "./store";

export interface ImportOptions {
  format: PaperFormat;
  /** Papers per transaction (default 8,000: larger batches update fewer term statistics per paper). */
  batchSize?: number;
  /** Stop at the first bad line, before writing the batch that holds it (default: skip it and go on). */
  strict?: boolean;
  /** Start again from the beginning even if an earlier import of this file was interrupted or finished. */
  restart?: boolean;
  /** Called after every committed batch. */
  onProgress?: (p: ImportProgress) => void;
  /** Stops after the batch being written; the import can be resumed later. */
  signal?: AbortSignal;
  /** Longest line accepted (default 16 MiB); longer lines are skipped without being held in memory. */
  maxLineBytes?: number;
  /** Files from this size on are read in a worker thread (default 4 MiB; smaller ones are not worth its start). */
  workerMinBytes?: number;
}

export interface ImportProgress {
  importId: string;
  /** Bytes of the (decompressed) input committed so far, and the input's size on disk. */
  position: number;
  fileBytes: number;
  lines: number;
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
  /** The first few skipped lines with their reason. */
  errors: string[];
  /** Papers per second in this run. */
  rate: number;
}

export interface ImportSummary extends ImportProgress {
  status: "done" | "stopped" | "already-done";
  /** Lines of the file this run started after (0 unless it resumed an interrupted import). */
  resumedAt: number;
  seconds: number;
}

const MAX_REPORTED_ERRORS = 10;

/**
 * Batches from ./import-worker.ts, or in-process when there is no worker entry (a Next.js bundle without
 * dist/engine). The worker keeps at most two batches ready ahead of the writer.
 */
async function* readInWorker(read: ReadOptions): AsyncGenerator<ReadBatch> {
  const url =
    process.env.PAPER_IMPORT_WORKER === "off"
      ? null
      : resolveWorker("paper-import-worker", import.meta.url, "./import-worker.ts");
  if (!url) {
    yield* readBatches(read);
    return;
  }
  type Message =
    | { batch: ReadBatch }
    | { done: true }
    | { error: { message: string; line?: number; code?: string } };
  const worker = startWorker(url, { workerData: read });
  const queue: Message[] = [];
  let notify: (() => void) | null = null;
  const push = (m: Message) => {
    queue.push(m);
    notify?.();
    notify = null;
  };
  worker.on("message", push);
  worker.on("error", (e) => push({ error: { message: e.message } }));
  worker.on("exit", (code) => push({ error: { message: `the import worker stopped (exit code ${code})` } }));
  try {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((r) => (notify = r));
      const m = queue.shift()!;
      if ("batch" in m) {
        yield m.batch;
        worker.postMessage("next");
      } else if ("done" in m) return;
      else {
        if (m.error.line !== undefined) throw new PaperImportError(m.error.line, m.error.message);
        throw Object.assign(new Error(m.error.message), { code: m.error.code });
      }
    }
  } finally {
    worker.removeAllListeners("exit");
    await worker.terminate();
  }
}

export async function fileFingerprint(
  file: string,
): Promise<{ fingerprint: string; size: number; gzip: boolean }> {
  const abs = path.resolve(file);
  const { size } = await stat(abs);
  const handle = await open(abs, "r");
  try {
    const head = Buffer.alloc(Math.min(size, 65536));
    await handle.read(head, 0, head.length, 0);
    const digest = createHash("sha256").update(head).digest("hex").slice(0, 32);
    return { fingerprint: `${abs}:${size}:${digest}`, size, gzip: head[0] === 0x1f && head[1] === 0x8b };
  } finally {
    await handle.close();
  }
}

interface ImportRow {
  id: string;
  status: string;
  position: number | string;
  lines: number;
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
  error: string | null;
}

/**
 * Imports `file` into the collection. Throws PaperImportError in strict mode (naming the line), and the
 * file system's error when the file cannot be read.
 */
export async function importPapersFile(
  sql: SqlClient,
  file: string,
  options: ImportOptions,
): Promise<ImportSummary> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 8000;
  const maxLineBytes = options.maxLineBytes ?? 16 * 1024 * 1024;
  const { fingerprint, size, gzip } = await fileFingerprint(file);

  const [previous] = await sql.all<ImportRow>(
    `SELECT "id", "status", "position", "lines", "added", "updated", "unchanged", "skipped", "error"
     FROM "PaperImport" WHERE "fingerprint" = ? AND "format" = ? ORDER BY "createdAt" DESC LIMIT 1`,
    [fingerprint, options.format],
  );
  let row: ImportRow;
  if (previous && !options.restart && previous.status === "done") {
    return {
      ...summaryOf(previous, size, 0),
      status: "already-done",
      resumedAt: previous.lines,
      seconds: 0,
    };
  }
  if (previous && !options.restart) {
    row = previous;
    await sql.run(`UPDATE "PaperImport" SET "status" = 'running', "updatedAt" = ? WHERE "id" = ?`, [
      new Date(),
      row.id,
    ]);
  } else {
    const id = `imp_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    const now = new Date();
    await sql.run(
      `INSERT INTO "PaperImport" ("id", "fingerprint", "path", "format", "status", "position", "lines", "added",
         "updated", "unchanged", "skipped", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, 'running', 0, 0, 0, 0, 0, 0, ?, ?)`,
      [id, fingerprint, path.resolve(file), options.format, now, now],
    );
    row = {
      id,
      status: "running",
      position: 0,
      lines: 0,
      added: 0,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      error: null,
    };
  }
  const resumedAt = row.lines;
  const counts = { added: row.added, updated: row.updated, unchanged: row.unchanged, duplicates: 0 };
  const errors: string[] = row.error ? (JSON.parse(row.error) as string[]) : [];
  let skipped = row.skipped;
  let lineNo = row.lines;
  let position = Number(row.position);
  let written = 0;

  const progress = (): ImportProgress => ({
    importId: row.id,
    position,
    fileBytes: size,
    lines: lineNo,
    added: counts.added,
    updated: counts.updated,
    unchanged: counts.unchanged,
    skipped,
    errors: [...errors],
    rate: written / ((performance.now() - started) / 1000 || 1),
  });

  const read: ReadOptions = {
    file: path.resolve(file),
    format: options.format,
    gzip,
    position,
    lines: lineNo,
    batchSize,
    maxLineBytes,
    strict: options.strict ?? false,
    provider: sql.provider,
  };
  const batches =
    size >= (options.workerMinBytes ?? 4 * 1024 * 1024) ? readInWorker(read) : readBatches(read);
  let stopped = false;
  try {
    for await (const b of batches) {
      skipped += b.skipped.length;
      for (const e of b.skipped) if (errors.length < MAX_REPORTED_ERRORS) errors.push(e);
      const result: BatchCounts = await writeBatch(
        sql,
        b.papers,
        {
          importId: row.id,
          position: b.position,
          lines: b.lines,
          skipped,
          error: errors.length ? JSON.stringify(errors) : null,
        },
        counts,
        b.termCounts,
      );
      counts.added += result.added;
      counts.updated += result.updated;
      counts.unchanged += result.unchanged + result.duplicates;
      written += b.papers.length;
      position = b.position;
      lineNo = b.lines;
      options.onProgress?.(progress());
      if (options.signal?.aborted) {
        stopped = true;
        break;
      }
    }
    await sql.run(`UPDATE "PaperImport" SET "status" = ?, "finishedAt" = ?, "updatedAt" = ? WHERE "id" = ?`, [
      stopped ? "stopped" : "done",
      stopped ? null : new Date(),
      new Date(),
      row.id,
    ]);
  } catch (e) {
    await sql
      .run(`UPDATE "PaperImport" SET "status" = 'failed', "error" = ?, "updatedAt" = ? WHERE "id" = ?`, [
        JSON.stringify([...errors, String((e as Error)?.message ?? e)].slice(-MAX_REPORTED_ERRORS)),
        new Date(),
        row.id,
      ])
      .catch(() => {});
    throw e;
  } finally {
    await batches.return?.(undefined);
  }
  return {
    ...progress(),
    status: stopped ? "stopped" : "done",
    resumedAt,
    seconds: (performance.now() - started) / 1000,
  };
}

function summaryOf(r: ImportRow, size: number, rate: number): ImportProgress {
  return {
    importId: r.id,
    position: Number(r.position),
    fileBytes: size,
    lines: r.lines,
    added: r.added,
    updated: r.updated,
    unchanged: r.unchanged,
    skipped: r.skipped,
    errors: r.error ? (JSON.parse(r.error) as string[]) : [],
    rate,
  };
}
