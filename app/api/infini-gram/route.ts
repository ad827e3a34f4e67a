import { z } from "zod";
import { handler, json, readJson } from "@/lib/http";
import { INFINI_GRAM_LIMITS, parseInfiniGramRequest } from "@/lib/search/infini-gram";
import { runInfiniGram } from "@/lib/search/run";
import { searchIndex } from "@/lib/search/served-index";

export const dynamic = "force-dynamic";

/**
 * Public, infini-gram-compatible: POST {"index": "flexmix-mini", "query_type": "count" | "find" |
 * "get_doc_by_rank" | "search_docs", "query": "...", ...}. Errors are {"error": "..."} with a 4xx status.
 */
export const POST = handler(
  "public",
  async (req) => {
    const body = await readJson(req, z.unknown(), INFINI_GRAM_LIMITS.maxBodyBytes);
    const { service, info } = await searchIndex();
    const parsed = parseInfiniGramRequest(body, info);
    return json(await runInfiniGram(service, info, parsed));
  },
  { throttle: ["infini-gram"] },
);
