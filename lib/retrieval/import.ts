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
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import path from "node:path";
import { createGunzip } from "node:zlib";
import type { SqlClient } from "../db/sql";
import { type Paper, type PaperFormat, PaperImportError, recordParser } from "./papers";
import { type BatchCounts, type PreparedPaper, preparePaper, writeBatch } from "./store";

export interface ImportOptions {
  format: PaperFormat;
  /** Papers per transaction (default 2,000). */
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

/** Lines of a byte stream with the offset just past each, from `skip` bytes on; overlong lines come as null. */
async function* lines(
  stream: AsyncIterable<Buffer>,
  skip: number,
  maxLineBytes: number,
): AsyncGenerator<{ line: string | null; end: number }> {
  let offset = 0; // bytes of the stream consumed before `pending`
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overlong = false;
  for await (const chunk of stream) {
    let start = 0;
    if (offset + chunk.length <= skip) {
      offset += chunk.length;
      continue;
    }
    if (offset < skip) {
      start = skip - offset;
    }
    const base = offset; // stream offset of chunk[0]
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      const end = base + nl + 1;
      if (overlong || pendingBytes + (nl - start) > maxLineBytes) {
        yield { line: null, end };
      } else if (pendingBytes > 0) {
        pending.push(chunk.subarray(start, nl));
        yield { line: Buffer.concat(pending).toString("utf8"), end };
      } else {
        yield { line: chunk.toString("utf8", start, nl), end };
      }
      pending = [];
      pendingBytes = 0;
      overlong = false;
      start = nl + 1;
    }
    if (start < chunk.length) {
      if (!overlong && pendingBytes + (chunk.length - start) <= maxLineBytes) {
        pending.push(Buffer.from(chunk.subarray(start)));
        pendingBytes += chunk.length - start;
      } else {
        overlong = true;
        pending = [];
        pendingBytes = 0;
      }
    }
    offset += chunk.length;
  }
  if (overlong) yield { line: null, end: offset };
  else if (pendingBytes > 0) yield { line: Buffer.concat(pending).toString("utf8"), end: offset };
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
  const batchSize = options.batchSize ?? 2000;
  const maxLineBytes = options.maxLineBytes ?? 16 * 1024 * 1024;
  const parse = recordParser(options.format);
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
  let batch: PreparedPaper[] = [];

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
  const flush = async (endPosition: number) => {
    const result: BatchCounts = await writeBatch(
      sql,
      batch,
      {
        importId: row.id,
        position: endPosition,
        lines: lineNo,
        skipped,
        error: errors.length ? JSON.stringify(errors) : null,
      },
      counts,
    );
    counts.added += result.added;
    counts.updated += result.updated;
    counts.unchanged += result.unchanged + result.duplicates;
    written += batch.length;
    position = endPosition;
    batch = [];
    options.onProgress?.(progress());
  };
  const fail = async (e: unknown) => {
    await sql
      .run(`UPDATE "PaperImport" SET "status" = 'failed', "error" = ?, "updatedAt" = ? WHERE "id" = ?`, [
        JSON.stringify([...errors, String((e as Error)?.message ?? e)].slice(-MAX_REPORTED_ERRORS)),
        new Date(),
        row.id,
      ])
      .catch(() => {});
  };

  const startPosition = position;
  const raw = createReadStream(file, { start: gzip ? 0 : startPosition, highWaterMark: 1 << 20 });
  const source: AsyncIterable<Buffer> = gzip ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
  // Plain files are read from the committed offset; gzip is decompressed from the start and skipped.
  const base = gzip ? 0 : startPosition;
  let lastAt = startPosition;
  let stopped = false;
  try {
    for await (const { line, end } of lines(source, gzip ? startPosition : 0, maxLineBytes)) {
      lastAt = base + end;
      lineNo++;
      let paper: Paper | null = null;
      let reason: string | null = null;
      if (line === null) reason = `line ${lineNo}: longer than ${maxLineBytes} bytes`;
      else if (line.trim() !== "") {
        try {
          paper = parse(JSON.parse(line), lineNo);
        } catch (e) {
          reason =
            e instanceof PaperImportError
              ? e.message
              : `line ${lineNo}: invalid JSON (${(e as Error).message})`;
        }
      }
      if (reason !== null) {
        if (options.strict) throw new PaperImportError(lineNo, reason.replace(/^line \d+: /, ""));
        skipped++;
        if (errors.length < MAX_REPORTED_ERRORS) errors.push(reason);
      }
      if (paper) batch.push(preparePaper(paper, options.format));
      if (batch.length >= batchSize) {
        await flush(lastAt);
        if (options.signal?.aborted) {
          stopped = true;
          break;
        }
      }
    }
    if (stopped) {
      await sql.run(`UPDATE "PaperImport" SET "status" = 'stopped', "updatedAt" = ? WHERE "id" = ?`, [
        new Date(),
        row.id,
      ]);
    } else {
      if (batch.length > 0) await flush(lastAt);
      position = lastAt;
      await sql.run(
        `UPDATE "PaperImport" SET "status" = 'done', "position" = ?, "lines" = ?, "skipped" = ?, "error" = ?,
           "finishedAt" = ?, "updatedAt" = ? WHERE "id" = ?`,
        [
          position,
          lineNo,
          skipped,
          errors.length ? JSON.stringify(errors) : null,
          new Date(),
          new Date(),
          row.id,
        ],
      );
    }
  } catch (e) {
    await fail(e);
    throw e;
  } finally {
    raw.destroy();
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
