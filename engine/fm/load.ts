/**
 * Loading an index folder: its manifest and shard files read into memory (into SharedArrayBuffers for
 * worker threads), each file's size checked against the manifest, and its CRC-32s when wrapped in an FmIndex.
 */

import { closeSync, existsSync, fstatSync, openSync, readSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { allocateHuge } from "../huge-pages";
import { FmIndexFileError } from "./errors";
import { FmIndex } from "./fm-index";
import { type Manifest, readManifest } from "./manifest";

/** An index folder's manifest and shard files, as loadIndexFiles reads them. */
export interface LoadedIndex {
  manifest: Manifest;
  files: { file: string; bytes: Uint8Array }[];
}

/**
 * Reads every shard file of an index folder into memory, into SharedArrayBuffers when `shared` (so worker
 * threads can use them without copies). Checks each file's size against the manifest. Time O(index size).
 * With `only`, reads just those shards (manifest positions) and returns a manifest that lists just them.
 */
export function loadIndexFiles(linkOrDir: string, shared = false, only?: readonly number[]): LoadedIndex {
  // Resolved once: an index path is a link that a rebuild swaps (./replace-dir.ts); manifest and shards are
  // read from the one version it named when loading began.
  const dir = existsSync(linkOrDir) ? realpathSync(linkOrDir) : linkOrDir;
  const whole = readManifest(dir);
  // A shard server loads only its shards: the manifest it wraps lists those (`only`, manifest positions).
  const manifest = only ? { ...whole, shards: only.map((k) => whole.shards[k]) } : whole;
  const files = manifest.shards.map((sh) => {
    // Read from the resolved version; named by the configured path in errors.
    const path = join(linkOrDir, sh.file);
    const real = join(dir, sh.file);
    if (!existsSync(real)) throw new FmIndexFileError("INDEX_MISSING", path, "shard file missing");
    const fd = openSync(real, "r");
    try {
      const size = fstatSync(fd).size;
      if (size !== sh.fileBytes) {
        throw new FmIndexFileError(
          "INDEX_CORRUPT",
          path,
          `${size < sh.fileBytes ? "truncated" : "wrong size"}: ${size} bytes, manifest says ${sh.fileBytes}`,
        );
      }
      // Advised before the read touches it: a query's reads are random, and with 4 KiB pages most of each
      // one's latency is the page walk (../huge-pages.ts).
      const bytes = allocateHuge(size, shared);
      let off = 0;
      while (off < size) off += readSync(fd, bytes, off, size - off, off);
      return { file: path, bytes };
    } finally {
      closeSync(fd);
    }
  });
  return { manifest, files };
}

/**
 * Loads an index folder, checking sizes and CRC-32s (a truncated or corrupted file is refused with an
 * FmIndexFileError naming it). Time and memory O(index size).
 */
export function openFmIndex(dir: string, opts: { verify?: boolean; shared?: boolean } = {}): FmIndex {
  const { manifest, files } = loadIndexFiles(dir, opts.shared ?? false);
  return new FmIndex(manifest, files, opts.verify ?? true);
}
