/**
 * Building one index on several machines: `buildFmIndex({ part: { index: i, of: N } })` on each machine
 * (all read the same input, so all plan the same shards), then `mergeIndexParts` on one machine joins
 * the parts into the folder a one-machine build writes, byte for byte (same shard files, same manifest).
 *
 * Shard k (in manifest order) belongs to part (k mod N) + 1, so each part holds about 1/N of every
 * domain's shards. A part folder holds its shard files under their final names and a part manifest
 * (format "flexmix-fm-index-part") that records the input's fingerprint, the build settings and the
 * whole shard plan, so that parts of different inputs or settings are refused.
 */

import { createHash } from "node:crypto";
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { FmIndexFileError, FmUsageError } from "./errors";
import { FORMAT_VERSION } from "./format";
import { indexManifest, type Manifest, type ManifestShard } from "./manifest";
import { replaceDirAtomically } from "./replace-dir";

export interface PartManifest {
  format: "flexmix-fm-index-part";
  version: number;
  part: { index: number; of: number };
  source: Manifest["source"];
  saRate: number;
  isaRate: number;
  maxShardBytes: number;
  /** Shards of the whole index, in manifest order (this part builds those with k mod of = index - 1). */
  plan: number;
  /** The shards this part built, with their final file names. */
  shards: ManifestShard[];
}

/** File name of the k-th shard of an index. */
export function shardFileName(k: number): string {
  return `${String(k).padStart(3, "0")}.fmi`;
}

/** Parses "i/N" (1 <= i <= N). Throws FmUsageError. */
export function parsePart(text: string): { index: number; of: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const of = m ? Number(m[2]) : Number.NaN;
  if (!m || of < 1 || index < 1 || index > of || of > 1000) {
    throw new FmUsageError(`--part must be i/N with 1 <= i <= N (got "${text}")`);
  }
  return { index, of };
}

/** Manifest positions of the shards a build writes: all of them, or those of one part. */
export function partShards(total: number, part?: { index: number; of: number }): number[] {
  const all = Array.from({ length: total }, (_, k) => k);
  return part ? all.filter((k) => k % part.of === part.index - 1) : all;
}

/** The part manifest of a part build (its `manifest` lists only the part's shards). */
export function partManifest(
  manifest: Manifest,
  part: { index: number; of: number },
  maxShardBytes: number,
  plan: number,
  built: number[],
): PartManifest {
  if (built.length !== manifest.shards.length) throw new Error("part manifest: shard lists differ");
  return {
    format: "flexmix-fm-index-part",
    version: FORMAT_VERSION,
    part,
    source: manifest.source,
    saRate: manifest.saRate,
    isaRate: manifest.isaRate,
    maxShardBytes,
    plan,
    shards: manifest.shards,
  };
}

function readPart(dir: string): PartManifest {
  const path = join(dir, "manifest.json");
  if (!existsSync(path)) throw new FmIndexFileError("INDEX_MISSING", path, "no index part here");
  let m: PartManifest;
  try {
    m = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    throw new FmIndexFileError("INDEX_CORRUPT", path, "manifest.json is not valid JSON");
  }
  if (m.format !== "flexmix-fm-index-part") {
    throw new FmUsageError(
      `${dir} is not an index part (built with --part i/N); its manifest format is ${JSON.stringify(m.format)}`,
    );
  }
  if (m.version !== FORMAT_VERSION) {
    throw new FmUsageError(
      `${dir}: format version ${m.version}, this program reads ${FORMAT_VERSION}; build the part again with \`index build --part i/N\``,
    );
  }
  return m;
}

/** SHA-256 of a file, read in 4 MiB blocks (flat memory). */
function sha256File(path: string): string {
  const hash = createHash("sha256");
  const buf = Buffer.allocUnsafe(4 << 20);
  const fd = openSync(path, "r");
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

/**
 * Joins part folders into one index folder (written to a temporary folder and renamed into place). Refuses
 * parts of different inputs, settings or part counts, a missing or repeated part, and a shard file whose
 * SHA-256 differs from its part manifest. Copies the shard files (the parts stay intact). Time O(index
 * size); memory flat.
 */
export function mergeIndexParts(opts: { parts: string[]; out: string }): Manifest {
  if (opts.parts.length === 0) throw new FmUsageError("give the part folders to merge");
  const parts = opts.parts.map((dir) => ({ dir, m: readPart(dir) }));
  const first = parts[0];
  for (const p of parts.slice(1)) {
    const check = (what: string, get: (m: PartManifest) => unknown) => {
      const [x, y] = [JSON.stringify(get(first.m)), JSON.stringify(get(p.m))];
      if (x !== y) {
        throw new FmUsageError(
          `${first.dir} and ${p.dir} differ in ${what} (${x} vs ${y}): they are not parts of one build`,
        );
      }
    };
    check("input", (m) => m.source);
    check("settings", (m) => ({ saRate: m.saRate, isaRate: m.isaRate, maxShardBytes: m.maxShardBytes }));
    check("shard plan", (m) => ({ shards: m.plan, parts: m.part.of }));
  }
  const of = first.m.part.of;
  const seen = new Map<number, string>();
  for (const { dir, m } of parts) {
    const prev = seen.get(m.part.index);
    if (prev) throw new FmUsageError(`part ${m.part.index}/${of} is given twice (${prev} and ${dir})`);
    seen.set(m.part.index, dir);
  }
  const missing = Array.from({ length: of }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    throw new FmUsageError(
      `missing part${missing.length > 1 ? "s" : ""} ${missing.map((i) => `${i}/${of}`).join(", ")}`,
    );
  }
  const located = parts.flatMap(({ dir, m }) => m.shards.map((s) => ({ dir, s })));
  located.sort((a, b) => (a.s.file < b.s.file ? -1 : 1));
  if (located.length !== first.m.plan || located.some(({ s }, k) => s.file !== shardFileName(k))) {
    throw new FmUsageError(`the parts hold ${located.length} shards; the plan has ${first.m.plan}`);
  }

  const out = resolve(opts.out);
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}-${Date.now().toString(36)}`;
  mkdirSync(tmp, { recursive: true });
  try {
    for (const { dir, s } of located) {
      const from = join(dir, s.file);
      if (!existsSync(from)) throw new FmIndexFileError("INDEX_MISSING", from, "shard file missing");
      const to = join(tmp, s.file);
      copyFileSync(from, to);
      if (sha256File(to) !== s.sha256) {
        throw new FmIndexFileError("INDEX_CORRUPT", from, "SHA-256 differs from the part manifest");
      }
    }
    const manifest = indexManifest(
      first.m.source,
      first.m.saRate,
      first.m.isaRate,
      located.map(({ s }) => s),
    );
    writeFileSync(join(tmp, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    replaceDirAtomically(tmp, out);
    return manifest;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
