/**
 * Line-by-line reading of JSONL files (plain or gzip, detected by the `.gz` suffix or the gzip magic bytes),
 * with errors that name the file and the 1-based line.
 */

import type { createHash } from "node:crypto";
import { closeSync, createReadStream, openSync, readSync } from "node:fs";
import { createInterface } from "node:readline";
import { Transform } from "node:stream";
import { createGunzip } from "node:zlib";
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
}

/**
 * Yields each non-blank line parsed as JSON. Throws FmInputError(file, line) on invalid JSON unless
 * `skipBad`. Time O(file size); memory O(longest line).
 */
export async function* readJsonl(path: string, opts: ReadJsonlOptions = {}): AsyncGenerator<JsonlLine> {
  let raw: NodeJS.ReadableStream;
  try {
    raw = createReadStream(path);
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
  let streamError: Error | null = null;
  const rl = (() => {
    if (isGzip(path)) {
      const gunzip = createGunzip();
      gunzip.on("error", (e) => {
        streamError = e;
        rl.close();
      });
      stream = stream.pipe(gunzip);
    }
    return createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  })();
  let line = 0;
  try {
    for await (const text of rl) {
      line++;
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
    if (streamError)
      throw new FmInputError(path, line + 1, `corrupt gzip data (${(streamError as Error).message})`);
  } catch (e) {
    if (e instanceof FmInputError) throw e;
    throw new FmInputError(path, line + 1, `cannot read: ${(e as Error).message}`);
  } finally {
    rl.close();
  }
}
