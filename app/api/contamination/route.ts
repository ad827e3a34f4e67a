import { z } from "zod";
import { handler, json, readJson } from "@/lib/http";
import { CONTAMINATION_LIMITS, parseContaminationRequest, summarize } from "@/lib/search/contamination";
import { searchIndex } from "@/lib/search/served-index";

export const dynamic = "force-dynamic";

/**
 * Public: POST {"entries": [{"id"?, "text"}], "domains"?: [...]} -> each entry's probes (50-character
 * substrings at word starts), share found in the corpus and label (clean < 20% <= suspicious < 80% <= dirty),
 * and a summary. 413 over the limits in CONTAMINATION_LIMITS.
 */
export const POST = handler(
  "public",
  async (req) => {
    const body = await readJson(req, z.unknown(), CONTAMINATION_LIMITS.maxBodyBytes);
    const { service, info } = await searchIndex();
    const { entries, domains } = parseContaminationRequest(body, info.domains);
    const t0 = performance.now();
    const results = await service.contamination(entries, { domains });
    const latency = Math.round((performance.now() - t0) * 1000) / 1000;
    return json({ results, summary: summarize(results), latency });
  },
  { throttle: ["contamination"] },
);
