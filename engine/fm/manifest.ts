/**
 * The manifest of an index folder (manifest.json): the input's fingerprint, the sampling rates and every
 * shard's file, size and hash. Made by a build or a merge of parts, read and checked by every loader.
 */

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FmIndexFileError } from "./errors";
import { FORMAT_VERSION, versionMismatch } from "./format";

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

/** The manifest of a whole index from its shards (the one shape a build and a merge both write). */
export function indexManifest(
  source: Manifest["source"],
  saRate: number,
  isaRate: number,
  shards: ManifestShard[],
): Manifest {
  return {
    format: "flexmix-fm-index",
    version: FORMAT_VERSION,
    source,
    totalDocs: shards.reduce((s, x) => s + x.docs, 0),
    totalBytes: shards.reduce((s, x) => s + x.bytes, 0),
    indexBytes: shards.reduce((s, x) => s + x.fileBytes, 0),
    saRate,
    isaRate,
    shards,
  };
}

/** Reads and checks manifest.json. */
export function readManifest(dir: string): Manifest {
  const path = join(dir, "manifest.json");
  if (!existsSync(path))
    throw new FmIndexFileError("INDEX_MISSING", path, "no index here (manifest.json missing)");
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    throw new FmIndexFileError("INDEX_CORRUPT", path, "manifest.json is not valid JSON");
  }
  if (m.format !== "flexmix-fm-index" || !Array.isArray(m.shards)) {
    throw new FmIndexFileError("INDEX_CORRUPT", path, "not an FM-index manifest");
  }
  if (m.version !== FORMAT_VERSION) {
    throw new FmIndexFileError("INDEX_CORRUPT", path, versionMismatch(m.version));
  }
  return m;
}
