/**
 * The memory budget of a build and the shard size it allows: every build worker holds one shard's suffix
 * sorting memory at once (WORKER_BYTES_PER_SHARD_BYTE per byte) besides the reading thread, so the budget
 * fixes the largest shard. Fewer, larger shards make queries cheaper; smaller ones build with less memory.
 */

import { totalmem } from "node:os";
import type { BuildOptions } from "./build";
import { MAX_SHARD_BYTES } from "./build-shard";
import { FmUsageError } from "./errors";

const MiB = 1024 * 1024;
/** The smallest shard size chooseShardBytes picks; sizes are multiples of it. */
export const MIN_SHARD_BYTES = 16 * MiB;
/**
 * Peak memory of a build worker per byte of the largest shard it builds: the text (n) and SA (4n) during
 * suffix sorting (measured 5.3x for the default corpus, worker's heap included), with room for a shard whose
 * bytes need two bytes per symbol.
 */
export const WORKER_BYTES_PER_SHARD_BYTE = 6;
/** Memory of the reading thread (Node.js, lines being parsed, document metadata), set aside from the budget. */
export const READER_RESERVE_BYTES = 512 * MiB;

/** The default memory budget of a build: a quarter of the machine's memory. */
export function defaultMemoryBudget(): number {
  return Math.floor(totalmem() / 4);
}

/**
 * The shard size for a memory budget: every worker may hold a shard's working memory at once
 * (WORKER_BYTES_PER_SHARD_BYTE per byte) besides the reading thread (READER_RESERVE_BYTES), rounded down to
 * a multiple of 16 MiB, at most MAX_SHARD_BYTES. Throws FmUsageError when not even 16 MiB shards fit.
 */
export function chooseShardBytes(memoryBytes: number, workers: number): number {
  const builders = Math.max(1, workers);
  const per = (memoryBytes - READER_RESERVE_BYTES) / (builders * WORKER_BYTES_PER_SHARD_BYTE);
  const size = Math.min(MAX_SHARD_BYTES, Math.floor(per / MIN_SHARD_BYTES) * MIN_SHARD_BYTES);
  if (!(size >= MIN_SHARD_BYTES)) {
    const need = READER_RESERVE_BYTES + builders * WORKER_BYTES_PER_SHARD_BYTE * MIN_SHARD_BYTES;
    throw new FmUsageError(
      `a memory budget of ${(memoryBytes / 2 ** 30).toFixed(2)} GiB is too small for ${builders} build worker(s): ` +
        `shards of at least 16 MiB need ${(need / 2 ** 30).toFixed(2)} GiB; give more memory or fewer workers`,
    );
  }
  return size;
}

/**
 * The shard size limit and memory budget of a build from its options (see BuildOptions): the budget's
 * choice, or the given limit, checked against the budget when both are given.
 */
export function shardPlan(opts: Pick<BuildOptions, "maxShardBytes" | "memoryBytes" | "workers">): {
  shardBytes: number;
  memoryBytes: number | null;
} {
  const workers = Math.max(0, opts.workers ?? 2);
  if (opts.maxShardBytes !== undefined) {
    if (!(opts.maxShardBytes >= 1)) throw new FmUsageError("the shard size must be at least 1 byte");
    const shardBytes = Math.min(opts.maxShardBytes, MAX_SHARD_BYTES);
    if (opts.memoryBytes !== undefined) {
      const need = READER_RESERVE_BYTES + Math.max(1, workers) * WORKER_BYTES_PER_SHARD_BYTE * shardBytes;
      if (need > opts.memoryBytes) {
        throw new FmUsageError(
          `shards of ${(shardBytes / MiB).toFixed(0)} MiB with ${Math.max(1, workers)} worker(s) need about ` +
            `${(need / 2 ** 30).toFixed(2)} GiB, more than the memory budget of ${(opts.memoryBytes / 2 ** 30).toFixed(2)} GiB`,
        );
      }
    }
    return { shardBytes, memoryBytes: opts.memoryBytes ?? null };
  }
  if (opts.memoryBytes !== undefined) {
    return { shardBytes: chooseShardBytes(opts.memoryBytes, workers), memoryBytes: opts.memoryBytes };
  }
  // The default budget of a small machine may not fit 16 MiB shards: build them anyway.
  const memoryBytes = defaultMemoryBudget();
  let shardBytes = MIN_SHARD_BYTES;
  try {
    shardBytes = chooseShardBytes(memoryBytes, workers);
  } catch {}
  return { shardBytes, memoryBytes };
}
