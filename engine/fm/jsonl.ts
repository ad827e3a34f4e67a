/**
 * Line-by-line reading of JSONL files (plain or gzip, detected by the `.gz` suffix or the gzip magic bytes),
 * with errors that name the file and the 1-based line. Lines are split by ../lines.ts.
 */

import type { createHash } from "node:crypto";
import { closeSync, createReadStream, openSync, readSync } from "node:fs";
import { Transform } from "node:stream";
import { createGunzip } from "node:zlib";
import { DEFAULT_MAX_LINE_BYTES, lines } from "../lines";
import { FmInputError } from "./errors";

function isGzip(path: string): boolean {
  if (path.endsWith(".gz")) return true;
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

export interface JsonlLine {
  line: number;
  value: unknown;
}

export interface ReadJsonlOptions {
  /** Skip malformed lines instead of throwing; `onSkip` is told each one. */
  skipBad?: boolean;
  onSkip?: (line: number, message: string) => void;
  /** Told the number of raw (compressed) bytes read so far. */
  onBytes?: (bytes: number) => void;
  /** Fed every raw byte of the file (e.g. to fingerprint it). */
  hash?: ReturnType<typeof createHash>;
  /** Longest line accepted (default DEFAULT_MAX_LINE_BYTES); a longer one is an error, or skipped. */
  maxLineBytes?: number;
}

/**
 * Yields each non-blank line parsed as JSON. Throws FmInputError(file, line) on invalid JSON or a line over
 * `maxLineBytes` unless `skipBad`. Time O(file size); memory O(longest line accepted).
 */
export async function* readJsonl(path: string, opts: ReadJsonlOptions = {}): AsyncGenerator<JsonlLine> {
  let raw: NodeJS.ReadableStream;
  try {
    raw = createReadStream(path, { highWaterMark: 1 << 20 });
    await new Promise<void>((resolve, reject) => {
      (raw as ReturnType<typeof createReadStream>).once("open", () => resolve());
      raw.once("error", reject);
    });
  } catch (e) {
    throw new FmInputError(path, 0, `cannot read: ${(e as Error).message}`);
  }
  let seen = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      opts.hash?.update(chunk);
      opts.onBytes?.(seen);
      cb(null, chunk);
    },
  });
  let stream: NodeJS.ReadableStream = raw.pipe(tap);
  let gzipError = false;
  if (isGzip(path)) {
    const gunzip = createGunzip();
    gunzip.once("error", () => {
      gzipError = true;
    });
    stream = stream.pipe(gunzip);
  }
  let line = 0;
  try {
    const max = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    for await (const { text } of lines(stream as AsyncIterable<Buffer>, { maxLineBytes: max })) {
      line++;
      if (text === null) {
        const msg = `line longer than ${max} bytes (the limit: split the document)`;
        if (opts.skipBad) {
          opts.onSkip?.(line, msg);
          continue;
        }
        throw new FmInputError(path, line, msg);
      }
      if (text.trim() === "") continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        const msg = `invalid JSON (${(e as Error).message})`;
        if (opts.skipBad) {
          opts.onSkip?.(line, msg);
          continue;
        }
        throw new FmInputError(path, line, msg);
      }
      yield { line, value };
    }
  } catch (e) {
    if (e instanceof FmInputError) throw e;
    if (gzipError) throw new FmInputError(path, line + 1, `corrupt gzip data (${(e as Error).message})`);
    throw new FmInputError(path, line + 1, `cannot read: ${(e as Error).message}`);
  } finally {
    (raw as ReturnType<typeof createReadStream>).destroy();
  }
}
