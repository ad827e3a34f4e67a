/** The queries the index service runs, as plain messages (shared by the service and its workers). */

import type { ContaminationEntry } from "./contamination";
import type { FmIndex, QueryOptions } from "./fm-index";
import type { RankRange } from "./shard";

export type ServiceQuery =
  | { op: "count"; query: string | Uint8Array; opts?: QueryOptions }
  | { op: "countAll"; query: string | Uint8Array; opts?: QueryOptions }
  | { op: "find"; query: string | Uint8Array; opts?: QueryOptions }
  | { op: "locate"; shard: number | string; rank: number }
  | { op: "extract"; shard: number | string; pos: number; len: number }
  | {
      op: "getDocByRank";
      shard: number | string;
      rank: number;
      opts?: { needleLength?: number; maxContextBytes?: number };
    }
  | {
      op: "getDocByPosition";
      shard: number | string;
      position: number;
      opts?: { length?: number; maxContextBytes?: number };
    }
  | { op: "getDocument"; shard: number | string; docIndex: number; opts?: { maxBytes?: number } }
  | {
      op: "searchDocs";
      query: string | Uint8Array;
      opts?: QueryOptions & { maxDocs?: number; maxContextBytes?: number };
    }
  | { op: "extendAllLeft"; ranges: RankRange[]; byte: number }
  | { op: "contamination"; entries: ContaminationEntry[]; opts?: QueryOptions };

/** Runs one message on the index: one typed case per message (alike in shape only; each calls its own method). */
export function runQuery(index: FmIndex, q: ServiceQuery): unknown {
  switch (q.op) {
    case "count":
      return index.count(q.query, q.opts);
    case "countAll":
      return index.countAll(q.query, q.opts);
    case "find":
      return index.find(q.query, q.opts);
    case "locate":
      return index.locate(q.shard, q.rank);
    case "extract":
      return index.extract(q.shard, q.pos, q.len);
    case "getDocByRank":
      return index.getDocByRank(q.shard, q.rank, q.opts);
    case "getDocByPosition":
      return index.getDocByPosition(q.shard, q.position, q.opts);
    case "getDocument":
      return index.getDocument(q.shard, q.docIndex, q.opts);
    case "searchDocs":
      return index.searchDocs(q.query, q.opts);
    case "extendAllLeft":
      return index.extendAllLeft(q.ranges, q.byte);
    case "contamination":
      return index.contamination(q.entries, q.opts);
  }
}
