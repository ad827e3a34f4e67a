/**
 * Answers a validated infini-gram request from the index service, in infini-gram's response shape with
 * `latency` (milliseconds spent in the engine, including the hop to its worker thread).
 */

import type { DocWindow, FindResult } from "@/engine/fm/index";
import type { IndexBackend } from "@/engine/fm/index-service";
import { HttpError } from "../http-error";
import {
  byteTokens,
  contextBytes,
  countResponse,
  displayOrder,
  documentResponse,
  findResponse,
  type IndexInfo,
  type InfiniGramRequest,
  occurrenceRank,
  searchMessage,
} from "./infini-gram";

export type SearchService = Pick<IndexBackend, "count" | "find" | "getDocByRank" | "batch">;

const round = (ms: number) => Math.round(ms * 1000) / 1000;

export async function runInfiniGram(
  service: SearchService,
  info: IndexInfo,
  req: InfiniGramRequest,
): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  switch (req.queryType) {
    case "count": {
      const r = await service.count(req.bytes, { domains: req.domains });
      return { ...countResponse(r, info), latency: round(performance.now() - t0), ...byteTokens(req.bytes) };
    }
    case "find": {
      const r = await service.find(req.bytes, { domains: req.domains });
      return { ...findResponse(r, info), latency: round(performance.now() - t0), ...byteTokens(req.bytes) };
    }
    case "get_doc_by_rank": {
      const needle = req.query?.bytes.length ?? 0;
      if (req.query) {
        // Without this check a rank from another query would highlight bytes that are not the needle.
        const found: FindResult = await service.find(req.query.bytes);
        const seg = found.segments.find((x) => x.shard === req.s) ?? { lo: 0, hi: 0 };
        if (req.rank < seg.lo || req.rank >= seg.hi) {
          throw new HttpError(
            400,
            `rank ${req.rank} is out of range: the query's segment in shard ${req.s} is [${seg.lo}, ${seg.hi})`,
          );
        }
      }
      const win = await service.getDocByRank(req.s, req.rank, {
        needleLength: needle,
        maxContextBytes: contextBytes(req.maxDispLen, needle, req.maxCtxLen),
      });
      return {
        ...documentResponse(win, req.s, req.rank, info, req.query?.text ?? null),
        latency: round(performance.now() - t0),
        ...(req.query ? { query_token_ids: byteTokens(req.query.bytes).token_ids } : {}),
      };
    }
    case "search_docs": {
      const found = await service.find(req.bytes, { domains: req.domains });
      const cnt = found.count;
      const idxs: number[] = [];
      for (let j = req.offset; j < Math.min(cnt, req.offset + req.maxnum); j++)
        idxs.push(displayOrder(cnt, j));
      const at = idxs.map((k) => occurrenceRank(found.segments, k));
      const ctx = contextBytes(req.maxDispLen, req.bytes.length, null);
      const answers = await service.batch(
        at.map(({ shard, rank }) => ({
          op: "getDocByRank" as const,
          shard,
          rank,
          opts: { needleLength: req.bytes.length, maxContextBytes: ctx },
        })),
      );
      const documents = answers.map((a, i) => {
        if (!a.ok) throw a.error;
        return documentResponse(a.result as DocWindow, at[i].shard, at[i].rank, info, req.text);
      });
      const next = req.offset + req.maxnum;
      return {
        cnt,
        approx: false,
        idxs,
        documents,
        message: searchMessage(cnt, idxs),
        next_offset: next < cnt ? next : null,
        latency: round(performance.now() - t0),
        ...byteTokens(req.bytes),
      };
    }
  }
}
