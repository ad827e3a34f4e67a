/**
 * The parts of a query that every index answers the same way, whether its shards are in this process
 * (FmIndex) or behind shard servers (engine/serve's RemoteIndex): checking the query and the shards it
 * names, assembling per-shard rows into a CountResult or FindResult, and choosing which occurrences to
 * show as documents. So the two give the same results and the same errors by construction.
 */

import { FmQueryError } from "./errors";
import type { CountResult, FindResult, FindSegment, QueryOptions, ShardRef } from "./fm-index";

/** What these functions need of a shard: its name and domain (a position in the list is its number). */
export interface NamedShard {
  name: string;
  domain: string;
}

const encoder = new TextEncoder();

/** UTF-8 bytes of a query, checked for emptiness and length. Throws FmQueryError. */
export function queryBytes(query: Uint8Array | string, maxQueryBytes: number): Uint8Array {
  const bytes = typeof query === "string" ? encoder.encode(query) : query;
  if (bytes.length === 0) throw new FmQueryError("EMPTY_QUERY", "the query is empty");
  if (bytes.length > maxQueryBytes) {
    throw new FmQueryError(
      "QUERY_TOO_LONG",
      `the query is ${bytes.length} bytes; the limit is ${maxQueryBytes} bytes`,
    );
  }
  return bytes;
}

/** Resolves a shard number or name. Throws FmQueryError UNKNOWN_SHARD. Time O(S). */
export function shardIndex(shards: readonly NamedShard[], ref: ShardRef): number {
  const i = typeof ref === "number" ? ref : shards.findIndex((s) => s.name === ref);
  if (!Number.isInteger(i) || i < 0 || i >= shards.length) {
    throw new FmQueryError(
      "UNKNOWN_SHARD",
      `unknown shard ${JSON.stringify(ref)} (shards: ${shards.map((s) => s.name).join(", ")})`,
    );
  }
  return i;
}

/**
 * Shard numbers to search: those of `opts.domains` (all when omitted), narrowed to `opts.shards` when given.
 * Unknown domains, then unknown shards, throw FmQueryError. Time O(S).
 */
export function selectShards(
  shards: readonly NamedShard[],
  domains: readonly string[],
  opts: QueryOptions = {},
): number[] {
  if (opts.shards) {
    const inDomains = new Set(selectShards(shards, domains, { domains: opts.domains }));
    return opts.shards.map((s) => shardIndex(shards, s)).filter((s) => inDomains.has(s));
  }
  if (!opts.domains) return shards.map((_, i) => i);
  for (const d of opts.domains) {
    if (!domains.includes(d)) {
      throw new FmQueryError("UNKNOWN_DOMAIN", `unknown domain "${d}" (known: ${domains.join(", ")})`);
    }
  }
  return shards.flatMap((s, i) => (opts.domains!.includes(s.domain) ? [i] : []));
}

/** Occurrences per shard, per domain and in all: shard ids[k] has `countOf(k)`. Time O(S). */
export function countResult(
  shards: readonly NamedShard[],
  ids: readonly number[],
  countOf: (k: number) => number,
): CountResult {
  const byShard: CountResult["byShard"] = [];
  const byDomain: Record<string, number> = {};
  let count = 0;
  for (let k = 0; k < ids.length; k++) {
    const s = shards[ids[k]];
    const c = countOf(k);
    byShard.push({ shard: s.name, domain: s.domain, count: c });
    byDomain[s.domain] = (byDomain[s.domain] ?? 0) + c;
    count += c;
  }
  return { count, byShard, byDomain };
}

/** The shards where a query occurs, with their rows: shard ids[k] has rows `rowsOf(k)` ([lo, hi)). Time O(S). */
export function findResult(
  shards: readonly NamedShard[],
  ids: readonly number[],
  rowsOf: (k: number) => readonly [lo: number, hi: number] | undefined,
): FindResult {
  const segments: FindSegment[] = [];
  let count = 0;
  for (let k = 0; k < ids.length; k++) {
    const r = rowsOf(k);
    if (!r || r[1] <= r[0]) continue;
    const s = shards[ids[k]];
    segments.push({ shard: ids[k], name: s.name, domain: s.domain, lo: r[0], hi: r[1] });
    count += r[1] - r[0];
  }
  return { count, segments };
}

/**
 * The occurrences to show as up to `maxDocs` documents: spread evenly over all of them (the k-th of `want`
 * is occurrence floor(k * count / want) in segment order), so the choice is deterministic. Time O(want * S).
 */
export function spreadOccurrences(found: FindResult, maxDocs = 10): { shard: number; rank: number }[] {
  const want = Math.min(found.count, Math.max(0, maxDocs));
  const at: { shard: number; rank: number }[] = [];
  for (let k = 0; k < want; k++) {
    let r = Math.floor((k * found.count) / want);
    for (const seg of found.segments) {
      if (r < seg.hi - seg.lo) {
        at.push({ shard: seg.shard, rank: seg.lo + r });
        break;
      }
      r -= seg.hi - seg.lo;
    }
  }
  return at;
}
