/**
 * The reading half of an import: the file (plain or gzip) from a committed offset, split into lines,
 * parsed in the chosen format and prepared for the store (passages split, index terms made), in batches.
 * Pure CPU and file reading, no database: it runs in a worker thread (./import-worker.ts) while the main
 * thread writes the previous batch, or in-process when no worker is available.
 */
import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { lines } from "../../engine/lines";
import { type Paper, type PaperFormat, PaperImportError, recordParser } from "./papers";
import { type BatchTermCounts, PaperPreparer, type PreparedPaper } from "./store";

export interface ReadOptions {
  file: string;
  format: PaperFormat;
  gzip: boolean;
  /** Bytes of the (decompressed) input already committed, and their lines. */
  position: number;
  lines: number;
  batchSize: number;
  maxLineBytes: number;
  strict: boolean;
  /** The database the batches are for (the index rows differ). */
  provider: "sqlite" | "postgresql";
}

/** A batch of prepared papers and where the input stands after its last line. */
export interface ReadBatch {
  papers: PreparedPaper[];
  /** Offset just past the batch's last line, and the line count there. */
  position: number;
  lines: number;
  /** Lines skipped in this batch, with their reasons ("line N: ..."). */
  skipped: string[];
  /** The papers' document-frequency increments (`PaperPreparer.takeCounts`), summed here rather than by the writer. */
  termCounts?: BatchTermCounts;
}

/**
 * Batches of prepared papers from `position` on; the last batch may hold no papers (lines after the last
 * paper). Throws PaperImportError at the first bad line in strict mode.
 */
export async function* readBatches(o: ReadOptions): AsyncGenerator<ReadBatch> {
  const parse = recordParser(o.format);
  const preparer = new PaperPreparer(o.format, o.provider);
  const raw = createReadStream(o.file, { start: o.gzip ? 0 : o.position, highWaterMark: 1 << 20 });
  const source: AsyncIterable<Buffer> = o.gzip ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
  // Plain files are read from the committed offset; gzip is decompressed from the start and skipped.
  const base = o.gzip ? 0 : o.position;
  let lineNo = o.lines;
  let at = o.position;
  let batch: ReadBatch = { papers: [], position: at, lines: lineNo, skipped: [] };
  let yieldedLines = o.lines;
  try {
    const split = lines(source, { skip: o.gzip ? o.position : 0, maxLineBytes: o.maxLineBytes });
    for await (const { text: line, end } of split) {
      at = base + end;
      lineNo++;
      let paper: Paper | null = null;
      let reason: string | null = null;
      if (line === null) reason = `line ${lineNo}: longer than ${o.maxLineBytes} bytes`;
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
        if (o.strict) throw new PaperImportError(lineNo, reason.replace(/^line \d+: /, ""));
        batch.skipped.push(reason);
      }
      if (paper) batch.papers.push(preparer.prepare(paper));
      batch.position = at;
      batch.lines = lineNo;
      if (batch.papers.length >= o.batchSize) {
        batch.termCounts = preparer.takeCounts();
        yield batch;
        yieldedLines = lineNo;
        batch = { papers: [], position: at, lines: lineNo, skipped: [] };
      }
    }
    if (batch.lines > yieldedLines) {
      batch.termCounts = preparer.takeCounts();
      yield batch;
    }
  } finally {
    raw.destroy();
  }
}
